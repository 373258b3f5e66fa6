"""A node process: sensor, election, and the leader's work while it leads.

Run by hand (``clustersim node 3 --zk HOST:PORT``) or by the supervisor, which
passes an event queue (the node reports what happens on it) and the read end
of a pipe it never writes: when the supervisor dies, however, the pipe closes
and the node shuts down cleanly.

Leaving, a node first stops sampling and publishes its history one last time,
marked final (*closing*); a leader then stores every round up to its newest
sample before its term ends. When the whole cluster shuts down, the supervisor
first sends every node SIGUSR1 (close, but stay: every leader, present or
next, can store what all of them published; see adapters/settle.py), then
SIGTERM; a leader told to close by SIGUSR1 waits, when it leaves, up to
SETTLE_LIMIT seconds for the others' final samples. A node that leaves on its
own (SIGTERM alone) does not wait: the others go on, a new leader takes over.

Longer than 400 lines: a node's life (claim, sampling, election, close, shutdown) is one
sequence of steps on shared state; split, each part would reach into the others.

    settings = NodeSettings(node_id="3", zk="127.0.0.1:2181", api_url="http://127.0.0.1:8080")
    exit_code = Node(settings).run()     # until SIGINT / SIGTERM
"""

import os
import queue
import signal
import sys
import threading
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Callable, Dict, Mapping, Optional, TextIO

from kazoo.exceptions import KazooException, NoAuthError
from kazoo.protocol.states import EventType, KazooState

from cluster_sim.protocol import paths
from cluster_sim.base import zkclient
from cluster_sim.protocol.acl import LayoutLocked
from cluster_sim.node import say
from cluster_sim.protocol.rules import ClusterRules, RulesError
from cluster_sim.protocol.rules_znode import RulesConflict, check_grid, establish
from cluster_sim.node.leader import Leadership
from cluster_sim.node import watermark
from cluster_sim.node.free_id import free_id
from cluster_sim.node.publisher import IdTaken, Publisher
from cluster_sim.node.reach import ApiReach
from cluster_sim.node.sensor import Sensor, uniform_sampler
from cluster_sim.node.settings import NodeSettings
from cluster_sim.node.stopping import Stop
from cluster_sim.node.term import StepDown, Term, claim_epoch, cluster_id, ensure_layout
from cluster_sim.node.watermark import WatermarkMoved
from cluster_sim.words import lookup
from cluster_sim.zk.limit import closes_at_once

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from cluster_sim.netfault import NetFaults
    from cluster_sim.node.requests import RequestTaker

    from kazoo.client import KazooClient
    from kazoo.recipe.election import Election

    from cluster_sim.node.live import LiveScreen
    from cluster_sim.protocol.truth import TruthLog

SETTLE_LIMIT = 3.0  # the whole cluster closing: how long a leader that leaves waits to store the last rounds
CLOSE_SIGNALS = {signal.SIGUSR1}  # blocked in the fork server (preload.py) until a node handles them


