"""A synthetic class session: a cluster's status and events without processes, for measuring the web view.

    session = SyntheticSession(nodes=30, interval=1.0, seed=1, start=t0)
    for t in range(...):
        for record in session.advance(t):      # events in the export schema, in time order
            view.publish(record)
        view.offer_snapshot(session.snapshot(t), t)

    session, recorder = record("class.html", minutes=45, nodes=30)   # a whole class, recorded, in seconds

The state is a real ClusterState (its to_json is what a real supervisor pays
for a snapshot); readings arrive every interval from every running node; the
leader stores a round every interval; every `fault_every` seconds something
happens to a node, in turn: a graceful kill of the leader, a hard kill, a
pause and resume of the leader, a partition and heal, a restart of what was
stopped, each with the events a real cluster emits (leader_elected with its
failover time, node_stopped, ...). Deterministic for a seed. Not a model of
ZooKeeper: only of what the page is shown.
"""

import random
from typing import Any, Dict, List, Optional, Tuple

from cluster_sim.supervisor.state import (CRASHED, FOLLOWER, LEADER, PAUSED, RUNNING, STOPPED, ClusterState, Shown,
                                          NodeView, ZkServerView)

__all__ = ["SyntheticSession", "record"]

FAULTS = ("kill", "hard_kill", "pause", "partition", "restart")


