"""The supervisor's model and the one function that changes it: apply(model, event).

    model = Model(ClusterState(name="default"), rules=rules_for(interval=1.0, session_timeout=4.0))
    apply(model, NodeStarted(ts=now, node="1", pid=4242))
    model.state.nodes["1"].state          # "starting"

Every change to what the table shows, to `status --json` and to the
leadership timeline is an event applied here, so the state can be rebuilt
from the event stream alone (an export, a recording, a web page). A node's
process state moves only through `move()`, along PROCESS_TRANSITIONS.

Longer than 400 lines: it is the one place state changes, one short `apply` function per
kind of event; splitting it would split that one place.
"""

from dataclasses import dataclass, field, replace
from typing import Any, Callable, Dict, FrozenSet, List, Optional, Set, Tuple

from cluster_sim.faults.registry import FAULT_CHANGED, action as fault_action, actions as fault_actions
from cluster_sim.node.settings import NodeSettings
from cluster_sim.protocol.rules import ClusterRules
from cluster_sim.engine import events as ev
from cluster_sim.engine.state import (
    CRASHED, PAUSED, REMOTE, RUNNING, STARTING, STOPPED, ClusterState, Delivery, NodeView, Shown, ZkServerView,
)
from cluster_sim.engine.timeline import Term

__all__ = ["Model", "rules_for", "apply", "move", "can_move", "local_view", "live_words", "IllegalTransition", "PROCESS_TRANSITIONS"]

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


def rules_for(**settings: Any) -> ClusterRules:
    """The rules of a cluster whose nodes run NodeSettings(**settings) (the defaults of every other
    setting, node/settings.py): what a model runs on with no cluster's rules behind it (tests,
    the web's synthetic load)."""
    template = NodeSettings(node_id="", **settings)
    return ClusterRules.from_settings(template, api_url=template.api_url)


@dataclass
class Model:
    """What the core knows: the state on screen and the bookkeeping behind it."""

    state: ClusterState
    # the cluster's rules (protocol/rules.py: `up` reads them from their znode): the model's grid and
    # session timeout are read from them, never copied
    rules: ClusterRules = field(default_factory=rules_for)
    unsafe: bool = False              # nodes without guard: every node that acts is shown as leader
    terms: List[Term] = field(default_factory=list)                        # the leadership timeline
    left_at: Dict[str, Tuple[float, str]] = field(default_factory=dict)    # node -> (when, how) it left
    acting: Dict[str, float] = field(default_factory=dict)                 # node -> its last round (unsafe)
    split_brain: bool = False
    seen_bad: Dict[str, str] = field(default_factory=dict)                 # node -> why, last warned
    last_leader: Optional[str] = None
    local_pids: Dict[str, Set[int]] = field(default_factory=dict)          # node -> every pid we started for it
    open_term: Optional[Term] = None      # the leader znode's current term (terms also holds acting ones)
    acting_terms: Dict[str, Term] = field(default_factory=dict)            # unsafe: node -> its latest acting term
    watched_before: Dict[str, str] = field(default_factory=dict)  # node -> the predecessor it watched last

    @property
    def interval(self) -> float:
        return self.rules.interval

    @property
    def session_timeout(self) -> float:
        return self.rules.session_timeout

    def acting_now(self, now: float) -> List[str]:
        """Nodes that computed a round lately (unsafe mode: each of them believes it leads)."""
        return sorted(n for n, t in self.acting.items() if now - t <= 2.5 * self.interval)


# --------------------------------------------------------------------------- apply, per kind

def _node(m: Model, node: str) -> Optional[NodeView]:
    return m.state.nodes.get(node)


def local_view(m: Model, node: str) -> Optional[NodeView]:
    """The row of the local process with this id (a row of its own while another process holds
    the id), or None: what the node's own reports and its process's life change."""
    shadow = m.state.shadowed.get(node)
    if shadow is not None:
        return shadow
    view = m.state.nodes.get(node)
    return view if view is not None and not view.remote else None


def _started(m: Model, e: ev.NodeStarted) -> None:
    s = m.state
    if e.pid is not None:
        m.local_pids.setdefault(e.node, set()).add(e.pid)
    held = s.nodes.get(e.node)
    if held is not None and held.remote:
        view = s.shadowed.get(e.node) or NodeView(id=e.node, state=None)
        s.shadowed[e.node] = view     # another process holds the id: this one waits in a row of its own
    else:
        view = held or NodeView(id=e.node, state=None)
        s.nodes[e.node] = view
    move(view, STARTING)
    view.pid, view.remote, view.exit_code, view.connection = e.pid, False, None, ""
    view.silent_since = view.session_timeout = None
    view.deposed = False


