"""partition, heal, slow, zk-pause and zk-resume as the supervisor answers them: the manager
with fake node processes and real relays (netfault.NetFaults on loopback; nothing behind
them is needed to cut or slow a link). What they do to a real cluster is in test_partition.py."""

import queue


from cluster_sim.netfault import NetFaults
from cluster_sim.engine import events as ev
from cluster_sim.engine.core import step
from cluster_sim.supervisor.manager import Manager
from cluster_sim.engine.messages import SpawnNodes
from cluster_sim.presentation.view import render
from cluster_sim.presentation.wording import describe

from test_core import Clock, FakeSpawner, Tally, model, snap
from test_view import text_of

import pytest


@pytest.fixture
def cluster():
    faults = NetFaults(zk="127.0.0.1:9,127.0.0.1:10/app", api_url="http://127.0.0.1:9")
    clock = Clock()
    tally = Tally()

    def settings(node_id, wait):
        faults.add(node_id)  # as up's settings() does: a local node gets its relays
        return node_id

    manager = Manager(model(), FakeSpawner(), settings, [tally], clock=clock, netfaults=faults)
    manager.handle(SpawnNodes(("1", "2", "3")))
    manager.handle(snap(clock.advance(1), ("1", "2", "3"), {"id": "1", "epoch": 1}))
    manager.tally, manager.clock_ = tally, clock
    yield manager
    faults.close()


def ask(manager, **request):
    reply = queue.Queue(maxsize=1)
    manager.submit_request(request, reply)
    manager.handle(manager.queue.get_nowait())
    return reply.get_nowait()


def node_json(manager, node_id):
    status = manager.state.to_json(manager.clock())
    return next(n for n in status["nodes"] if n["id"] == node_id)


def screen(manager):
    return text_of(render(manager.state, manager.clock()), width=160)


def test_partition_heal_and_slow_are_answered_shown_and_kept(cluster):
    answer = ask(cluster, cmd="partition", id="1", **{"from": "zk"})
    assert answer == {"ok": True, "message": "node 1 (the leader) cut off from ZooKeeper (it still reaches the "
                                             "API): its session expires in 4 s unless healed"}
    assert cluster.netfaults.fault("1").partitioned_from == "zk"             # the relays did it
    faults = node_json(cluster, "1")["faults"]                               # status --json says it
    assert faults["partitioned"] == "zk" and faults["zk"]["partitioned"] and not faults["api"]["partitioned"]
    assert faults["since"] == cluster.clock()
    assert "cut off from zk" in screen(cluster)                              # the table's notes
    assert ask(cluster, cmd="partition", id="1") == {"ok": False, "error": "node 1 is already cut off from ZooKeeper"}
    # from the API too: now from both
    assert ask(cluster, cmd="partition", id="1", **{"from": "api"})["ok"]
    assert node_json(cluster, "1")["faults"]["partitioned"] == "all"
    assert "cut off from zk+api" in screen(cluster)

    answer = ask(cluster, cmd="slow", id="2", latency=400, jitter=100)
    assert answer["ok"] and answer["message"].startswith("node 2's links to ZooKeeper and the API slowed: 400 ±100")
    assert "will drop" in answer["message"]          # a 1 s round trip is too much for a 4 s session
    slow = node_json(cluster, "2")["faults"]["slow"]
    assert slow == {"target": "all", "latency_ms": 400.0, "jitter_ms": 100.0}
    assert "slow 400±100 ms" in screen(cluster)
    ok = ask(cluster, cmd="slow", id="3", latency=300)     # 600 ms: within what kazoo waits
    assert ok["ok"] and "drop" not in ok["message"]

    assert ask(cluster, cmd="heal", id="1")["message"] == "node 1 healed: it reaches ZooKeeper and the API again"
    assert node_json(cluster, "1")["faults"]["partitioned"] is None and cluster.netfaults.fault("1").clear
    answer = ask(cluster, cmd="heal", all=True)
    assert answer["ok"] and "node 2 healed" in answer["message"] and "node 3 healed" in answer["message"]
    assert not cluster.netfaults.faults() and all(node_json(cluster, n)["faults"]["slow"] is None for n in "123")
    assert ask(cluster, cmd="heal", all=True) == {"ok": True, "message": "no network fault to heal"}
    kinds = [e.kind for e in cluster.tally.events]
    assert kinds.count("partitioned") == 2 and kinds.count("slowed") == 2 and kinds.count("healed") == 3
    # every change of faults is an event: the state rebuilt from them alone matches
    rebuilt = model()
    for event in cluster.tally.events:
        from cluster_sim.engine.model import apply
        apply(rebuilt, ev.from_record(ev.to_record(event)))
    assert {n: v.faults for n, v in rebuilt.state.nodes.items()} == \
        {n: v.faults for n, v in cluster.state.nodes.items()}


def test_refusals_are_one_line(cluster):
    for request, error in (
            (dict(cmd="partition", id="9"), "no node 9 in cluster 't'"),
            (dict(cmd="partition", id="1", **{"from": "disk"}), "'disk' is not a link: choose zk, api or all"),
            (dict(cmd="partition", id="../x"), "not valid"),
            (dict(cmd="heal"), "say which node to heal (heal ID), or heal them all (heal --all)"),
            (dict(cmd="heal", id="2", all=True), "say which node"),
            (dict(cmd="heal", id="2"), "node 2 has no network fault to heal"),
            (dict(cmd="slow", id="2"), "say how slow: --latency MS"),
            (dict(cmd="slow", id="2", latency=-5), "the latency must be above 0"),
            (dict(cmd="slow", id="2", latency="fast"), "is not a number of milliseconds"),
            (dict(cmd="slow", id="2", latency=1e9), "at most 60000 ms"),
            (dict(cmd="zk-pause", index=1), "ZooKeeper is external (--zk)"),
    ):
        answer = ask(cluster, **request)
        assert not answer["ok"] and error in answer["error"], (request, answer)
        assert "\n" not in answer["error"]


