"""The publisher: the sensor's latest history, into ZooKeeper, off the sampling path.

One transaction per publish writes both znodes of the node: the bare latest
value in /mediciones/app{ID} (what a node of the original design reads) and
the history in /clustersim/history/app{ID}, stamped with the session that
wrote it. A write may block while ZooKeeper hangs; only this thread waits.
After a reconnect, or a new session, it publishes at once.

The history carries every sample the cluster has not stored yet, up to the
sensor's cap (a ZooKeeper outage of 10 minutes): once it grows past the
sensor's window by half, the publisher reads the watermark and lets the
sensor forget the samples of rounds stored. A hard byte bound
(settings.HISTORY_MAX_BYTES) drops the oldest beyond it.

Every creation of the member znode (a claim, or coming back under a new
session) is fenced by the watermark (see watermark.py): it fails if a round
was stored since the node read it; a claim then raises WatermarkMoved (its
caller decides about its sample), a return under a new session reads the
watermark again and retries.

    publisher = Publisher(client, "3", sensor, report=print, truth=log)
    publisher.claim(watermark.read(client))   # create the znodes; IdTaken, WatermarkMoved
    publisher.start(); publisher.kick(); ...; publisher.stop(final=True)
    publisher.reach = reach    # reach.ApiReach: its `ok` and `url` ride in the history (readers
                               # that do not know the fields ignore them)
    publisher.finish()         # no more samples come: every publish from now on is marked final
"""

import os
import socket
import threading
from typing import TYPE_CHECKING, List, Optional, Tuple

from kazoo.exceptions import (BadVersionError, KazooException, ConnectionLoss, NodeExistsError, NoNodeError,
                              OperationTimeoutError, SessionExpiredError)
from kazoo.protocol.states import KazooState

from cluster_sim.protocol import paths
from cluster_sim.node import readings, watermark
from cluster_sim.node.settings import HISTORY_MAX_BYTES, Report
from cluster_sim.node.watermark import Watermark, WatermarkMoved

if TYPE_CHECKING:
    from kazoo.client import KazooClient

    from cluster_sim.node.reach import ApiReach
    from cluster_sim.node.sensor import Sample, Sensor
    from cluster_sim.protocol.truth import TruthLog

_DISCONNECTED = (ConnectionLoss, SessionExpiredError, OperationTimeoutError)


class IdTaken(Exception):
    """Another live process holds /mediciones/app{ID}."""


