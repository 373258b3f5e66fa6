"""The manager: the one loop that owns the cluster's state.

Everything reaches it as a message on one queue: ZooKeeper snapshots from
the observer, events reported by node processes, API health, control
requests from the CLI, signals. It changes the state, acts (start, signal
and reap node processes) and hands the state to the printer. Time comes from
an injected clock, so tests can drive it.

    manager = Manager(state, spawner, make_settings, printer)
    manager.start_node("1")
    manager.loop()            # until stop() or a "stop" request
"""

import queue
import signal
import threading
import time

from cluster_sim.supervisor.state import (
    CRASHED, FOLLOWER, LEADER, PAUSED, REMOTE, RUNNING, STARTING, STOPPED, Event, NodeView,
)

RENDER_EVERY = 0.25


class Manager:
    def __init__(self, state, spawner, make_settings, printer, clock=time.time,
                 api=None, zk=None, session_timeout=10.0, interval=5.0, unsafe=False):
        self.state = state
        self.spawner = spawner
        self.make_settings = make_settings  # node id -> NodeSettings
        self.printer = printer
        self.clock = clock
        self.api = api          # object with stop()/start() or None (external API)
        self.zk = zk            # embedded ZooKeeper (server or ensemble) or None
        self.session_timeout = session_timeout
        self.interval = interval
        self.unsafe = unsafe    # nodes run without guard: show every node that acts as leader
        self.acting = {}        # node id -> time of its last round (unsafe mode)
        self._split_brain = False
        self.queue = queue.Queue()
        self.procs = {}
        self.log_paths = {}     # node id -> its log file (kept after the process ends)
        self.left_at = {}       # node id -> (time, how) it was stopped or paused by us
        self.terms = []         # leadership timeline: [node id, epoch, start, end]
        self._stop = threading.Event()      # the loop ends (a stop request, a signal)
        self._closed = threading.Event()    # the nodes are stopped: no more node events
        self._last_render = 0.0
        self._leader_key = None
        self._last_leader = None
        self._seen_bad = {}
        self.render_listeners = []  # called as f(state, now) after every refresh (recorder, demo)
        self._renders = []          # recent refresh times, for refresh_hz
        self._bridge = threading.Thread(target=self._bridge_node_events, daemon=True, name="events")

    # -- inputs -----------------------------------------------------------
    def post(self, item):
        self.queue.put(item)

    def submit_request(self, request, reply):
        self.queue.put(("control", request, reply))

    def stop(self, why="stop"):
        self.queue.put(("stop", why))

    def narrate(self, title, text="", log=True):
        """Show what a demo is doing now (a panel in the view and, with log, a line in the log)."""
        self.queue.put(("narrate", title, text, log))

    def _bridge_node_events(self):
        # runs until the nodes are stopped, not just until the loop ends: the
        # shutdown drain still wants the leader's "delivered" events
        while not self._closed.is_set():
            try:
                event = self.spawner.events.get(timeout=0.2)
            except queue.Empty:
                continue
            except (EOFError, OSError, ValueError):
                break
            self.queue.put(("node", event))

    def log(self, text, level="info", ts=None):
        self.state.events.append(Event(ts=ts or self.clock(), text=text, level=level))

    # -- the loop ---------------------------------------------------------
    def loop(self):
        self._bridge.start()
        while not self._stop.is_set():
            try:
                item = self.queue.get(timeout=0.05)
            except queue.Empty:
                item = None
            if item is not None:
                self.handle(item)
            self._reap()
            now = self.clock()
            if now - self._last_render >= RENDER_EVERY:
                self._last_render = now
                self._refresh(now)
        self._refresh(self.clock())

    def _refresh(self, now):
        self._renders = [t for t in self._renders if now - t < 2.0] + [now]
        self.state.refresh_hz = round(len(self._renders) / 2.0, 1) if now - self.state.started_at > 2 else None
        self.printer.update(self.state, now)
        for listener in self.render_listeners:
            try:
                listener(self.state, now)
            except Exception as exc:  # a recorder's bug must not stop the cluster
                self.log(f"render listener failed: {exc!r}", "error", now)

    def handle(self, item):
        kind = item[0]
        if kind == "zk":
            self._on_snapshot(item[1])
        elif kind == "node":
            self._on_node_event(item[1])
        elif kind == "api":
            self._on_api(*item[1:])
        elif kind == "control":
            self._on_request(item[1], item[2])
        elif kind == "stop":
            self.log(f"shutting down ({item[1]})", "warn")
            self._stop.set()
        elif kind == "spawn":
            # a few at a time, so control requests and the view stay live
            # while a class of 100 nodes starts
            ids = item[1]
            for node_id in ids[:4]:
                if node_id not in self.procs:
                    self.start_node(node_id)
            if ids[4:]:
                self.queue.put(("spawn", ids[4:]))
        elif kind == "zk-servers":
            self.state.zk_servers = item[1]
        elif kind == "narrate":
            title, text, log = item[1], item[2], item[3] if len(item) > 3 else True
            self.state.narration = f"{title}\n{text}" if text else title
            if title and log:
                self.log(title, "narration")

    # -- node processes ---------------------------------------------------
    def start_node(self, node_id, wait_for_id=0.0):
        settings = self.make_settings(node_id, wait_for_id)
        proc = self.spawner.spawn(settings)
        self.procs[node_id] = proc
        self.log_paths[node_id] = proc.log_path
        view = self.state.nodes.get(node_id) or NodeView(id=node_id)
        view.pid, view.state, view.remote, view.exit_code = proc.pid, STARTING, False, None
        view.connection = ""
        self.state.nodes[node_id] = view
        return proc

    def _reap(self):
        for node_id, proc in list(self.procs.items()):
            code = proc.poll()
            if code is None:
                continue
            del self.procs[node_id]
            view = self.state.nodes.get(node_id)
            if view is None:
                continue
            view.exit_code = code
            view.role = ""
            if proc.stop_requested == "SIGKILL" or code == -signal.SIGKILL:
                view.state = CRASHED
                self.log(f"node {node_id} is dead (SIGKILL): ZooKeeper notices when its "
                         f"session times out ({self.session_timeout:g} s)", "warn")
            elif proc.stop_requested or code == 0:
                view.state = STOPPED
                self.log(f"node {node_id} stopped (exit {code})")
            else:
                view.state = CRASHED
                self.log(f"node {node_id} crashed (exit {code}); its log: {proc.log_path}", "error")

    def stop_all(self, timeout=10.0):
        """Stop every node gracefully (SIGTERM), then kill what is left."""
        for proc in self.procs.values():
            proc.terminate()
        deadline = self.clock() + timeout
        for proc in list(self.procs.values()):
            proc.join(max(0.0, deadline - self.clock()))
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.join(2.0)
        self._reap()
        self._stop.set()
        self._closed.set()
        self._refresh(self.clock())  # the last frame shows everything stopped

    def drain(self, depth, timeout, skip=None):
        """Before the nodes stop: give the leader up to `timeout` seconds to
        deliver what is in the outbox, ending as soon as it is empty. The view
        stays live meanwhile. `depth()` counts the outbox (it may raise);
        `skip` (an Event) or another stop request cuts the wait short.
        Returns the rounds left (None: the outbox could not be counted)."""
        try:
            left = depth()
        except Exception as exc:
            self.log(f"cannot count the outbox ({_why(exc)}): not waiting for deliveries", "warn")
            return None
        if not left or timeout <= 0:
            return left
        self.log(f"delivering {_rounds(left)} left in the outbox (up to {timeout:g} s; "
                 "Ctrl-C again to skip)...", "warn")
        self._refresh(self.clock())
        deadline = time.monotonic() + timeout  # not self.clock: tests may freeze it
        skipped = False
        while left and not skipped and time.monotonic() < deadline:
            try:
                item = self.queue.get(timeout=0.1)
            except queue.Empty:
                item = None
            if item is not None and item[0] == "stop":
                skipped = True  # `clustersim stop` again: as impatient as a second Ctrl-C
            elif item is not None:
                self.handle(item)
            skipped = skipped or bool(skip is not None and skip.is_set())
            self._reap()
            try:
                left = depth()
            except Exception as exc:
                self.log(f"cannot count the outbox ({_why(exc)}): not waiting any longer", "warn")
                return None
            now = self.clock()
            if now - self._last_render >= RENDER_EVERY:
                self._last_render = now
                self._refresh(now)
        if not left:
            self.log("outbox empty: every round delivered")
        elif skipped:
            self.log(f"not waiting any longer: {_rounds(left)} still in the outbox", "warn")
        else:
            self.log(f"{_rounds(left)} still in the outbox after {timeout:g} s", "warn")
        self._refresh(self.clock())
        return left

    # -- control requests -------------------------------------------------
    def _on_request(self, request, reply):
        try:
            answer = self._answer(request)
        except Exception as exc:  # a bad request must never take the supervisor down
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        try:
            reply.put_nowait(answer)
        except queue.Full:
            pass

    def _answer(self, request):
        cmd = request.get("cmd")
        if cmd == "status":
            return {"ok": True, "status": self.status()}
        if cmd == "stop":
            self.stop("clustersim stop")
            return {"ok": True, "message": f"stopping cluster {self.state.name!r}"}
        if cmd in ("api-stop", "api-start"):
            return self._api_command(cmd)
        if cmd in ("zk-kill", "zk-start"):
            return self._zk_command(cmd, request.get("index"))
        from cluster_sim.validate import BadInput, parse_node_id
        try:
            node_id = parse_node_id(request.get("id"))
        except BadInput as exc:
            return {"ok": False, "error": str(exc)}
        if cmd == "start":
            return self._start(node_id)
        if cmd == "logs":
            return self._logs(node_id, request.get("lines"))
        proc = self.procs.get(node_id)
        view = self.state.nodes.get(node_id)
        if proc is None:
            if view is not None and view.remote:
                return {"ok": False, "error": f"node {node_id} is remote ({view.host or 'unknown host'}): "
                                              "stop it where it runs"}
            if view is not None:
                return {"ok": False, "error": f"node {node_id} is not running ({view.state})"}
            return {"ok": False, "error": f"no node {node_id} in cluster {self.state.name!r}"}
        return self._signal_node(cmd, node_id, proc, view, bool(request.get("hard")))

    def _signal_node(self, cmd, node_id, proc, view, hard):
        now = self.clock()
        was_leader = self.state.leader == node_id
        role = " (the leader)" if was_leader else ""
        if cmd == "kill":
            if hard:
                proc.kill()
                self.left_at[node_id] = (now, "crashed")
                text = f"node {node_id}{role} killed (SIGKILL)"
            else:
                proc.terminate()
                self.left_at[node_id] = (now, "left")
                text = f"node {node_id}{role} killed (SIGTERM)"
        elif cmd == "pause":
            if proc.paused:
                return {"ok": False, "error": f"node {node_id} is already paused"}
            proc.pause()
            view.state = PAUSED
            self.left_at[node_id] = (now, "paused")
            text = f"node {node_id}{role} paused (SIGSTOP): its session expires in {self.session_timeout:g} s"
        elif cmd == "resume":
            if not proc.paused:
                return {"ok": False, "error": f"node {node_id} is not paused"}
            proc.resume()
            view.state = RUNNING
            text = f"node {node_id} resumed (SIGCONT)"
        else:
            return {"ok": False, "error": f"unknown command {cmd!r}"}
        self.log(text, "warn" if cmd in ("kill", "pause") else "info", ts=now)
        return {"ok": True, "message": text}

    def _start(self, node_id):
        if node_id in self.procs:
            return {"ok": False, "error": f"node {node_id} is already running (pid {self.procs[node_id].pid})"}
        view = self.state.nodes.get(node_id)
        if view is not None and view.remote:
            return {"ok": False, "error": f"node {node_id} is already running remotely ({view.host})"}
        # a node killed hard leaves its znode until its session expires: wait for it
        wait = 2 * self.session_timeout + 2.0 if view is not None else 0.0
        proc = self.start_node(node_id, wait_for_id=wait)
        text = f"node {node_id} started (pid {proc.pid})"
        self.log(text)
        return {"ok": True, "message": text, "pid": proc.pid}

    def _logs(self, node_id, lines):
        """The end of a node's log file (its stdout and stderr, kazoo's warnings)."""
        path = self.log_paths.get(node_id)
        if path is None:
            return {"ok": False, "error": f"no log for node {node_id}: this supervisor did not start it"}
        try:
            count = max(1, min(int(lines or 20), 1000))
        except (TypeError, ValueError):
            return {"ok": False, "error": f"lines {lines!r} is not a number"}
        try:
            with open(path, "rb") as f:
                f.seek(0, 2)
                f.seek(max(0, f.tell() - 256 * 1024))
                tail = f.read().decode("utf-8", errors="replace").splitlines()[-count:]
        except OSError as exc:
            return {"ok": False, "error": f"cannot read {path}: {exc.strerror}"}
        return {"ok": True, "path": path, "lines": tail}

    def _api_command(self, cmd):
        if self.api is None:
            return {"ok": False, "error": "the API is external (--api-url): control it where it runs"}
        if cmd == "api-stop":
            self.api.stop()
            self.log("API stopped", "warn")
            return {"ok": True, "message": "API stopped"}
        self.api.start()
        self.log("API started")
        return {"ok": True, "message": "API started"}

    def _zk_command(self, cmd, index):
        ensemble = self.zk
        if ensemble is None:
            return {"ok": False, "error": "no embedded ensemble: start one with clustersim up --zk-servers 3"}
        try:
            index = int(index)
        except (TypeError, ValueError):
            return {"ok": False, "error": f"ZooKeeper server index {index!r} is not a number"}
        if not 1 <= index <= len(ensemble.servers):
            return {"ok": False, "error": f"no ZooKeeper server {index} (1-{len(ensemble.servers)})"}
        if cmd == "zk-kill":
            ensemble.stop_server(index)
            text = f"ZooKeeper server {index} stopped"
            self.log(text, "warn")
        else:
            from cluster_sim.zk.cluster import AlreadyRunning

            try:
                ensemble.start_server(index, wait=False)
            except AlreadyRunning as exc:
                return {"ok": False, "error": str(exc)}
            text = f"ZooKeeper server {index} starting"
            self.log(text)
        return {"ok": True, "message": text}

    def status(self):
        return self.state.to_json(self.clock())

    # -- what nodes report ------------------------------------------------
    def _on_node_event(self, event):
        node_id = str(event.get("node"))
        kind = event.get("kind")
        ts = event.get("ts") or self.clock()
        view = self.state.nodes.get(node_id)
        text = event.get("text")
        if kind == "connection" and view is not None:
            view.connection = event.get("state", "")
            if event.get("state") in ("SUSPENDED", "LOST"):
                self.log(f"node {node_id}: ZooKeeper connection {event['state']}", "warn", ts)
            elif view.connection == "CONNECTED" and view.state == STARTING:
                view.state = RUNNING
        elif kind == "started" and view is not None:
            if view.state == STARTING:
                view.state = RUNNING
            view.host = event.get("host")
        elif kind == "fenced":
            self.log(f"node {node_id} {text}; stepping down", "error", ts)
        elif kind == "step_down":
            self.log(f"node {node_id} {text}", "warn", ts)
        elif kind == "api_down":
            self.state.api_ok = False
            self.state.api_down_since = self.state.api_down_since or event.get("since")
            since = time.strftime("%H:%M:%S", time.localtime(event.get("since") or ts))
            self.log(f"API unreachable since {since} ({event.get('error')}): rounds wait in the outbox", "warn", ts)
        elif kind == "api_back":
            self.state.api_ok = True
            self.state.api_down_since = None
            self.log(f"API back: {event.get('delivered')} rounds delivered", "info", ts)
        elif kind == "round" and self.unsafe:
            self.acting[node_id] = ts
            self._check_split_brain(ts)
        elif kind == "delivered":
            self.state.last_mean = event.get("mean")
            self.state.last_round = event.get("round")
            self.state.last_count = event.get("count")
        elif kind == "dropped":
            self.state.outbox_dropped = event.get("total", self.state.outbox_dropped)
            self.log(f"node {node_id}: {text}", "warn", ts)
        elif kind in ("warn", "error", "refused", "info"):
            self.log(f"node {node_id}: {text}", "error" if kind in ("error", "refused") else
                     ("warn" if kind == "warn" else "info"), ts)

    def _acting_now(self, now):
        return sorted(n for n, t in self.acting.items() if now - t <= 2.5 * self.interval)

    def _check_split_brain(self, now):
        acting = self._acting_now(now)
        if len(acting) > 1 and not self._split_brain:
            self.log(f"two leaders acting at once: {' and '.join(acting)}", "error", now)
        self._split_brain = len(acting) > 1

    def _on_api(self, ok, rows, last):
        state = self.state
        if ok:
            state.api_ok, state.api_down_since = True, None
            state.rounds_stored = rows
            if isinstance(last, dict) and state.last_mean is None:
                state.last_mean, state.last_round = last.get("dato"), last.get("round")
        else:
            if state.api_ok is not False:
                state.api_down_since = self.clock()
            state.api_ok = False

    # -- what ZooKeeper shows ---------------------------------------------
    def _on_snapshot(self, snap):
        state = self.state
        if snap.connected != state.zk_connected:
            self.log("supervisor connected to ZooKeeper" if snap.connected
                     else "supervisor lost its ZooKeeper connection", "info" if snap.connected else "warn",
                     snap.ts)
        state.zk_connected = snap.connected
        if not snap.connected:
            return
        self._merge_nodes(snap)
        self._merge_leader(snap)
        state.outbox_depth = snap.outbox_depth
        info = snap.leader or {}
        state.leader_zk = info.get("zk_server")
        state.outbox_oldest = info.get("outbox_oldest") if snap.outbox_depth else None
        if info.get("dropped") is not None:
            state.outbox_dropped = max(state.outbox_dropped, int(info["dropped"]))
        if state.last_mean is None and info.get("delivered_mean") is not None:
            state.last_mean, state.last_round = info["delivered_mean"], info.get("delivered_round")

    def _merge_nodes(self, snap):
        state = self.state
        present = set(snap.readings) | set(snap.bad) | set(snap.election)
        for node_id in present:
            view = state.nodes.get(node_id)
            if view is None:
                reading = snap.readings.get(node_id)
                host = reading.host if reading else None
                view = NodeView(id=node_id, state=REMOTE, remote=True, host=host,
                                pid=reading.pid if reading else None)
                state.nodes[node_id] = view
                self.log(f"remote node {node_id} joined" + (f" from {host}" if host else ""), "info", snap.ts)
            reading = snap.readings.get(node_id)
            if reading is not None:
                view.value, view.reading_ts = reading.value, reading.ts
                if view.remote:
                    view.host, view.pid = reading.host or view.host, reading.pid or view.pid
            if node_id in snap.bad:
                why = snap.bad[node_id]
                if self._seen_bad.get(node_id) != why:
                    self._seen_bad[node_id] = why
                    view.garbage += 1
                    self.log(f"node {node_id} publishes an unreadable reading ({why}): skipped", "warn", snap.ts)
            view.role = FOLLOWER if node_id in snap.election else ""
            if view.state == STARTING and reading is not None and node_id in self.procs:
                view.state = RUNNING
        for node_id, view in list(state.nodes.items()):
            if node_id in present:
                continue
            if view.remote:
                del state.nodes[node_id]
                self.log(f"remote node {node_id} left", "info", snap.ts)
            else:
                view.role = ""  # out of the election; its row keeps the last reading

    @staticmethod
    def _original_leader(snap):
        """The election's first contender when it is a node of the original design:
        it leads (kazoo's Election) but writes no /clustersim/leader, no rounds."""
        if not snap.election:
            return None
        first = snap.election[0]
        reading = snap.readings.get(first)
        return first if reading is not None and reading.bare else None

    def _merge_leader(self, snap):
        state = self.state
        info = snap.leader
        leader = str(info["id"]) if info else None
        epoch = info.get("epoch") if info else None
        original = self._original_leader(snap) if info is None else None
        state.leader_original = original is not None
        if original is not None:
            leader, info = original, {}
        if leader is not None and leader in state.nodes:
            state.nodes[leader].role = LEADER
        if self.unsafe:
            for node_id in self._acting_now(snap.ts):
                if node_id in state.nodes:
                    state.nodes[node_id].role = LEADER
        key = (leader, epoch)
        if key == self._leader_key:
            return
        previous = self._leader_key
        self._leader_key = key
        state.leader, state.epoch = leader, epoch
        if self.terms and self.terms[-1][3] is None:
            self.terms[-1][3] = snap.ts
        if leader is None:
            if previous and previous[0] is not None:
                self.log(f"no leader: {previous[0]} is gone, election in progress", "warn", snap.ts)
                self.left_at.setdefault(previous[0], (snap.ts, "left"))
            return
        elected_at = info.get("elected_at") or snap.ts
        state.leader_since = elected_at
        self.terms.append([leader, epoch, elected_at, None])
        text = (f"leader elected: {leader} (a node of the original design: no fencing, no rounds"
                if original is not None else f"leader elected: {leader} (epoch {epoch}")
        before = self._last_leader
        if before is not None and before != leader:
            gone_at, how = self.left_at.get(before, (None, "left"))
            if gone_at is not None and elected_at >= gone_at:
                text += f", failover {(elected_at - gone_at) * 1000:.0f} ms after {before} {how}"
        self._last_leader = leader
        self.log(text + ")", "leader", snap.ts)
        self.left_at.pop(leader, None)


def _rounds(n):
    return f"{n} round" if n == 1 else f"{n} rounds"


def _why(exc):
    return str(exc) or type(exc).__name__
