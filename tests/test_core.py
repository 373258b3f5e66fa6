"""The supervisor's pure core and its loop, driven by synthetic messages and a fake clock.

No ZooKeeper and no node process here: what ZooKeeper would show comes as
ZkSnapshot messages, what nodes would report as the dicts they put on their
queue. The end-to-end behaviour is tested against real ZooKeeper in
test_cluster.py, test_leadership.py and test_demo.py.
"""

import queue

import pytest

from cluster_sim.node.readings import Reading
from cluster_sim.engine import events as ev
from cluster_sim.engine.core import decide, step
from cluster_sim.supervisor.manager import Manager
from cluster_sim.engine.messages import (
    Announce, ApiHealth, ProcessExited, ReportOther, ReportRound, SpawnNodes, ZkSnapshot, parse_report,
)
from cluster_sim.engine.model import PROCESS_TRANSITIONS, IllegalTransition, Model, apply, can_move, move, rules_for
from cluster_sim.engine.state import (
    CRASHED, FOLLOWER, LEADER, PAUSED, REMOTE, RUNNING, STARTING, STOPPED, ClusterState, NodeView, Shown,
)
from cluster_sim.presentation.wording import describe

T0 = 1_700_000_000.0


class Clock:
    def __init__(self, t=T0):
        self.t = t

    def __call__(self):
        return self.t

    def advance(self, seconds):
        self.t += seconds
        return self.t


def model(unsafe=False, interval=1.0):
    return Model(ClusterState(name="t"), rules=rules_for(interval=interval, session_timeout=4.0), unsafe=unsafe)


def started(m, *ids, ts=T0):
    for i, node in enumerate(ids):
        step(m, Announce(ev.NodeStarted(ts, node, pid=100 + i)), ts)


def snap(ts, election=(), leader=None, readings=None, bad=None, outbox=0):
    """A ZooKeeper snapshot: every contender publishes a reading unless `readings` says otherwise."""
    if readings is None:
        readings = {node: Reading(value=80.0, ts=ts - 0.1) for node in election}
    return ZkSnapshot(ts=ts, connected=True, readings=readings, bad=bad or {}, election=tuple(election),
                      leader=leader, outbox_depth=outbox)


def kinds(events):
    return [e.kind for e in events]


def of(events, cls):
    return [e for e in events if isinstance(e, cls)]


# --------------------------------------------------------------------------- failover timing

def test_failover_is_timed_from_the_kill_to_the_election():
    m = model()
    started(m, "1", "2", "3")
    first = step(m, snap(T0 + 1, ("1", "2", "3"), {"id": "1", "epoch": 1, "elected_at": T0 + 0.9}), T0 + 1)
    elected = of(first, ev.LeaderElected)
    assert [(e.node, e.epoch, e.failover_ms, e.after) for e in elected] == [("1", 1, None, None)]
    assert m.state.nodes["1"].role == LEADER and m.state.nodes["2"].role == FOLLOWER
    assert all(m.state.nodes[n].state == RUNNING for n in "123")     # their readings are out: running

    step(m, Announce(ev.NodeKilled(T0 + 5.000, "1", was_leader=True)), T0 + 5)
    events = step(m, snap(T0 + 5.1, ("2", "3"), {"id": "2", "epoch": 2, "elected_at": T0 + 5.0125}), T0 + 5.1)
    (elected,) = of(events, ev.LeaderElected)
    assert (elected.node, elected.epoch, elected.after, elected.how) == ("2", 2, "1", "left")
    assert elected.failover_ms == 12 or elected.failover_ms == 13     # 12.5 ms, as the float rounds
    assert describe(elected) == f"leader elected: 2 (epoch 2, failover {elected.failover_ms} ms after 1 left)"
    assert [(t.node_id, t.epoch, t.end) for t in m.terms] == [("1", 1, T0 + 5.1), ("2", 2, None)]
    assert "1" not in m.state.nodes or m.state.nodes["1"].role == ""


def test_hard_kill_and_pause_say_how_the_leader_left():
    for request, how in ((ev.NodeKilled(T0 + 2, "1", hard=True), "crashed"),
                         (ev.NodePaused(T0 + 2, "1", session_timeout=4.0), "paused")):
        m = model()
        started(m, "1", "2")
        step(m, snap(T0 + 1, ("1", "2"), {"id": "1", "epoch": 1}), T0 + 1)
        step(m, Announce(request), T0 + 2)
        # the session expires: no leader for a while, then node 2
        lost = step(m, snap(T0 + 6, ("2",), None), T0 + 6)
        assert kinds(of(lost, ev.LeaderLost)) == ["leader_lost"] and m.state.leader is None
        events = step(m, snap(T0 + 6.5, ("2",), {"id": "2", "epoch": 2, "elected_at": T0 + 6.2}), T0 + 6.5)
        (elected,) = of(events, ev.LeaderElected)
        assert (elected.after, elected.how, elected.failover_ms) == ("1", how, 4200)


