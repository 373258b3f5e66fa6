"""The supervisor's pure core: what each message means, as events.

    model = Model(ClusterState(), rules=rules_for(interval=1.0, session_timeout=4.0))
    events = step(model, ReportConnection(node="1", ts=t, state="SUSPENDED"), now=t)
    # [Suspended(ts=t, node="1")]; model.state.nodes["1"].connection == "SUSPENDED"

`decide(model, message, now)` reads the model and returns the events the
message causes; it changes nothing, does no I/O and reads no clock (`now` is
given), so tests drive it with synthetic messages and a fake clock. `step`
is decide, then `model.apply` for each event. Failover times, split brain,
the leader (a clustersim leader from /clustersim/leader, or a node of the
original design leading the election), remote nodes and readings are all
decided here.

Longer than 400 lines: `decide` for every kind of message, each a short function, sharing
the leader and failover reasoning that must stay in one place to stay consistent.
"""

import signal
from typing import Any, Callable, Dict, List, Mapping, Optional, Set, Tuple

from cluster_sim.engine import events as ev
from cluster_sim.engine import messages as msg
from cluster_sim.engine.model import Model, apply, can_move, live_words, local_view
from cluster_sim.engine.state import CRASHED, FOLLOWER, LEADER, PAUSED, RUNNING, STARTING, STOPPED, NodeView

__all__ = ["decide", "step"]

Events = List[ev.Event]


def step(model: Model, message: msg.Message, now: float) -> Events:
    """Decide what `message` means, apply it to `model`, return the events (in order)."""
    events = decide(model, message, now)
    for event in events:
        apply(model, event)
    return events


def decide(model: Model, message: msg.Message, now: float) -> Events:
    """The events `message` causes, given `model` at wall-clock `now`; the model is not changed."""
    for cls in type(message).__mro__:
        handler = _DECIDE.get(cls)
        if handler is not None:
            return handler(model, message, now)
    return []


def _int(value: Any) -> Optional[int]:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        return None
    try:
        return int(value)
    except (OverflowError, ValueError):
        return None


def _float(value: Any) -> Optional[float]:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _acting(acting: Mapping[str, float], now: float, interval: float) -> Tuple[str, ...]:
    return tuple(sorted(n for n, t in acting.items() if now - t <= 2.5 * interval))


# --------------------------------------------------------------------------- ZooKeeper snapshots

def _snapshot(m: Model, snap: msg.ZkSnapshot, now: float) -> Events:
    s, ts = m.state, snap.ts
    out: Events = []
    if snap.connected != s.zk_connected:
        out.append(ev.ZkConnection(ts, connected=snap.connected))
    if not snap.connected:
        return out
    present = set(snap.readings) | set(snap.bad) | set(snap.election)
    for node in sorted(present):
        view = s.nodes.get(node)
        reading = snap.readings.get(node)
        if view is None and getattr(reading, "bare", False) and node in snap.pending:
            continue  # a newcomer's history (its host, its pid) is being read: say it joined with them
        if view is None or (not view.remote and _foreign(m, view, reading)):
            # one row is one process: another process holding a local id gets a row of its own
            out.append(ev.RemoteJoined(ts, node, host=getattr(reading, "host", None),
                                       pid=getattr(reading, "pid", None)))
            view = None
        if reading is not None and (view is None or (view.reading_ts, view.value) != (reading.ts, reading.value)):
            out.append(ev.ReadingPublished(ts, node, value=reading.value, taken_at=reading.ts,
                                           host=reading.host, pid=reading.pid))
        why = snap.bad.get(node)
        if why is not None and m.seen_bad.get(node) != why:
            out.append(ev.UnreadableReading(ts, node, why=why))
        if view is not None and view.state == STARTING and not view.remote and reading is not None:
            out.append(ev.NodeRunning(ts, node))
        reach = getattr(reading, "api_ok", None)
        if reading is not None and reach != (None if view is None else view.api_ok):
            out.append(ev.NodeReachesApi(ts, node, ok=reach, url=getattr(reading, "api_url", None) or ""))
    out += _expired(m, snap, present)
    gone = [node for node, view in s.nodes.items() if view.remote and node not in present]
    out += [ev.RemoteLeft(ts, node) for node in gone]
    out += _heard(m, snap, set(gone))
    queue = (tuple(c.node for c in snap.queue), tuple(c.seq for c in snap.queue))
    if tuple(zip(*queue)) != s.queue:
        out.append(ev.QueueChanged(ts, nodes=queue[0], seqs=queue[1]))
    leader_events, leader = _leader(m, snap)
    out += leader_events
    out += _takes_over(m, snap, leader_events)
    out += _roles(m, snap, present, set(gone), leader)
    out += _delivery(m, snap)
    out += _outbox(m, snap)
    return out


