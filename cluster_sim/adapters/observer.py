"""Watches the cluster in ZooKeeper and posts snapshots to the manager.

The table is built from ZooKeeper, not from the supervisor's own children,
so a node started by hand on another laptop shows up like any other. The election's
children are the candidates of either recipe (kazoo's `<uuid>__lock__<seq>`, the herd's
`<uuid>__herd__<seq>`: node/herd.py), each with its node id as data. Watches
on the election and on the leader znode wake the observer at once (a failover
is shown as soon as ZooKeeper knows it); readings come from a watch-kept
cache, so a snapshot costs memory reads, not one request per node.

    observer = Observer(client, post=manager.post, period=0.25)   # posts messages.ZkSnapshot
    observer.start(); ...; observer.stop()
"""

import json
import math
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from kazoo.exceptions import KazooException, NoNodeError

from cluster_sim.protocol import paths
from cluster_sim.node.cache import ReadingsCache
from cluster_sim.node.readings import read_all
from cluster_sim.engine.messages import Candidate, ZkSnapshot
from cluster_sim.adapters.sessions import SessionBook

if TYPE_CHECKING:
    from kazoo.client import KazooClient


#: How many sessions a second the observer reads from the servers' ``cons`` at most: every snapshot
#: for a class (100 sessions: every 0.1 s), every second at 1,000 (a reply of 1,000 lines to parse).
CONS_SESSIONS_PER_S = 1000


def _sequence(child: str) -> str:
    return child[-10:]


def _seq(child: str) -> int:
    """The sequence number ZooKeeper appended to an election child (kazoo's Election: the Lock
    recipe, children named <prefix>__lock__<10 digits>)."""
    tail = _sequence(child)
    return int(tail) if tail.isdigit() else -1


class Observer(threading.Thread):
    def __init__(self, client: "KazooClient", post: Callable[[ZkSnapshot], None], period: float = 0.25,
                 clock: Callable[[], float] = time.time, address: Optional[Callable[[str], str]] = None,
                 url: Optional[Callable[[str], str]] = None) -> None:
        super().__init__(name="observer", daemon=True)
        self.client = client
        self.url = url  # the same for the API URL the leader delivers to (its relay's, for a local one)
        # the leader names the ZooKeeper server it talks to as it sees it: through its
        # relay, that is the relay's address; `address` maps it back to the real server
        self.address = address
        self.post = post
        self.period = period
        self.clock = clock
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._contender_ids: Dict[str, Tuple[str, Optional[int]]] = {}  # election child -> (node id, owner
        # session): neither ever changes
        self.cache: Optional[ReadingsCache] = None
        self.sessions = SessionBook()
        self._queue_of: Tuple[List[str], List[Candidate]] = ([], [])   # election children -> their queue
        self._sessions_last: Optional[Dict[int, Any]] = None
        self._sessions_next = 0.0      # time.monotonic() from which cons is asked again

    def run(self) -> None:
        self._watch()
        try:
            self.cache = ReadingsCache(self.client)
            self.cache.keep_since = math.inf   # the screens show each node's newest sample, no history
            self.cache.start(timeout=5)
        except KazooException:
            self.cache = None
        while not self._stop.is_set():
            self._wake.wait(self.period)
            self._wake.clear()
            if self._stop.is_set():
                break
            try:
                self.post(self.snapshot())
            except Exception:  # any failure reading ZooKeeper (kazoo raises many kinds): the next snapshot tells
                self.post(ZkSnapshot(ts=self.clock(), connected=False))
                self._stop.wait(self.period)

    def _watch(self) -> None:
        wake = lambda *_: self._wake.set()  # noqa: E731 - kazoo threads must not block
        try:
            self.client.ChildrenWatch(paths.ELECTION, lambda children: wake())
            self.client.DataWatch(paths.LEADER, lambda data, stat: wake())
            self.client.add_listener(lambda state: wake())
        except KazooException:
            pass

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self.cache is not None:
            self.cache.stop()

    def snapshot(self) -> ZkSnapshot:
        ts = self.clock()
        if not self.client.connected:
            return ZkSnapshot(ts=ts, connected=False)
        if self.cache is not None and self.cache.loaded:
            readings, bad, pending = self.cache.snapshot_pending()
        else:
            (readings, bad), pending = read_all(self.client), frozenset()
        queue = tuple(self._election())
        return ZkSnapshot(
            ts=ts,
            connected=True,
            readings=readings,
            bad=bad,
            election=tuple(c.node for c in queue),
            queue=queue,
            sessions=self._sessions(queue, readings),
            leader=self._leader(),
            outbox_depth=self._outbox_depth(),
            pending=pending,
        )

    def _election(self) -> List[Candidate]:
        try:
            children = sorted(self.client.get_children(paths.ELECTION), key=_sequence)
        except NoNodeError:
            return []
        if children == self._queue_of[0]:
            return self._queue_of[1]   # the queue as it was: 1,000 candidates are not built anew 4 times a second
        unknown = [c for c in children if c not in self._contender_ids]
        pending = [(c, self.client.get_async(f"{paths.ELECTION}/{c}")) for c in unknown]
        for child, result in pending:
            try:
                data, stat = result.get(timeout=5)
                self._contender_ids[child] = (data.decode(errors="replace"), stat.ephemeralOwner or None)
            except NoNodeError:
                pass
        alive = set(children)
        for child in list(self._contender_ids):
            if child not in alive:
                del self._contender_ids[child]
        queue = [Candidate(node=self._contender_ids[c][0], seq=_seq(c), owner=self._contender_ids[c][1])
                 for c in children if c in self._contender_ids]
        self._queue_of = (children, queue)
        return queue

    def _sessions(self, queue: Sequence[Candidate], readings: Mapping[str, Any]) -> Optional[Dict[int, Any]]:
        """What the servers' cons says of the sessions holding election znodes or histories."""
        keep = {c.owner for c in queue if c.owner}
        keep |= {r.session for r in readings.values() if getattr(r, "session", None)}
        began = time.monotonic()
        if self._sessions_last is not None and began < self._sessions_next:
            return self._sessions_last    # what it said a moment ago (see CONS_SESSIONS_PER_S)
        servers = [(str(h), int(p)) for h, p in getattr(self.client, "hosts", [])]
        me = getattr(self.client, "client_id", None)
        self._sessions_last = self.sessions.ask(servers, keep, me=me[0] if me else None)
        self._sessions_next = began + len(self._sessions_last or ()) / CONS_SESSIONS_PER_S
        return self._sessions_last

    def _leader(self) -> Optional[Dict[str, Any]]:
        try:
            data, _ = self.client.get(paths.LEADER)
            info = json.loads(data.decode())
        except (NoNodeError, ValueError, UnicodeDecodeError):
            return None
        if not isinstance(info, dict) or "id" not in info:
            return None
        if self.address is not None and isinstance(info.get("zk_server"), str):
            info["zk_server"] = self.address(info["zk_server"])
        if self.url is not None and isinstance(info.get("api_url"), str):
            info["api_url"] = self.url(info["api_url"])
        return info

    def _outbox_depth(self) -> int:
        stat = self.client.exists(paths.OUTBOX)
        return stat.numChildren if stat else 0
