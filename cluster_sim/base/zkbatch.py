"""Many reads, and many watches, in one ZooKeeper request each: kazoo sends one
request per znode, and at 10,000 znodes its per-request cost (a queue, a wake-up,
a send, a reply, a callback: about 140 µs each here) is most of a leader's first
load. ZooKeeper 3.6+ reads a whole list of znodes in one request (``multiRead``),
and sets a whole list of data watches in one (``setWatches``, what its Java
client sends after a reconnect). kazoo 2.11 has neither; both are plain requests
on kazoo's own connection, in order with every other request of the session.

    answers = read_many(client, ["/a", "/b"]).get()     # [(data, stat) or NoNodeError, ...]
    watch_many(client, ["/a", "/b"], on_event).get()    # one data watch on each
    watch_below(client, "/a", on_event).get()           # every change below /a, until...
    unwatch_below(client, "/a", on_event)               # ... it is let go

ZooKeeper 3.6+ also keeps a watch that does not fire once only (``addWatch``, mode
``PERSISTENT_RECURSIVE``): one watch on a folder tells each creation, change and deletion
of every znode below it. kazoo 2.11 has none: its events are handed to the watcher here,
beside kazoo's own one-shot watches. The server drops it with the connection, like every
watch, and kazoo does not set it again on a reconnect (it knows nothing of it): its user
sets it again, then reads what it may have missed (``ReadingsCache``'s resync). Nor can
ZooKeeper 3.8 remove it (its ``removeWatches`` knows only the one-shot kinds,
ZOOKEEPER-4472): ``unwatch_below`` stops handing its events on; the server sends them
until the connection closes.

A ``multiRead`` sets no watch (the server drops the flag), so a watch-consistent
reader sets the watches first and reads after (``ReadingsCache``): ZooKeeper
answers a session's requests in order, so the read sees every change made before
the watch was set, and the watch fires for every change after.
"""

import struct
import weakref
from typing import TYPE_CHECKING, Any, Callable, Dict, List, NamedTuple, Sequence, Tuple, Union

from kazoo.exceptions import EXCEPTIONS
from kazoo.protocol.serialization import Watch, read_buffer, write_string
from kazoo.protocol.states import EVENT_TYPE_MAP, Callback, WatchedEvent

if TYPE_CHECKING:
    from kazoo.client import KazooClient
    from kazoo.interfaces import IAsyncResult

GET_DATA = 4                 # ZooKeeper's OpCode.getData
MULTI_READ = 22              # OpCode.multiRead (ZooKeeper 3.6+)
SET_WATCHES = 101            # OpCode.setWatches
ADD_WATCH = 106              # OpCode.addWatch (ZooKeeper 3.6+)
PERSISTENT_RECURSIVE = 1     # AddWatchMode.PERSISTENT_RECURSIVE
BELOW_EVENTS = (1, 2, 3)     # what a recursive watch tells: created, deleted, changed (never a child event)
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


class AddWatch:
    """A watch that stays: with ``PERSISTENT_RECURSIVE``, on every znode below ``path``."""
    type = ADD_WATCH

    def __init__(self, path: str, mode: int) -> None:
        self.path = path
        self.mode = mode

    def serialize(self) -> bytearray:
        return bytearray(write_string(self.path) + _int.pack(self.mode))

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


# client -> {folder's path + "/": its watchers}: the events a recursive watch brings, by prefix
_below: "weakref.WeakKeyDictionary[KazooClient, Dict[str, List[Callable[[WatchedEvent], None]]]]" = \
    weakref.WeakKeyDictionary()


def _watchers_below(client: "KazooClient") -> Dict[str, List[Callable[["WatchedEvent"], None]]]:
    """The client's table of recursive watchers; the first call wraps kazoo's reader of watch
    events (on its connection thread) to hand those events to them, after kazoo's own."""
    table = _below.get(client)
    if table is not None:
        return table
    table = _below[client] = {}
    connection = client._connection
    kazoos = connection._read_watch_event

    def read_watch_event(buffer: bytes, offset: int) -> None:
        kazoos(buffer, offset)
        if not table or client._stopped.is_set():
            return
        watch, _ = Watch.deserialize(buffer, offset)
        if watch.type not in BELOW_EVENTS:
            return
        for prefix, watchers in list(table.items()):
            if watch.path.startswith(prefix):
                event = WatchedEvent(EVENT_TYPE_MAP[watch.type], client._state, client.unchroot(watch.path))
                for watcher in list(watchers):
                    client.handler.dispatch_callback(Callback("watch", watcher, (event,)))

    connection._read_watch_event = read_watch_event
    return table


def watch_below(client: "KazooClient", path: str, watcher: Callable[["WatchedEvent"], None]) -> "IAsyncResult":
    """``watcher`` is called with every creation, change and deletion of a znode below ``path``
    (a folder) from now on, until ``unwatch_below``, or the connection drops (then set it again).
    The result fails with an error of kazoo's (UnimplementedError: a server before 3.6)."""
    full = _full(client, path)
    watchers = _watchers_below(client).setdefault(full + "/", [])
    if watcher not in watchers:
        watchers.append(watcher)
    result = client.handler.async_result()
    client._call(AddWatch(full, PERSISTENT_RECURSIVE), result)
    return result


def unwatch_below(client: "KazooClient", path: str, watcher: Callable[["WatchedEvent"], None]) -> None:
    """``watcher`` hears no more of ``path``. The server's watch stays until the connection
    closes (see the module's docstring): its events are let go here, on kazoo's thread."""
    table = _below.get(client, {})   # (never watched: nothing to let go, no hook to install)
    prefix = _full(client, path) + "/"
    watchers = table.get(prefix, [])
    if watcher in watchers:
        watchers.remove(watcher)
    if not watchers:
        table.pop(prefix, None)
