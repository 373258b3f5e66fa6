"""Each client session as ZooKeeper sees it, from the servers' ``cons`` four-letter word.

    book = SessionBook()
    sessions = book.ask([("127.0.0.1", 2181)], keep={0x1000a2b3c4d0001})
    sessions[0x1000a2b3c4d0001].heard_at     # when the server last answered it (wall clock, s)

``cons`` lists every connection a server holds with its session id (sid),
its negotiated timeout (to, ms) and the time of the server's last response
(lresp, ms): a client that pings is answered every third of its timeout or
so, a frozen or cut-off one is not. A hard-killed client's connection closes
while its session lives on until the timeout: the book remembers the last
listing of every session in `keep` (those still holding znodes), marked
``listed=False``. A server that does not allow ``cons`` (an ensemble of
someone else's) makes `ask` return None: the supervisor's own knowledge
(a pause, a cut) is the fallback then.
"""

import re
from typing import Dict, Iterable, Optional, Set, Tuple

from cluster_sim.supervisor.messages import ZkSession
from cluster_sim.zk.probe import _four_letter_word

__all__ = ["SessionBook", "parse_cons"]

_FIELD = re.compile(r"\b(sid|to|lresp)=(0x[0-9a-fA-F]+|\d+)")


def parse_cons(text: str) -> Dict[int, ZkSession]:
    """The sessions a ``cons`` reply lists (connections without a session yet are left out)."""
    out: Dict[int, ZkSession] = {}
    for line in text.splitlines():
        fields = {k: int(v, 16) if v.startswith("0x") else int(v) for k, v in _FIELD.findall(line)}
        sid, timeout, lresp = fields.get("sid"), fields.get("to"), fields.get("lresp")
        if not sid or timeout is None or not lresp:
            continue
        out[sid] = ZkSession(session=sid, heard_at=lresp / 1000.0, timeout=timeout / 1000.0)
    return out


class SessionBook:
    """Asks the servers, and remembers the sessions whose connection is gone (see the module)."""

    def __init__(self, timeout: float = 0.3) -> None:
        self.timeout = timeout
        self._last: Dict[int, ZkSession] = {}

    def ask(self, servers: Iterable[Tuple[str, int]], keep: Set[int]) -> Optional[Dict[int, ZkSession]]:
        listed: Dict[int, ZkSession] = {}
        answered = False
        for host, port in servers:
            try:
                reply = _four_letter_word(host, port, "cons", self.timeout)
            except OSError:
                continue          # a server down: the others' sessions still count
            if "is not executed because it is not in the whitelist" in reply:
                continue
            answered = True
            for sid, seen in parse_cons(reply).items():
                known = listed.get(sid)
                if known is None or seen.heard_at > known.heard_at:
                    listed[sid] = seen
        if not answered:
            return None
        for sid, last in self._last.items():
            if sid not in listed and sid in keep:
                listed[sid] = ZkSession(session=sid, heard_at=last.heard_at, timeout=last.timeout, listed=False)
        self._last = {sid: s for sid, s in listed.items() if sid in keep or s.listed}
        return listed