def _delivery(m: Model, snap: msg.ZkSnapshot) -> Events:
    """What the leader znode says of the leader's deliveries. A leader that cannot deliver is
    named here at once, remote ones too (a local leader's own report may say it first: then
    this says nothing more); a remote leader's recovery too (a local one reports it, with the
    rounds it delivered, once its outbox drained)."""
    s, ts, info = m.state, snap.ts, snap.leader
    if not info:
        return [] if s.delivery is None else [ev.DeliveryKnown(ts)]
    leader = str(info.get("id"))
    raw_ok = info.get("api_ok")
    ok = raw_ok if isinstance(raw_ok, bool) else None
    since = _float(info.get("api_down_since"))
    url = str(info.get("api_url") or "")
    error = str(info.get("api_error") or "")
    known = s.delivery
    if known is not None and (known.leader, known.ok, known.url, known.since, known.error) == (
            leader, ok, url, since, error):
        return []
    was_failing = known is not None and known.leader == leader and known.ok is False
    if ok is False and not was_failing:
        return [ev.ApiDown(ts, leader, since=since, error=error, url=url)]
    view = s.nodes.get(leader)
    if ok is True and was_failing and (view is None or view.remote):
        return [ev.ApiBack(ts, leader, url=url)]
    return [ev.DeliveryKnown(ts, leader, ok=ok, url=url, since=since, error=error)]


def _foreign(m: Model, view: NodeView, reading: Any) -> bool:
    """The reading of `view`'s id comes from a process this supervisor did not start."""
    if reading is None:
        return False
    if getattr(reading, "bare", False):
        # a node of the original design, never one of ours; unless ours is alive: then it is its
        # first publish, seen before the history written with it (the cache watches both apart)
        return view.state not in (STARTING, RUNNING, PAUSED)
    pid = getattr(reading, "pid", None)
    return pid is not None and pid not in m.local_pids.get(view.id, ())


def _expired(m: Model, snap: msg.ZkSnapshot, present: Set[str]) -> Events:
    """A local node that cannot speak for itself (dead, or frozen) left ZooKeeper: its session
    expired. Said here, as the supervisor sees it; the node's own LOST report, if it comes
    later (a resumed node), is then not said again."""
    out: Events = []
    for node, view in sorted(m.state.nodes.items()):
        # (it was in ZooKeeper: in the election, or published. Not the role alone: the election's
        # children are polled and the readings watched, so its election znode may be seen gone a
        # snapshot before its reading, and the role with it)
        if view.remote or node in present or view.connection == "LOST" or not (view.role or view.reading_ts):
            continue
        # a crash by a signal (kill --hard) leaves the session open until ZooKeeper times it out
        if view.state == PAUSED or (view.state == CRASHED and (view.exit_code or 0) < 0) or _cut_off(view):
            out.append(ev.SessionExpired(snap.ts, node, by="zookeeper"))
    return out


# a session ZooKeeper last answered longer ago than this share of its timeout is silent: a live
# client (kazoo) pings every third of its timeout or so, and is answered at once
SILENT_SHARE = 0.5


def _heard(m: Model, snap: msg.ZkSnapshot, gone: Set[str]) -> Events:
    """A silence beginning or ending, as the servers' cons lists each node's session (the one
    holding its election znode, else the one that wrote its history)."""
    if snap.sessions is None:
        return []      # cons not allowed: the supervisor's own pauses and cuts are all we know
    owners = {c.node: c.owner for c in snap.queue if c.owner}
    out: Events = []
    for node, view in sorted(m.state.nodes.items()):
        if node in gone or view.connection == "LOST":
            continue
        owner = owners.get(node) or getattr(snap.readings.get(node), "session", None)
        seen = snap.sessions.get(owner) if owner else None
        if seen is None:
            continue
        silent = not seen.listed or snap.ts - seen.heard_at > SILENT_SHARE * seen.timeout
        if silent and (view.silent_since is None or view.session_timeout != seen.timeout
                       or abs(view.silent_since - seen.heard_at) > 0.05):
            if view.silent_since is None or seen.heard_at <= view.silent_since + 0.25:
                out.append(ev.SessionHeard(snap.ts, node, silent_since=seen.heard_at, timeout=seen.timeout))
        elif not silent and view.silent_since is not None and seen.heard_at > view.silent_since + 0.25 \
                and view.state != PAUSED and not _cut_off(view):
            out.append(ev.SessionHeard(snap.ts, node))
    return out