def test_a_leader_cut_off_then_killed_is_timed_from_the_cut():
    m = model()
    started(m, "5", "2")
    step(m, snap(T0 + 1, ("5", "2"), {"id": "5", "epoch": 1}), T0 + 1)
    step(m, Announce(ev.Partitioned(T0 + 2, "5", target="zk", was_leader=True)), T0 + 2)
    step(m, Announce(ev.NodeKilled(T0 + 4.5, "5", hard=True, was_leader=True)), T0 + 4.5)
    step(m, snap(T0 + 6, ("2",), None), T0 + 6)
    events = step(m, snap(T0 + 6.5, ("2",), {"id": "2", "epoch": 2, "elected_at": T0 + 6.1}), T0 + 6.5)
    (elected,) = of(events, ev.LeaderElected)
    assert (elected.after, elected.how, elected.failover_ms) == ("5", "partitioned", 4100)
    assert describe(elected) == "leader elected: 2 (epoch 2, failover 4100 ms after 5 was cut off)"


def test_a_leader_paused_and_resumed_then_killed_is_timed_from_the_kill():
    m = model()
    started(m, "1", "2")
    step(m, snap(T0 + 1, ("1", "2"), {"id": "1", "epoch": 1}), T0 + 1)
    step(m, Announce(ev.NodePaused(T0 + 2, "1", was_leader=True)), T0 + 2)
    step(m, Announce(ev.NodeResumed(T0 + 3, "1")), T0 + 3)      # before its session expired: it leads on
    step(m, Announce(ev.NodeKilled(T0 + 10, "1", hard=True, was_leader=True)), T0 + 10)
    events = step(m, snap(T0 + 14.5, ("2",), {"id": "2", "epoch": 2, "elected_at": T0 + 14.25}), T0 + 14.5)
    (elected,) = of(events, ev.LeaderElected)
    assert (elected.after, elected.how, elected.failover_ms) == ("1", "crashed", 4250)


def test_a_leader_that_left_by_itself_is_timed_from_when_it_was_seen_gone():
    m = model()
    started(m, "1", "2")
    step(m, snap(T0 + 1, ("1", "2"), {"id": "1", "epoch": 1}), T0 + 1)
    step(m, snap(T0 + 3, ("2",), None), T0 + 3)                       # nobody asked it to go
    events = step(m, snap(T0 + 3.5, ("2",), {"id": "2", "epoch": 2, "elected_at": T0 + 3.25}), T0 + 3.5)
    (elected,) = of(events, ev.LeaderElected)
    assert (elected.after, elected.how, elected.failover_ms) == ("1", "left", 250)


def test_the_same_leader_is_announced_once():
    m = model()
    started(m, "1")
    view = snap(T0 + 1, ("1",), {"id": "1", "epoch": 1})
    assert of(step(m, view, T0 + 1), ev.LeaderElected)
    assert not of(step(m, snap(T0 + 2, ("1",), {"id": "1", "epoch": 1}), T0 + 2), ev.LeaderElected)
    assert not decide(m, snap(T0 + 2, ("1",), {"id": "1", "epoch": 1}), T0 + 2)


# --------------------------------------------------------------------------- split brain

def round_report(node, ts, epoch=1):
    return parse_report({"node": node, "kind": "round", "round": int(ts), "mean": 80.0, "count": 3,
                         "epoch": epoch, "ts": ts})


def test_two_leaders_acting_at_once_is_detected_once_and_its_end_too():
    m = model(unsafe=True, interval=1.0)
    started(m, "1", "2")
    assert kinds(step(m, round_report("1", T0 + 1), T0 + 1)) == ["round_computed"]
    assert kinds(step(m, round_report("1", T0 + 2), T0 + 2)) == ["round_computed"]
    events = step(m, round_report("2", T0 + 3, epoch=2), T0 + 3)      # 1 acted 1 s ago: both act
    (split,) = of(events, ev.SplitBrain)
    assert split.nodes == ("1", "2") and describe(split) == "two leaders acting at once: 1 and 2"
    assert not of(step(m, round_report("1", T0 + 3.5), T0 + 3.5), ev.SplitBrain)   # said once
    # both shown as leader while they act
    step(m, snap(T0 + 3.6, ("2",), {"id": "2", "epoch": 2}), T0 + 3.6)
    assert m.state.nodes["1"].role == LEADER and m.state.nodes["2"].role == LEADER
    # node 1 goes quiet for more than 2.5 intervals: one leader again
    events = step(m, round_report("2", T0 + 7), T0 + 7)
    assert of(events, ev.SplitBrainEnded) and not m.split_brain


def test_no_split_brain_with_the_guard():
    m = model(unsafe=False)
    started(m, "1", "2")
    step(m, round_report("1", T0 + 1), T0 + 1)
    assert not of(step(m, round_report("2", T0 + 1.5), T0 + 1.5), ev.SplitBrain)


# --------------------------------------------------------------------------- process states

def test_the_process_state_machine():
    assert PROCESS_TRANSITIONS[None] == {STARTING, REMOTE}
    assert can_move(STARTING, RUNNING) and can_move(RUNNING, PAUSED) and can_move(PAUSED, RUNNING)
    assert can_move(STOPPED, STARTING) and can_move(CRASHED, STARTING)
    for bad in ((STOPPED, RUNNING), (CRASHED, PAUSED), (PAUSED, STARTING), (RUNNING, STARTING)):
        assert not can_move(*bad), bad
    view = NodeView("1", state=STOPPED)
    with pytest.raises(IllegalTransition):
        move(view, RUNNING)
    assert view.state == STOPPED


