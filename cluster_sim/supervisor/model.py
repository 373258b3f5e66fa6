"""The supervisor's model and the one function that changes it: apply(model, event).

    model = Model(ClusterState(name="default"), interval=1.0, session_timeout=4.0)
    apply(model, NodeStarted(ts=now, node="1", pid=4242))
    model.state.nodes["1"].state          # "starting"

Every change to what the table shows, to `status --json` and to the
leadership timeline is an event applied here, so the state can be rebuilt
from the event stream alone (an export, a recording, a web page). A node's
process state moves only through `move()`, along PROCESS_TRANSITIONS.
"""

from dataclasses import dataclass, field
from typing import Callable, Dict, FrozenSet, List, Optional, Tuple

from cluster_sim.supervisor import events as ev
from cluster_sim.supervisor.state import (
    CRASHED, PAUSED, REMOTE, RUNNING, STARTING, STOPPED, ClusterState, NodeView, ZkServerView,
)
from cluster_sim.timeline import Term

__all__ = ["Model", "apply", "move", "can_move", "IllegalTransition", "PROCESS_TRANSITIONS"]

# A node process's life: which state may follow which (None: no row yet).
PROCESS_TRANSITIONS: Dict[Optional[str], FrozenSet[str]] = {
    None: frozenset({STARTING, REMOTE}),
    STARTING: frozenset({RUNNING, PAUSED, STOPPED, CRASHED}),
    RUNNING: frozenset({RUNNING, PAUSED, STOPPED, CRASHED}),
    PAUSED: frozenset({RUNNING, STOPPED, CRASHED}),
    STOPPED: frozenset({STARTING}),
    CRASHED: frozenset({STARTING}),
    REMOTE: frozenset({REMOTE, STARTING}),  # a local node started with an id a remote one held
}


class IllegalTransition(ValueError):
    """A process state change the state machine does not allow (a bug in the core)."""


def can_move(current: Optional[str], to: str) -> bool:
    return to in PROCESS_TRANSITIONS.get(current, frozenset())


def move(view: NodeView, to: str) -> None:
    """The one place a node's process state changes."""
    if not can_move(view.state, to):
        raise IllegalTransition(f"node {view.id}: {view.state} -> {to}")
    view.state = to


@dataclass
class Model:
    """What the core knows: the state on screen and the bookkeeping behind it."""

    state: ClusterState
    interval: float = 5.0
    session_timeout: float = 10.0
    unsafe: bool = False              # nodes without guard: every node that acts is shown as leader
    terms: List[Term] = field(default_factory=list)                        # the leadership timeline
    left_at: Dict[str, Tuple[float, str]] = field(default_factory=dict)    # node -> (when, how) it left
    acting: Dict[str, float] = field(default_factory=dict)                 # node -> its last round (unsafe)
    split_brain: bool = False
    seen_bad: Dict[str, str] = field(default_factory=dict)                 # node -> why, last warned
    last_leader: Optional[str] = None

    def acting_now(self, now: float) -> List[str]:
        """Nodes that computed a round lately (unsafe mode: each of them believes it leads)."""
        return sorted(n for n, t in self.acting.items() if now - t <= 2.5 * self.interval)


# --------------------------------------------------------------------------- apply, per kind

def _node(m: Model, node: str) -> Optional[NodeView]:
    return m.state.nodes.get(node)


def _started(m: Model, e: ev.NodeStarted) -> None:
    view = m.state.nodes.get(e.node) or NodeView(id=e.node, state=None)
    move(view, STARTING)
    view.pid, view.remote, view.exit_code, view.connection = e.pid, False, None, ""
    m.state.nodes[e.node] = view


def _running(m: Model, e: ev.NodeRunning) -> None:
    view = _node(m, e.node)
    if view is not None:
        move(view, RUNNING)
        view.host = e.host or view.host


def _host(m: Model, e: ev.HostKnown) -> None:
    view = _node(m, e.node)
    if view is not None:
        view.host = e.host