def _running(m: Model, e: ev.NodeRunning) -> None:
    view = local_view(m, e.node)
    if view is not None:
        move(view, RUNNING)
        view.host = e.host or view.host


def _host(m: Model, e: ev.HostKnown) -> None:
    view = local_view(m, e.node)
    if view is not None:
        view.host = e.host


def _stopped_acting(m: Model, node: str, ts: float, how: str) -> None:
    """The node stopped acting at `ts` (how: crashed, left, paused, partitioned): a failover is
    timed from the first of these, so a leader cut off and then killed is timed from the cut."""
    m.left_at.setdefault(node, (ts, how))


def _killed(m: Model, e: ev.NodeKilled) -> None:
    _stopped_acting(m, e.node, e.ts, "crashed" if e.hard else "left")


def _silent(m: Model, view: Optional[NodeView], since: Optional[float], timeout: Optional[float] = None) -> None:
    """ZooKeeper hears nothing from the node since `since` (None: it hears it again)."""
    if view is not None:
        view.silent_since = since
        view.session_timeout = (timeout or m.session_timeout) if since is not None else None


def _paused(m: Model, e: ev.NodePaused) -> None:
    view = local_view(m, e.node)
    if view is not None:
        move(view, PAUSED)
        if view.silent_since is None:
            _silent(m, view, e.ts)   # frozen: no more pings (the servers' cons says it more exactly)
    _stopped_acting(m, e.node, e.ts, "paused")


def _resumed(m: Model, e: ev.NodeResumed) -> None:
    view = local_view(m, e.node)
    if view is not None:
        move(view, RUNNING)
        _silent(m, view, None)
    if m.left_at.get(e.node, (0.0, ""))[1] == "paused":
        del m.left_at[e.node]   # resumed before its session expired: it acts again (a later fault counts anew)


def _stopped(m: Model, e: ev.NodeStopped) -> None:
    if m.state.shadowed.get(e.node) is not None:
        del m.state.shadowed[e.node]   # it never held its id: its row goes with it
        return
    view = local_view(m, e.node)
    if view is not None:
        move(view, CRASHED if e.crashed else STOPPED)
        view.exit_code = e.exit
        if e.exit is None or e.exit >= 0:
            view.role = ""   # it closed its session on the way out: out of the election at once
            _silent(m, view, None)
        elif view.silent_since is None and view.connection != "LOST":
            _silent(m, view, e.ts)   # dead: its session lives until ZooKeeper times it out
        # killed by a signal, it could not: it still holds its place (and may still
        # lead) until ZooKeeper expires its session; the snapshots say when, so the
        # role does not go blank now and come back with the next snapshot


def _connection(state: str) -> Callable[[Model, ev.Event], None]:
    def set_connection(m: Model, e: ev.Event) -> None:
        view = local_view(m, getattr(e, "node"))
        if view is not None:
            view.connection = state
            if state != "SUSPENDED":
                _silent(m, view, None)   # it talks to ZooKeeper again, or its session is gone
            if isinstance(e, ev.SessionExpired) and e.by == "zookeeper" and m.state.leader == view.id:
                view.deposed = True      # its leadership went with its session; it learns on reconnecting
            elif state == "CONNECTED":
                view.deposed = False
    return set_connection


def _computed(m: Model, e: Any) -> None:
    """RoundComputed (a local leader's report) or ComputedKnown (the leader znode): the newest wins."""
    s = m.state
    if e.round is not None and (s.computed_round is None or e.round > s.computed_round):
        s.computed_round, s.computed_mean, s.computed_count = e.round, e.mean, e.count


def _stepped_down(m: Model, e: ev.SteppedDown) -> None:
    view = local_view(m, e.node)
    if view is not None:
        view.deposed = False         # it knows now


def _heard(m: Model, e: ev.SessionHeard) -> None:
    _silent(m, _node(m, e.node), e.silent_since, e.timeout)


def _queue(m: Model, e: ev.QueueChanged) -> None:
    before = _watches(m.state.queue)
    m.state.queue = tuple(zip(e.nodes, e.seqs))
    for node, watched in _watches(m.state.queue).items():
        old = before.get(node)
        if old is not None and old != watched:
            m.watched_before[node] = old   # the predecessor it watched until this change


def _watches(queue: Tuple[Tuple[str, int], ...]) -> Dict[str, Optional[str]]:
    return {node: queue[i - 1][0] if i else None for i, (node, _) in enumerate(queue)}


def _round(m: Model, e: ev.RoundComputed) -> None:
    _computed(m, e)
    if m.unsafe:
        m.acting[e.node] = e.ts
        _act(m, e)