def test_a_node_process_from_start_to_exit():
    m = model()
    clock = Clock()
    started(m, "1")
    node = m.state.nodes["1"]
    assert (node.state, node.pid) == (STARTING, 100)
    events = step(m, parse_report({"node": "1", "kind": "started", "host": "lab-3", "ts": clock.advance(0.1)}),
                  clock())
    assert kinds(events) == ["node_running"] and (node.state, node.host) == (RUNNING, "lab-3")
    step(m, Announce(ev.NodePaused(clock.advance(1), "1", session_timeout=4.0)), clock())
    assert node.state == PAUSED
    step(m, Announce(ev.NodeResumed(clock.advance(1), "1")), clock())
    assert node.state == RUNNING
    # asked to stop (SIGTERM), exits 0: stopped
    (stopped,) = step(m, ProcessExited("1", 0, "SIGTERM", "/tmp/n1.log"), clock.advance(1))
    assert node.state == STOPPED and node.exit_code == 0 and not stopped.crashed
    assert describe(stopped) == "node 1 stopped (exit 0)"
    # started again, then dies on its own: crashed, and the log says where to look
    step(m, Announce(ev.NodeStarted(clock.advance(1), "1", pid=200, requested=True)), clock())
    assert node.state == STARTING and node.exit_code is None and node.pid == 200
    (crashed,) = step(m, ProcessExited("1", 3, None, "/tmp/n1.log"), clock.advance(1))
    assert node.state == CRASHED and crashed.crashed
    assert describe(crashed) == "node 1 crashed (exit 3); its log: /tmp/n1.log"
    # SIGKILL: dead, ZooKeeper notices later
    step(m, Announce(ev.NodeStarted(clock.advance(1), "1", pid=300)), clock())
    (killed,) = step(m, ProcessExited("1", -9, "SIGKILL", None), clock.advance(1))
    assert node.state == CRASHED and killed.signal == "SIGKILL"
    assert "is dead (SIGKILL)" in describe(killed) and "4 s after its last heartbeat" in describe(killed)


def test_connection_changes_are_events():
    m = model()
    started(m, "1")
    conn = lambda state, t: parse_report({"node": "1", "kind": "connection", "state": state, "ts": t})  # noqa: E731
    assert kinds(step(m, conn("CONNECTED", T0 + 1), T0 + 1)) == ["connected", "node_running"]
    assert kinds(step(m, conn("SUSPENDED", T0 + 2), T0 + 2)) == ["suspended"]
    (back,) = step(m, conn("CONNECTED", T0 + 3), T0 + 3)
    assert back.kind == "reconnected" and back.same_session and m.state.nodes["1"].connection == "CONNECTED"
    assert kinds(step(m, conn("LOST", T0 + 4), T0 + 4)) == ["session_expired"]
    (back,) = step(m, conn("CONNECTED", T0 + 5), T0 + 5)
    assert back.kind == "reconnected" and not back.same_session
    assert [e.kind for e in m.state.events] == ["suspended", "reconnected", "session_expired", "reconnected"]


# --------------------------------------------------------------------------- original design, remote nodes

def test_an_original_design_node_leading_the_election_is_the_leader():
    m = model()
    started(m, "1")
    readings = {"9": Reading(value=1000.0, ts=T0, bare=True), "1": Reading(value=80.0, ts=T0, pid=100)}
    events = step(m, snap(T0 + 1, ("9", "1"), None, readings=readings), T0 + 1)
    (elected,) = of(events, ev.LeaderElected)
    assert (elected.node, elected.epoch, elected.original) == ("9", None, True)
    assert "original design" in describe(elected)
    state = m.state
    assert (state.leader, state.epoch, state.leader_original) == ("9", None, True)
    assert state.nodes["9"].role == LEADER and state.nodes["9"].state == REMOTE
    assert state.to_json(T0 + 1)["leader_original"] is True
    # when it leaves, a clustersim node takes over with an epoch: not original any more
    step(m, snap(T0 + 2, ("1",), None, readings={"1": readings["1"]}), T0 + 2)
    events = step(m, snap(T0 + 2.5, ("1",), {"id": "1", "epoch": 1}, readings={"1": readings["1"]}), T0 + 2.5)
    assert [(e.node, e.original) for e in of(events, ev.LeaderElected)] == [("1", False)]
    assert not m.state.leader_original


def test_a_clustersim_node_first_in_line_is_not_taken_for_an_original_one():
    m = model()
    started(m, "1")
    # it won the election but has not written /clustersim/leader yet
    assert not of(step(m, snap(T0 + 1, ("1",), None), T0 + 1), ev.LeaderElected)
    assert m.state.leader is None


