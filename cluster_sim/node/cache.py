"""Every node's readings, kept fresh in memory by ZooKeeper watches, and
whether that view can be trusted right now.

The original leader read each reading znode one by one, every round: 0.7 s
for 1,000 readings, most of a round at 10,000. The leader keeps this cache
instead: children watches on /mediciones (who is a member now) and on
/clustersim/history (the samples, also of nodes that left), a data watch on
every member (but see below), and one watch on the history folder that tells
every history's change (ZooKeeper 3.6+'s persistent recursive watch; before
3.6, a data watch on each history), so computing a round reads memory, not
the network. At 1,000 members, kazoo's table of one-shot watches (a set and a
path a znode) was the largest thing a leader held after the samples.

A view is only as good as its watches. kazoo drops every raw watch when the
connection drops (it fires them with ``path=None``); a fetch in flight may
fail. So the cache tracks its own freshness: after any disconnect it is
*stale* until it has listed both folders and read every child again, and each
node with a read in flight is marked *pending*. The leader never finalizes a
round from a stale view or on a pending node's word (see completeness.py).

A resync (the first load, and after any disconnect) lists both folders, then reads
every child in batches: one ``setWatches`` request puts a data watch on each member
of a batch (the folder's watch, set again first, tells the histories'), one ``multiRead``
after it reads them all (base/zkbatch.py; kazoo's one
request per znode made the first load of 10,000 nodes take 4.3 s). ZooKeeper
answers a session's requests in order, so an update that lands during the load is
either in the read or fires the watch set before it, never lost. A batch holds a
member's znode and, after it, its history: the history read is the newer, so it
settles whether the member's own session wrote it (no second read, see
``_history_behind``). A change fires its znode's watch; the znodes whose watches
fired are read again the same way (watches, then one read), one batch in flight at a
time: a lone change costs one round trip, 1,000 nodes publishing at once
a few requests instead of 2,000 gets. Every read is numbered when it is sent (the
order ZooKeeper answers in); an answer older than one already stored for the same
znode is dropped.

A clustersim node writes its bare value and its history in one transaction. Once a
member's history speaks for it (its own session wrote it), a change of the member's
znode is neither read again nor watched: at 1,000 members that halves a round's reads
and kazoo's table of watches. The day the history stops speaking for it (another
session wrote it, or it is gone), the member is read again, watched. A leader that
learns of a claim asks for ``resync()``: both folders listed anew, and only what is
new read (a full resync, as after a disconnect, read a whole hall again per claim).

Longer than 400 lines: the batched first load and the one-znode reads after it share
the freshness, in-flight and read-order bookkeeping that makes the view trustworthy.

    cache = ReadingsCache(client).start(timeout=10)
    readings, bad = cache.snapshot()     # members only, like readings.read_all(client)
    view = cache.view()                  # members, histories, freshness, pending nodes
    cache.resync()                       # stale until both folders are listed anew, and what is new read
    cache.keep_since = ts                # from now on, keep the samples from ts on (and the one before)
    cache.stop()
"""

import threading
import time
from operator import itemgetter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Dict, FrozenSet, List, Optional, Set, Tuple

from kazoo.exceptions import ConnectionClosedError, ConnectionLoss, KazooException, NoNodeError, SessionExpiredError
from kazoo.protocol.states import EventType, KazooState

from cluster_sim.base.zkbatch import read_many, unwatch_below, watch_below, watch_many
from cluster_sim.protocol import paths
from cluster_sim.node.readings import BadReading, Reading, decode, merge

if TYPE_CHECKING:
    from kazoo.client import KazooClient
    from kazoo.protocol.states import WatchedEvent, ZnodeStat