def _act(m: Model, e: ev.RoundComputed) -> None:
    """Unsafe: the timeline shows what each node did, not only what the leader znode says: a
    node posting rounds acts as leader from its first round of a run to its last."""
    term = m.acting_terms.get(e.node)
    if term is not None and term.end is not None and e.ts - term.end <= 2.5 * m.interval:
        term.end = e.ts
        return
    term = Term(node_id=e.node, epoch=e.epoch or 0, start=e.ts, end=e.ts)
    m.acting_terms[e.node] = term
    m.terms.append(term)


def _stored(m: Model, e: ev.RoundStored) -> None:
    s = m.state
    if s.last_round is None or e.round is None or e.round >= s.last_round:
        s.last_mean, s.last_round, s.last_count = e.mean, e.round, e.count


def _last_round(m: Model, e: ev.LastRoundKnown) -> None:
    s = m.state
    s.last_mean, s.last_round, s.last_count = e.mean, e.round, e.count
    if e.row is not None:
        s.last_row = max(e.row, s.last_row or 0)


def _waiting(m: Model, e: ev.RoundWaiting) -> None:
    s = m.state
    if e.round is None:
        s.waiting_since = None
    elif e.round != s.waiting_round:
        s.waiting_since = e.ts
    s.waiting_round, s.waiting_for = e.round, tuple(e.nodes)


def _dropped(m: Model, e: ev.OutboxDropped) -> None:
    if e.total is not None:
        m.state.outbox_dropped = e.total


def _api_down(m: Model, e: ev.ApiDown) -> None:
    # the leader's deliveries, not the API as the supervisor's probe sees it (api_ok): a leader
    # may fail to reach an API the supervisor reaches (another address, a firewall)
    known = m.state.delivery
    url = e.url or (known.url if known is not None and known.leader == e.node else "")
    m.state.delivery = Delivery(leader=e.node, ok=False, url=url, since=e.since or e.ts, error=e.error)


def _api_back(m: Model, e: ev.ApiBack) -> None:
    known = m.state.delivery
    url = e.url or (known.url if known is not None and known.leader == e.node else "")
    m.state.delivery = Delivery(leader=e.node, ok=True, url=url)


def _delivery(m: Model, e: ev.DeliveryKnown) -> None:
    m.state.delivery = None if e.node is None else Delivery(leader=e.node, ok=e.ok, url=e.url, since=e.since,
                                                            error=e.error)


def _reaches(m: Model, e: ev.NodeReachesApi) -> None:
    view = m.state.nodes.get(e.node)
    if view is not None:
        view.api_ok = e.ok


def _api_status(m: Model, e: ev.ApiStatus) -> None:
    s = m.state
    if e.ok:
        s.api_ok, s.api_down_since, s.rounds_stored, s.rows_unrounded = True, None, e.rows, e.unrounded
    else:
        s.api_ok, s.api_down_since = False, e.down_since


def _zk_connection(m: Model, e: ev.ZkConnection) -> None:
    m.state.zk_connected = e.connected


def _joined(m: Model, e: ev.RemoteJoined) -> None:
    s = m.state
    local = s.nodes.get(e.node)
    if local is not None and not local.remote and local.state in (STARTING, RUNNING, PAUSED):
        local.role = ""
        s.shadowed[e.node] = local     # still alive, without its id: a row of its own
    view = NodeView(id=e.node, state=None, remote=True, host=e.host, pid=e.pid)
    move(view, REMOTE)
    s.nodes[e.node] = view


def _left(m: Model, e: ev.RemoteLeft) -> None:
    s = m.state
    s.nodes.pop(e.node, None)
    local = s.shadowed.pop(e.node, None)
    if local is not None:
        s.nodes[e.node] = local        # the id is free: the local process may take it now


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
    if m.open_term is not None and m.open_term.end is None:
        m.open_term.end = ts
    m.open_term = None


def _elected(m: Model, e: ev.LeaderElected) -> None:
    _close_term(m, e.ts)
    start = e.elected_at if e.elected_at is not None else e.ts
    m.open_term = Term(node_id=e.node, epoch=e.epoch or 0, start=start, end=None)
    m.terms.append(m.open_term)
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
    if not e.depth:
        s.outbox_since = None
    elif not s.outbox_depth or s.outbox_since is None:
        s.outbox_since = e.ts
    s.outbox_depth, s.outbox_oldest, s.outbox_dropped = e.depth, e.oldest, e.dropped
    shown = s.narration
    if shown is not None and shown.live_step:
        title, body, question = live_words(s, shown.live_step, shown.lang)
        s.narration = replace(shown, title=title, body=body, question=question)


def _cluster(m: Model, e: ev.ClusterStarted) -> None:
    m.state.interval = m.state.interval or e.interval


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