def test_remote_nodes_join_publish_and_leave():
    m = model()
    started(m, "1")
    readings = {"1": Reading(80.0, T0, pid=100), "lab7": Reading(81.0, T0, pid=4242, host="lab-pc-7")}
    events = step(m, snap(T0 + 1, ("1", "lab7"), {"id": "1", "epoch": 1}, readings=readings), T0 + 1)
    (joined,) = of(events, ev.RemoteJoined)
    assert (joined.node, joined.host, joined.pid) == ("lab7", "lab-pc-7", 4242)
    assert describe(joined) == "remote node lab7 joined from lab-pc-7"
    remote = m.state.nodes["lab7"]
    assert (remote.state, remote.remote, remote.value, remote.role) == (REMOTE, True, 81.0, FOLLOWER)
    # a garbage reading from it is warned about once per reason, and counted
    bad = {"lab7": "not a number"}
    warned = of(step(m, snap(T0 + 2, ("1", "lab7"), {"id": "1", "epoch": 1}, readings={}, bad=bad), T0 + 2),
                ev.UnreadableReading)
    assert len(warned) == 1 and remote.garbage == 1
    assert not of(step(m, snap(T0 + 3, ("1", "lab7"), {"id": "1", "epoch": 1}, readings={}, bad=bad), T0 + 3),
                  ev.UnreadableReading)
    # it leaves: the row goes; a local node that leaves the election keeps its row
    events = step(m, snap(T0 + 4, (), None, readings={}), T0 + 4)
    assert kinds(of(events, ev.RemoteLeft)) == ["remote_left"] and "lab7" not in m.state.nodes
    assert m.state.nodes["1"].role == "" and m.state.nodes["1"].state == RUNNING


def test_a_newcomer_seen_before_its_history_joins_once_with_its_host():
    # its bare value (/mediciones) is read a moment before its history (host, pid): the join waits
    # for the history rather than saying "joined" with no host; a node of the original design, with
    # no history to wait for, joins at once
    m = model()
    started(m, "1")
    first = {"1": Reading(80.0, T0, pid=100), "7": Reading(81.0, T0, bare=True)}
    waiting = ZkSnapshot(ts=T0 + 1, connected=True, readings=first, election=("1", "7"),
                         leader={"id": "1", "epoch": 1}, pending=frozenset({"7"}))
    assert not of(step(m, waiting, T0 + 1), ev.RemoteJoined) and "7" not in m.state.nodes
    read = {"1": Reading(80.0, T0, pid=100), "7": Reading(81.0, T0, pid=4242, host="lab-pc-7")}
    (joined,) = of(step(m, snap(T0 + 2, ("1", "7"), {"id": "1", "epoch": 1}, readings=read), T0 + 2),
                   ev.RemoteJoined)
    assert (joined.host, joined.pid) == ("lab-pc-7", 4242)
    original = {"1": Reading(80.0, T0, pid=100), "8": Reading(79.0, T0, bare=True)}
    (joined,) = of(step(m, snap(T0 + 3, ("1", "8"), {"id": "1", "epoch": 1}, readings=original), T0 + 3),
                   ev.RemoteJoined)
    assert joined.node == "8" and joined.host is None


def test_a_clustersim_candidate_read_by_its_bare_value_is_not_taken_for_an_original_leader():
    # a herd cluster starting: node 2's candidate znode is first, its history still being read (its
    # bare value alone is known), node 1 won the race and has not written its leader znode yet. Node 2
    # is no leader of the original design, and node 1's announcement is no hand-over from it
    m = model()
    started(m, "1")
    started(m, "2")
    early = {"1": Reading(80.0, T0, pid=100), "2": Reading(81.0, T0, bare=True)}
    starting = ZkSnapshot(ts=T0 + 1, connected=True, readings=early, election=("2", "1"), pending=frozenset({"2"}))
    assert not of(step(m, starting, T0 + 1), ev.LeaderElected)
    read = {"1": Reading(80.0, T0, pid=100), "2": Reading(81.0, T0, pid=200)}
    (elected,) = of(step(m, snap(T0 + 2, ("2", "1"), {"id": "1", "epoch": 1}, readings=read), T0 + 2),
                    ev.LeaderElected)
    assert (elected.node, elected.after, elected.original) == ("1", None, False)


def test_readings_are_events_only_when_they_change():
    m = model()
    started(m, "1")
    reading = {"1": Reading(80.0, T0, pid=100)}
    assert len(of(step(m, snap(T0 + 1, ("1",), None, readings=reading), T0 + 1), ev.ReadingPublished)) == 1
    assert not of(step(m, snap(T0 + 1.25, ("1",), None, readings=reading), T0 + 1.25), ev.ReadingPublished)
    newer = {"1": Reading(79.0, T0 + 1, pid=100)}
    (published,) = of(step(m, snap(T0 + 2, ("1",), None, readings=newer), T0 + 2), ev.ReadingPublished)
    assert (published.value, published.taken_at) == (79.0, T0 + 1)


# --------------------------------------------------------------------------- what else arrives

def test_node_reports_are_parsed_tolerantly():
    report = parse_report({"node": 3, "kind": "round", "round": 17, "mean": 80.5, "count": 4, "epoch": 2,
                           "expected": 5, "missing": ["4"], "ts": T0, "something_new": {"x": 1}})
    assert isinstance(report, ReportRound) and report.node == "3" and report.missing == ("4",)
    garbled = parse_report({"node": "3", "kind": "round", "round": "soon", "mean": [], "ts": "x"}, now=T0)
    assert isinstance(garbled, ReportRound) and garbled.round is None and garbled.mean is None and garbled.ts == T0
    assert isinstance(parse_report({"node": "3", "kind": "republished"}), ReportOther)
    assert isinstance(parse_report(None), ReportOther)
    said = parse_report({"node": "3", "kind": "refused", "text": "id taken", "ts": T0})
    (event,) = step(model(), said, T0)
    assert (event.level, describe(event)) == ("error", "node 3: id taken")


