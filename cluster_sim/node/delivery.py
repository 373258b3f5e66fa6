"""The sender: delivers the outbox to the API in round order, exactly once.

Runs beside the leader's round loop and never blocks it. Before every send it
checks that the term may act and that its election znode still exists (a
round trip to ZooKeeper, so a leader whose session expired while it was
paused learns it before it sends). Network errors and 5xx answers back off
exponentially with jitter, capped; a 409 from the API means a newer epoch has
delivered: the term ends and the node steps down.

    sender = Sender(client, term, outbox, api_url, node_id="1", cluster="ab12",
                    report=print, retry_max=30.0)
    sender.start(); ...; term.end("stepping down"); sender.join()
"""

import random
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, NoReturn, Optional, Tuple

import requests
from kazoo.exceptions import ConnectionLoss, NoNodeError, SessionExpiredError

from cluster_sim.protocol import paths
from cluster_sim.node.aggregate import Aggregate
from cluster_sim.node.settings import Report
from cluster_sim.node.term import Fenced, Term
from cluster_sim.base.secret import TOKEN_HEADER, api_token

if TYPE_CHECKING:
    from kazoo.client import KazooClient

    from cluster_sim.node.outbox import Outbox

BASE_BACKOFF = 0.2
MAX_MISSING = 1024  # the API's limit for the missing list; `expected` keeps the true number


def _fit(ids: Iterable[str], limit: int) -> str:
    text = ""
    for node_id in ids:
        candidate = f"{text},{node_id}" if text else node_id
        if len(candidate) > limit:
            break
        text = candidate
    return text


def delivery_params(agg: Aggregate, epoch: int, node_id: str, cluster: str) -> Dict[str, Any]:
    params: Dict[str, Any] = {
        "leader": node_id,
        "epoch": epoch,
        "round": agg.round,
        "count": agg.count,
        "cluster": cluster,
    }
    if agg.expected is not None:
        params["expected"] = agg.expected
    if agg.missing:
        params["missing"] = _fit(agg.missing, MAX_MISSING)
    if agg.count:
        params.update({"dato": agg.mean, "min": agg.min, "max": agg.max})
    return params