BATCH = 250           # znodes per multiRead of a first load, LANES batches in flight at a time: a new leader
LANES = 2             # that sent every batch at once (2,000 znodes at 1,000 members) held all the answers
#                       and their decoding together, and its memory stayed at that peak (12.2-12.4 MB
#                       against 11.8 MB); 10,000 histories load in 0.43 s against 0.40 s (scripts/first_load.py)
REREAD_BATCH = 50     # znodes per multiRead of the re-reads after watches fired, one batch in flight at a
#                       time: a thousand members publish every round, and the answers of every batch in
#                       flight wait in kazoo's queue with their decoding; one at a time keeps that peak (and
#                       the memory the allocator keeps after it) small, for a few milliseconds per batch
Key = Tuple[str, str]  # (folder, child)


@dataclass(frozen=True, slots=True)
class Member:
    """A node present in /mediciones now."""
    owner: int                        # the session holding its ephemeral znode
    reading: Optional[Reading]        # its znode decoded (a bare value), None if garbage
    bad: Optional[str] = None         # why its znode is garbage


@dataclass
class View:
    """The cache at one instant; plain data, safe to use without locks."""
    members: Dict[str, Member] = field(default_factory=dict)
    histories: Dict[str, Reading] = field(default_factory=dict)   # present and departed nodes
    pending: Set[str] = field(default_factory=set)                # node ids with a read in flight
    fresh: bool = False               # connected, and re-read in full since the last disconnect
    fresh_since: Optional[float] = None

    def reading(self, node_id: str) -> Optional[Reading]:
        member = self.members.get(node_id)
        return merge(member.reading if member else None, member.owner if member else None,
                     self.histories.get(node_id))

    def speaks_for(self, node_id: str) -> bool:
        """True when the node's history was written by its current member's session."""
        return speaks(self.members.get(node_id), self.histories.get(node_id))


def speaks(member: Optional[Member], history: Optional[Reading]) -> bool:
    """The history was written by the member's own session (a clustersim node): it says all the
    member's znode says, and more (View.speaks_for, and the cache's unwatched members)."""
    return member is not None and history is not None and history.session == member.owner


def _history_last(key: Key) -> bool:
    return key[0] == paths.HISTORY


# Sorting by a (child, folder) tuple made two thousand tuples a round at 1,000 members, and the
# interpreter keeps that many freed 2-tuples for reuse: held for the process's life.
_child = itemgetter(1)


class ReadingsCache:
    def __init__(self, client: "KazooClient", clock: Callable[[], float] = time.time) -> None:
        self.client = client
        self.clock = clock
        self._lock = threading.Lock()
        self._members: Dict[str, Member] = {}
        self._histories: Dict[str, Reading] = {}
        self._bad_history: Set[str] = set()
        self._reread_for: Dict[str, int] = {}  # node id -> the member owner its history was re-read for
        self._children: Dict[str, Set[str]] = {paths.READINGS: set(), paths.HISTORY: set()}
        self._in_flight: Dict[Tuple[str, str], int] = {}   # (folder, child) -> reads in flight
        self._generation = 0          # bumped by every resync; older answers are ignored
        self._resyncing: Set[str] = set()  # folders the current resync has not listed yet
        self._resync_reads: Set[Tuple[str, str]] = set()  # children it has not read yet
        self._relisting: Set[str] = set()     # folders a relist (resync()) has not listed yet
        self._issue_lock = threading.Lock()   # a read's number and its place in kazoo's queue agree
        self._issued = 0                      # reads sent so far (their numbers)
        self._stored_seq: Dict[Key, int] = {}  # the number of the read whose answer each znode holds, while
#                                                another read of it is in flight (none can be older after that)
        self._multi_read = True               # False once the server turned a multiRead down (before 3.6)
        self._below: Any = None               # the recursive watch on every history, asked with each resync
