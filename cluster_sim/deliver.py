"""`clustersim deliver FILE`: send rounds saved at shutdown to the API, later.

Each round goes out as its leader would have sent it (the same parameters,
the epoch and cluster id saved in the file, the token header when there is a
secret), in round order. The API stores a (cluster, round) once, so sending a
file twice stores nothing twice; a 409 means a newer epoch was accepted
meanwhile and that round is refused.

    code = run_deliver("~/.local/state/clustersim/undelivered-default-20250101-101500.jsonl",
                       api_url=None, secret="")   # 0: all stored; 1: some refused; 2: could not try
"""

import json
import os
import sys
from dataclasses import dataclass, field
from typing import List, Optional, TextIO

import requests

from cluster_sim.node.aggregate import Aggregate
from cluster_sim.node.delivery import delivery_params
from cluster_sim.protocol.saved_rounds import SavedHeader, SavedRoundsError, read_rounds
from cluster_sim.base.secret import TOKEN_HEADER, api_token

TIMEOUT = (2.0, 5.0)  # the sender's: connect, read


class DeliverError(Exception):
    """Nothing more can be sent now (file, API, token); the message is one line."""


@dataclass
class Outcome:
    delivered: int = 0
    already: int = 0                                   # stored before (by us or a leader)
    refused: List[str] = field(default_factory=list)   # "round N: why"

    @property
    def all_stored(self) -> bool:
        return not self.refused


def deliver_rounds(header: SavedHeader, rounds: List[dict], api_url: str, secret: str = "",
                   session: Optional[requests.Session] = None) -> Outcome:
    """Send every round; raises DeliverError when the API cannot be reached or
    refuses our token (what was stored until then stays stored)."""
    url = api_url.rstrip("/") + "/nuevo"
    headers = {TOKEN_HEADER: api_token(secret)} if secret else {}
    session = session or requests.Session()
    out = Outcome()
    for entry in rounds:
        agg = Aggregate.from_bytes(json.dumps(entry).encode())  # as the sender reads an outbox entry
        params = delivery_params(agg, header.epoch, header.leader, header.cluster)
        try:
            answer = session.get(url, params=params, headers=headers, timeout=TIMEOUT)
        except requests.RequestException as exc:
            raise DeliverError(f"cannot reach the API at {api_url} ({type(exc).__name__})") from None
        if answer.status_code == 401:
            raise DeliverError("the API refused our token (401): pass the cluster's secret "
                               "(--secret or CLUSTERSIM_SECRET)")
        if answer.status_code >= 500:
            raise DeliverError(f"the API at {api_url} answered HTTP {answer.status_code}")
        if 200 <= answer.status_code < 300:
            if _body(answer).get("duplicate") is True:
                out.already += 1
            else:
                out.delivered += 1
        else:
            # 409: a newer epoch was accepted meanwhile; other 4xx: the API will never take it
            why = _body(answer).get("error") or f"HTTP {answer.status_code}"
            out.refused.append(f"round {agg.round}: refused ({answer.status_code}, {why})")
    return out


def _body(answer: requests.Response) -> dict:
    try:
        body = answer.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def run_deliver(path: str, api_url: Optional[str] = None, secret: str = "", out: Optional[TextIO] = None,
                err: Optional[TextIO] = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        header, rounds = read_rounds(path)
    except SavedRoundsError as exc:
        err.write(f"clustersim: {exc}\n")
        return 2
    url = api_url or header.api_url
    if not url:
        err.write(f"clustersim: {path} names no API: pass --api-url URL\n")
        return 2
    if not url.startswith(("http://", "https://")):
        err.write(f"clustersim: API url {url!r} must start with http:// or https://\n")
        return 2
    if header.secret and not secret:
        out.write("note: the cluster had a secret; an API that wants its token needs --secret\n")
    try:
        result = deliver_rounds(header, rounds, url, secret)
    except DeliverError as exc:
        err.write(f"clustersim: {exc}; {path} kept, nothing lost: run this again later"
                  + ("" if api_url else " (or pass --api-url URL)") + "\n")
        return 2
    for line in result.refused:
        out.write(line + "\n")
    out.write(f"{result.delivered} delivered, {result.already} already stored, "
              f"{len(result.refused)} refused (to {url})\n")
    if not result.all_stored:
        out.write(f"{path} kept: {len(result.refused)} of its {len(rounds)} rounds are not stored\n")
        return 1
    out.write(_retire(path) + "\n")
    return 0


def _retire(path: str) -> str:
    """Every round is stored: rename the file so it is not sent again by mistake."""
    if path.endswith(".delivered"):
        return f"every round is stored; {path} kept"
    done = path + ".delivered"
    try:
        os.replace(path, done)
    except OSError as exc:
        return f"every round is stored; {path} kept (cannot rename it: {exc.strerror or exc})"
    return f"every round is stored: {path} renamed to {done}"
