"""The web view attached to a running cluster from outside (`python -m cluster_sim.web --name NAME`,
web/follow.py): it shows the supervisor's own events, decided by its core, failover times included;
never a derivation of its own from successive statuses."""

import json

import pytest

from cluster_sim.engine import events as ev
from cluster_sim.engine import messages as msg
from cluster_sim.engine.core import step
from cluster_sim.engine.model import Model, apply, rules_for
from cluster_sim.engine.state import ClusterState
from cluster_sim.presentation.answers import status_json
from cluster_sim.web import WebRecorder
from cluster_sim.web.follow import Follower
from cluster_sim.web.recording import expand
from conftest import INTERVAL, SESSION_TIMEOUT, wait_until

T0 = 1_700_000_000.0


def test_the_followed_view_shows_the_supervisors_own_failover_time():
    """The same history through the supervisor's core: the view attached from outside (follow.py)
    shows the failover time the core decided, not one of its own, whenever it polls."""
    def supervisor(t, *events, message=None):
        """What the manager does: its own actions applied, the world's messages decided by the core."""
        for event in events:
            apply(model, event)
        said.extend(events)
        if message is not None:
            said.extend(step(model, message, t))

    history = [   # (time, what happens): three nodes, the leader killed hard, a new one after the expiry
        (T0, lambda t: supervisor(t, *[ev.NodeStarted(t, n, pid=100 + int(n)) for n in "123"])),
        (T0 + 1, lambda t: supervisor(t, message=msg.ZkSnapshot(t, True, election=("1", "2", "3"),
                                                                leader={"id": "1", "epoch": 1, "elected_at": t}))),
        (T0 + 10, lambda t: supervisor(t, ev.NodeKilled(t, "1", hard=True, was_leader=True))),
        (T0 + 10.05, lambda t: supervisor(t, message=msg.ProcessExited("1", -9, "SIGKILL"))),
        (T0 + 14.2, lambda t: supervisor(t, message=msg.ZkSnapshot(
            t, True, election=("2", "3"), leader={"id": "2", "epoch": 2, "elected_at": T0 + 14.13}))),
    ]
    for period in (0.25, 3.0):        # a follower polling often, and one polling seldom
        recorder = WebRecorder("unused.html", clock=lambda: T0)
        follower = Follower("unused")
        follower.sinks = [recorder]
        model = Model(ClusterState(name="f", lang="en"), rules=rules_for(interval=1.0, session_timeout=4.0))   # the supervisor's
        said = []                                                                           # ... and its events
        steps = list(history)
        t = T0
        while steps or t < T0 + 16:
            while steps and steps[0][0] <= t:
                at, happen = steps.pop(0)
                happen(at)
            status = json.loads(json.dumps(status_json(model.state, t)))     # as the control socket carries it
            follower.take(status, t)
            t += period
        elected = next(e for e in said if isinstance(e, ev.LeaderElected) and e.after == "1")
        assert (elected.failover_ms, elected.how) == (4130, "crashed")
        shown = [r for _, r in recorder.data()["events"] if r["kind"] == "leader_elected" and r.get("after") == "1"]
        assert len(shown) == 1, shown
        assert (shown[0]["failover_ms"], shown[0]["how"], shown[0]["epoch"]) == (elected.failover_ms, "crashed", 2)
        assert "4,130 ms" in shown[0]["text"] or "4130 ms" in shown[0]["text"], shown[0]["text"]
        logged = [e.kind for e in said if e.logged]
        assert [r["kind"] for _, r in recorder.data()["events"]] == logged      # each event once, in order


def test_a_follower_takes_each_event_once_and_says_nothing_for_an_older_supervisor():
    def status(total, kinds):
        return {"events_total": total, "events": [{"kind": k, "ts": T0 + i} for i, k in enumerate(kinds)]}

    follower = Follower("unused")
    assert [e["kind"] for e in follower.new_events(status(2, ["a", "b"]))] == ["a", "b"]   # what it has, first
    assert follower.new_events(status(2, ["a", "b"])) == []
    assert [e["kind"] for e in follower.new_events(status(4, ["a", "b", "c", "d"]))] == ["c", "d"]
    # a burst larger than the status carries: the newest ones
    assert [e["kind"] for e in follower.new_events(status(30, ["x", "y"]))] == ["x", "y"]
    # another supervisor under the same name (it counts from 0 again, or started later): what it has
    assert [e["kind"] for e in follower.new_events(status(1, ["n"]))] == ["n"]
    assert [e["kind"] for e in follower.new_events(dict(status(3, ["p", "q"]), started_at=T0 + 60))] == ["p", "q"]
    assert follower.new_events(dict(status(3, ["p", "q"]), started_at=T0 + 60)) == []
    assert follower.new_events({"leader": "1"}) == []        # no events_total: snapshots only


def test_a_follower_s_events_are_worded_in_the_view_s_language():
    """An English supervisor, a Spanish page: the page's sink words each event itself, as any other."""
    model = Model(ClusterState(name="f", lang="en"), rules=rules_for(interval=1.0, session_timeout=4.0))
    apply(model, ev.NodeKilled(T0, "1", hard=True, was_leader=True))
    status = json.loads(json.dumps(status_json(model.state, T0)))
    assert "killed" in status["events"][-1]["text"]           # the supervisor's own words: English
    status["events"].append({"kind": "from_a_newer_version", "ts": T0, "text": "said by the supervisor"})
    status["events_total"] += 1
    recorder = WebRecorder("unused.html", lang="es", clock=lambda: T0)
    follower = Follower("unused")
    follower.sinks = [recorder]
    follower.take(status, T0)
    texts = {r["kind"]: r["text"] for _, r in recorder.data()["events"]}
    assert texts["node_killed"] == "nodo 1 (el líder) matado de golpe (SIGKILL)"
    assert texts["from_a_newer_version"] == "said by the supervisor"      # a kind it cannot word: kept


@pytest.mark.slow
def test_a_view_following_a_real_cluster_shows_its_failover_time(start_up, zk_hosts, tmp_path):
    up = start_up("-n", 3, "--zk", zk_hosts, "--interval", INTERVAL, "--session-timeout", SESSION_TIMEOUT)
    first = up.wait_ready(3)["leader"]
    recorder = WebRecorder(str(tmp_path / "followed.html"))
    follower = Follower(up.name, period=0.1).start(recorder)
    try:
        assert up.cli("kill", first).returncode == 0

        def shown():
            return [r for _, r in recorder.data()["events"] if r["kind"] == "leader_elected" and r.get("after") == first]
        (record,) = wait_until(shown, 20, f"the election after {first} on the followed view")
        (elected,) = wait_until(lambda: up.events("leader_elected", after=first), 10, "the supervisor's election")
        assert (record["node"], record["epoch"], record["how"]) == (elected.node, elected.epoch, "left")
        assert record["failover_ms"] == elected.failover_ms and record["failover_ms"] is not None
        killed = [r for r in expand(recorder.data())["events"] if r["kind"] == "node_killed"]   # ms in the file
        assert [(r["node"], pytest.approx(r["ts"], abs=0.002)) for r in killed] == [
            (e.node, e.ts) for e in up.events("node_killed")]
    finally:
        follower.close()
        recorder.close()
