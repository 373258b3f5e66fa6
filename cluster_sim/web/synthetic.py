"""A synthetic class session through the supervisor's own core, without processes or ZooKeeper: for
measuring the web view.

    session = SyntheticSession(nodes=30, interval=1.0, seed=1, start=t0)
    for t in range(...):
        for event in session.advance(t):       # the core's events, in time order
            feed.event(event)                  # feed = Feed(view, describe=session.describe)
        view.offer_snapshot(session.snapshot(t), t)

    session, recorder = record("class.html", minutes=45, nodes=30)   # a whole class, recorded, in seconds

    session = SyntheticSession(nodes=1000, start=t0, fault_every=1e9)    # a lecture hall, no leader faults
    session.upset(t0 + 2, "17", "pause")     # one node in trouble (UPSETS), as the teacher's command would

Only the world is made up (processes, sessions, readings, the leader
znode); what the supervisor sees of it is posted as the supervisor's own
inputs: its actions (kill, pause, partition, heal, start) as the events its
commands emit, and the world's answers (a process exits, ZooKeeper's
snapshot of readings, election and leader znode, the nodes' reports, the
API's health) as typed messages to the core (engine/core.py `step`). So
the state is the core's model and the events are the core's own, failover
times included. Readings arrive every interval from every running node; the
leader delivers a round every interval; every `fault_every` seconds
something happens to the leader, in turn: a graceful kill, a hard kill, a
pause and resume, a partition and heal, then a restart of what was stopped.
Deterministic for a seed.
"""

import random
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

from cluster_sim.node.readings import Reading
from cluster_sim.engine import events as ev
from cluster_sim.engine import messages as msg
from cluster_sim.engine.core import step
from cluster_sim.engine.digest import status
from cluster_sim.engine.model import Model, apply, rules_for
from cluster_sim.engine.state import ClusterState, Shown
from cluster_sim.presentation.wording import describe

__all__ = ["SyntheticSession", "record"]

FAULTS = ("kill", "hard_kill", "pause", "partition", "restart")
UPSETS = ("hard_kill", "kill", "pause", "partition", "slow", "no_api")   # what upset() does to any node
HOST = "lab"


