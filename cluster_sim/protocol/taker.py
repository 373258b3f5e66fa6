"""A taker of requests through ZooKeeper: the loop every taker runs (remote_requests.py).

    taker = Taker("app3", carry_out, relays=True, connect=lambda: client)
    taker.start()        # on a thread of its own: register the card, watch the mailbox, take, carry out
    ...                  # carry_out(path, body) acts, and says how it went: taker.answer(path, body, {...})
    taker.stop()

Under each new session of its client (the first, or after one expired) the
taker writes its card again (`register`): requests asked of an earlier
session are never its to carry out. It watches its mailbox (a ChildrenWatch)
and looks again every RESCAN seconds anyway; each request pending for its
session and process is taken with a versioned set (`take`: at most once) and
handed to `carry_out` on the taker's thread. A node (node/requests.py) and a
ZooKeeper server's host agent (zk/agent.py) are takers that differ only in
what they carry out and how they hold their client.
"""

import os
import socket
import threading
from typing import Any, Callable, Dict, Mapping, Optional

from kazoo.exceptions import KazooException

from cluster_sim.protocol import remote_requests as rr

__all__ = ["Taker", "RESCAN"]

RESCAN = 1.0              # look again this often even without a watch firing (a new session)

CarryOut = Callable[[str, Mapping[str, Any]], None]     # (the request's path, its body)


class Taker:
    def __init__(self, target: str, carry_out: CarryOut, relays: bool, connect: Callable[[], Any],
                 close: Callable[[Any], None] = lambda client: None, host: Callable[[], str] = socket.gethostname,
                 on_registered: Callable[[bool], None] = lambda first: None, name: str = "requests"):
        self.target = target                # app{ID}, zk{N}: its card and mailbox (remote_requests.py)
        self.carry_out = carry_out
        self.relays = relays                # its card says whether it has relays of its own
        self._connect = connect             # on the taker's thread: the client, or None (nothing to do)
        self._close = close                 # the client, when the loop ends
        self._host = host                   # the host named in its answers
        self._registered = on_registered    # (first?) after its card is written under a new session
        self.client: Any = None
        self.session: Optional[int] = None  # the session its card is under (None: not registered yet)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name=name)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.ident is not None:
            self._thread.join(timeout)

    def answer(self, path: str, body: Mapping[str, Any], outcome: Dict[str, Any]) -> None:
        """Write `outcome` back, with our pid and host (the supervisor reports a taker that did not answer)."""
        outcome = dict(outcome, pid=os.getpid(), host=self._host())
        try:
            self.client.retry(rr.answer, self.client, path, body, outcome)
        except KazooException:
            pass

    def _run(self) -> None:
        self.client = self._connect()
        if self.client is None:
            return
        try:
            self._take()
        finally:
            self._close(self.client)

    def _take(self) -> None:
        watching = False
        while not self._stop.is_set():
            try:
                if self.client.connected and self.session != self.client.client_id[0]:
                    # a new session (the first, or after one expired): a new card, and the
                    # requests asked of the old one are never ours to carry out
                    first = self.session is None
                    self.session = rr.register(self.client, self.target, relays=self.relays)
                    self._registered(first)
                    if not watching:
                        self.client.ChildrenWatch(rr.mailbox(self.target), lambda _: self._wake.set())
                        watching = True
                if self.session is not None and self.client.connected:
                    for path, body, version in rr.pending(self.client, self.target, self.session):
                        if self._stop.is_set():
                            return
                        if rr.take(self.client, path, body, version):
                            self.carry_out(path, body)
            except KazooException:
                pass        # disconnected, or no quorum: the next round, once connected, looks again
            self._wake.wait(RESCAN)
            self._wake.clear()