class SyntheticSession:
    def __init__(self, nodes: int = 30, interval: float = 1.0, seed: int = 1, start: float = 0.0,
                 fault_every: float = 60.0, session_timeout: float = 3.0, narration: Optional[str] = None,
                 zk_servers: int = 3):
        self.rng = random.Random(seed)
        self.interval = interval
        self.fault_every = fault_every
        self.session_timeout = session_timeout
        self.now = start
        self.state = ClusterState(name="synthetic", zk="127.0.0.1:2181", api_url="http://127.0.0.1:8080",
                                  zk_connected=True, started_at=start, api_ok=True, rounds_stored=0,
                                  narration=Shown.from_json(narration))
        self.state.interval = interval      # (a field the status has since issue 13: rounds shown from the start)
        self.state.zk_servers = [ZkServerView(i + 1, f"127.0.0.1:{2180 + i}", "follower", 1000 + i)
                                 for i in range(zk_servers)]
        if self.state.zk_servers:
            self.state.zk_servers[-1].mode = "leader" if zk_servers > 1 else "standalone"
        for i in range(1, nodes + 1):
            self.state.nodes[str(i)] = NodeView(id=str(i), pid=2000 + i, state=RUNNING, role=FOLLOWER,
                                                host="lab", connection="CONNECTED")
        self.partitioned: Dict[str, str] = {}
        self._next_tick = start
        self._next_fault = start + fault_every
        self._fault = 0
        self._later: List[tuple] = []        # (time, function) to run when the clock gets there
        self._queue: List[dict] = []
        self._elect(None, None, start)

    # -- helpers ----------------------------------------------------------
    def _emit(self, kind: str, t: float, **fields: object) -> None:
        self._queue.append(dict(fields, kind=kind, ts=t))

    def _alive(self) -> List[str]:
        return [n.id for n in self.state.sorted_nodes() if n.state == RUNNING and n.id not in self.partitioned]

    def _elect(self, after: Optional[str], how: Optional[str], t: float, failover_ms: Optional[int] = None) -> None:
        alive = self._alive()
        if not alive:
            self.state.leader = None
            return
        new = alive[0]
        self.state.epoch = (self.state.epoch or 0) + 1
        self.state.leader, self.state.leader_since = new, t
        self.state.nodes[new].role = LEADER
        self._emit("leader_elected", t, node=new, epoch=self.state.epoch, elected_at=t, failover_ms=failover_ms,
                   after=after, how=how)

    def _depose(self, node_id: str) -> None:
        view = self.state.nodes[node_id]
        view.role = ""
        if self.state.leader == node_id:
            self.state.leader = None

    def _fault_now(self, t: float) -> None:
        kind = FAULTS[self._fault % len(FAULTS)]
        self._fault += 1
        leader = self.state.leader
        if kind == "restart":
            for view in self.state.sorted_nodes():
                if view.state in (STOPPED, CRASHED):
                    view.state, view.role, view.connection = RUNNING, FOLLOWER, "CONNECTED"
                    view.pid = (view.pid or 0) + 100
                    self._emit("node_started", t, node=view.id, pid=view.pid, requested=True)
            return
        if leader is None:
            return
        if kind == "kill":
            self._emit("node_killed", t, node=leader, hard=False, was_leader=True)
            self.state.nodes[leader].state = STOPPED
            self._depose(leader)
            ms = self.rng.randint(8, 25)
            self._emit("node_stopped", t + 0.01, node=leader, exit=0, crashed=False, requested="SIGTERM")
            self._later.append((t + ms / 1000, lambda at: self._elect(leader, "left", at, ms)))
        elif kind == "hard_kill":
            self._emit("node_killed", t, node=leader, hard=True, was_leader=True)
            self.state.nodes[leader].state = CRASHED
            self.state.nodes[leader].connection = "LOST"
            self._emit("node_stopped", t + 0.01, node=leader, signal="SIGKILL", crashed=True, requested="SIGKILL")
            ms = int(self.session_timeout * 1000) + self.rng.randint(0, 400)

            def elect(at: float, old: str = leader, ms: int = ms) -> None:
                self._depose(old)
                self._emit("leader_lost", at, node=old)
                self._elect(old, "crashed", at, ms)
            self._later.append((t + ms / 1000, elect))
        elif kind == "pause":
            view = self.state.nodes[leader]
            self._emit("node_paused", t, node=leader, was_leader=True, session_timeout=self.session_timeout)
            view.state = PAUSED

            def expire(at: float, old: str = leader) -> None:
                self.state.nodes[old].connection = "LOST"
                self._depose(old)
                self._emit("session_expired", at, node=old)
                self._elect(old, "paused", at, int(self.session_timeout * 1000))

            def resume(at: float, old: str = leader) -> None:
                view = self.state.nodes[old]
                view.state, view.connection, view.role = RUNNING, "CONNECTED", FOLLOWER
                self._emit("node_resumed", at, node=old)
                self._emit("stepped_down", at + 0.02, node=old, epoch=None, reason="stepped down: session expired")
            self._later.append((t + self.session_timeout, expire))
            self._later.append((t + self.session_timeout + 5, resume))
        elif kind == "partition":
            self.partitioned[leader] = "zk"
            self.state.nodes[leader].connection = "SUSPENDED"
            self._emit("partitioned", t, node=leader, target="zk")

            def expire_cut(at: float, old: str = leader) -> None:
                self.state.nodes[old].connection = "LOST"
                self._depose(old)
                self._emit("session_expired", at, node=old)
                self._elect(old, "left", at, int(self.session_timeout * 1000))

            def heal(at: float, old: str = leader) -> None:
                self.partitioned.pop(old, None)
                view = self.state.nodes[old]
                view.connection, view.role = "CONNECTED", FOLLOWER
                self._emit("healed", at, node=old, target="zk")
                self._emit("reconnected", at + 0.05, node=old, same_session=False)
            self._later.append((t + self.session_timeout, expire_cut))
            self._later.append((t + 20, heal))

    def _round(self, t: float) -> None:
        values = []
        for view in self.state.sorted_nodes():
            if view.state != RUNNING:
                continue
            view.value = round(self.rng.uniform(60.0, 95.0), 6)
            view.reading_ts = t
            values.append(view.value)
            self._emit("reading_published", t + 0.005, node=view.id, value=view.value, taken_at=t)
        leader = self.state.leader
        if leader is not None and values:
            self.state.last_round = int(t / self.interval)
            self.state.last_mean = sum(values) / len(values)
            self.state.last_count = len(values)
            self.state.rounds_stored = (self.state.rounds_stored or 0) + 1
            self._emit("round_stored", t + 0.03, node=leader, round=self.state.last_round,
                       mean=self.state.last_mean, count=len(values), epoch=self.state.epoch)

    # -- the clock --------------------------------------------------------
    def advance(self, t: float) -> List[dict]:
        """Move the session to time `t`; the events that happened meanwhile, in time order."""
        while True:
            nxt = min([self._next_tick, self._next_fault] + [at for at, _ in self._later])
            if nxt > t:
                break
            if nxt == self._next_tick:
                self._round(nxt)
                self._next_tick += self.interval
            elif nxt == self._next_fault:
                self._fault_now(nxt)
                self._next_fault += self.fault_every
            else:
                due = [item for item in self._later if item[0] == nxt]
                self._later = [item for item in self._later if item[0] != nxt]
                for at, fn in due:
                    fn(at)
        self.now = t
        out = sorted(self._queue, key=lambda e: e["ts"])
        self._queue = []
        return out

    def snapshot(self, t: float) -> dict:
        return self.state.to_json(t)


T0 = 1_700_000_000.0


def record(path: str, minutes: float, nodes: int = 30, interval: float = 1.0, seed: int = 1,
           fault_every: float = 60.0, lang: str = "en", title: str = "clustersim · synthetic",
           results: Any = None, step: float = 0.25) -> Tuple["SyntheticSession", Any]:
    """A session of `minutes` recorded as the supervisor would (a frame offered every `step` s,
    every event published) on a simulated clock: the file is written, (session, recorder) returned."""
    from cluster_sim.web.recording import WebRecorder

    clock = [T0]
    session = SyntheticSession(nodes=nodes, interval=interval, seed=seed, start=T0, fault_every=fault_every)
    recorder = WebRecorder(path, title=title, lang=lang, clock=lambda: clock[0])
    t = T0
    while t < T0 + minutes * 60:
        t += step
        clock[0] = t
        for event in session.advance(t):
            recorder.publish(event)
        recorder.offer_snapshot(session.snapshot(t), t)
    recorder.close(results=results)
    return session, recorder