def _cut_off(view: NodeView) -> bool:
    """Its relays blackhole its ZooKeeper traffic (`clustersim partition`)."""
    return view.faults is not None and view.faults.zk.partitioned


def _takes_over(m: Model, snap: msg.ZkSnapshot, leader_events: Events) -> Events:
    """Why the new leader won, in ZooKeeper's terms: its znode is now the lowest; it watched the
    one before it (the old leader's, or one that went too)."""
    elected = [e for e in leader_events if isinstance(e, ev.LeaderElected) and e.after is not None]
    if elected and m.state.teaching:
        # the herd: every candidate watched the one leader znode; all were woken, all raced
        node, before = elected[0].node, [n for n, _ in m.state.queue]
        seq = next((c.seq for c in snap.queue if c.node == node), None)
        racers = len([n for n in before if n != elected[0].after]) or None
        return [ev.TakesOver(snap.ts, node, seq=seq, recipe="herd", racers=racers)]
    if not elected or not snap.queue or snap.queue[0].node != elected[0].node:
        return []
    node = elected[0].node
    before = [n for n, _ in m.state.queue]
    place = before.index(node) if node in before else -1
    # the queue may have moved up a snapshot before the leader znode did: then the model knows
    watched = before[place - 1] if place > 0 else m.watched_before.get(node)
    return [ev.TakesOver(snap.ts, node, seq=snap.queue[0].seq, watched=watched)]


def _original_leader(snap: msg.ZkSnapshot) -> Optional[str]:
    """The node leading the election when it is of the original design (a bare-number reading).
    Not one whose znodes are still being read: a clustersim node's bare value is read a moment
    before its history, and its leader znode comes a moment after it won; under the herd recipe
    the first candidate is not even the winner, and that moment showed a hand-over that never was."""
    if not snap.election:
        return None
    first = snap.election[0]
    reading = snap.readings.get(first)
    return first if reading is not None and getattr(reading, "bare", False) and first not in snap.pending else None


def _leader(m: Model, snap: msg.ZkSnapshot) -> Tuple[Events, Optional[str]]:
    s, ts, info = m.state, snap.ts, snap.leader
    original = False
    if info:
        leader: Optional[str] = str(info.get("id"))
        epoch = _int(info.get("epoch"))
    else:
        leader, epoch = _original_leader(snap), None
        original = leader is not None
    if (leader, epoch) == (s.leader, s.epoch):
        return [], leader
    if leader is None:
        return ([ev.LeaderLost(ts, s.leader)] if s.leader is not None else []), None
    elected_at = (_float(info.get("elected_at")) if info else None) or ts
    before, failover_ms, how = m.last_leader, None, None
    after = before if before is not None and before != leader else None
    if after is not None:
        gone_at, left_how = m.left_at.get(after, (None, "left"))
        if gone_at is not None and elected_at >= gone_at:
            failover_ms, how = int(round((elected_at - gone_at) * 1000)), left_how
    return [ev.LeaderElected(ts, leader, epoch=epoch, elected_at=elected_at, failover_ms=failover_ms,
                             after=after, how=how, original=original)], leader


def _roles(m: Model, snap: msg.ZkSnapshot, present: Set[str], gone: Set[str], leader: Optional[str]) -> Events:
    s, ts = m.state, snap.ts
    election = set(snap.election)
    acting = set(_acting(m.acting, ts, m.interval)) if m.unsafe else set()
    out: Events = []
    for node in sorted((set(s.nodes) - gone) | present):
        role = LEADER if node == leader or node in acting else (FOLLOWER if node in election else "")
        view = s.nodes.get(node)
        if role != (view.role if view is not None else ""):
            out.append(ev.RoleChanged(ts, node, role=role))
    return out