class Publisher(threading.Thread):
    def __init__(self, client: "KazooClient", node_id: str, sensor: "Sensor", report: Optional[Report] = None,
                 truth: Optional["TruthLog"] = None) -> None:
        super().__init__(name=f"publisher-{node_id}", daemon=True)
        self.client = client
        self.node_id = node_id
        self.sensor = sensor
        self.report: Report = report or (lambda kind, **kw: None)
        self.truth = truth
        self.reach: Optional["ApiReach"] = None  # whether this node reaches its API, said in its history
        self.member = paths.reading_path(node_id)
        self.history_path = paths.history_path(node_id)
        self.host = socket.gethostname()
        self.taken_over = False
        self.published_seq = 0
        self._history_version: Optional[int] = None  # known version of our history znode; None: ask
        self._force = True            # publish at the next wake even without a new sample
        self._final = False           # the sensor stopped: say so in every publish (finish())
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._write_lock = threading.Lock()  # the thread and a final publish never interleave
        client.add_listener(self._on_state)

    # -- what is written ----------------------------------------------------
    def _payload(self, final: bool = False,
                 fence: Optional[Watermark] = None) -> Tuple[int, bytes, bytes, int]:
        """(seq, bare value, history, the session stamped on it). Built for each attempt
        of a write: the history must carry the session that writes it, or a leader takes
        the node for one of the original design and leaves its samples out. With `fence`
        (the watermark a creation of our member znode is fenced on), or once the history
        has grown past the sensor's window by half, the samples of rounds the cluster stored
        are forgotten first: no leader reads them again, and one published only now (taken
        while cut off) would claim a place in a row stored without it."""
        client_id = self.client.client_id
        if client_id is None:
            raise ConnectionLoss("not connected: no session to stamp the history with")
        window = self.sensor.window
        if fence is None and len(self.sensor.history) > window + max(4, window // 2):
            fence = watermark.read(self.client)
        if fence is not None:
            self.sensor.trim(fence.round, keep=window if fence.round is None else 1)
        seq, history = self.sensor.latest()
        _, ts, value = history[-1]
        reach = self.reach
        while True:
            reading = readings.Reading(value=value, ts=ts, seq=seq, pid=os.getpid(), host=self.host,
                                       history=history, session=client_id[0], final=final,
                                       api_ok=None if reach is None else reach.ok,
                                       api_url=None if reach is None else reach.shown)
            data = readings.encode(reading)
            if len(data) <= HISTORY_MAX_BYTES or len(history) == 1:
                break
            # the hard bound: the oldest samples go (their rounds are stored partial, naming us)
            history = history[max(1, len(history) * (len(data) - HISTORY_MAX_BYTES) // len(data) + 1):]
        return seq, readings.encode_bare(value), data, client_id[0]

    def previous_history(self) -> List["Sample"]:
        """What an earlier process with this id published: samples to carry on."""
        try:
            data, _ = self.client.get(self.history_path)
            return list(readings.decode(data).history)
        except (NoNodeError, readings.BadReading):
            return []

    def claim(self, fence: Optional[Watermark] = None) -> None:
        """Create our member znode and write the history, in one transaction. Raises
        IdTaken if another live process holds the id; with `fence` (a watermark.Watermark),
        WatermarkMoved if the watermark changed since it was read (nothing written)."""
        self._write(create_member=True, fence=fence)

    def _write(self, create_member: bool, final: bool = False, fence: Optional[Watermark] = None) -> bool:
        created = False
        claiming = fence is not None  # a claim: a moved watermark is the caller's to handle
        with self._write_lock:
            while True:
                if create_member and not claiming:
                    # back under a new session (our ephemeral znode went with the old one):
                    # a leader may have stopped waiting for us, so we come back fenced as a claim
                    fence = watermark.read(self.client)
                # a retry may run under a new session (the old one expired meanwhile; a request
                # queued while reconnecting is sent on the new one): stamp each attempt afresh
                seq, bare, history, session = self._payload(final, fence if create_member else None)
                if self._history_version is None:
                    stat = self.client.exists(self.history_path)
                    self._history_version = -1 if stat is None else stat.version
                txn = self.client.transaction()
                if create_member:
                    txn.create(self.member, bare, ephemeral=True)
                else:
                    txn.set_data(self.member, bare)
                if self._history_version < 0:
                    txn.create(self.history_path, history)
                else:
                    txn.set_data(self.history_path, history, version=self._history_version)
                fenced = create_member and fence is not None and fence.version is not None
                if fenced:
                    assert fence is not None  # (fenced says so)
                    # unchanged, but versioned: fails if a round was stored since the read, and
                    # makes a store computed before this write fail (the leader then reads us)
                    txn.set_data(paths.LAST_ROUND, fence.data, version=fence.version)
                results = txn.commit()
                failed = [r for r in results if isinstance(r, Exception)]
                if not failed:
                    written = results[1]
                    self._history_version = written.version if hasattr(written, "version") else 0
                    created = created or create_member
                    self._published(seq)
                    now = self._session()
                    if now == session:
                        break
                    # The session changed between stamping and committing: the member znode
                    # (if this created it) is another session's than the history says. Stamp
                    # it again now, or at once when connected again (CONNECTED forces a publish).
                    self._force = True
                    if now is None:
                        break
                    create_member = False
                    continue
                self._history_version = None
                if isinstance(results[0], NodeExistsError):
                    if self._owned_by_us():
                        # our own earlier claim landed (fenced); its answer was lost: from
                        # now on this is a plain publish
                        create_member, fence, claiming = False, None, False
                        continue
                    raise IdTaken(self.member)
                if isinstance(results[0], NoNodeError):
                    create_member = True  # a new session: our ephemeral znode is gone
                    continue
                if isinstance(results[1], NoNodeError) and self.client.exists(paths.HISTORY) is None:
                    self.client.ensure_path(paths.HISTORY)
                    continue
                if isinstance(results[1], (BadVersionError, NodeExistsError, NoNodeError)):
                    continue  # the history changed under us (our own lost answer, or a pruning)
                if fenced and isinstance(results[2], BadVersionError):
                    if claiming:
                        raise WatermarkMoved(paths.LAST_ROUND)
                    continue  # a round was stored meanwhile: read the watermark again
                raise failed[0]
        return created

    def _published(self, seq: int) -> None:
        self.published_seq = seq
        if self.truth is not None:
            self.truth.published(seq)

    def _session(self) -> Optional[int]:
        client_id = self.client.client_id
        return client_id[0] if client_id else None

    def _owned_by_us(self) -> bool:
        stat = self.client.exists(self.member)
        client_id = self.client.client_id
        return stat is not None and client_id is not None and stat.ephemeralOwner == client_id[0]

    # -- the thread -------------------------------------------------------
    def _on_state(self, state: str) -> None:
        # kazoo calls this on its own thread, which must not block: just wake.
        if state == KazooState.CONNECTED:
            self._force = True  # after a new session our member znode is gone: recreate it now
            self._wake.set()

    def kick(self) -> None:
        self._wake.set()

    def refresh(self) -> None:
        """Publish again soon although no new sample came (what the node says about itself changed)."""
        self._force = True
        self._wake.set()

    def finish(self) -> None:
        """The sensor has stopped: publish at once, marked final (and again, still final,
        after a reconnect), so that no leader waits for samples from us."""
        self._final = True
        self.refresh()

    def publish(self) -> None:
        try:
            if self._write(create_member=False, final=self._final) and not self._stop.is_set():
                self.report("republished", seq=self.published_seq)
        except IdTaken:
            self.taken_over = True
            self.report("error", code="id_taken_over", text=f"node id {self.node_id} was taken by another process")
        except _DISCONNECTED:
            pass  # published again on reconnect; the history keeps the gap covered
        except KazooException as exc:
            # any other refusal (an ACL, a server error): say it and go on sampling;
            # the next sample tries again
            self.report("error", code="publish_failed", error=type(exc).__name__, text=f"publishing failed: {exc!r}")

    def run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait()
            self._wake.clear()
            if self._stop.is_set():
                break
            if self.client.connected and (self._force or self.sensor.seq > self.published_seq):
                self._force = False
                self.publish()

    def stop(self, final: bool = False) -> None:
        """Stop; with `final`, publish everything one last time, marked final (a
        graceful exit leaves every sample it took readable, and says no more come)."""
        self._stop.set()
        self._wake.set()
        if final and self.client.connected and not self.taken_over:
            try:
                # marked final: a leader need not wait for more samples from us
                self._write(create_member=False, final=True)
            except (IdTaken, *_DISCONNECTED):
                pass
        self.client.remove_listener(self._on_state)


def mark_final(client: "KazooClient", node_id: str, pid: int) -> bool:
    """Mark a dead node's history final, on its behalf: the supervisor saw the
    process with this pid exit (killed, crashed), so no more samples will come
    and a leader need not wait for any. Only that process's history is touched
    (a restarted node has written its own since). Returns True if marked."""
    path = paths.history_path(node_id)
    while True:
        try:
            data, stat = client.get(path)
            reading = readings.decode(data)
        except (NoNodeError, readings.BadReading):
            return False
        if reading.pid != pid or reading.final:
            return False
        reading.final = True
        try:
            client.set(path, readings.encode(reading), version=stat.version)
            return True
        except BadVersionError:
            continue  # it changed meanwhile: look again