class Node:
    def __init__(self, settings: NodeSettings, events: Optional[Any] = None, alive: Optional["Connection"] = None,
                 out: Optional[TextIO] = None, live: bool = False, own_relays: bool = False) -> None:
        self.s = settings
        # a node started by hand (a student's laptop) may go through relays of its own, on its
        # machine, so that the teacher's partition/slow/heal reach it (node/requests.py)
        self.own_relays = own_relays
        self.relays: Optional["NetFaults"] = None       # this process's own relays, or None
        self.taker: Optional["RequestTaker"] = None    # carries out the teacher's requests
        self.real_api_url = settings.api_url
        self.real_zk = settings.real_zk or settings.zk
        self.live = live and events is None   # a student's terminal: the live view (node/live.py)
        self.screen: Optional["LiveScreen"] = None
        self.reach: Optional[ApiReach] = None  # can this node reach the API it would deliver to
        self.lang = "en"   # the cluster's (rules.lang), for the lines a student reads
        self.events = events
        self.alive = alive
        self.out: TextIO = out or sys.stdout
        self.stopping = threading.Event()
        self.closing = threading.Event()        # stop sampling, publish final (a leader: see leader.py)
        self.cluster_closing = False            # told by SIGUSR1: every node closes, not just this one
        self._wake = threading.Event()          # the main loop has something to do
        self._closed = False                    # sensor stopped, final history published
        self.client: Optional["KazooClient"] = None
        self.leadership: Optional[Leadership] = None
        self.sensor: Optional[Sensor] = None
        self.publisher: Optional[Publisher] = None
        self.truth: Optional["TruthLog"] = None
        self.election: Optional[Any] = None      # kazoo's Election, or node/herd.py's HerdElection
        self.term: Optional[Term] = None
        self.cluster = ""
        self.rules: Optional[ClusterRules] = None   # the cluster's rules, read once connected
        self.exit_code = 0

    # -- reporting --------------------------------------------------------
    def report(self, kind: str, **fields: Any) -> None:
        if self.relays is not None and isinstance(fields.get("url"), str):
            fields["url"] = self.relays.real_url(fields["url"])   # the API people know, not our relay
        event = {"node": self.s.node_id, "kind": kind, "ts": time.time(), "pid": os.getpid(), **fields}
        if self.events is not None:
            try:
                self.events.put_nowait(event)
            except (queue.Full, ValueError, OSError):
                pass  # the supervisor's queue is full or closed: the log line below still tells
        self._print(kind, fields)

    def _print(self, kind: str, f: Mapping[str, Any]) -> None:
        if kind == "round":
            # the original design's lines, unchanged
            lines = [f"I'm the leader: (id = {self.s.node_id})",
                     f"Media: {f['mean']}" if f.get("count") else f"Media: - (round {f['round']}: no readings)"]
        elif kind in ("delivered", "woken"):
            return   # for the supervisor (its table, a failover's cost), not the node's own lines
        else:
            # worded for people in the cluster's language where say.py has the words; else the
            # node's own text (or its fields)
            worded = say.line(kind, f, self.lang)
            if worded is None:
                worded = f"{kind}: " + (f.get("text") or " ".join(f"{k}={v}" for k, v in f.items()))
            lines = [f"{say.prefix(self.s.node_id, self.lang)} {worded}"]
        try:
            self.out.write("\n".join(lines) + "\n")
            self.out.flush()
        except (OSError, ValueError):
            pass

    # -- life cycle -------------------------------------------------------
    def run(self) -> int:
        relay = None
        if threading.current_thread() is threading.main_thread():
            # stop() and close_with_cluster() set Events, whose lock the main thread may hold when a
            # signal comes (inside a wait): they run on the relay's thread, the handlers take no lock
            from cluster_sim.base.signal_relay import SignalRelay

            relay = SignalRelay({signal.SIGINT: lambda: self.stop(Stop.SIGINT),
                                 signal.SIGTERM: lambda: self.stop(Stop.SIGTERM),
                                 signal.SIGUSR1: self.close_with_cluster})
            relay.install()
            signal.pthread_sigmask(signal.SIG_UNBLOCK, CLOSE_SIGNALS)  # one that came meanwhile runs now
        try:
            return self._run()
        finally:
            if relay is not None:
                relay.close()

    def _run(self) -> int:
        if self.own_relays:
            self._start_relays()
        if self.alive is not None:
            threading.Thread(target=self._watch_parent, daemon=True, name="parent-watch").start()
        told = False
        while self.client is None:
            try:
                self.client = zkclient.connect(self.s.zk, self.s.session_timeout, self.s.connect_timeout,
                                              secret=self.s.secret or None)
            except zkclient.ZkUnreachable as exc:
                if closes_at_once(self.real_zk):
                    # its per-address limit: waiting would not help, and the relay's address would mislead
                    server = self.real_zk.split("/", 1)[0]   # its servers, without the chroot
                    self._fail(lookup("zk_limit_closed", self.lang, zk=server), "zk_refused", error=server)
                    return 2
                if self.alive is None or self.stopping.is_set():
                    self._fail(str(exc), "zk_unreachable")
                    return 2
                # started by a supervisor, whose ZooKeeper it is: unreachable now means its quorum is
                # lost (or the server is frozen), which passes; a node restarted then waits for it
                if not told:
                    told = True
                    self.report("info", code="zk_waiting", text="waiting for ZooKeeper (no quorum?)")
        try:
            return self._run_connected()
        except NoAuthError:
            self._fail("ZooKeeper refused this node: the cluster is protected, "
                       "pass its secret (--secret or CLUSTERSIM_SECRET)", "no_auth")
            return 2
        except LayoutLocked as exc:
            self._fail(str(exc), "layout_locked")
            return 2
        except (RulesConflict, RulesError) as exc:
            self._fail(str(exc), "rules_conflict")
            return 2
        finally:
            self._shutdown()

    def _run_connected(self) -> int:
        assert self.client is not None  # connected by run()
        ensure_layout(self.client)
        self._check_rules()
        self.cluster = cluster_id(self.client)
        sensor = self._claimed_sensor()
        if sensor is None:
            # the cluster shut down while we waited for our id: no sample, no claim, no complaint
            return 0 if self.closing.is_set() else 2
        assert self.publisher is not None  # the claimed sensor's
        if self.s.truth_dir:
            # only once the id is ours: a refused process must not write into the
            # truth of the node that holds it
            from cluster_sim.protocol.truth import TruthLog

            self.truth = TruthLog(self.s.truth_dir, self.s.node_id, self.cluster)
            sensor.attach_truth(self.truth)
            self.publisher.truth = self.truth
            self.truth.published(self.publisher.published_seq)
        self.sensor = sensor
        self.client.add_listener(self._on_state)
        self.report("started", host=self.publisher.host, zk=self.real_zk)
        if self.client.connected:
            # the first CONNECTED came before our listener: say it, or the table's
            # connection column stays blank until something changes
            self.report("connection", state="CONNECTED")
        if self.own_relays:
            # a node started by hand: the teacher reaches it through ZooKeeper
            from cluster_sim.node.requests import RequestTaker

            self.taker = RequestTaker(self, zk=self.real_zk, relays=self.relays)
            self.taker.start()
        self.reach = ApiReach(self.s.api_url, on_change=self.publisher.refresh, shown=self.real_api_url,
                              period=self.s.reach_period)
        self.publisher.reach = self.reach
        self.sensor.start()
        self.publisher.start()
        self.reach.start()
        elector = threading.Thread(target=self._elect, daemon=True, name="election")
        elector.start()
        if self.live:
            from cluster_sim.node.live import LiveScreen

            self.screen = LiveScreen(self)
            self.screen.start()
        while not self.stopping.is_set():
            if self.closing.is_set():
                self._close()
            if self.publisher.taken_over:
                self.stop(Stop.ID_TAKEN_OVER)
            self._wake.wait(0.5)
            self._wake.clear()
        return self.exit_code

    def _start_relays(self) -> None:
        from cluster_sim.netfault import FaultError, NetFaults
        from cluster_sim.node.requests import RELAY_KEY

        try:
            self.relays = NetFaults(zk=self.s.zk, api_url=self.s.api_url)
            routes = self.relays.add(RELAY_KEY)
        except FaultError as exc:
            # no relays: the node runs, and answers partition/slow/heal that it cannot
            self._print("warn", {"text": f"no relays of its own: {exc}"})
            if self.relays is not None:
                self.relays.close()
            self.relays = None
            return
        self.s = replace(self.s, zk=routes.zk, api_url=routes.api_url)

    def _check_rules(self) -> None:
        """Defence in depth: whoever started us (a student's command line, the supervisor's
        template), we run on the cluster's grid or not at all. On a bare ZooKeeper the first
        member's settings become the rules (a loser of that race adopts the winner's)."""
        proposed = ClusterRules.from_settings(self.s, api_url=self.real_api_url)   # not our relay's
        self.rules = establish(self.client, proposed, given={})
        check_grid(self.rules, self.s)
        self.lang = self.rules.lang   # the lines a student reads speak the cluster's language

    def _claimed_sensor(self) -> Optional[Sensor]:
        """A sensor whose id is ours in ZooKeeper, or None (refused: said in one line).
        Without an id we pick the lowest free one, and pick again if another joiner got it first."""
        picked = not self.s.node_id
        for _ in range(50):
            if picked:
                self.s = replace(self.s, node_id=free_id(self.client))
            sensor = Sensor(self.s.node_id, self.s.interval, self.s.readings_kept,
                            sample=uniform_sampler(self.s.low, self.s.high), cap=self.s.history_cap)
            self.publisher = publisher = Publisher(self.client, self.s.node_id, sensor, report=self.report)
            sensor.on_sample = publisher.kick
            if self._claim(sensor):
                if picked:
                    from cluster_sim.words.labels import label

                    self.report("info", code="picked_id", id=self.s.node_id,
                                text=label("picked_id", self.lang, id=self.s.node_id))
                return sensor
            publisher.stop()
            self.publisher = None
            if not picked or self.stopping.is_set() or self.closing.is_set():
                break
        if not self.stopping.is_set() and not self.closing.is_set():
            self._fail(f"node {self.s.node_id} is already running in this cluster "
                       f"({paths.reading_path(self.s.node_id)} exists); pick another id", "id_taken")
        return None

    def _claim(self, sensor: Sensor) -> bool:
        """Take our id; on a restart, wait for a dead predecessor's znode to go.
        The history goes on from what a predecessor with this id published.

        The claim is fenced by the watermark (node/watermark.py): its sample is of a round
        not stored yet when the claim commits, or the claim fails and is tried again with
        a sample of an open round. Whatever the network holds back, the sample is in its
        round's row or in no stored round (a leader's store that raced us fails and reads
        us first)."""
        assert self.client is not None and self.publisher is not None  # (_claimed_sensor's)
        deadline = time.monotonic() + self.s.wait_for_id
        told = False
        sensor.seed(self.publisher.previous_history())
        while not self.closing.is_set():  # (a stop closes too) closing, no new sample may come
            # One sample per round, whoever took it: none if this id has one in this round
            # already (a predecessor's last, or ours from a claim whose answer was lost).
            took = not sensor.sampled_this_round()
            if took:
                sensor.take()
            try:
                fence = watermark.read(self.client)
                newest = sensor.newest_round() if took else None   # (a round: one was just taken)
                if newest is not None and fence.stored(newest):
                    # its round is stored already (a claim held back, a clock behind the leader's):
                    # it can never be counted; the next round's sample will be
                    sensor.drop_newest()
                    self.closing.wait(max(0.0, sensor.next_sample_time(time.time()) - time.time()))
                    continue
                self.publisher.claim(fence)
                return True
            except WatermarkMoved:
                if took:
                    sensor.drop_newest()  # not published; a round may have been stored meanwhile: look again
            except IdTaken:
                if took:
                    sensor.drop_newest()  # never published: we do not own the id
                if time.monotonic() >= deadline:
                    return False
                if not told:
                    told = True
                    self.report("info", code="waiting_for_id",
                                text="waiting for the previous session of this id to expire")
                gone = threading.Event()
                try:
                    if self.client.exists(paths.reading_path(self.s.node_id), watch=lambda e: gone.set()):
                        gone.wait(min(1.0, max(0.0, deadline - time.monotonic())))
                except KazooException:
                    self.stopping.wait(0.2)  # disconnected while waiting: try again once connected
            except KazooException:
                # the connection dropped (cut off, ZooKeeper lost): wait for it, then claim again;
                # a claim whose answer was lost is recognised as ours (same session)
                while not self.client.connected and not self.stopping.is_set():
                    self.stopping.wait(0.1)
                if took and not self._sample_landed(sensor):
                    sensor.drop_newest()  # never published: the next attempt takes a fresh one
        return False

    def _sample_landed(self, sensor: Sensor) -> bool:
        """Did a claim whose answer was lost publish our newest sample? Then it stays: a
        leader may have counted it, so it must not be swapped for another."""
        assert self.publisher is not None  # (_claim's)
        _, history = sensor.latest()
        try:
            published = self.publisher.previous_history()
        except KazooException:
            return False  # cannot tell: the claim's own txn decides (a retry rewrites the whole history)
        return bool(history) and tuple(history[-1]) in {tuple(entry) for entry in published}

    def _fail(self, line: str, code: str, **fields: Any) -> None:
        if self.events is None:
            print(f"clustersim: {line}", file=sys.stderr)
        else:
            self.report("refused", code=code, text=line, **fields)

    def stop(self, why: Stop = Stop.STOP) -> None:
        """Leave (a signal's, from the signal relay's thread: only flags; _shutdown does the work,
        on the main thread)."""
        if not self.stopping.is_set():
            self.stop_reason = why
            self.closing.set()
            self.stopping.set()
            self._wake.set()

    def close_with_cluster(self) -> None:
        """SIGUSR1: the whole cluster shuts down. Stop sampling, stay in the cluster."""
        self.cluster_closing = True
        self.closing.set()
        self._wake.set()

    def _close(self) -> None:
        """Stop sampling, and publish every sample taken, marked final: leaders need not
        wait for more from us. Once; on the main thread (it writes to ZooKeeper)."""
        if self._closed or self.sensor is None:
            return
        assert self.publisher is not None  # a sensor is only kept once claimed by its publisher
        self._closed = True
        self.sensor.stop()
        if self.sensor.ident is not None:
            self.sensor.join(2.0)  # a sample being taken now is in the final publish
        self.publisher.finish()

    def _settle(self) -> None:
        """Leading while the whole cluster closes: store every round up to the newest
        sample before the term ends (bounded; a node leaving alone does not wait)."""
        leadership = self.leadership
        if leadership is None or not self.cluster_closing or self.term is None or self.term.over():
            return
        if not leadership.settled.wait(SETTLE_LIMIT):
            # the node's log only: the supervisor names the rounds left unstored (settle.py)
            self._print("warn", {"text": f"leaving after {SETTLE_LIMIT:g} s with published rounds not stored"})

    def _watch_parent(self) -> None:
        assert self.alive is not None  # (run() watches only then)
        try:
            self.alive.recv()
        except (EOFError, OSError):
            pass
        self.stop(Stop.SUPERVISOR_GONE)

    def _shutdown(self) -> None:
        if self.taker is not None:
            self.taker.stop()
        if self.screen is not None:
            self.screen.stop()
        if self.reach is not None:
            self.reach.stop()
        if self.sensor is not None and self.publisher is not None:
            self._close()
            self._settle()
        if self.term is not None:
            self.term.end(f"shutting down ({getattr(self, 'stop_reason', Stop.STOP).value})")
        if self.election is not None:
            try:
                self.election.cancel()
            except KazooException:
                pass  # disconnected: closing the session below removes our contender znode anyway
        if self.sensor is not None:
            self.sensor.stop()
        if self.publisher is not None:
            # every sample taken, in ZooKeeper before our session closes: the
            # leader counts them even though we are leaving
            self.publisher.stop(final=True)
        if self.client is not None:
            # closing the session deletes our ephemeral znodes at once: the next
            # candidate takes over without waiting for a session timeout
            zkclient.close(self.client)
        if self.relays is not None:
            self.relays.close()
        if self.truth is not None:
            self.truth.close()
        if self.sensor is not None:
            self.report("stopped", reason=getattr(self, "stop_reason", Stop.STOP).value)

    def _on_state(self, state: str) -> None:
        name = {KazooState.CONNECTED: "CONNECTED", KazooState.SUSPENDED: "SUSPENDED",
                KazooState.LOST: "LOST"}.get(state, str(state))
        if state == KazooState.LOST and self.term is not None and not self.s.unsafe:
            # the session is gone, and with it our election znode: stop acting now
            self.term.end("ZooKeeper session expired")
        if not self.stopping.is_set():
            self.report("connection", state=name)

    # -- election ---------------------------------------------------------
    def _elect(self) -> None:
        """Wait to lead, by the cluster's recipe (rules.recipe): kazoo's Election, each candidate
        watching its predecessor, or the herd (node/herd.py, for teaching), every candidate
        watching the one leader znode. Either way _lead runs the same fenced term."""
        assert self.client is not None  # (_run_connected's)
        while not self.stopping.is_set():
            if not self.client.connected:
                self.stopping.wait(0.1)
                continue
            if self.s.recipe == "herd":
                from cluster_sim.node.herd import HerdElection

                if not isinstance(self.election, HerdElection):   # kept across retries: its znode too
                    self.election = HerdElection(self.client, paths.ELECTION, paths.HERD_LEADER, self.s.node_id,
                                                 on_woken=self._woken)
                election: Any = self.election
            else:
                self.election = election = self.client.Election(paths.ELECTION, self.s.node_id)
                _count_wakes(election, self._woken)
            try:
                election.run(self._lead, election)
            except KazooException as exc:
                if self.stopping.is_set():
                    break
                self.report("warn", code="election_interrupted", error=type(exc).__name__,
                            text=f"election interrupted: {type(exc).__name__}; rejoining")
                self.stopping.wait(0.2)

    def _woken(self) -> None:
        """ZooKeeper woke this candidate (a watch of the recipe fired): counted by the supervisor
        for the failover's cost (the nodes' own count, beside the server's mntr). Kazoo's thread."""
        self.report("woken", recipe=self.s.recipe)

    def _lead(self, election: "Election") -> None:
        elected_at = time.time()
        if self.stopping.is_set():
            return
        node = _own_znode(election)
        epoch, version = claim_epoch(self.client)
        self.term = term = Term(self.client, node, epoch, version, unsafe=self.s.unsafe)
        if self.stopping.is_set():
            return
        self.leadership = leadership = Leadership(self.client, self.s, term, self.cluster, self.report,
                                                  elected_at=elected_at, reach=self.reach, closing=self.closing)
        try:
            leadership.run()
        except (RulesConflict, RulesError) as exc:
            # the rules changed under us, or were never ours: never lead on another grid
            self._fail(str(exc), "rules_conflict")
            self.exit_code = 2
            self.stop(Stop.RULES)
        except StepDown as exc:
            if not self.stopping.is_set():
                self.report("step_down", epoch=epoch, code=self._step_down_code(),
                            text=f"stepped down (epoch {epoch}): {exc}")
        except KazooException as exc:
            if not self.stopping.is_set():
                why = self.term.reason or f"{type(exc).__name__} talking to ZooKeeper"
                self.report("step_down", epoch=epoch, code=self._step_down_code(exc), error=type(exc).__name__,
                            text=f"stepped down (epoch {epoch}): {why}")
        except Exception as exc:  # noqa: BLE001 - a bug in the round loop must not end the
            # election thread: its trace goes to the node's log, and the node steps down and rejoins
            import traceback

            traceback.print_exc()
            if not self.stopping.is_set():
                why = self.term.reason or f"internal error {type(exc).__name__} (trace in the node's log)"
                self.report("step_down", epoch=epoch, code="internal_error", error=type(exc).__name__,
                            text=f"stepped down (epoch {epoch}): {why}")
        finally:
            self.term.end(self.term.reason or "stepped down")

    # -- why a term ended, as a code the supervisor words in the class's language
    def _step_down_code(self, error: Optional[BaseException] = None) -> str:
        """"session_expired" (its session is gone), "fenced" (the term was ended while the session
        lived: a newer epoch, its election znode gone, the API refusing its epoch) or "error" (an
        exception the term did not expect). Read from the session and the exception, not from text."""
        assert self.term is not None and self.client is not None  # asked only when a term ends
        if not self.s.unsafe and (not self.term.same_session() or self.client.state == KazooState.LOST):
            return "session_expired"
        return "fenced" if error is None else "error"


