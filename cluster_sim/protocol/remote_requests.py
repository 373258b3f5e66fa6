"""Commands through ZooKeeper: a request znode for a member on another machine.

    from cluster_sim.protocol import remote_requests as rr

    card = rr.card(client, "app3")                # the taker listening for node 3, or None
    path = rr.ask(client, "app3", "kill", {"hard": True}, to=card)
    done = rr.wait(client, path, bound=3.0)       # the outcome (dict), or None: no answer in time
    rr.sweep(client, older_than=60.0)             # requests nobody will answer any more

    # the taker, on its own machine (the loop of protocol/taker.py, which node/requests.py and
    # zk/agent.py run):
    rr.register(client, "app3", relays=True)      # its card (ephemeral), under its control session
    for path, req, version in rr.pending(client, "app3", session):
        if rr.take(client, path, req, version):   # a versioned set: at most once
            ...act...; rr.answer(client, path, req, {"ok": True})

The layout (paths.py): /clustersim/takers/{TARGET} is a taker's card, an
ephemeral znode of its own control session (pid, host, relays);
/clustersim/requests/{TARGET} its mailbox, where each request is a persistent
sequential child req-{SEQ}. TARGET is app{ID} for a node and may be any other
name for another taker (a ZooKeeper server's host agent).
Requests are created with the client's default ACL, the cluster's when it has
a secret: a client without the secret gets NoAuth, ZooKeeper itself refuses.

At most once: a request names the session and pid of the taker it is for
(its card's). A taker acts only on requests for its current session and
process, and only after its versioned set from "asked" to
"taken" succeeded: a restarted process, or one whose session expired, never
replays an old request, and a supervisor that gave up deletes the request
with the version it asked at, so a late taker's set fails and it does not act.
"""

import json
import os
import socket
import time
import uuid
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple

from kazoo.exceptions import BadVersionError, NodeExistsError, NoNodeError
from kazoo.retry import KazooRetry

from cluster_sim.protocol import paths

__all__ = ["ASKED", "TAKEN", "DONE", "Card", "server_taker", "mailbox", "card_path", "card", "register", "ask", "wait", "give_up", "pending",
           "take", "answer", "sweep"]

ASKED, TAKEN, DONE = "asked", "taken", "done"
POLL = 0.05          # how often a waiting supervisor reads the request (s)
RECONNECT = 10.0     # how long the asking side retries a read or write whose connection dropped (s)


def _again(func: Any, *args: Any, **kwargs: Any) -> Any:
    """`func` retried while the connection drops (ConnectionLoss: kazoo reconnects within the
    session, say to another server of an ensemble whose server just stopped or came back),
    for RECONNECT seconds at most. For the asking side (sweep, ask, wait): a teacher's
    zk-pause right after a zk-start must not fail on the server it happened to be talking to.
    (Not `card`: the supervisor's loop reads cards, and must not wait.)"""
    return KazooRetry(max_tries=-1, delay=0.1, max_delay=1.0, deadline=RECONNECT, ignore_expire=False)(
        func, *args, **kwargs)


@dataclass(frozen=True)
class Card:
    """A taker listening: its ephemeral znode in /clustersim/takers."""

    session: int                 # its control session (the znode's owner): what requests name
    pid: int
    host: str
    relays: bool                 # it has relays of its own (partition, slow, heal work)
    since: float


def server_taker(index: int) -> str:
    """ZooKeeper server N's taker (its member's agent, zk/agent.py): zk{N}; a node's is app{ID}."""
    return f"zk{index}"


def mailbox(target: str) -> str:
    return f"{paths.REQUESTS}/{target}"


def card_path(target: str) -> str:
    return f"{paths.TAKERS}/{target}"