def test_the_api_probe_changes_the_header_only_when_something_changes():
    m = model()
    (status,) = step(m, ApiHealth(ok=True, rows=3), T0)
    assert status.ok and m.state.rounds_stored == 3 and m.state.api_ok is True
    assert not step(m, ApiHealth(ok=True, rows=3), T0 + 1)
    (down,) = step(m, ApiHealth(ok=False), T0 + 2)
    assert m.state.api_ok is False and m.state.api_down_since == T0 + 2 and not down.logged
    assert not step(m, ApiHealth(ok=False), T0 + 3)
    assert m.state.api_down_since == T0 + 2


def test_every_event_survives_its_record():
    m = model(unsafe=True)
    started(m, "1", "2")
    seen = []
    for message in (snap(T0 + 1, ("1", "2"), {"id": "1", "epoch": 1}), round_report("1", T0 + 2),
                    round_report("2", T0 + 2.5), Announce(ev.NodeKilled(T0 + 3, "1", hard=True)),
                    ProcessExited("1", -9, "SIGKILL", "/x"), ApiHealth(ok=True, rows=2, last_round=4, last_mean=1.5)):
        seen += step(m, message, T0 + 3)
    assert len({e.kind for e in seen}) >= 8
    for event in seen:
        assert ev.from_record(ev.to_record(event)) == event


# --------------------------------------------------------------------------- the loop

class FakeProcess:
    def __init__(self, node_id, pid):
        self.node_id, self.pid, self.log_path = node_id, pid, f"/tmp/node-{node_id}.log"
        self.paused, self.stop_requested, self.code = False, None, None

    def poll(self):
        return self.code

    def running(self):
        return self.code is None

    def terminate(self):
        self.stop_requested, self.code = "SIGTERM", 0

    def kill(self):
        self.stop_requested, self.code = "SIGKILL", -9

    def join(self, timeout):
        return self.code


class FakeSpawner:
    """Processes that exist only here (the real ones are tested in test_cluster.py)."""

    def __init__(self):
        self.events = queue.Queue()
        self.spawned = []

    def spawn(self, settings):
        proc = FakeProcess(settings, 1000 + len(self.spawned))
        self.spawned.append(proc)
        return proc

    def exited(self):
        return [proc for proc in self.spawned if proc.code is not None]

    def live(self):
        return [proc for proc in self.spawned if proc.code is None]


class Tally:
    def __init__(self):
        self.events, self.frames = [], 0

    def event(self, event):
        self.events.append(event)

    def frame(self, state, now):
        self.frames += 1


class Broken(Tally):
    def event(self, event):
        raise RuntimeError("listener bug")


def test_the_loop_hands_each_event_to_each_listener_once():
    clock = Clock()
    spawner = FakeSpawner()
    one, two, broken = Tally(), Tally(), Broken()
    manager = Manager(model(), spawner, lambda node_id, wait: node_id, [one, broken, two], clock=clock)
    manager.handle(SpawnNodes(("1", "2")))
    manager.handle(snap(clock.advance(1), ("1", "2"), {"id": "1", "epoch": 1}))
    reply = queue.Queue(maxsize=1)
    manager.submit_request({"cmd": "kill", "id": "1"}, reply)
    manager.handle(manager.queue.get_nowait())
    assert reply.get_nowait() == {"ok": True, "message": "node 1 (the leader) killed (SIGTERM)"}
    manager._reap()
    manager.handle(snap(clock.advance(0.05), ("2",), {"id": "2", "epoch": 2, "elected_at": clock() - 0.01}))
    manager.stop_all()
    assert one.events == two.events and len(one.events) == len({id(e) for e in one.events})
    assert [e.kind for e in one.events].count("listener_failed") == 1     # the broken one, reported once
    elected = [e for e in one.events if isinstance(e, ev.LeaderElected)]
    assert [(e.node, e.after, e.failover_ms) for e in elected] == [("1", None, None), ("2", "1", 40)]
    assert manager.state.nodes["1"].state == STOPPED and manager.state.nodes["2"].state == STOPPED
    assert one.frames >= 1
    # bad requests are answered, never raised
    for request, error in (({"cmd": "pause", "id": "9"}, "no node 9"), ({"cmd": "nope"}, "unknown command"),
                           ({"cmd": "kill", "id": "../x"}, "not valid")):
        reply = queue.Queue(maxsize=1)
        manager.submit_request(request, reply)
        manager.handle(manager.queue.get_nowait())
        answer = reply.get_nowait()
        assert not answer["ok"] and error in answer["error"]