class Sender(threading.Thread):
    def __init__(self, client: "KazooClient", term: Term, outbox: "Outbox", api_url: str, node_id: str,
                 cluster: str, report: Report, retry_max: float = 30.0, clock: Callable[[], float] = time.time,
                 rng: Optional[random.Random] = None, secret: str = "",
                 on_outcome: Optional[Callable[[bool, str], None]] = None) -> None:
        super().__init__(name=f"sender-{node_id}", daemon=True)
        self.client = client
        self.term = term
        self.outbox = outbox
        self.api_url = api_url.rstrip("/")
        self.url = self.api_url + "/nuevo"
        # called with (ok, error) after every delivery attempt that reached a verdict on the
        # API's reachability: the node's reach and the leader znode say it at once
        self.on_outcome = on_outcome
        self.node_id = node_id
        self.cluster = cluster
        self.report = report
        self.retry_max = retry_max
        self.clock = clock
        self.rng = rng or random.Random()
        self.api_ok: Optional[bool] = None
        self.error = ""       # why the last delivery failed, while it cannot deliver
        self.down_since: Optional[float] = None
        self.delivered = 0
        self.last_delivered: Optional[Tuple[int, Optional[float], int]] = None  # (round, mean, count)
        self._attempt = 0
        self._recovered: Optional[int] = None  # rounds delivered since the API came back
        self._warned_plain_api = False
        self.headers = {TOKEN_HEADER: api_token(secret)} if secret else {}

    # -- the loop ---------------------------------------------------------
    def run(self) -> None:
        session = requests.Session()
        try:
            while not self.term.over():
                if not self.term.acting():
                    self.term.ended.wait(0.05)
                    continue
                round_no = self.outbox.wait_oldest(0.25)
                if round_no is None:
                    continue
                try:
                    self._deliver(session, round_no)
                except Fenced:
                    break
                except (ConnectionLoss, SessionExpiredError):
                    continue  # the term notices SUSPENDED / LOST by itself
                except Exception as exc:  # never let the sender die silently
                    self.report("error", code="sender_error", error=type(exc).__name__, text=f"sender: {exc!r}")
                    self.term.ended.wait(0.5)
        finally:
            session.close()

    def _deliver(self, session: requests.Session, round_no: int) -> None:
        try:
            data, _ = self.client.get(paths.outbox_entry(round_no))
        except NoNodeError:
            self.outbox.discard(round_no)
            return
        agg = Aggregate.from_bytes(data)
        # The guard: our election znode must still be there, asked of the server.
        if self.client.exists(self.term.election_node) is None:
            self.term.end("our election znode is gone")
            raise Fenced(self.term.reason)
        params = delivery_params(agg, self.term.epoch, self.node_id, self.cluster)
        try:
            response = session.get(self.url, params=params, headers=self.headers, timeout=(2.0, 5.0))
        except requests.RequestException as exc:
            self._failed(f"{type(exc).__name__}")
            return
        if response.status_code == 409:
            self._fenced(response)
        if 200 <= response.status_code < 300:
            self._confirmed(agg, response)
        elif response.status_code == 401:
            # a configuration problem, not this round's: keep it and retry
            if self.api_ok is not False:
                self.report("error", code="token_refused",
                            text="the API refused our token (401): is it the cluster's --secret?")
            self._failed("HTTP 401")
        elif 400 <= response.status_code < 500:
            # The API will never take this one: waiting would block every later round.
            self.report("error", code="round_refused", round=round_no, error=str(response.status_code),
                        text=f"API refused round {round_no} ({response.status_code}): dropped")
            self._remove(round_no)
        else:
            self._failed(f"HTTP {response.status_code}")

    # -- outcomes ---------------------------------------------------------
    def _fenced(self, response: requests.Response) -> NoReturn:
        try:
            detail = response.json().get("error") or ""
        except ValueError:
            detail = ""
        text = detail if detail.startswith("fenced") else f"fenced: epoch {self.term.epoch} refused by the API"
        self.report("fenced", text=text, epoch=self.term.epoch)
        self.term.end(text)
        raise Fenced(text)

    def _remove(self, round_no: int) -> None:
        txn = self.term.transaction()
        txn.delete(paths.outbox_entry(round_no))
        self.term.commit(txn)  # a NoNode on the delete (dropped meanwhile) is fine
        self.outbox.discard(round_no)

    def _confirmed(self, agg: Aggregate, response: requests.Response) -> None:
        self._check_api_kind(response)
        self._remove(agg.round)
        self.delivered += 1
        self.last_delivered = (agg.round, agg.mean, agg.count)
        self._attempt = 0
        if self.api_ok is False:
            self._recovered = 0
        self.api_ok, self.error = True, ""
        if self.on_outcome is not None:
            self.on_outcome(True, "")
        if self._recovered is not None:
            self._recovered += 1
            if self.outbox.depth() == 0:
                self.report("api_back", delivered=self._recovered, since=self.down_since, url=self.api_url)
                self._recovered = None
                self.down_since = None
        self.report("delivered", round=agg.round, mean=agg.mean, count=agg.count, epoch=self.term.epoch)

    def _check_api_kind(self, response: requests.Response) -> None:
        try:
            ok = isinstance(response.json(), dict) and "id" in response.json()
        except ValueError:
            ok = False
        if not ok and not self._warned_plain_api:
            self._warned_plain_api = True
            self.report("warn", code="plain_api", text="the API does not answer in clustersim's JSON: "
                                     "re-sent rounds may be stored twice")

    def _failed(self, why: str) -> None:
        if self.api_ok is not False:
            self.api_ok, self.error = False, why
            self.down_since = self.down_since or self.clock()
            self._recovered = None
            self.report("api_down", since=self.down_since, error=why, url=self.api_url)
        if self.on_outcome is not None:
            self.on_outcome(False, why)
        self._attempt += 1
        delay = min(self.retry_max, BASE_BACKOFF * (2 ** min(self._attempt, 20)))
        self.term.ended.wait(delay * self.rng.uniform(0.5, 1.0))