def test_without_zookeeper_a_remote_node_cannot_be_cut_off_from_here(cluster):
    # a supervisor with no ZooKeeper client cannot send requests (tests/test_remote.py: one that can)
    from cluster_sim.node.readings import Reading

    t = cluster.clock_.advance(1)
    readings = {n: Reading(value=80.0, ts=t, pid=100) for n in ("1", "2", "3")}
    readings["7"] = Reading(value=80.0, ts=t, pid=4242, host="laptop-7")
    cluster.handle(snap(t, ("1", "2", "3", "7"), {"id": "1", "epoch": 1}, readings=readings))
    assert cluster.state.nodes["7"].remote
    for request in (dict(cmd="partition", id="7"), dict(cmd="slow", id="7", latency=100),
                    dict(cmd="heal", id="7")):
        answer = ask(cluster, **request)
        assert answer == {"ok": False, "error": "node 7 runs elsewhere on laptop-7, not under this supervisor: "
                                                "its network cannot be cut from here"}
    assert node_json(cluster, "7")["faults"] is None


def test_without_relays_it_says_so():
    clock = Clock()
    manager = Manager(model(), FakeSpawner(), lambda node_id, wait: node_id, [], clock=clock)
    manager.handle(SpawnNodes(("1", "2")))
    answer = ask(manager, cmd="partition", id="1")
    assert answer == {"ok": False, "error": "this cluster runs without relays (up --no-relays): "
                                            "its network cannot be cut"}


def test_a_failover_after_a_partition_is_timed_from_the_cut():
    m = model()
    clock = Clock()
    for node in ("1", "2"):
        step(m, ev_announce(ev.NodeStarted(clock(), node, pid=1)), clock())
    step(m, snap(clock.advance(1), ("1", "2"), {"id": "1", "epoch": 1}), clock())
    cut = clock.advance(1)
    step(m, ev_announce(ev.Partitioned(cut, "1", target="zk", was_leader=True, session_timeout=4.0)), cut)
    events = step(m, snap(clock.advance(4.5), ("2",), {"id": "2", "epoch": 2, "elected_at": cut + 4.2}), clock())
    (elected,) = [e for e in events if isinstance(e, ev.LeaderElected)]
    assert (elected.after, elected.how, elected.failover_ms) == ("1", "partitioned", 4200)
    assert "failover 4200 ms after 1 was cut off" in describe(elected)


def test_a_partition_healed_in_time_is_no_departure():
    m = model()
    clock = Clock()
    for node in ("1", "2"):
        step(m, ev_announce(ev.NodeStarted(clock(), node, pid=1)), clock())
    step(m, snap(clock.advance(1), ("1", "2"), {"id": "1", "epoch": 1}), clock())
    step(m, ev_announce(ev.Partitioned(clock.advance(1), "1", target="zk", was_leader=True)), clock())
    step(m, ev_announce(ev.Healed(clock.advance(1), "1")), clock())
    # later the leader leaves by itself: timed from when it was seen gone, not from the old cut
    step(m, snap(clock.advance(10), ("2",), None), clock())
    events = step(m, snap(clock.advance(0.5), ("2",), {"id": "2", "epoch": 2, "elected_at": clock()}), clock())
    (elected,) = [e for e in events if isinstance(e, ev.LeaderElected)]
    assert (elected.how, elected.failover_ms) == ("left", 500)
    # an API-only partition is no departure either
    step(m, ev_announce(ev.Partitioned(clock.advance(1), "2", target="api", was_leader=True)), clock())
    assert "2" not in m.left_at


def test_fault_events_are_worded():
    assert describe(ev.Partitioned(0, "3", target="api")) == \
        "node 3 cut off from the API (ZooKeeper still answers it)"
    assert describe(ev.Partitioned(0, "3", target="all", session_timeout=2.0)) == \
        "node 3 cut off from ZooKeeper and the API: its session expires in 2 s unless healed"
    assert describe(ev.Slowed(0, "3", latency_ms=50, target="all", session_timeout=4.0)) == \
        "node 3's links to ZooKeeper and the API slowed: 50 ms each way"
    assert describe(ev.ZkServerPaused(0, index=2)).startswith("ZooKeeper server 2 frozen (SIGSTOP)")
    assert describe(ev.ZkServerResumed(0, index=2)) == "ZooKeeper server 2 resumed (SIGCONT)"


def ev_announce(event):
    from cluster_sim.engine.messages import Announce

    return Announce(event)


def test_a_recorded_state_keeps_the_faults(cluster):
    from cluster_sim.engine.state import ClusterState

    ask(cluster, cmd="partition", id="1", **{"from": "api"})
    ask(cluster, cmd="slow", id="2", latency=120, jitter=30)
    data = cluster.state.to_json(cluster.clock())
    again = ClusterState.from_json(data, cluster.clock())        # a recording's frame, read back
    assert {n: v.faults.to_json() for n, v in again.nodes.items()} == \
        {n["id"]: n["faults"] for n in data["nodes"]}
    assert again.nodes["1"].faults.partitioned_from == "api" and again.nodes["2"].faults.slow_on == "all"
    cluster.state, cluster.model.state = again, again
    text = screen(cluster)
    assert "cut off from api" in text and "slow 120±30 ms" in text