def test_a_cluster_the_screens_summarise_is_drawn_twice_a_second_a_small_one_four_times():
    from cluster_sim.engine.digest import BIG

    for nodes, per_second in ((3, 4), (BIG + 1, 2)):
        clock, tally = Clock(), Tally()
        manager = Manager(model(), FakeSpawner(), lambda node_id, wait: node_id, [tally], clock=clock)
        manager.handle(SpawnNodes(tuple(str(i) for i in range(1, nodes + 1))))
        while manager._to_spawn:
            manager._spawn_some()
            manager.handle(snap(clock.advance(0.01), tuple(manager.procs), {"id": "1", "epoch": 1}))
        tally.frames = 0
        for _ in range(100):          # two seconds, a tick every 20 ms
            clock.advance(0.02)
            manager._tick()
        assert tally.frames == 2 * per_second, (nodes, tally.frames)
        manager.stop_all()


def test_a_demo_step_is_drawn_before_the_next_one_replaces_it():
    # the loop fell behind: two steps were waiting in its queue, handled back to back
    from cluster_sim.engine.messages import Narrate

    class Steps(Tally):
        def __init__(self):
            super().__init__()
            self.shown = []

        def frame(self, state, now):
            super().frame(state, now)
            self.shown.append(state.narration.title if state.narration else None)

    clock, steps = Clock(), Steps()
    manager = Manager(model(), FakeSpawner(), lambda node_id, wait: node_id, [steps], clock=clock)
    manager._tick()                                         # a frame before any step
    for title in ("1. the API goes away", "2. rounds wait", "3. the API is back"):
        manager.handle(Narrate(title, log=False))
    clock.advance(1.0)
    manager._tick()
    assert [t for i, t in enumerate(steps.shown) if t and t not in steps.shown[:i]] == [
        "1. the API goes away", "2. rounds wait", "3. the API is back"]
    frames = steps.frames
    manager.handle(Narrate("3. the API is back", hint="press Enter", log=False))   # drawn: no extra frame
    assert steps.frames == frames
    manager.stop_all()


def test_apply_keeps_only_what_a_person_reads_in_the_log():
    m = model()
    apply(m, ev.ReadingPublished(T0, "1", value=80.0))
    apply(m, ev.Narration(T0, title="", body="only a hint", log=True))
    apply(m, ev.Narration(T0, title="Step 1", body="explained", hint="press Enter", log=False))
    assert list(m.state.events) == [] and m.state.narration == Shown("Step 1", "explained", hint="press Enter")
    apply(m, ev.Narration(T0, title="Step 2", body="more"))
    assert [e.title for e in m.state.events] == ["Step 2"]


# --------------------------------------------------------------------------- the screen's state (issue 13)

def test_the_latest_stored_round_comes_from_zookeeper_and_the_api_whoever_leads():
    m = model()
    started(m, "1")
    step(m, parse_report({"node": "1", "kind": "delivered", "round": 10, "mean": 80.0, "count": 3, "ts": T0}), T0)
    assert (m.state.last_round, m.state.last_mean) == (10, 80.0)
    # a student's node leads: nothing of ours reports rounds, the leader znode says what it delivered
    info = {"id": "9", "epoch": 2, "delivered_round": 12, "delivered_mean": 81.5, "delivered_count": 4}
    (known,) = of(step(m, snap(T0 + 1, ("9", "1"), info), T0 + 1), ev.LastRoundKnown)
    assert (known.round, known.mean, known.count, known.source) == (12, 81.5, 4, "zookeeper")
    assert (m.state.last_round, m.state.last_mean, m.state.last_count) == (12, 81.5, 4)
    stale = dict(info, delivered_round=11, delivered_mean=1.0)
    assert not of(step(m, snap(T0 + 2, ("9", "1"), stale), T0 + 2), ev.LastRoundKnown)
    # the API's last row, when it is newer
    (known,) = of(step(m, ApiHealth(ok=True, rows=13, last_round=13, last_mean=79.0, last_count=5, last_id=13,
                                    rounds=13), T0 + 3), ev.LastRoundKnown)
    assert (known.round, known.source, m.state.last_count) == (13, "api", 5)
    assert not of(step(m, ApiHealth(ok=True, rows=13, last_round=12, last_mean=2.0, last_id=12, rounds=13),
                       T0 + 4), ev.LastRoundKnown)
    # rows without a round (an unsafe or original leader): a newer row id is a newer mean
    (known,) = of(step(m, ApiHealth(ok=True, rows=14, last_mean=77.0, last_id=14, rounds=13), T0 + 5),
                  ev.LastRoundKnown)
    assert known.round is None and known.row == 14 and m.state.rows_unrounded == 1
    assert not of(step(m, ApiHealth(ok=True, rows=14, last_mean=77.0, last_id=14, rounds=13), T0 + 6),
                  ev.LastRoundKnown)


def test_a_round_waiting_for_members_is_known_from_the_leader_znode():
    m = model()
    started(m, "1", "2")
    info = {"id": "1", "epoch": 1, "waiting": {"round": 50, "for": ["2"]}}
    (waiting,) = of(step(m, snap(T0 + 1, ("1", "2"), info), T0 + 1), ev.RoundWaiting)
    assert (waiting.round, waiting.nodes) == (50, ("2",)) and not waiting.logged
    assert (m.state.waiting_round, m.state.waiting_for, m.state.waiting_since) == (50, ("2",), T0 + 1)
    assert not of(step(m, snap(T0 + 2, ("1", "2"), info), T0 + 2), ev.RoundWaiting)     # once per change
    (done,) = of(step(m, snap(T0 + 3, ("1", "2"), {"id": "1", "epoch": 1}), T0 + 3), ev.RoundWaiting)
    assert done.round is None and m.state.waiting_round is None and m.state.waiting_since is None