class SyntheticSession:
    def __init__(self, nodes: int = 30, interval: float = 1.0, seed: int = 1, start: float = 0.0,
                 fault_every: float = 60.0, session_timeout: float = 3.0, narration: Optional[str] = None,
                 zk_servers: int = 3, lang: str = "en", queue: bool = False):
        self.rng = random.Random(seed)
        self.interval = interval
        self.fault_every = fault_every
        self.session_timeout = session_timeout
        self.lang = lang
        self.now = start
        state = ClusterState(name="synthetic", zk="127.0.0.1:2181", api_url="http://127.0.0.1:8080",
                             started_at=start, narration=Shown.from_json(narration), interval=interval, lang=lang,
                             session_timeout=session_timeout)
        self.model = Model(state, rules=rules_for(interval=interval, session_timeout=session_timeout))
        # the world: each node's process, whether its ZooKeeper session is open, whether it is cut off
        self.procs: Dict[str, str] = {}
        self.pids: Dict[str, int] = {}
        self.sessions: Set[str] = set()
        self.cut: Set[str] = set()
        self.readings: Dict[str, Reading] = {}
        self.no_api: Set[str] = set()      # nodes that cannot reach the API (their histories say so)
        # queue: snapshots carry the election's znodes (a sequence a session, taken as it joins),
        # and the lowest sequence alive leads, as in ZooKeeper; off, the lowest id leads (the
        # recordings the web view was measured with)
        self.queue = queue
        self.seqs: Dict[str, int] = {}
        self._seq = 0
        self.leader: Optional[Dict[str, Any]] = None      # the leader znode
        self.epoch = 0
        self.rows = 0
        self._next_tick = start
        self._next_fault = start + fault_every
        self._fault = 0
        self._later: List[Tuple[float, Callable[[float], None]]] = []   # (time, what happens then)
        self._queue: List[ev.Event] = []
        modes = [msg.ZkServerMode(i + 1, f"127.0.0.1:{2180 + i}",
                                  "standalone" if zk_servers == 1 else "leader" if i == zk_servers - 1
                                  else "follower", 1000 + i) for i in range(zk_servers)]
        self._post(start, msg.ZkServerModes(tuple(modes)))
        self._post(start, msg.ApiHealth(ok=True, rows=0, rounds=0))
        for i in range(1, nodes + 1):
            self._start(str(i), 2000 + i, start, requested=False)
        self._elect(start)

    @property
    def state(self) -> ClusterState:
        return self.model.state

    # -- the supervisor's inputs -----------------------------------------------------
    def _emit(self, *events: ev.Event) -> None:
        """The supervisor's own action (a command's event): applied as the manager's emit does."""
        for event in events:
            apply(self.model, event)
        self._queue.extend(events)

    def _post(self, now: float, message: msg.Message) -> None:
        """Something the world says, decided by the core."""
        self._queue.extend(step(self.model, message, now))

    def _snapshot(self, t: float) -> None:
        present = sorted(self.sessions, key=self._rank)
        queue = tuple(msg.Candidate(n, self.seqs[n]) for n in present) if self.queue else ()
        self._post(t, msg.ZkSnapshot(t, True, readings={n: self.readings[n] for n in present if n in self.readings},
                                     election=tuple(present), leader=self.leader, queue=queue))

    def _rank(self, node: str) -> int:
        return self.seqs.get(node, 0) if self.queue else int(node)

    def _join(self, node: str) -> None:
        """A session opens: with `queue`, a new election znode, at the end of the line."""
        self.sessions.add(node)
        self._seq += 1
        self.seqs[node] = self._seq

    # -- the world -------------------------------------------------------------------
    def _start(self, node: str, pid: int, t: float, requested: bool = True) -> None:
        self.procs[node], self.pids[node] = "running", pid
        self._emit(ev.NodeStarted(t, node, pid=pid, requested=requested))
        self._post(t, msg.ReportStarted(node, t, host=HOST))
        self._post(t, msg.ReportConnection(node, t, state="CONNECTED"))
        self._join(node)

    def _alive(self) -> List[str]:
        return [n for n in sorted(self.sessions, key=self._rank) if self.procs[n] == "running" and n not in self.cut]

    def _gone(self, node: str) -> None:
        """The node's session ends: its znodes go, and the leader znode with it when it led."""
        self.sessions.discard(node)
        self.readings.pop(node, None)
        if self.leader is not None and self.leader["id"] == node:
            self.leader = None

    def _elect(self, t: float) -> None:
        """ZooKeeper's next look: a new leader znode, with a higher epoch, if none is left."""
        alive = self._alive()
        if alive and self.leader is None:
            self.epoch += 1
            self.leader = {"id": alive[0], "epoch": self.epoch, "elected_at": t}
        self._snapshot(t)

    def _rejoin(self, node: str, t: float, epoch: int) -> None:
        """A node whose session expired while it could not speak: it steps down and reconnects."""
        self._post(t, msg.ReportConnection(node, t, state="LOST"))
        self._post(t, msg.ReportStepDown(node, t + 0.02, epoch=epoch, text="stepped down: session expired",
                                         code="session_expired"))
        self._post(t + 0.05, msg.ReportConnection(node, t + 0.05, state="CONNECTED"))
        self._join(node)

    def _fault_now(self, t: float) -> None:
        kind = FAULTS[self._fault % len(FAULTS)]
        self._fault += 1
        if kind == "restart":
            for node, proc in sorted(self.procs.items(), key=lambda item: int(item[0])):
                if proc in ("stopped", "crashed"):
                    self._start(node, self.pids[node] + 100, t)
            return
        leader = None if self.leader is None else str(self.leader["id"])
        if leader is None:
            return
        timeout, epoch = self.session_timeout, self.epoch
        if kind == "kill":
            self._emit(ev.NodeKilled(t, leader, hard=False, was_leader=True))
            self.procs[leader] = "stopped"
            self._gone(leader)          # a graceful exit closes its session
            self._post(t + 0.01, msg.ProcessExited(leader, 0, "SIGTERM"))
            self._later.append((t + self.rng.randint(8, 25) / 1000, self._elect))
        elif kind == "hard_kill":
            self._emit(ev.NodeKilled(t, leader, hard=True, was_leader=True))
            self.procs[leader] = "crashed"
            self._post(t + 0.01, msg.ProcessExited(leader, -9, "SIGKILL"))
            expiry = t + timeout + self.rng.randint(0, 400) / 1000

            def expire(at: float, old: str = leader) -> None:
                self._gone(old)
                self._elect(at)
            self._later.append((expiry, expire))
        elif kind == "pause":
            self._emit(ev.NodePaused(t, leader, was_leader=True, session_timeout=timeout))
            self.procs[leader] = "paused"

            def expire_paused(at: float, old: str = leader) -> None:
                self._gone(old)
                self._elect(at)

            def resume(at: float, old: str = leader) -> None:
                self._emit(ev.NodeResumed(at, old))
                self.procs[old] = "running"
                self._rejoin(old, at, epoch)
            self._later.append((t + timeout, expire_paused))
            self._later.append((t + timeout + 5, resume))
        elif kind == "partition":
            self._emit(ev.Partitioned(t, leader, target="zk", was_leader=True, session_timeout=timeout))
            self.cut.add(leader)
            self._post(t, msg.ReportConnection(leader, t, state="SUSPENDED"))

            def expire_cut(at: float, old: str = leader) -> None:
                self._gone(old)
                self._elect(at)

            def heal(at: float, old: str = leader) -> None:
                self._emit(ev.Healed(at, old, target="zk"))
                self.cut.discard(old)
                self._rejoin(old, at, epoch)
            self._later.append((t + timeout, expire_cut))
            self._later.append((t + 20, heal))

    def upset(self, t: float, node: str, kind: str) -> None:
        """Something wrong with one node that is not the leader (a big cluster's few nodes in
        trouble): one of UPSETS, as the teacher's command and the world's answer would make it.
        A session ends only as the world ends it: a hard-killed node's stays open, a paused or
        cut-off node's until ZooKeeper would expire it (not simulated here)."""
        if kind == "hard_kill":
            self._emit(ev.NodeKilled(t, node, hard=True))
            self.procs[node] = "crashed"
            self._post(t + 0.01, msg.ProcessExited(node, -9, "SIGKILL"))
        elif kind == "kill":
            self._emit(ev.NodeKilled(t, node, hard=False))
            self.procs[node] = "stopped"
            self._gone(node)
            self._post(t + 0.01, msg.ProcessExited(node, 0, "SIGTERM"))
        elif kind == "pause":
            self._emit(ev.NodePaused(t, node, session_timeout=self.session_timeout))
            self.procs[node] = "paused"
        elif kind == "partition":
            self._emit(ev.Partitioned(t, node, target="zk", session_timeout=self.session_timeout))
            self.cut.add(node)
            self._post(t, msg.ReportConnection(node, t, state="SUSPENDED"))
        elif kind == "slow":
            self._emit(ev.Slowed(t, node, latency_ms=300.0, target="all", session_timeout=self.session_timeout))
        elif kind == "no_api":
            self.no_api.add(node)
        else:
            raise ValueError(f"upset: {kind!r} is none of {UPSETS}")

    def _tick(self, t: float) -> None:
        for node in self._alive():
            self.readings[node] = Reading(round(self.rng.uniform(60.0, 95.0), 6), t, pid=self.pids[node], host=HOST,
                                          api_ok=False if node in self.no_api else True)
        self._snapshot(t + 0.005)
        leader = None if self.leader is None else str(self.leader["id"])
        values = [self.readings[n].value for n in self._alive() if n in self.readings]
        if leader in self._alive() and values:
            round_no, mean = int(t / self.interval), sum(values) / len(values)
            self.rows += 1
            self._post(t + 0.03, msg.ReportDelivered(leader, t + 0.03, round=round_no, mean=mean, count=len(values),
                                                     epoch=self.leader["epoch"] if self.leader else None))
            self._post(t + 0.03, msg.ApiHealth(ok=True, rows=self.rows, last_round=round_no, last_mean=mean,
                                               last_count=len(values), rounds=self.rows))

    # -- the clock -------------------------------------------------------------------
    def advance(self, t: float) -> List[ev.Event]:
        """Move the session to time `t`; the core's events meanwhile, in time order (as the manager
        hands them to its listeners: a Feed, or a sink's publish with `describe`, makes them records)."""
        while True:
            nxt = min([self._next_tick, self._next_fault] + [at for at, _ in self._later])
            if nxt > t:
                break
            if nxt == self._next_tick:
                self._tick(nxt)
                self._next_tick += self.interval
            elif nxt == self._next_fault:
                self._fault_now(nxt)
                self._next_fault += self.fault_every
            else:
                due = [item for item in self._later if item[0] == nxt]
                self._later = [item for item in self._later if item[0] != nxt]
                for at, happen in due:
                    happen(at)
        self.now = t
        events = sorted(self._queue, key=lambda e: e.ts)
        self._queue = []
        return events

    def describe(self, event: ev.Event) -> Optional[str]:
        """The sentence the supervisor's Feed gives `event` (in the session's language)."""
        return describe(event, self.lang)

    def snapshot(self, t: float) -> Dict[str, Any]:
        """The status as a web snapshot: without the event log (the events are published)."""
        return status(self.state, t, log=False)


T0 = 1_700_000_000.0


def record(path: str, minutes: float, nodes: int = 30, interval: float = 1.0, seed: int = 1,
           fault_every: float = 60.0, lang: str = "en", title: str = "clustersim · synthetic",
           results: Any = None, step: float = 0.25) -> Tuple["SyntheticSession", Any]:
    """A session of `minutes` recorded as the supervisor would (a frame offered every `step` s,
    every event published) on a simulated clock: the file is written, (session, recorder) returned."""
    from cluster_sim.web.recording import WebRecorder

    clock = [T0]
    session = SyntheticSession(nodes=nodes, interval=interval, seed=seed, start=T0, fault_every=fault_every,
                               lang=lang)
    recorder = WebRecorder(path, title=title, lang=lang, clock=lambda: clock[0], describe=session.describe)
    t = T0
    while t < T0 + minutes * 60:
        t += step
        clock[0] = t
        for event in session.advance(t):
            recorder.publish(event)
        recorder.offer_snapshot(session.snapshot(t), t)
    recorder.close(results=results)
    return session, recorder