def _own_znode(election: Any) -> str:
    """The term's own leadership znode: our candidate znode in /election, whichever the recipe."""
    name = election.lock.node if hasattr(election, "lock") else election.node
    return f"{paths.ELECTION}/{name}"


def _count_wakes(election: "Election", woken: Callable[[], None]) -> None:
    """kazoo's Election wakes a candidate through its lock's watch on the predecessor: count each
    notification ZooKeeper delivers there (not the session events kazoo also passes it)."""
    lock: Any = election.lock
    wake = lock._watch_predecessor

    def counted(event: Any) -> None:
        if getattr(event, "type", None) in (EventType.DELETED, EventType.CHANGED):
            woken()
        wake(event)

    lock._watch_predecessor = counted


def _name_process(name: str) -> None:
    """Show `clustersim-n3` in ps/top instead of the fork server's command line."""
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        libc.prctl(15, name.encode()[:15], 0, 0, 0)  # PR_SET_NAME
    except (OSError, AttributeError):
        pass  # not Linux: ps shows the fork server's command line, nothing worse


def process_main(settings_dict: Dict[str, Any], events: Any, alive: "Connection", log_path: str) -> None:
    """Entry point of a node process started by the supervisor."""
    os.setsid()  # Ctrl-C in the terminal goes to the supervisor, which stops us in order
    for inherited in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(inherited, signal.SIG_DFL)   # the fork server ignores them (preload.py); a node does not
    _name_process(f"clustersim-n{settings_dict['node_id']}")
    log = open(log_path, "a", buffering=1)
    os.dup2(log.fileno(), 1)
    os.dup2(log.fileno(), 2)
    sys.stdout = sys.stderr = log
    import logging

    handler = logging.StreamHandler(log)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    handler.setLevel(logging.WARNING)
    logging.getLogger("kazoo").addHandler(handler)
    code = Node(NodeSettings(**settings_dict), events=events, alive=alive, out=log).run()
    sys.exit(code)
