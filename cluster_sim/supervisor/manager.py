"""The manager: the loop that pumps messages to the core and hands events to listeners.

    manager = Manager(Model(state), spawner, make_settings, listeners=[printer])
    manager.post(SpawnNodes(("1", "2", "3")))
    manager.loop()            # until stop() or a `clustersim stop`

Every input arrives as a typed message (messages.py) on one queue: ZooKeeper
snapshots from the observer, node reports, API health, control requests,
narration, signals. The pure core (core.py) turns each into events and
applies them to the model; the loop hands every event to every listener
(listeners/), once, in order, and offers them the state about four times a
second. Control requests go to their command's handler (commands.py). The
only I/O here is the node processes: started, signalled (by handlers) and
reaped. Time comes from an injected clock, so tests can drive it.
"""

import queue
import sys
import threading
import time
from collections import deque
from typing import Any, Callable, Deque, Dict, Iterable, List, Optional, Set

from cluster_sim.engine import events as ev
from cluster_sim.control.commands import by_name
from cluster_sim.engine.core import step
from cluster_sim.engine.digest import BIG
from cluster_sim.engine.messages import (
    Announce, ControlRequest, Message, Narrate, ProcessExited, SpawnNodes, StopRequested, parse_report,
)
from cluster_sim.engine.model import Model, apply
from cluster_sim.engine.state import STARTING
from cluster_sim.engine.timeline import Term
from cluster_sim.presentation.answers import worded      # an answer carries typed events: worded when sent

RENDER_EVERY = 0.25
RENDER_EVERY_BIG = 0.5   # a cluster the screens summarise (engine/digest.BIG): a lecture hall's frame costs
#                          up to 34 ms and changes little between two; the supervisor's core goes to its nodes
SPAWN_BATCH = 4      # nodes started per loop turn: control requests and the view stay live meanwhile
MAX_STARTING = 48    # nodes started and not yet running at once: a lecture hall starts as fast as nodes come
#                      up, instead of hundreds connecting at once on a machine they saturate


