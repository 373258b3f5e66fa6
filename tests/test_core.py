"""The supervisor's pure core and its loop, driven by synthetic messages and a fake clock.

No ZooKeeper and no node process here: what ZooKeeper would show comes as
ZkSnapshot messages, what nodes would report as the dicts they put on their
queue. The end-to-end behaviour is tested against real ZooKeeper in
test_cluster.py, test_leadership.py and test_demo.py.
"""

import queue

import pytest

from cluster_sim.node.readings import Reading
from cluster_sim.supervisor import events as ev
from cluster_sim.supervisor.core import decide, step
from cluster_sim.supervisor.manager import Manager
from cluster_sim.supervisor.messages import (
    Announce, ApiHealth, ProcessExited, ReportOther, ReportRound, SpawnNodes, ZkSnapshot, parse_report,
)
from cluster_sim.supervisor.model import PROCESS_TRANSITIONS, IllegalTransition, Model, apply, can_move, move
from cluster_sim.supervisor.state import (
    CRASHED, FOLLOWER, LEADER, PAUSED, REMOTE, RUNNING, STARTING, STOPPED, ClusterState, NodeView,
)
from cluster_sim.supervisor.wording import describe

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
    return Model(ClusterState(name="t"), interval=interval, session_timeout=4.0, unsafe=unsafe)


def started(m, *ids, ts=T0):
    for i, node in enumerate(ids):
        step(m, Announce(ev.NodeStarted(ts, node, pid=100 + i)), ts)


def snap(ts, election=(), leader=None, readings=None, bad=None, outbox=0):
    """A ZooKeeper snapshot: every contender publishes a reading unless `readings` says otherwise."""
    if readings is None:
        readings = {node: Reading(value=80.0, ts=ts - 0.1, pid=100) for node in election}
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


def test_apply_keeps_only_what_a_person_reads_in_the_log():
    m = model()
    apply(m, ev.ReadingPublished(T0, "1", value=80.0))
    apply(m, ev.Narration(T0, title="", body="only a hint", log=True))
    apply(m, ev.Narration(T0, title="Step 1", body="explained", hint="press Enter", log=False))
    assert list(m.state.events) == [] and m.state.narration == "Step 1\nexplained\n\npress Enter"
    apply(m, ev.Narration(T0, title="Step 2", body="more"))
    assert [e.title for e in m.state.events] == ["Step 2"]