#                                               (an async result); None: not asked on this connection
        self._no_below = False                # True once the server turned it down (before 3.6)
        self._asked_below = False             # ... asked at least once: stop() lets it go
        self._dirty: List[Key] = []           # znodes whose watch fired, for the next batch of re-reads
        self._unwatched: Set[str] = set()     # members whose change was not read: their history speaks for them
        self._rewatch: List[str] = []         # ... and no longer does: read them again (watched), after the lock
        self._flushing = 0                    # 1: a batch of re-reads in flight; the next waits for it
        self._fresh_since: Optional[float] = None
        self._loaded = threading.Event()
        self._changed = threading.Condition(self._lock)
        self._stopped = False
        # samples older than this (seconds) are not kept, but for the newest of them (readings.decode):
        # a reader that never asks about older rounds says so (a leader: its next round's start;
        # the supervisor: math.inf, the newest sample alone); None keeps every sample
        self.keep_since: Optional[float] = None

    # -- life cycle -------------------------------------------------------
    def start(self, timeout: float = 10.0) -> "ReadingsCache":
        self.client.add_listener(self._on_state)
        for folder in self._children:
            self.client.ensure_path(folder)
        self._resync()
        self._loaded.wait(timeout)
        return self

    @property
    def loaded(self) -> bool:
        return self._loaded.is_set()

    def stop(self) -> None:
        self._stopped = True
        self.client.remove_listener(self._on_state)
        if self._asked_below:
            unwatch_below(self.client, paths.HISTORY, self._on_data)
        with self._changed:
            self._changed.notify_all()

    def wait_change(self, timeout: Optional[float]) -> None:
        """Block until the cache changes (or `timeout`): the leader waits on this
        instead of polling while a round is incomplete."""
        with self._changed:
            self._changed.wait(timeout)

    def resync(self) -> None:
        """Stale now, fresh again once both folders are listed anew and every child new since is
        read: what a caller that learned of a change the watches may not have told yet (a claim)
        waits for. ZooKeeper answers in order: the listings see every claim made before the
        caller learned of it, and a change to a child already held fired its watch before them
        (pending from then on). A leader asks after every claim it learns of, a thousand times
        as a hall starts: reading every child again each time (the resync after a disconnect)
        made that start the moment a leader's memory peaked."""
        with self._changed:
            if self._stopped:
                return
            generation = self._generation
            self._fresh_since = None
            self._relisting = set(self._children)
        for folder in list(self._children):
            self._list(folder, generation, relist=True)

    def _on_state(self, state: str) -> None:
        # kazoo's thread: never block here
        if state == KazooState.CONNECTED:
            if not self._stopped:
                self.client.handler.spawn(self._resync)
        else:
            with self._changed:
                self._fresh_since = None   # stale until the resync completes
                self._below = None         # (the server drops every watch with the connection)
                self._changed.notify_all()

    # -- reads ------------------------------------------------------------
    def _resync(self) -> None:
        """List both folders (re-arming the children watches) and read every child."""
        with self._lock:
            if self._stopped:
                return
            self._generation += 1
            generation = self._generation
            self._fresh_since = None
            self._resyncing = set(self._children)
            self._resync_reads = set()
            self._relisting = set()   # (this reads everything anyway)
            self._unwatched = set()   # (the resync reads and watches every member again)
        if self._multi_read and not self._no_below:
            # before the listings and the reads (in order): every change after it is told
            self._asked_below = True
            self._below = watch_below(self.client, paths.HISTORY, self._on_data)   # (fails in its result)
        for folder in list(self._children):
            self._list(folder, generation, resync=True)

    def _list(self, folder: str, generation: int, resync: bool = False, relist: bool = False) -> None:
        try:
            result = self.client.get_children_async(folder, watch=self._on_children)
        except KazooException:
            return  # disconnected: the next CONNECTED resyncs
        result.rawlink(lambda res: self._listed(folder, generation, resync, res, relist))

    def _on_children(self, event: "WatchedEvent") -> None:
        if self._stopped or event.path is None:
            return  # path None: the connection dropped; the resync after it re-reads all
        with self._lock:
            generation = self._generation
        self._list(event.path, generation)

    def _listed(self, folder: str, generation: int, resync: bool, result: Any, relist: bool = False) -> None:
        try:
            children = set(result.get_nowait())
        except NoNodeError:
            children = set()
        except KazooException:
            return  # disconnected meanwhile: the next CONNECTED resyncs
        batch: List[Key] = []
        with self._changed:
            if generation != self._generation or self._stopped:
                return
            old = self._children[folder]
            self._children[folder] = children
            for child in old - children:
                self._forget(folder, child)
            to_read = set() if resync else children - old
            for child in to_read:
                self._in_flight[(folder, child)] = self._in_flight.get((folder, child), 0) + 1
            if relist:
                # fresh once what is new is read, and what is being read (a listing on the watch may
                # have seen it first: in flight, yet in no table the rounds are computed from)
                self._relisting.discard(folder)
                self._resync_reads |= {(folder, child) for child in children if (folder, child) in self._in_flight}
            if resync:
                self._resyncing.discard(folder)
                if not self._resyncing:
                    # both folders listed: every member's znode, then its history, in batches
                    members, histories = self._children[paths.READINGS], self._children[paths.HISTORY]
                    for child in sorted(members | histories):
                        if child in members:
                            batch.append((paths.READINGS, child))
                        if child in histories:
                            batch.append((paths.HISTORY, child))
                    for key in batch:
                        self._in_flight[key] = self._in_flight.get(key, 0) + 1
                    self._resync_reads |= set(batch)
            self._settle()
        self._send_rewatch()
        for child in to_read:
            self._read(folder, child, generation)
        if not self._multi_read:
            for folder, child in batch:
                self._read(folder, child, generation)
            return
        first = not self._loaded.is_set()
        size = BATCH if first else REREAD_BATCH
        self._read_in_turn([batch[start:start + size] for start in range(0, len(batch), size)], generation,
                           lanes=LANES if first else 1)

    def _history_watched(self) -> bool:
        """The server watches every history for us (ZooKeeper 3.6+): a read of one sets no watch.
        Asked before the listings whose answers come before any read is sent, so it is answered;
        a server that turned it down is asked no more (each history gets a watch of its own)."""
        below = self._below
        if below is None or not below.ready():
            return False
        if below.successful():
            return True
        if not isinstance(below.exception, (ConnectionLoss, SessionExpiredError, ConnectionClosedError)):
            self._no_below = True
        return False

    def _read_in_turn(self, chunks: List[List[Key]], generation: int, lanes: int = 1) -> None:
        """A resync's reads, ``lanes`` batches in flight at a time: the first load two (see BATCH), a
        later resync one (a leader asks for one after every claim it learns of: a hall's start asks
        a thousand times), as the re-reads go (see REREAD_BATCH). Those of a resync overtaken by a
        newer one are let go unread: it reads them all again."""
        left = iter(chunks)   # (shared by the lanes: each takes the next batch once its own is in)

        def next_batch() -> None:
            chunk = next(left, None)
            if chunk is None:
                return
            if generation != self._generation:
                self._done_all(chunk + [key for rest in left for key in rest], generation)
                return
            self._read_batch(chunk, generation, then=next_batch)

        for _ in range(lanes):
            next_batch()

    def _read_batch(self, keys: List[Key], generation: int, counted: Optional[List[Key]] = None,
                    then: Optional[Callable[[], None]] = None) -> None:
        """A data watch on each znode, then one read of them all (see the module's docstring).
        ``counted``: the reads in flight it answers (``keys`` with their repeats); ``then``: what
        to do once it is taken in."""
        znodes = [f"{folder}/{child}" for folder, child in keys]
        below = self._history_watched()
        to_watch = [znode for znode, (folder, _) in zip(znodes, keys) if not (below and folder == paths.HISTORY)]
        try:
            with self._issue_lock:
                watches = watch_many(self.client, to_watch, self._on_data) if to_watch else []
                result = read_many(self.client, znodes)
                self._issued += 1
                seq = self._issued
        except KazooException:
            self._done_all(counted or keys, generation)
            if then is not None:
                then()
            return
        result.rawlink(lambda res: self._batch_answered(keys, generation, seq, res, watches, counted, then))

    def _batch_answered(self, keys: List[Key], generation: int, seq: int, result: Any, watches: List[Any],
                        counted: Optional[List[Key]] = None, then: Optional[Callable[[], None]] = None) -> None:
        try:
            for watch in watches:   # answered before the read (in order): a read without its watches is no load
                watch.get_nowait()
            answers = result.get_nowait()
        except (ConnectionLoss, SessionExpiredError, ConnectionClosedError):
            answers = None  # disconnected: the resync after it re-reads
        except Exception:  # noqa: BLE001 - a server before 3.6 has no multiRead: one read per znode
            self._multi_read = False
            for folder, child in counted or keys:   # (still counted in flight)
                self._read(folder, child, generation)
            if then is not None:
                then()
            return
        rereads: List[str] = []
        if answers is not None and len(answers) == len(keys):
            decoded = [self._decode(answer) for answer in answers]
            with self._changed:
                read_after = {child for folder, child in keys if folder == paths.HISTORY}
                for (folder, child), (answer, reading, why) in zip(keys, decoded):
                    if isinstance(answer, Exception):
                        if isinstance(answer, NoNodeError) and self._newer(folder, child, seq):
                            self._forget(folder, child)
                        continue
                    owner = answer[1].ephemeralOwner
                    stored = self._apply(folder, child, generation, seq, reading, why, owner, batch=True)
                    if not stored or folder != paths.READINGS:
                        continue
                    if child in read_after:
                        # its history was read after it in this batch: that read settles it (not noted in
                        # _reread_for: a table of every member, for the few whose history is another's)
                        continue
                    if self._history_behind(paths.node_id_from_reading(child), owner):
                        # no history listed (a node of the original design), or it is in the next batch:
                        # read it on its own
                        key = (paths.HISTORY, child)
                        self._in_flight[key] = self._in_flight.get(key, 0) + 1
                        rereads.append(child)
        for child in rereads:
            self._read(paths.HISTORY, child, generation)
        self._send_rewatch()
        self._done_all(counted or keys, generation)
        if then is not None:
            then()

    def _read(self, folder: str, child: str, generation: int) -> None:
        watched = folder == paths.HISTORY and self._history_watched()
        try:
            with self._issue_lock:
                result = self.client.get_async(f"{folder}/{child}", watch=None if watched else self._on_data)
                self._issued += 1
                seq = self._issued
        except KazooException:
            self._done(folder, child, generation)
            return
        result.rawlink(lambda res: self._stored(folder, child, generation, seq, res))

    def _on_data(self, event: "WatchedEvent") -> None:
        if self._stopped or event.path is None:
            return  # path None: the connection dropped; the resync after it re-reads all
        folder, child = event.path.rsplit("/", 1)
        with self._changed:
            if folder not in self._children or child not in self._children[folder]:
                return
            if event.type == EventType.DELETED:
                self._forget(folder, child)
                # no longer listed: a listing that still names it (made anew) reads it again
                self._children[folder].discard(child)
                self._changed.notify_all()
            elif folder == paths.READINGS and self._history_speaks(child):
                # written in one transaction with its history, which says all it says (and more):
                # not read again, nor watched, until the history stops speaking for it (_apply)
                self._unwatched.add(child)
                return
            else:
                generation = self._generation
                self._in_flight[(folder, child)] = self._in_flight.get((folder, child), 0) + 1
                if self._multi_read:
                    self._dirty.append((folder, child))
                    if self._flushing:
                        return   # read with the next batch, once the one in flight is in
                    self._flushing = 1
        if event.type == EventType.DELETED:
            self._send_rewatch()   # (a member its history spoke for, and no longer does)
        elif self._multi_read:
            self._flush()
        else:
            self._read(folder, child, generation)

    def _flush(self) -> None:
        """Read again every znode whose watch fired since the last batch, as the load reads
        (watches, then one read). One batch in flight at a time: a lone change costs one
        round trip, a burst (1,000 nodes publishing at once) a few requests instead of a
        get each."""
        with self._changed:
            dirty, self._dirty = self._dirty, []
            generation = self._generation
            if not dirty or self._stopped:
                self._flushing = 0
                if dirty:
                    self._done_all_locked(dirty, generation)
                return
            # a member's znode before its history (the later read settles the history, see the load);
            # one batch at a time: the rest waits here, still counted in flight (see REREAD_BATCH)
            keys = sorted(set(dirty), key=_history_last)
            keys.sort(key=_child)   # (stable: by child, a member's znode first; no key tuple a znode, see _child)
            chunk = set(keys[:REREAD_BATCH])
            self._dirty = [key for key in dirty if key not in chunk]
            self._flushing = 1
        self._read_batch(keys[:REREAD_BATCH], generation, [key for key in dirty if key in chunk], self._flushed)

    def _flushed(self) -> None:
        self._flush()   # the batch is in: the next one, if any (still flagged: nobody else starts one)

    def _decode(self, answer: Any) -> Tuple[Any, Optional[Reading], Optional[str]]:
        """(the answer, its reading or None, why it is garbage or None); outside the lock."""
        if isinstance(answer, Exception):
            return answer, None, None
        data, stat = answer
        try:
            return answer, decode(data, mtime=stat.mtime / 1000.0, since=self.keep_since), None
        except BadReading as exc:
            return answer, None, str(exc)

    def _newer(self, folder: str, child: str, seq: int) -> bool:
        """Under the lock: True (and noted) when read number `seq` is newer than the answer held."""
        if seq < self._stored_seq.get((folder, child), 0):
            return False
        self._stored_seq[(folder, child)] = seq
        return True

    def _stored(self, folder: str, child: str, generation: int, seq: int, result: Any) -> None:
        try:
            answer = result.get_nowait()
        except NoNodeError:
            with self._changed:
                if self._newer(folder, child, seq):
                    self._forget(folder, child)
            self._done(folder, child, generation)
            return
        except KazooException:
            self._done(folder, child, generation)  # disconnected: the resync after it re-reads
            return
        _, reading, why = self._decode(answer)
        owner = answer[1].ephemeralOwner
        with self._changed:
            reread = self._apply(folder, child, generation, seq, reading, why, owner)
        if reread:
            self._read(paths.HISTORY, child, generation)
        self._send_rewatch()
        self._done(folder, child, generation)

    def _apply(self, folder: str, child: str, generation: int, seq: int, reading: Optional[Reading],
               why: Optional[str], owner: int, batch: bool = False) -> bool:
        """Under the lock: store one answer. True when the member's history must be read again,
        or, in a batch (which settles that itself), when the answer was stored."""
        if generation != self._generation or not self._newer(folder, child, seq):
            return False
        node_id = paths.node_id_from_reading(child)
        if folder == paths.HISTORY and reading is not None and not batch:
            # a history read (a re-read below, or a watch) may answer before the listing
            # that names it: the znode exists, and is watched (by this read, or the folder's), so it is listed
            self._children[folder].add(child)
        if child not in self._children[folder]:
            return False
        if folder == paths.READINGS:
            self._members[node_id] = Member(owner=owner, reading=reading, bad=why)
            if batch:
                return True
            reread = self._history_behind(node_id, owner)
            if reread:
                # counted as in flight before this answer is done: the node stays pending
                key = (paths.HISTORY, child)
                self._in_flight[key] = self._in_flight.get(key, 0) + 1
            return reread
        if reading is not None:
            self._histories[node_id] = reading
            self._bad_history.discard(node_id)
        else:
            self._histories.pop(node_id, None)
            self._bad_history.add(node_id)
        self._unless_spoken_for(child)
        return batch

    def _history_speaks(self, child: str) -> bool:
        """Under the lock: the member's history, as held, was written by the member's own session
        (a clustersim node): the history says all its znode says."""
        node_id = paths.node_id_from_reading(child)
        member = self._members.get(node_id)
        return member is not None and member.reading is not None and speaks(member, self._histories.get(node_id))

    def _unless_spoken_for(self, child: str) -> None:
        """Under the lock, after its history changed: an unwatched member whose history no longer
        speaks for it (another session wrote it, or it is gone) is read again, watched; pending
        until then. Sent by _send_rewatch, once the lock is let go."""
        if child in self._unwatched and not self._history_speaks(child):
            self._unwatched.discard(child)
            key = (paths.READINGS, child)
            self._in_flight[key] = self._in_flight.get(key, 0) + 1
            self._rewatch.append(child)

    def _send_rewatch(self) -> None:
        with self._lock:
            children, self._rewatch = self._rewatch, []
            generation = self._generation
        for child in children:
            self._read(paths.READINGS, child, generation)

    def _history_behind(self, node_id: str, owner: int) -> bool:
        """A member whose history (as we hold it) another session wrote: a node back under
        a new session, or one of the original design. A clustersim node writes both znodes
        in one transaction, but kazoo runs watch callbacks and read answers on two threads,
        so the history's change may not be seen yet: read it again. The answer comes after
        this member's (ZooKeeper answers a client in order), so it settles the question,
        once per owner (an original node rewrites its znode every interval; its history,
        if any, is watched from then on)."""
        history = self._histories.get(node_id)
        if (history is not None and history.session == owner) or self._reread_for.get(node_id) == owner:
            return False
        self._reread_for[node_id] = owner
        return True

    def _done(self, folder: str, child: str, generation: int) -> None:
        self._done_all([(folder, child)], generation)

    def _done_all(self, keys: List[Key], generation: int) -> None:
        """These reads answered (or failed): no longer in flight; read anew for the resync
        when they were sent after it began."""
        with self._changed:
            self._done_all_locked(keys, generation)

    def _done_all_locked(self, keys: List[Key], generation: int) -> None:
        for key in keys:
            left = self._in_flight.get(key, 0) - 1
            if left > 0:
                self._in_flight[key] = left
            else:
                # its last read in flight is in: any answer after it is of a read sent later. The
                # numbers were half the cache's bookkeeping at 1,000 members (a key, its two names, a number)
                self._in_flight.pop(key, None)
                self._stored_seq.pop(key, None)
            if generation == self._generation:
                self._resync_reads.discard(key)
        # a dict or set emptied keeps the table it grew to (a load of 1,000 members: 200 KB)
        if not self._in_flight:
            self._in_flight = {}
            self._stored_seq = {}   # (empty too: its keys are all in flight)
        if not self._resync_reads:
            self._resync_reads = set()
        self._settle()

    def _forget(self, folder: str, child: str) -> None:
        node_id = paths.node_id_from_reading(child)
        if folder == paths.READINGS:
            self._members.pop(node_id, None)
            self._reread_for.pop(node_id, None)
            self._unwatched.discard(child)
        else:
            self._histories.pop(node_id, None)
            self._bad_history.discard(node_id)
            self._unless_spoken_for(child)

    def _settle(self) -> None:
        """Called under the lock after every answer: fresh once a resync is all in."""
        if not self._resyncing and not self._relisting and not self._resync_reads and self._fresh_since is None:
            if self.client.connected:
                self._fresh_since = self.clock()
                self._loaded.set()
        self._changed.notify_all()

    # -- what callers see -------------------------------------------------
    def view(self) -> View:
        with self._lock:
            return View(
                members=dict(self._members),
                histories=dict(self._histories),
                pending={paths.node_id_from_reading(child) for _, child in self._in_flight},
                fresh=self._fresh_since is not None,
                fresh_since=self._fresh_since,
            )

    def snapshot(self) -> Tuple[Dict[str, Reading], Dict[str, str]]:
        """(node id -> Reading, node id -> why it is garbage), members only."""
        readings, bad, _ = self.snapshot_pending()
        return readings, bad

    def snapshot_pending(self) -> Tuple[Dict[str, Reading], Dict[str, str], FrozenSet[str]]:
        """snapshot() and the ids with a read in flight: a member seen by its bare value whose
        history (host, pid) is still being read is told apart from one that has none."""
        view = self.view()
        readings: Dict[str, Reading] = {}
        bad: Dict[str, str] = {}
        for node_id, member in view.members.items():
            reading = view.reading(node_id)
            if reading is not None:
                readings[node_id] = reading
            else:
                bad[node_id] = member.bad or "unreadable"
        return readings, bad, frozenset(view.pending)
