"""Many reads, and many watches, in one ZooKeeper request each: kazoo sends one
request per znode, and at 10,000 znodes its per-request cost (a queue, a wake-up,
a send, a reply, a callback: about 140 µs each here) is most of a leader's first
load. ZooKeeper 3.6+ reads a whole list of znodes in one request (``multiRead``),
and sets a whole list of data watches in one (``setWatches``, what its Java
client sends after a reconnect). kazoo 2.11 has neither; both are plain requests
on kazoo's own connection, in order with every other request of the session.

    answers = read_many(client, ["/a", "/b"]).get()     # [(data, stat) or NoNodeError, ...]
    watch_many(client, ["/a", "/b"], on_event).get()    # one data watch on each

A ``multiRead`` sets no watch (the server drops the flag), so a watch-consistent
reader sets the watches first and reads after (``ReadingsCache``): ZooKeeper
answers a session's requests in order, so the read sees every change made before
the watch was set, and the watch fires for every change after.
"""

import struct
from typing import TYPE_CHECKING, Any, Callable, List, NamedTuple, Sequence, Tuple, Union

from kazoo.exceptions import EXCEPTIONS
from kazoo.protocol.serialization import MultiHeader, read_buffer, write_string

if TYPE_CHECKING:
    from kazoo.client import KazooClient
    from kazoo.interfaces import IAsyncResult
    from kazoo.protocol.states import WatchedEvent

GET_DATA = 4                 # ZooKeeper's OpCode.getData
MULTI_READ = 22              # OpCode.multiRead (ZooKeeper 3.6+)
SET_WATCHES = 101            # OpCode.setWatches
ERROR = -1                   # a sub-result's type when that read failed
MAX_REQUEST_BYTES = 128 * 1024   # what ZooKeeper's own client puts in one setWatches

_header = struct.Struct("!iBi")
_stat = struct.Struct("!qqqqiiiqiiq")
_int = struct.Struct("!i")
_long = struct.Struct("!q")
_MTIME, _OWNER = 24, 44      # their offsets in a stat (czxid, mzxid, ctime, mtime, 3 versions, ephemeralOwner, ...)


class Stat(NamedTuple):
    """What a reader of many znodes keeps of each one's stat. kazoo's ZnodeStat is eleven
    Python ints and a tuple: at 1,000 members a round's answers all wait together in kazoo's
    queue, and that was most of a leader's peak of memory (docs/benchmarks.md, note 9)."""
    mtime: int               # milliseconds
    ephemeralOwner: int      # the session holding an ephemeral znode; 0 for a persistent one


Answer = Union[Tuple[bytes, Stat], Exception]


class MultiRead:
    """``getData`` of every path, in one request; no watch (a multiRead cannot set one)."""
    type = MULTI_READ

    def __init__(self, paths: Sequence[str]) -> None:
        self.paths = list(paths)

    def serialize(self) -> bytearray:
        out = bytearray()
        for path in self.paths:
            out += _header.pack(GET_DATA, False, -1)
            out += write_string(path)
            out.append(0)      # the request's watch flag: ignored in a multiRead
        out += _header.pack(-1, True, -1)
        return out

    @classmethod
    def deserialize(cls, data: bytes, offset: int) -> List[Answer]:
        answers: List[Answer] = []
        while True:
            kind, done, _ = _header.unpack_from(data, offset)
            offset += _header.size
            if done:
                return answers
            if kind == ERROR:
                code = _int.unpack_from(data, offset)[0]
                offset += _int.size
                answers.append(EXCEPTIONS[code]())
            else:
                value, offset = read_buffer(data, offset)
                stat = Stat(_long.unpack_from(data, offset + _MTIME)[0], _long.unpack_from(data, offset + _OWNER)[0])
                offset += _stat.size
                answers.append((value or b"", stat))


class SetWatches:
    """One data watch on each path; ``watcher`` is what kazoo calls with each event.

    kazoo finds the callbacks of an event in its own table of watches, so they go in
    there when the request is written (on kazoo's connection thread, before the
    server can fire any of them). A path that is gone fires a deletion at once; the
    ``relative_zxid`` is the newest change this session has seen: a znode changed
    since fires at once too (the caller reads it anyway: the read comes after)."""
    type = SET_WATCHES

    def __init__(self, client: "KazooClient", paths: Sequence[str], watcher: Callable[["WatchedEvent"], None],
                 relative_zxid: int) -> None:
        self.client = client
        self.paths = list(paths)
        self._watcher = watcher     # (not `watcher`: kazoo would file it under a `path`)
        self.relative_zxid = relative_zxid

    def serialize(self) -> bytearray:
        table = self.client._data_watchers
        for path in self.paths:
            table[path].add(self._watcher)
        out = bytearray(_long.pack(self.relative_zxid))
        out += _int.pack(len(self.paths))
        for path in self.paths:
            out += write_string(path)
        out += _int.pack(0)    # exist watches
        out += _int.pack(0)    # child watches
        return out

    @classmethod
    def deserialize(cls, data: bytes, offset: int) -> bool:
        return True


def _chunks(paths: Sequence[str], limit: int) -> List[List[str]]:
    chunks: List[List[str]] = [[]]
    size = 0
    for path in paths:
        cost = len(path.encode()) + 8
        if chunks[-1] and size + cost > limit:
            chunks.append([])
            size = 0
        chunks[-1].append(path)
        size += cost
    return [chunk for chunk in chunks if chunk]


def _full(client: "KazooClient", path: str) -> str:
    return client.chroot + path if client.chroot else path


def read_many(client: "KazooClient", paths: Sequence[str]) -> "IAsyncResult":
    """One multiRead of ``paths`` (within the client's chroot): its result is a list of
    ``(data, Stat)`` or the exception of that read (NoNodeError: the znode is gone).
    Keep a batch well under a megabyte of answers (ZooKeeper's jute.maxbuffer)."""
    result = client.handler.async_result()
    client._call(MultiRead([_full(client, path) for path in paths]), result)
    return result


def watch_many(client: "KazooClient", paths: Sequence[str], watcher: Callable[["WatchedEvent"], None]) -> List[Any]:
    """A data watch on each of ``paths``, as a get with ``watch=watcher`` would set it,
    in as few requests as fit ``MAX_REQUEST_BYTES``; returns their async results."""
    results = []
    full = [_full(client, path) for path in paths]
    for chunk in _chunks(full, MAX_REQUEST_BYTES):
        result = client.handler.async_result()
        client._call(SetWatches(client, chunk, watcher, client.last_zxid), result)
        results.append(result)
    return results
