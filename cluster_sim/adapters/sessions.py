"""Each client session as ZooKeeper sees it, from the servers' ``cons`` four-letter word.

    book = SessionBook()
    sessions = book.ask([("127.0.0.1", 2181)], keep={0x1000a2b3c4d0001})
    sessions[0x1000a2b3c4d0001].heard_at     # when the server last answered it (wall clock, s)

``cons`` lists every connection a server holds with its session id (sid),
its negotiated timeout (to, ms) and the time of the server's last response
(lresp, ms on the server's elapsed-time clock): a client that pings is answered every third of its timeout or
so, a frozen or cut-off one is not. A hard-killed client's connection closes
while its session lives on until the timeout: the book remembers the last
listing of every session in `keep` (those still holding znodes), marked
``listed=False``. A server that does not allow ``cons`` (an ensemble of
someone else's) makes `ask` return None: the supervisor's own knowledge
(a pause, a cut) is the fallback then.
"""

import re
import time
from typing import Callable, Dict, Iterable, Optional, Set, Tuple

from cluster_sim.engine.messages import ZkSession
from cluster_sim.zk.probe import _four_letter_word

__all__ = ["SessionBook", "parse_cons"]

# one connection per line: ...,sid=0x..,...,to=..,...,lresp=..,... (a connection without a session has no
# sid). One pass of one expression over the whole reply: a server of 1,000 clients answers 1,000 lines.
_SESSION = re.compile(r"\bsid=0x([0-9a-fA-F]+),(?:[^,\n]*,)*?to=(\d+),(?:[^,\n]*,)*?lresp=(\d+)")


def parse_cons(text: str) -> Dict[int, Tuple[int, int]]:
    """session id -> (lresp, timeout), both in ms, for each session a ``cons`` reply lists.
    lresp is on the server's own elapsed-time clock (not wall clock): compare it only with
    other lresp values of the same server."""
    out: Dict[int, Tuple[int, int]] = {}
    for sid, timeout, lresp in _SESSION.findall(text):
        if int(sid, 16) and int(lresp):
            out[int(sid, 16)] = (int(lresp), int(timeout))
    return out


class SessionBook:
    """Asks the servers, and remembers the sessions whose connection is gone (see the module)."""

    def __init__(self, timeout: float = 0.3, clock: Callable[[], float] = time.time) -> None:
        self.timeout = timeout
        self.clock = clock
        self._last: Dict[int, ZkSession] = {}
        self._first_seen: Dict[Tuple[str, int, int], Tuple[int, float]] = {}  # (server, sid) -> (lresp, when)

    def ask(self, servers: Iterable[Tuple[str, int]], keep: Set[int],
            me: Optional[int] = None) -> Optional[Dict[int, ZkSession]]:
        """What the servers' cons says now. `me`: the asking client's own session, which has just
        been answered: its lresp is the server's "now", turning the others' lresp to wall clock.
        On a server that does not list it, an lresp is dated when it was first seen to change."""
        listed: Dict[int, ZkSession] = {}
        answered = False
        first_seen: Dict[Tuple[str, int, int], Tuple[int, float]] = {}
        for host, port in servers:
            # before asking: the asker's own session was answered just before this (its last
            # request), not when the reply arrives
            now = self.clock()
            try:
                reply = _four_letter_word(host, port, "cons", self.timeout)
            except OSError:
                continue          # a server down: the others' sessions still count
            if "not in the whitelist" in reply:
                continue
            answered = True
            sessions = parse_cons(reply)
            mine = sessions.get(me) if me else None
            for sid, (lresp, timeout) in sessions.items():
                if mine is not None:
                    heard = now - (mine[0] - lresp) / 1000.0
                else:
                    key = (host, port, sid)
                    old = self._first_seen.get(key)
                    first_seen[key] = old if old is not None and old[0] == lresp else (lresp, now)
                    heard = first_seen[key][1]
                known = listed.get(sid)
                if known is None or heard > known.heard_at:
                    listed[sid] = ZkSession(session=sid, heard_at=min(heard, now), timeout=timeout / 1000.0)
        if not answered:
            return None
        self._first_seen = first_seen
        for sid, last in self._last.items():
            if sid not in listed and sid in keep:
                listed[sid] = ZkSession(session=sid, heard_at=last.heard_at, timeout=last.timeout, listed=False)
        self._last = {sid: s for sid, s in listed.items() if sid in keep or s.listed}
        return listed