def _outbox(m: Model, snap: msg.ZkSnapshot) -> Events:
    s, ts, info = m.state, snap.ts, snap.leader or {}
    out: Events = []
    depth = snap.outbox_depth
    oldest = _int(info.get("outbox_oldest")) if depth else None
    dropped = max(s.outbox_dropped, _int(info.get("dropped")) or 0)
    if (depth, oldest, dropped) != (s.outbox_depth, s.outbox_oldest, s.outbox_dropped):
        out.append(ev.OutboxChanged(ts, depth=depth, oldest=oldest, dropped=dropped))
    server = info.get("zk_server")
    server = None if server is None else str(server)
    if server != s.leader_zk:
        out.append(ev.LeaderZkServer(ts, server=server))
    computed = _int(info.get("round"))
    if computed is not None and (s.computed_round is None or computed > s.computed_round):
        out.append(ev.ComputedKnown(ts, round=computed, mean=_float(info.get("mean")), count=_int(info.get("count"))))
    out += _latest_round(m, ts, _int(info.get("delivered_round")), _float(info.get("delivered_mean")),
                         _int(info.get("delivered_count")), None, "zookeeper")
    raw = info.get("waiting")
    waiting: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    round_no = _int(waiting.get("round")) if snap.leader else None
    members = waiting.get("for")
    nodes = tuple(str(n) for n in members) if round_no is not None and isinstance(members, list) else ()
    if (round_no, nodes) != (s.waiting_round, s.waiting_for):
        out.append(ev.RoundWaiting(ts, round=round_no, nodes=nodes))
    return out


def _latest_round(m: Model, ts: float, round_no: Optional[int], mean: Optional[float], count: Optional[int],
                  row: Optional[int], source: str) -> Events:
    """LastRoundKnown when (round, mean) is newer than the header's: whoever leads, the header
    shows the latest stored round. An unrounded row (an original or unsafe leader) is newer when
    it is another row of the API."""
    s = m.state
    if mean is None and count != 0:
        return []
    if round_no is None:
        if row is None or (s.last_row is not None and row <= s.last_row):
            return []
    elif s.last_round is not None and round_no <= s.last_round:
        return []
    return [ev.LastRoundKnown(ts, round=round_no, mean=mean, source=source, count=count, row=row)]


# --------------------------------------------------------------------------- node reports

def _started(m: Model, r: msg.ReportStarted, now: float) -> Events:
    view = local_view(m, r.node)
    if view is None:
        return []
    if view.state == STARTING:
        return [ev.NodeRunning(r.ts, r.node, host=r.host)]
    return [ev.HostKnown(r.ts, r.node, host=r.host)] if r.host and r.host != view.host else []


def _connection(m: Model, r: msg.ReportConnection, now: float) -> Events:
    view = local_view(m, r.node)
    if view is None:
        return []
    if r.state in ("SUSPENDED", "LOST") and view.connection == "LOST":
        return []      # already said (the supervisor saw the session go while the node could not speak)
    if r.state == "SUSPENDED":
        return [ev.Suspended(r.ts, r.node)]
    if r.state == "LOST":
        return [ev.SessionExpired(r.ts, r.node)]
    if r.state != "CONNECTED":
        return []
    out: Events = []
    if view.connection in ("SUSPENDED", "LOST"):
        out.append(ev.Reconnected(r.ts, r.node, same_session=view.connection == "SUSPENDED"))
    else:
        out.append(ev.Connected(r.ts, r.node))
    if view.state == STARTING:
        out.append(ev.NodeRunning(r.ts, r.node))
    return out


def _round(m: Model, r: msg.ReportRound, now: float) -> Events:
    out: Events = [ev.RoundComputed(r.ts, r.node, round=r.round, mean=r.mean, count=r.count, epoch=r.epoch,
                                    expected=r.expected, missing=r.missing)]
    if m.unsafe:
        acting = _acting({**m.acting, r.node: r.ts}, r.ts, m.interval)
        if len(acting) > 1 and not m.split_brain:
            out.append(ev.SplitBrain(r.ts, nodes=acting))
        elif len(acting) <= 1 and m.split_brain:
            out.append(ev.SplitBrainEnded(r.ts, nodes=acting))
    return out


def _report(make: Callable[[Any], ev.Event]) -> Callable[[Model, Any, float], Events]:
    return lambda m, r, now: [make(r)]


def _api_down(m: Model, r: msg.ReportApiDown, now: float) -> Events:
    known = m.state.delivery
    if known is not None and known.leader == r.node and known.ok is False:
        return []      # already named (its leader znode said it first)
    return [ev.ApiDown(r.ts, r.node, since=r.since, error=r.error, url=r.url)]