def _link_fault(how: Callable[[Any, ev.Event], Any]) -> Callable[[Model, ev.Event], None]:
    """partition / slow / heal (a fault command's relay action, faults/registry.py): the node's
    faults as its relays now have them."""
    def change(m: Model, e: ev.Event) -> None:
        from cluster_sim.netfault.faults import NodeFaults, with_fault

        node = getattr(e, "node")
        view = _node(m, node)
        if view is not None:
            view.faults = with_fault(view.faults or NodeFaults(node), lambda link: how(link, e),
                                     getattr(e, "target"), e.ts)
        cut_off = isinstance(e, ev.Partitioned) and e.target != "api"
        if cut_off and view is not None and view.silent_since is None:
            _silent(m, view, e.ts)   # its pings no longer reach ZooKeeper
        elif isinstance(e, ev.Healed) and view is not None and e.target != "api":
            _silent(m, view, None)
        if cut_off and m.state.leader == node:
            _stopped_acting(m, node, e.ts, "partitioned")  # a failover is timed from the cut
        elif isinstance(e, ev.Healed) and m.left_at.get(node, (0.0, ""))[1] == "partitioned":
            del m.left_at[node]   # healed before its session expired: it never left
    return change


def live_words(state: ClusterState, step: str, lang: str) -> Tuple[str, str, str]:
    """A live demo step's title, body and question, filled with the state's outbox depth."""
    from cluster_sim.words.narration import told

    words = told(lang or state.lang, step, depth=state.outbox_depth)
    return words.title, words.body, words.question


def _narration(m: Model, e: ev.Narration) -> None:
    m.state.narration = (Shown(e.title, e.body, e.question, e.hint or "", live_step=e.live_step, lang=e.lang)
                         if e.title else None)


def _join(m: Model, e: ev.JoinCommand) -> None:
    m.state.join_command = e.command


def _cost(m: Model, e: ev.FailoverCost) -> None:
    m.state.failover_cost = {k: v for k, v in ev.to_record(e).items() if k != "kind"}


def _web(m: Model, e: ev.WebViewStarted) -> None:
    m.state.web_url = e.url


_APPLY: Dict[type, Callable] = {
    ev.NodeStarted: _started, ev.NodeRunning: _running, ev.HostKnown: _host, ev.NodeKilled: _killed,
    ev.NodePaused: _paused, ev.NodeResumed: _resumed, ev.NodeStopped: _stopped,
    ev.Connected: _connection("CONNECTED"), ev.Reconnected: _connection("CONNECTED"),
    ev.Suspended: _connection("SUSPENDED"), ev.SessionExpired: _connection("LOST"),
    ev.SessionHeard: _heard, ev.SteppedDown: _stepped_down, ev.QueueChanged: _queue, ev.TakesOver: lambda m, e: None,
    ev.RoundComputed: _round, ev.RoundStored: _stored, ev.LastRoundKnown: _last_round,
    ev.ComputedKnown: _computed,
    ev.OutboxDropped: _dropped, ev.ApiDown: _api_down, ev.ApiBack: _api_back, ev.ApiStatus: _api_status,
    ev.DeliveryKnown: _delivery, ev.NodeReachesApi: _reaches,
    ev.ZkConnection: _zk_connection, ev.RemoteJoined: _joined, ev.RemoteLeft: _left,
    ev.ReadingPublished: _reading, ev.UnreadableReading: _unreadable, ev.RoleChanged: _role,
    ev.LeaderElected: _elected, ev.LeaderLost: _lost, ev.SplitBrain: _split, ev.SplitBrainEnded: _split_over,
    ev.OutboxChanged: _outbox, ev.LeaderZkServer: _leader_zk, ev.ZkServerChanged: _zk_server,
    ev.Narration: _narration, ev.JoinCommand: _join, ev.WebViewStarted: _web, ev.RoundWaiting: _waiting, ev.ClusterStarted: _cluster,
    ev.FailoverCost: _cost,
}
# every fault command that acts on a node's links (partition, slow, heal, ...): from the registry
_APPLY.update({ev.KINDS[a.event]: _link_fault(a.link) for a in fault_actions()
               if a.link is not None and a.event != FAULT_CHANGED})


def _fault_changed(m: Model, e: ev.FaultChanged) -> None:
    """A kind declared only in the registry: its command's relay action, as the relays applied it."""
    try:
        link = fault_action(e.cmd).link
    except KeyError:
        return      # a command this process does not declare (a recording's)
    if link is not None and e.node is not None:
        _link_fault(link)(m, e)


_APPLY[ev.FaultChanged] = _fault_changed


def apply(model: Model, event: ev.Event) -> None:
    """Change the model as `event` says, and keep it in the event log when a person reads it."""
    change = _APPLY.get(type(event))
    if change is not None:
        change(model, event)
    if event.logged:
        model.state.events.append(event)
        model.state.events_total += 1