def _killed(m: Model, e: ev.NodeKilled) -> None:
    m.left_at[e.node] = (e.ts, "crashed" if e.hard else "left")


def _paused(m: Model, e: ev.NodePaused) -> None:
    view = _node(m, e.node)
    if view is not None:
        move(view, PAUSED)
    m.left_at[e.node] = (e.ts, "paused")


def _resumed(m: Model, e: ev.NodeResumed) -> None:
    view = _node(m, e.node)
    if view is not None:
        move(view, RUNNING)


def _stopped(m: Model, e: ev.NodeStopped) -> None:
    view = _node(m, e.node)
    if view is not None:
        move(view, CRASHED if e.crashed else STOPPED)
        view.exit_code, view.role = e.exit, ""


def _connection(state: str) -> Callable[[Model, ev.Event], None]:
    def set_connection(m: Model, e: ev.Event) -> None:
        view = _node(m, getattr(e, "node"))
        if view is not None:
            view.connection = state
    return set_connection


def _round(m: Model, e: ev.RoundComputed) -> None:
    if m.unsafe:
        m.acting[e.node] = e.ts


def _stored(m: Model, e: ev.RoundStored) -> None:
    s = m.state
    s.last_mean, s.last_round, s.last_count = e.mean, e.round, e.count


def _last_round(m: Model, e: ev.LastRoundKnown) -> None:
    m.state.last_mean, m.state.last_round = e.mean, e.round


def _dropped(m: Model, e: ev.OutboxDropped) -> None:
    if e.total is not None:
        m.state.outbox_dropped = e.total


def _api_down(m: Model, e: ev.ApiDown) -> None:
    m.state.api_ok = False
    m.state.api_down_since = m.state.api_down_since or e.since


def _api_back(m: Model, e: ev.ApiBack) -> None:
    m.state.api_ok, m.state.api_down_since = True, None


def _api_status(m: Model, e: ev.ApiStatus) -> None:
    s = m.state
    if e.ok:
        s.api_ok, s.api_down_since, s.rounds_stored = True, None, e.rows
    else:
        s.api_ok, s.api_down_since = False, e.down_since


def _zk_connection(m: Model, e: ev.ZkConnection) -> None:
    m.state.zk_connected = e.connected


def _joined(m: Model, e: ev.RemoteJoined) -> None:
    view = NodeView(id=e.node, state=None, remote=True, host=e.host, pid=e.pid)
    move(view, REMOTE)
    m.state.nodes[e.node] = view


def _left(m: Model, e: ev.RemoteLeft) -> None:
    m.state.nodes.pop(e.node, None)


def _reading(m: Model, e: ev.ReadingPublished) -> None:
    view = _node(m, e.node)
    if view is not None:
        view.value, view.reading_ts = e.value, e.taken_at
        if view.remote:
            view.host, view.pid = e.host or view.host, e.pid or view.pid


def _unreadable(m: Model, e: ev.UnreadableReading) -> None:
    m.seen_bad[e.node] = e.why
    view = _node(m, e.node)
    if view is not None:
        view.garbage += 1


def _role(m: Model, e: ev.RoleChanged) -> None:
    view = _node(m, e.node)
    if view is not None:
        view.role = e.role


def _close_term(m: Model, ts: float) -> None:
    if m.terms and m.terms[-1].end is None:
        m.terms[-1].end = ts


def _elected(m: Model, e: ev.LeaderElected) -> None:
    _close_term(m, e.ts)
    start = e.elected_at if e.elected_at is not None else e.ts
    m.terms.append(Term(node_id=e.node, epoch=e.epoch or 0, start=start, end=None))
    s = m.state
    s.leader, s.epoch, s.leader_since, s.leader_original = e.node, e.epoch, start, e.original
    m.last_leader = e.node
    m.left_at.pop(e.node, None)


def _lost(m: Model, e: ev.LeaderLost) -> None:
    _close_term(m, e.ts)
    m.state.leader, m.state.epoch, m.state.leader_original = None, None, False
    m.left_at.setdefault(e.node, (e.ts, "left"))