# --------------------------------------------------------------------------- the rest

def _exited(m: Model, p: msg.ProcessExited, now: float) -> Events:
    view = local_view(m, p.node)
    if view is None:
        return []
    code = p.code
    killed = p.requested == "SIGKILL" or code == -signal.SIGKILL
    crashed = killed or not (p.requested or code == 0)
    if not can_move(view.state, CRASHED if crashed else STOPPED):
        return []
    name = None
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
    return [ev.NodeStopped(now, p.node, exit=code, signal=name, crashed=crashed, requested=p.requested,
                           log_path=p.log_path, session_timeout=m.session_timeout)]


def _api(m: Model, h: msg.ApiHealth, now: float) -> Events:
    s = m.state
    out: Events = []
    if h.ok:
        unrounded = None if h.rounds is None or h.rows is None else max(0, h.rows - h.rounds)
        if (s.api_ok is not True or s.api_down_since is not None or s.rounds_stored != h.rows
                or s.rows_unrounded != unrounded):
            out.append(ev.ApiStatus(now, ok=True, rows=h.rows, unrounded=unrounded))
        out += _latest_round(m, now, h.last_round, h.last_mean, h.last_count, h.last_id, "api")
    elif s.api_ok is not False:
        out.append(ev.ApiStatus(now, ok=False, rows=s.rounds_stored, down_since=now, unrounded=s.rows_unrounded))
    return out


def _narration(m: Model, n: msg.Narrate, now: float) -> ev.Event:
    """A demo's step; a live one worded with the outbox depth the model holds now (the number the
    screen shows, not the one the demo polled a moment ago)."""
    title, body, question = n.title, n.text, n.question
    if n.live_step:
        title, body, question = live_words(m.state, n.live_step, n.lang)
    return ev.Narration(now, title=title, body=body, question=question, hint=n.hint, log=n.log,
                        live_step=n.live_step, lang=n.lang)


def _zk_servers(m: Model, z: msg.ZkServerModes, now: float) -> Events:
    known = {v.index: (v.address, v.mode, v.pid) for v in m.state.zk_servers}
    return [ev.ZkServerChanged(now, index=x.index, address=x.address, mode=x.mode, pid=x.pid)
            for x in z.servers if known.get(x.index) != (x.address, x.mode, x.pid)]


_DECIDE: Dict[type, Callable[[Model, Any, float], Events]] = {
    msg.ZkSnapshot: lambda m, snap, now: _snapshot(m, snap, now),
    msg.ReportStarted: _started,
    msg.ReportConnection: _connection,
    msg.ReportRound: _round,
    msg.ReportStepDown: _report(lambda r: ev.SteppedDown(r.ts, r.node, epoch=r.epoch, reason=r.text, code=r.code,
                                                         error=r.error)),
    msg.ReportFenced: _report(lambda r: ev.Fenced(r.ts, r.node, epoch=r.epoch, reason=r.text)),
    msg.ReportDelivered: _report(lambda r: ev.RoundStored(r.ts, r.node, round=r.round, mean=r.mean,
                                                          count=r.count, epoch=r.epoch)),
    msg.ReportDropped: _report(lambda r: ev.OutboxDropped(r.ts, r.node, rounds=r.rounds, total=r.total,
                                                          message=r.text, bound=r.bound)),
    msg.ReportApiDown: _api_down,
    msg.ReportApiBack: _report(lambda r: ev.ApiBack(r.ts, r.node, delivered=r.delivered, url=r.url)),
    msg.ReportText: _report(lambda r: ev.NodeSaid(r.ts, r.node, level=r.level, message=r.text, code=r.code,
                                                  round=r.round, last=r.last, count=r.count, member=r.member,
                                                  members=r.members, error=r.error)),
    msg.ProcessExited: _exited,
    msg.ApiHealth: _api,
    msg.ZkServerModes: _zk_servers,
    msg.Narrate: lambda m, n, now: [_narration(m, n, now)],
    msg.StopRequested: lambda m, r, now: [ev.ShuttingDown(now, why=r.why)],
    msg.Announce: lambda m, a, now: [a.event],
    msg.ReportWoken: _report(lambda r: ev.CandidateWoken(r.ts, r.node, recipe=r.recipe)),
    msg.FailoverMeasured: lambda m, f, now: [f.cost],
}