def test_a_follower_that_cannot_speak_has_its_session_expiry_said_once_and_its_return_too():
    m = model()
    started(m, "1", "2", "3")
    step(m, snap(T0 + 1, ("1", "2", "3"), {"id": "1", "epoch": 1}), T0 + 1)
    # paused: its session expires while it is frozen; the supervisor sees it go
    step(m, Announce(ev.NodePaused(T0 + 2, "2", session_timeout=4.0)), T0 + 2)
    events = step(m, snap(T0 + 6, ("1", "3"), {"id": "1", "epoch": 1}), T0 + 6)
    assert [e.node for e in of(events, ev.SessionExpired)] == ["2"] and m.state.nodes["2"].role == ""
    # resumed: its own SUSPENDED and LOST reports come late and are not said again; its new session is
    step(m, Announce(ev.NodeResumed(T0 + 7, "2")), T0 + 7)
    conn = lambda state, t: parse_report({"node": "2", "kind": "connection", "state": state, "ts": t})  # noqa: E731
    assert step(m, conn("SUSPENDED", T0 + 7.1), T0 + 7.1) == []
    assert step(m, conn("LOST", T0 + 7.2), T0 + 7.2) == []
    (back,) = step(m, conn("CONNECTED", T0 + 7.3), T0 + 7.3)
    assert back.kind == "reconnected" and not back.same_session
    # killed hard: dead, yet ZooKeeper keeps its place until the session times out; the role stays
    # as ZooKeeper has it (no flicker), and the expiry is an event
    step(m, Announce(ev.NodeKilled(T0 + 8, "3", hard=True)), T0 + 8)
    step(m, ProcessExited("3", -9, "SIGKILL", "/x"), T0 + 8.1)
    assert m.state.nodes["3"].state == CRASHED and m.state.nodes["3"].role == FOLLOWER
    assert not of(step(m, snap(T0 + 9, ("1", "2", "3"), {"id": "1", "epoch": 1}), T0 + 9), ev.SessionExpired)
    assert m.state.nodes["3"].role == FOLLOWER
    events = step(m, snap(T0 + 12, ("1", "2"), {"id": "1", "epoch": 1}), T0 + 12)
    assert [e.node for e in of(events, ev.SessionExpired)] == ["3"] and m.state.nodes["3"].role == ""
    # a graceful stop closes the session: out of the election at once, and no expiry to tell
    (stopped,) = step(m, ProcessExited("2", 0, "SIGTERM", "/x"), T0 + 13)
    assert m.state.nodes["2"].role == "" and not of(step(m, snap(T0 + 14, ("1",), {"id": "1", "epoch": 1}),
                                                         T0 + 14), ev.SessionExpired)


def test_a_hard_killed_nodes_expiry_is_said_when_its_election_znode_is_seen_gone_before_its_reading():
    """The election's children are polled, the readings watched: a snapshot may already lack the
    dead node's election znode (its role goes) while its reading is still held; the next lacks both.
    Its session expired all the same, and the screen must say so (it used to say nothing)."""
    m = model()
    started(m, "1", "2", "3")
    step(m, snap(T0 + 1, ("1", "2", "3"), {"id": "1", "epoch": 1}), T0 + 1)
    step(m, Announce(ev.NodeKilled(T0 + 2, "3", hard=True)), T0 + 2)
    step(m, ProcessExited("3", -9, "SIGKILL", "/x"), T0 + 2.1)
    readings = {n: Reading(value=80.0, ts=T0 + 5) for n in ("1", "2", "3")}
    events = step(m, snap(T0 + 6, ("1", "2"), {"id": "1", "epoch": 1}, readings=readings), T0 + 6)
    assert not of(events, ev.SessionExpired) and m.state.nodes["3"].role == ""
    events = step(m, snap(T0 + 6.3, ("1", "2"), {"id": "1", "epoch": 1}), T0 + 6.3)
    assert [e.node for e in of(events, ev.SessionExpired)] == ["3"]
    assert not of(step(m, snap(T0 + 7, ("1", "2"), {"id": "1", "epoch": 1}), T0 + 7), ev.SessionExpired)   # once


def test_a_crashed_leader_keeps_its_role_until_zookeeper_drops_it():
    m = model()
    started(m, "1", "2")
    step(m, snap(T0 + 1, ("1", "2"), {"id": "1", "epoch": 1}), T0 + 1)
    step(m, ProcessExited("1", -9, "SIGKILL", "/x"), T0 + 2)
    roles = []
    for t in (T0 + 2.25, T0 + 2.5, T0 + 2.75):
        step(m, snap(t, ("1", "2"), {"id": "1", "epoch": 1}), t)
        roles.append(m.state.nodes["1"].role)
    assert roles == [LEADER] * 3 and m.state.nodes["1"].state == CRASHED