class Manager:
    def __init__(self, model: Model, spawner: Any, make_settings: Callable[[str, float], Any],
                 listeners: Iterable[Any] = (), clock: Callable[[], float] = time.time,
                 api: Any = None, zk: Any = None,
                 on_exit: Optional[Callable[[str, int, int], None]] = None,
                 netfaults: Any = None, embedded_zk: Any = None, client: Any = None):
        self.model = model
        self.state = model.state
        self.spawner = spawner
        self.make_settings = make_settings  # (node id, wait_for_id) -> NodeSettings
        self.listeners: List[Any] = list(listeners)
        self.clock = clock
        self.api = api          # object with stop()/start() or None (external API)
        self.zk = zk            # embedded ZooKeeper ensemble (zk-kill, zk-start) or None
        self.embedded_zk = embedded_zk  # embedded ZooKeeper of any size (zk-pause, zk-resume) or None
        self.netfaults = netfaults      # the local nodes' relays (netfault.NetFaults), or None
        self.client = client            # our ZooKeeper client: requests to remote nodes (faults/remote.py)
        self.on_exit = on_exit  # (node id, pid, exit code) after a node process is reaped
        self.queue: "queue.Queue[Message]" = queue.Queue()
        self.procs: Dict[str, Any] = {}
        self.log_paths: Dict[str, str] = {}   # node id -> its log file (kept after the process ends)
        self._stop = threading.Event()        # the loop ends (a stop request, a signal)
        self._signalled: Optional[ev.StopWhy] = None   # set by a signal handler (stop_from_signal)
        self._closed = threading.Event()      # the nodes are stopped: no more node reports
        self._last_render = 0.0
        self._renders: List[float] = []       # recent refresh times, for refresh_hz
        self._narration_undrawn = False       # a demo's step is showing that no frame has drawn yet
        self._failed: set = set()             # listeners that raised (reported once)
        self._to_spawn: Deque[str] = deque()  # ids of SpawnNodes not started yet (see MAX_STARTING)
        self._starting: Set[str] = set()      # started by us, not running yet
        self._bridge = threading.Thread(target=self._bridge_node_events, daemon=True, name="events")

    @property
    def session_timeout(self) -> float:
        """The cluster's session timeout (the model reads it from the rules)."""
        return self.model.session_timeout

    @property
    def terms(self) -> List[Term]:
        """The leadership timeline so far (timeline.Term, the last one open while it lasts)."""
        return self.model.terms

    # -- inputs -----------------------------------------------------------
    def post(self, message: Message) -> None:
        self.queue.put(message)

    def submit_request(self, request: Dict[str, Any], reply: Any) -> None:
        self.post(ControlRequest(request, reply))

    def stop(self, why: ev.StopWhy = ev.StopWhy.STOP) -> None:
        self.post(StopRequested(why))

    def stop_from_signal(self, why: ev.StopWhy) -> None:
        """stop() for a signal handler. A handler runs on the loop's own thread, between two
        bytecodes, perhaps inside queue.get while it holds the queue's lock: a put() there waits
        for that lock forever (a Ctrl-C that was never answered). A plain attribute is set
        instead, and the loop makes it the stop request within a turn."""
        self._signalled = why

    def narrate(self, title: str, text: str = "", question: str = "", hint: Optional[str] = None,
                log: bool = True, live_step: str = "", lang: str = "") -> None:
        """Show what a demo is doing now (a panel in the view and, with log, a line in the log);
        with live_step, that step's words are filled with the outbox depth the screen shows."""
        self.post(Narrate(title, text, question, hint, log, live_step, lang))

    def announce(self, event: ev.Event) -> None:
        self.post(Announce(event))

    def _bridge_node_events(self) -> None:
        # runs until the nodes are stopped, not just until the loop ends: the
        # shutdown drain still wants the leader's "delivered" reports
        while not self._closed.is_set():
            try:
                raw = self.spawner.events.get(timeout=0.2)
            except queue.Empty:
                continue
            except (EOFError, OSError, ValueError):
                break
            if self.netfaults is not None and isinstance(raw, dict) and isinstance(raw.get("url"), str):
                # a local node reaches the API through its relay: name the API the teacher knows
                raw = dict(raw, url=self.netfaults.real_url(raw["url"]))
            self.post(parse_report(raw, self.clock()))

    # -- the loop ---------------------------------------------------------
    def loop(self) -> None:
        self._bridge.start()
        while not self._stop.is_set():
            message = self._next(0.05)
            if self._signalled is not None:
                # the handler ran on this thread, so whatever was taken came after the signal: the
                # signal is the stop's reason (a demo's own "interrupted" stop follows it)
                why, self._signalled = self._signalled, None
                self.handle(StopRequested(why))
            if message is not None:
                self.handle(message)
            self._tick()
        self._refresh(self.clock())

    def _next(self, timeout: float) -> Optional[Message]:
        try:
            return self.queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def _tick(self) -> None:
        """After each message (or none): reap exited nodes, start waiting ones, redraw at most every
        RENDER_EVERY (RENDER_EVERY_BIG for a cluster the screens summarise)."""
        self._reap()
        if self._to_spawn:
            self._spawn_some()
        now = self.clock()
        if now - self._last_render >= (RENDER_EVERY_BIG if len(self.state.nodes) > BIG else RENDER_EVERY):
            self._last_render = now
            self._refresh(now)

    def handle(self, message: Message) -> None:
        if isinstance(message, ControlRequest):
            self._answer(message)
        elif isinstance(message, SpawnNodes):
            self._to_spawn.extend(message.ids)
            self._spawn_some()
        else:
            if isinstance(message, StopRequested):
                self._stop.set()
            if isinstance(message, Narrate) and self._narration_undrawn:
                # the step showing was never drawn (the loop fell behind): drawn before it goes,
                # neither the screen nor a recording skips what the class was told
                self._last_render = self.clock()
                self._refresh(self._last_render)
            self._hand_out(step(self.model, message, self.clock()))
            self._narration_undrawn |= isinstance(message, Narrate)

    def emit(self, *events: ev.Event) -> None:
        """Apply events a handler caused and hand them to the listeners (on the loop only)."""
        for event in events:
            apply(self.model, event)
        self._hand_out(list(events))

    def _hand_out(self, events: List[ev.Event]) -> None:
        pending = list(events)
        while pending:
            event = pending.pop(0)
            for listener in list(self.listeners):
                try:
                    listener.event(event)
                except Exception as exc:  # any bug in a listener (a recorder, a demo) must not stop the cluster
                    pending += self._failure(listener, exc)

    def _refresh(self, now: float) -> None:
        self._narration_undrawn = False
        self._renders = [t for t in self._renders if now - t < 2.0] + [now]
        self.state.refresh_hz = round(len(self._renders) / 2.0, 1) if now - self.state.started_at > 2 else None
        failures: List[ev.Event] = []
        for listener in list(self.listeners):
            try:
                listener.frame(self.state, now)
            except Exception as exc:  # as in _hand_out: report it, keep the cluster going
                failures += self._failure(listener, exc)
        self._hand_out(failures)

    def _failure(self, listener: Any, exc: Exception) -> List[ev.Event]:
        if id(listener) in self._failed:
            return []
        self._failed.add(id(listener))
        event = ev.ListenerFailed(self.clock(), listener=type(listener).__name__, error=repr(exc))
        apply(self.model, event)
        return [event]

    # -- node processes ---------------------------------------------------
    def start_node(self, node_id: str, wait_for_id: float = 0.0, requested: bool = False) -> ev.NodeStarted:
        before = self.state.nodes.get(node_id)
        # its id still in the election: a previous process's session (killed hard) holds it
        held = before is not None and not before.remote and bool(before.role) and wait_for_id > 0
        proc = self.spawner.spawn(self.make_settings(node_id, wait_for_id))
        self.procs[node_id] = proc
        self.log_paths[node_id] = proc.log_path
        event = ev.NodeStarted(self.clock(), node_id, pid=proc.pid, requested=requested,
                               waits=wait_for_id if held else None)
        self.emit(event)
        return event

    def _spawn_some(self) -> None:
        """Start up to SPAWN_BATCH waiting nodes, while fewer than MAX_STARTING are starting."""
        self._starting = {n for n in self._starting if n in self.procs and n in self.state.nodes
                          and self.state.nodes[n].state == STARTING}
        for _ in range(SPAWN_BATCH):
            if not self._to_spawn or len(self._starting) >= MAX_STARTING:
                return
            node_id = self._to_spawn.popleft()
            if node_id not in self.procs:
                self.start_node(node_id)
                self._starting.add(node_id)

    def _reap(self) -> None:
        for ended in self.spawner.exited():
            node_id = ended.node_id
            proc = self.procs.get(node_id)
            code = None if proc is None or proc is not ended else proc.poll()
            if proc is None or code is None:
                continue
            del self.procs[node_id]
            if self.on_exit is not None:
                self.on_exit(node_id, proc.pid, code)
            exited = ProcessExited(node_id, code, proc.stop_requested, proc.log_path)
            self._hand_out(step(self.model, exited, self.clock()))

    def stop_all(self, timeout: float = 10.0, kill_timeout: float = 10.0) -> None:
        """Stop every node gracefully (SIGTERM), SIGKILL what still runs after `timeout`
        seconds, and return only when none runs: asked of the kernel (proc.running()), not
        of the fork server's sentinels, which say "ended" of every node once that server
        is gone. Every node the spawner started counts, also one the manager no longer holds."""
        procs = {id(p): p for p in [*self.procs.values(), *self.spawner.live()]}.values()
        for proc in procs:
            proc.terminate()
        left = _wait_gone(procs, timeout)
        for proc in left:
            proc.kill()
        left = _wait_gone(left, kill_timeout)
        if left:   # SIGKILLed and still there (a process in the kernel's uninterruptible sleep)
            from cluster_sim.words import lookup

            print(lookup("big.unkillable", self.state.lang, pids=", ".join(str(p.pid) for p in left)),
                  file=sys.stderr, flush=True)
        # the fork server tells each exit code once it has reaped the process: give it a moment
        # so that the last frame shows each node stopped with its code
        deadline = time.monotonic() + 2.0
        for proc in procs:
            proc.join(max(0.0, deadline - time.monotonic()))
        self._reap()
        self._stop.set()
        self._closed.set()
        self._refresh(self.clock())  # the last frame shows everything stopped

    def heal_all(self) -> None:
        """Undo every network fault and thaw every frozen ZooKeeper server (at shutdown:
        a partitioned leader may still drain, and a frozen server would not stop)."""
        now = self.clock()
        if self.netfaults is not None:
            self.emit(*[ev.Healed(now, node, target="all") for node in self.netfaults.heal_all()])
        if self.embedded_zk is not None:
            self.emit(*[ev.ZkServerResumed(now, index=i) for i in self.embedded_zk.resume_all()])

    def settle(self, progress: Callable[[Dict[str, int]], Any], timeout: float,
               skip: Optional[threading.Event] = None) -> Any:
        """Before the drain: tell every local node to stop sampling (it publishes its history,
        final, and stays), then give the leader up to `timeout` seconds to store every round
        they published (settle.py). The view stays live; `skip` or another stop request cuts
        the wait short. `progress(pids)` reads it (a settle.Progress; it may raise).
        Returns the last Progress read (None: no local node, or ZooKeeper did not answer)."""
        pids = {}
        for node_id, proc in self.procs.items():
            if proc.poll() is None:
                proc.close_sampling()
                pids[node_id] = proc.pid
        if not pids:
            return None  # nobody of ours samples: nothing we stopped can be left behind
        self.emit(ev.SettleStarted(self.clock(), count=len(pids), timeout=timeout))
        self._refresh(self.clock())
        deadline = time.monotonic() + timeout  # not self.clock: tests may freeze it
        skipped = False
        while True:
            running = {n: pid for n, pid in pids.items() if n in self.procs and self.procs[n].poll() is None}
            try:
                now = progress(running)
            except Exception as exc:  # progress() asks ZooKeeper, which may fail in many ways: shutdown goes on
                self.emit(ev.SettleEnded(self.clock(), timeout=timeout, why=_why(exc)))
                return None
            if now.settled or skipped or time.monotonic() >= deadline:
                break
            skipped = self._pump(skip)
        self.emit(ev.SettleEnded(self.clock(), uncomputed=len(now.uncomputed), timeout=timeout, skipped=skipped,
                                 first=now.uncomputed[0] if now.uncomputed else None,
                                 last=now.uncomputed[-1] if now.uncomputed else now.newest))
        self._refresh(self.clock())
        return now

    def _pump(self, skip: Optional[threading.Event]) -> bool:
        """One turn of the loop while the shutdown waits: a message, reaping, the view.
        Returns True when the user will not wait (`skip` set, or another stop request)."""
        message = self._next(0.1)
        skipped = isinstance(message, StopRequested)  # `clustersim stop` again: as impatient as a second Ctrl-C
        if message is not None and not skipped:
            self.handle(message)
        self._tick()
        return skipped or bool(skip is not None and skip.is_set())

    def drain(self, depth: Callable[[], int], timeout: float, skip: Optional[threading.Event] = None) -> Optional[int]:
        """Before the nodes stop: give the leader up to `timeout` seconds to
        deliver what is in the outbox, ending as soon as it is empty. The view
        stays live meanwhile. `depth()` counts the outbox (it may raise);
        `skip` (an Event) or another stop request cuts the wait short.
        Returns the rounds left (None: the outbox could not be counted)."""
        try:
            left = depth()
        except Exception as exc:  # depth() asks ZooKeeper, which may fail in many ways: shutdown goes on
            self.emit(ev.OutboxUncounted(self.clock(), why=_why(exc), draining=False))
            return None
        if not left or timeout <= 0 or (skip is not None and skip.is_set()):
            return left  # (skipped while the rounds were stored: the saved file's line says the rest)
        self.emit(ev.DrainStarted(self.clock(), rounds=left, timeout=timeout))
        self._refresh(self.clock())
        deadline = time.monotonic() + timeout  # not self.clock: tests may freeze it
        skipped = False
        while left and not skipped and time.monotonic() < deadline:
            skipped = self._pump(skip)
            try:
                left = depth()
            except Exception as exc:  # as above
                self.emit(ev.OutboxUncounted(self.clock(), why=_why(exc), draining=True))
                return None
        self.emit(ev.DrainEnded(self.clock(), rounds=left, timeout=timeout, skipped=skipped))
        self._refresh(self.clock())
        return left

    # -- control requests -------------------------------------------------
    def _answer(self, message: ControlRequest) -> None:
        request = message.request
        command = by_name(request.get("cmd"))
        try:
            if command is None:
                answer = {"ok": False, "error": f"unknown command {request.get('cmd')!r}"}
            else:
                via = request.get("via")
                if isinstance(via, str) and via:   # the teacher's page: the log says where it came from
                    target = request.get("id", request.get("index"))
                    self.emit(ev.CommandVia(self.clock(), cmd=command.name,
                                            target="" if target is None else str(target), via=via))
                answer = command.handler(self, request)
        except Exception as exc:  # a bad request, or a bug in one handler, must never take the supervisor down
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        later = answer.get("deferred")
        if callable(later):
            # a remote node's answer comes through ZooKeeper: waited for off the loop
            from cluster_sim.faults.remote import run_later

            run_later(later, message.reply, lambda done: worded(done, self.state))
            return
        try:
            message.reply.put_nowait(worded(answer, self.state, self.clock()))
        except queue.Full:
            pass


def _wait_gone(procs: Iterable[Any], timeout: float) -> List[Any]:
    """Wait up to `timeout` seconds (not self.clock: tests may freeze it) until none of `procs`
    runs; return those that still do."""
    deadline = time.monotonic() + timeout
    left = list(procs)
    while True:
        left = [p for p in left if p.running()]
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.05)


def _why(exc: Exception) -> str:
    return str(exc) or type(exc).__name__