def _load(data: bytes) -> Dict[str, Any]:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _dump(value: Mapping[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode("utf-8")


def card(client: Any, target: str) -> Optional[Card]:
    """The taker listening for `target`, or None (none: a node of the original design, one
    gone, or one that cannot reach ZooKeeper)."""
    try:
        data, stat = client.get(card_path(target))
    except NoNodeError:
        return None
    raw = _load(data)
    if not stat.ephemeralOwner:
        return None
    return Card(session=int(stat.ephemeralOwner), pid=int(raw.get("pid") or 0), host=str(raw.get("host") or ""),
                relays=raw.get("relays") is True, since=float(raw.get("since") or 0.0))


def register(client: Any, target: str, relays: bool) -> int:
    """Say we listen, under our current session (the card of an earlier incarnation of ours,
    whose session has not expired yet, is replaced); returns that session."""
    session = int(client.client_id[0])
    data = _dump({"pid": os.getpid(), "host": socket.gethostname(), "relays": relays, "since": time.time()})
    client.ensure_path(paths.TAKERS)
    client.ensure_path(mailbox(target))
    while True:
        try:
            client.create(card_path(target), data, ephemeral=True)
            return session
        except NodeExistsError:
            pass
        try:
            _, stat = client.get(card_path(target))
            if stat.ephemeralOwner == session:
                client.set(card_path(target), data)
                return session
            client.delete(card_path(target), version=stat.version)
        except (NoNodeError, BadVersionError):
            continue


def ask(client: Any, target: str, cmd: str, args: Mapping[str, Any], to: Card, by: str = "") -> str:
    """Create the request for the taker `to`; returns its path (NoAuthError without the cluster's secret).
    A create whose connection dropped may have landed or not: the request carries a nonce, looked
    for before the create is tried again, so that the taker never finds it twice."""
    nonce = uuid.uuid4().hex
    data = _dump({"cmd": cmd, "args": dict(args), "session": to.session, "pid": to.pid, "asked_at": time.time(),
                  "by": by, "state": ASKED, "nonce": nonce})
    tried: List[bool] = []

    def create() -> str:
        if tried:
            landed = _with_nonce(client, target, nonce)
            if landed is not None:
                return landed
        tried.append(True)
        return str(client.create(mailbox(target) + "/" + paths.REQUEST_PREFIX, data, sequence=True, makepath=True))
    return str(_again(create))


def _with_nonce(client: Any, target: str, nonce: str) -> Optional[str]:
    return next((path for path, body, _ in _requests(client, target) if body.get("nonce") == nonce), None)


def _requests(client: Any, target: str) -> Iterator[Tuple[str, Dict[str, Any], Any]]:
    """(path, request, stat) of every request in `target`'s mailbox, oldest first."""
    try:
        children = sorted(client.get_children(mailbox(target)))
    except NoNodeError:
        return
    for child in children:
        path = mailbox(target) + "/" + child
        try:
            data, stat = client.get(path)
        except NoNodeError:
            continue
        yield path, _load(data), stat


def wait(client: Any, path: str, bound: float) -> Optional[Dict[str, Any]]:
    """The request's outcome once the taker wrote it, or None when `bound` seconds passed;
    the request is deleted either way (one left unanswered only if nobody took it)."""
    deadline, extended = time.monotonic() + bound, False
    while True:
        try:
            data, stat = _again(client.get, path)
        except NoNodeError:
            return None
        body = _load(data)
        if body.get("state") == DONE:
            _delete(client, path)
            outcome = body.get("outcome")
            return outcome if isinstance(outcome, dict) else {"ok": False, "error": "no outcome"}
        if time.monotonic() >= deadline:
            if give_up(client, path, stat.version, body) or extended:
                _delete(client, path)
                return None
            # taken just now: the act is under way, its answer soon (once: then it is stale)
            deadline, extended = time.monotonic() + bound, True
        time.sleep(POLL)


def give_up(client: Any, path: str, version: int, body: Mapping[str, Any]) -> bool:
    """Delete a request still asked (at `version`): True when gone, False when the taker took it first."""
    if body.get("state") != ASKED:
        return False
    try:
        _again(client.delete, path, version=version)
    except BadVersionError:
        return False
    except NoNodeError:
        pass
    return True


def _delete(client: Any, path: str) -> None:
    try:
        _again(client.delete, path)
    except NoNodeError:
        pass


def pending(client: Any, target: str, session: int) -> Iterator[Tuple[str, Dict[str, Any], int]]:
    """(path, request, version) of every request asked of this session and process, oldest first."""
    for path, body, stat in _requests(client, target):
        if body.get("state") == ASKED and body.get("session") == session and body.get("pid") == os.getpid():
            yield path, body, stat.version


def take(client: Any, path: str, body: Mapping[str, Any], version: int) -> bool:
    """Mark the request taken (versioned): True if it is ours to carry out, once."""
    try:
        client.set(path, _dump(dict(body, state=TAKEN, taken_at=time.time(), pid=os.getpid())), version=version)
    except (BadVersionError, NoNodeError):
        return False
    return True


def answer(client: Any, path: str, body: Mapping[str, Any], outcome: Mapping[str, Any]) -> None:
    """Write the outcome back (the supervisor deletes the request once it read it)."""
    try:
        client.set(path, _dump(dict(body, state=DONE, outcome=dict(outcome), done_at=time.time())))
    except NoNodeError:
        pass     # the supervisor gave up meanwhile: nobody is waiting


def sweep(client: Any, older_than: float, now: Optional[float] = None) -> List[str]:
    """Delete every request asked more than `older_than` seconds ago (a supervisor that died
    waiting, a taker that never came back); returns their paths."""
    return list(_again(_sweep, client, older_than, time.time() if now is None else now))


def _sweep(client: Any, older_than: float, now: float) -> List[str]:
    gone: List[str] = []
    try:
        targets = client.get_children(paths.REQUESTS)
    except NoNodeError:
        return gone
    for target in targets:
        for path, body, _ in _requests(client, target):
            asked = body.get("asked_at")
            if not isinstance(asked, (int, float)) or now - asked > older_than:
                _delete(client, path)
                gone.append(path)
    return gone
