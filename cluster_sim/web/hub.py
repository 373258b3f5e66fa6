"""Fan-out of Server-Sent Events: each message encoded once, every client reading at its own pace.

    hub = Hub()
    hub.put(sse("event", {"kind": "leader_elected", ...}), keep=True)
    hub.put(sse("snapshot", {...}), snapshot=True)
    hub.flush()                            # wake the clients (the web view does it ~10 times a second)

    backlog, cursor = hub.join()           # a new client: what a late joiner needs, then live
    frames, cursor = hub.wait(cursor, timeout=15)   # [] on timeout (time for a heartbeat)
    hub.leave()

Memory is bounded whatever the clients do. Live messages sit in one ring
(bounded by count and bytes) that all clients share; a client is only a
cursor into it. A client that falls so far behind that its next message has
left the ring raises Behind and is dropped: a slow laptop never holds the
supervisor back nor makes it buffer. Late joiners get the notable events
(`keep=True`, another bounded ring), the latest event of each `sticky` kind
(the join command stays however long the class runs) and the latest
snapshot, in the order they happened.
"""

import json
import threading
from collections import deque
from itertools import islice
from typing import Deque, Dict, List, Optional, Tuple

__all__ = ["Hub", "Behind", "Closed", "sse"]


class Behind(Exception):
    """The client's next message has left the ring: it was too slow."""


class Closed(Exception):
    """The hub is closed: the client must end."""


def sse(name: str, data: object) -> bytes:
    """One Server-Sent Events message. JSON has no raw newline, so it is one data line."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return b"event: " + name.encode("ascii") + b"\ndata: " + payload.encode("utf-8") + b"\n\n"


class _Ring:
    """(seq, frame) pairs, oldest first, bounded by count and by total bytes."""

    def __init__(self, count: int, size: int):
        self.items: Deque[Tuple[int, bytes]] = deque()
        self.count, self.size, self.bytes = count, size, 0

    def add(self, seq: int, frame: bytes) -> None:
        self.items.append((seq, frame))
        self.bytes += len(frame)
        while len(self.items) > self.count or (self.bytes > self.size and len(self.items) > 1):
            self.bytes -= len(self.items.popleft()[1])

    def oldest(self) -> Optional[int]:
        return self.items[0][0] if self.items else None


class Hub:
    def __init__(self, live: int = 1024, live_bytes: int = 4 << 20, history: int = 2000,
                 history_bytes: int = 1 << 20):
        self._cond = threading.Condition()
        self._live = _Ring(live, live_bytes)
        self._history = _Ring(history, history_bytes)
        self._sticky: Dict[str, Tuple[int, bytes]] = {}
        self._snapshot: Optional[Tuple[int, bytes]] = None
        self._seq = 0
        self._flushed = 0
        self._closed = False
        self.clients = 0
        self.dropped = 0          # clients dropped for being too slow

    # -- the producer side ------------------------------------------------
    def put(self, frame: bytes, *, keep: bool = False, sticky: Optional[str] = None,
            snapshot: bool = False) -> None:
        """Queue one encoded message for every client (they wake at the next flush)."""
        with self._cond:
            if self._closed:
                return
            self._seq += 1
            self._live.add(self._seq, frame)
            if snapshot:
                self._snapshot = (self._seq, frame)
            if keep:
                self._history.add(self._seq, frame)
            if sticky:
                self._sticky[sticky] = (self._seq, frame)

    def flush(self) -> None:
        """Wake the clients if anything was put since the last flush."""
        with self._cond:
            if self._seq != self._flushed:
                self._flushed = self._seq
                self._cond.notify_all()

    def latest_snapshot(self) -> Optional[bytes]:
        with self._cond:
            return None if self._snapshot is None else self._snapshot[1]

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    # -- the client side --------------------------------------------------
    def join(self) -> Tuple[bytes, int]:
        """(what a late joiner needs, in order, as one block; the cursor to read on from)."""
        with self._cond:
            if self._closed:
                raise Closed()
            self.clients += 1
            oldest = self._history.oldest()
            parts = {seq: frame for seq, frame in self._sticky.values() if oldest is None or seq < oldest}
            parts.update(self._history.items)
            if self._snapshot is not None:
                parts[self._snapshot[0]] = self._snapshot[1]
            return b"".join(parts[seq] for seq in sorted(parts)), self._seq

    def leave(self, behind: bool = False) -> None:
        with self._cond:
            self.clients -= 1
            if behind:
                self.dropped += 1

    def wait(self, cursor: int, timeout: float) -> Tuple[List[bytes], int]:
        """Every message after `cursor` (waiting up to `timeout` for one), and the new cursor."""
        with self._cond:
            if not self._closed and self._flushed <= cursor:
                self._cond.wait(timeout)
            if self._closed:
                raise Closed()
            end = self._flushed
            if end <= cursor:
                return [], cursor
            oldest = self._live.oldest()
            if oldest is None or cursor + 1 < oldest:
                raise Behind()
            start = cursor + 1 - oldest
            return [frame for _, frame in islice(self._live.items, start, start + end - cursor)], end