def test_one_row_is_one_process():
    m = model()
    started(m, "1", "2")
    mine = {"1": Reading(80.0, T0, pid=100), "2": Reading(80.0, T0, pid=101)}
    step(m, snap(T0 + 1, ("1", "2"), {"id": "1", "epoch": 1}, readings=mine), T0 + 1)
    step(m, ProcessExited("2", 0, "SIGTERM", "/x"), T0 + 2)
    # a process started by hand with id 2 while ours is stopped: a remote row, not the stopped one
    by_hand = dict(mine, **{"2": Reading(81.0, T0 + 3, pid=4242, host="lab")})
    (joined,) = of(step(m, snap(T0 + 3, ("1", "2"), {"id": "1", "epoch": 1}, readings=by_hand), T0 + 3),
                   ev.RemoteJoined)
    row = m.state.nodes["2"]
    assert (joined.node, row.state, row.remote, row.pid, row.role) == ("2", REMOTE, True, 4242, FOLLOWER)
    # our own restart of 2 meanwhile waits in a row of its own, and goes with its process
    step(m, Announce(ev.NodeStarted(T0 + 4, "2", pid=300, requested=True)), T0 + 4)
    assert m.state.shadowed["2"].state == STARTING and m.state.nodes["2"].remote
    assert [n.pid for n in m.state.sorted_nodes() if n.id == "2"] == [4242, 300]
    step(m, ProcessExited("2", 1, None, "/x"), T0 + 5)
    assert "2" not in m.state.shadowed and m.state.nodes["2"].state == REMOTE


def test_ids_taken_by_another_cluster_are_remote_rows_never_a_crashed_leader():
    m = model()
    started(m, "1", "2")                            # `up --zk` on a ZooKeeper whose ids 1 and 2 are taken
    theirs = {"1": Reading(80.0, T0, pid=7001, host="other"), "2": Reading(80.0, T0, pid=7002, host="other")}
    step(m, snap(T0 + 1, ("1", "2"), {"id": "1", "epoch": 4}, readings=theirs), T0 + 1)
    for node in ("1", "2"):                         # ours are refused and exit
        step(m, ProcessExited(node, 1, None, "/x"), T0 + 2)
    rows = [(n.id, n.state, n.role) for n in m.state.sorted_nodes()]
    assert rows == [("1", REMOTE, LEADER), ("2", REMOTE, FOLLOWER)]


def test_unsafe_leaders_act_at_once_on_the_timeline():
    from cluster_sim.engine.timeline import timeline_text

    m = model(unsafe=True, interval=1.0)
    started(m, "1", "2")
    step(m, snap(T0, ("1", "2"), {"id": "1", "epoch": 1, "elected_at": T0}), T0)
    for t in range(1, 4):
        step(m, round_report("1", T0 + t), T0 + t)
    # node 1 frozen: its session expires, node 2 is elected and posts rounds
    step(m, snap(T0 + 8, ("2",), {"id": "2", "epoch": 2, "elected_at": T0 + 8}), T0 + 8)
    # node 1 wakes up and goes on posting, as the original design would: both act at once
    for t in range(9, 16):
        step(m, round_report("2", T0 + t, epoch=2), T0 + t)
        step(m, round_report("1", T0 + t + 0.5), T0 + t + 0.5)
    text = timeline_text(m.terms, ["1", "2"], T0, T0 + 16, width=16)
    one, two = (line.split("│")[1] for line in text.splitlines()[:2])
    overlap = range(10, 15)
    assert all(one[c] != "·" and two[c] != "·" for c in overlap), text


def test_rows_without_a_round_are_counted_apart():
    m = model()
    step(m, ApiHealth(ok=True, rows=18, rounds=0, last_mean=80.0, last_id=18), T0)
    assert (m.state.rounds_stored, m.state.rows_unrounded) == (18, 18)


def test_start_says_when_the_id_is_still_held():
    clock = Clock()
    manager = Manager(model(), FakeSpawner(), lambda node_id, wait: node_id, [Tally()], clock=clock)
    manager.handle(SpawnNodes(("1", "2")))
    manager.handle(snap(clock.advance(1), ("1", "2"), {"id": "1", "epoch": 1}))

    def ask(request):
        reply = queue.Queue(maxsize=1)
        manager.submit_request(request, reply)
        manager.handle(manager.queue.get_nowait())
        return reply.get_nowait()

    assert ask({"cmd": "kill", "id": "2", "hard": True})["ok"]
    manager._reap()
    # its old session still holds id 2 in ZooKeeper: the new process waits for it, and says so
    answer = ask({"cmd": "start", "id": "2"})
    assert answer["ok"] and "waits up to 10 s for the old session of id 2 to end" in answer["message"]
    # another process holds the id: refused, naming it
    manager.handle(snap(clock.advance(1), ("1", "3"), {"id": "1", "epoch": 1},
                        readings={"3": Reading(80.0, clock(), pid=4242, host="lab")}))
    answer = ask({"cmd": "start", "id": "3"})
    assert not answer["ok"] and answer["error"] == "node 3 is held by another process (pid 4242 on lab): stop that one first"