def _split(m: Model, e: ev.SplitBrain) -> None:
    m.split_brain = True


def _split_over(m: Model, e: ev.SplitBrainEnded) -> None:
    m.split_brain = False


def _outbox(m: Model, e: ev.OutboxChanged) -> None:
    s = m.state
    s.outbox_depth, s.outbox_oldest, s.outbox_dropped = e.depth, e.oldest, e.dropped


def _leader_zk(m: Model, e: ev.LeaderZkServer) -> None:
    m.state.leader_zk = e.server


def _zk_server(m: Model, e: ev.ZkServerChanged) -> None:
    servers = m.state.zk_servers
    view = next((s for s in servers if s.index == e.index), None)
    if view is None:
        servers.append(ZkServerView(index=e.index, address=e.address, mode=e.mode, pid=e.pid))
        servers.sort(key=lambda s: s.index)
    else:
        view.address, view.mode, view.pid = e.address, e.mode, e.pid


def _link_fault(action: str) -> Callable[[Model, ev.Event], None]:
    """partition / slow / heal: the node's faults as its relays now have them."""
    def change(m: Model, e: ev.Event) -> None:
        from cluster_sim.netfault.faults import NodeFaults, with_fault

        node = getattr(e, "node")
        view = _node(m, node)
        if view is not None:
            view.faults = with_fault(view.faults or NodeFaults(node), action, getattr(e, "target"), e.ts,
                                     latency_ms=getattr(e, "latency_ms", 0.0),
                                     jitter_ms=getattr(e, "jitter_ms", 0.0))
        cut_off = isinstance(e, ev.Partitioned) and e.target != "api"
        if cut_off and m.state.leader == node:
            m.left_at[node] = (e.ts, "partitioned")  # a failover is timed from the cut
        elif isinstance(e, ev.Healed) and m.left_at.get(node, (0.0, ""))[1] == "partitioned":
            del m.left_at[node]   # healed before its session expired: it never left
    return change


def _narration(m: Model, e: ev.Narration) -> None:
    text = e.body
    if e.hint:
        text = f"{text}\n\n{e.hint}" if text else e.hint
    m.state.narration = f"{e.title}\n{text}" if text else e.title


def _join(m: Model, e: ev.JoinCommand) -> None:
    m.state.join_command = e.command


_APPLY: Dict[type, Callable] = {
    ev.NodeStarted: _started, ev.NodeRunning: _running, ev.HostKnown: _host, ev.NodeKilled: _killed,
    ev.NodePaused: _paused, ev.NodeResumed: _resumed, ev.NodeStopped: _stopped,
    ev.Connected: _connection("CONNECTED"), ev.Reconnected: _connection("CONNECTED"),
    ev.Suspended: _connection("SUSPENDED"), ev.SessionExpired: _connection("LOST"),
    ev.RoundComputed: _round, ev.RoundStored: _stored, ev.LastRoundKnown: _last_round,
    ev.OutboxDropped: _dropped, ev.ApiDown: _api_down, ev.ApiBack: _api_back, ev.ApiStatus: _api_status,
    ev.ZkConnection: _zk_connection, ev.RemoteJoined: _joined, ev.RemoteLeft: _left,
    ev.ReadingPublished: _reading, ev.UnreadableReading: _unreadable, ev.RoleChanged: _role,
    ev.LeaderElected: _elected, ev.LeaderLost: _lost, ev.SplitBrain: _split, ev.SplitBrainEnded: _split_over,
    ev.OutboxChanged: _outbox, ev.LeaderZkServer: _leader_zk, ev.ZkServerChanged: _zk_server,
    ev.Narration: _narration, ev.JoinCommand: _join,
    ev.Partitioned: _link_fault("partition"), ev.Slowed: _link_fault("slow"), ev.Healed: _link_fault("heal"),
}


def apply(model: Model, event: ev.Event) -> None:
    """Change the model as `event` says, and keep it in the event log when a person reads it."""
    change = _APPLY.get(type(event))
    if change is not None:
        change(model, event)
    if event.logged:
        model.state.events.append(event)
