"""The election queue, sessions and the leader's state in the supervisor's pure core: synthetic
snapshots (what the observer reads from /election and the servers' cons) and a fake clock.
Against real ZooKeeper: test_election_queue.py."""

from cluster_sim.node.readings import Reading
from cluster_sim.engine import events as ev
from cluster_sim.engine.core import step
from cluster_sim.engine.messages import Announce, Candidate, ZkSession, ZkSnapshot
from cluster_sim.engine.model import Model, rules_for
from cluster_sim.adapters.sessions import parse_cons
from cluster_sim.engine.state import ClusterState
from cluster_sim.presentation.wording import describe

T0 = 1_700_000_000.0
OWNERS = {"1": 0x101, "2": 0x102, "3": 0x103}


def snap(ts, queue, leader, sessions=None):
    """queue: [(node, seq)], lowest first; the first leads (its leader znode says so)."""
    return ZkSnapshot(ts=ts, connected=True, readings={n: Reading(value=80.0, ts=ts - 0.1) for n, _ in queue},
                      election=tuple(n for n, _ in queue),
                      queue=tuple(Candidate(n, seq, OWNERS[n]) for n, seq in queue),
                      leader={"id": leader, "epoch": 1} if leader else None, sessions=sessions)


def cluster(*ids):
    m = Model(ClusterState(name="t", session_timeout=4.0), rules=rules_for(interval=1.0, session_timeout=4.0))
    for i, node in enumerate(ids):
        step(m, Announce(ev.NodeStarted(T0, node, pid=100 + i)), T0)
    return m


def test_the_queue_gives_each_node_its_seq_place_and_the_node_it_watches():
    m = cluster("1", "2", "3")
    step(m, snap(T0 + 1, [("1", 5), ("3", 6), ("2", 7)], "1"), T0 + 1)
    nodes = {n["id"]: n for n in m.state.to_json(T0 + 1)["nodes"]}
    assert nodes["1"]["election"] == {"seq": 5, "position": 0, "watches": None}
    assert nodes["3"]["election"] == {"seq": 6, "position": 1, "watches": "1"}
    assert nodes["2"]["election"] == {"seq": 7, "position": 2, "watches": "3"}
    # a recording's frame carries it: drawn again, the same queue
    again = ClusterState.from_json(m.state.to_json(T0 + 1), T0 + 1)
    assert again.queue == m.state.queue


def test_the_new_leader_says_it_was_watching_the_old_one_even_when_the_queue_moved_first():
    m = cluster("1", "2", "3")
    step(m, snap(T0 + 1, [("1", 5), ("3", 6), ("2", 7)], "1"), T0 + 1)
    step(m, snap(T0 + 2, [("3", 6), ("2", 7)], "1"), T0 + 2)           # 1's znode went; its leader znode not yet
    events = step(m, snap(T0 + 3, [("3", 6), ("2", 7)], "3"), T0 + 3)
    (why,) = [e for e in events if isinstance(e, ev.TakesOver)]
    assert (why.node, why.seq, why.watched) == ("3", 6, "1")
    assert describe(why) == "3 takes over: its znode …0006 is now the lowest; it was watching 1"
    assert "vigilaba a 1" in describe(why, "es")


def test_a_silent_session_counts_down_and_a_frozen_leader_holds():
    m = cluster("1", "2")
    heard = {s: ZkSession(s, heard_at=T0 + 1, timeout=4.0) for s in OWNERS.values()}
    step(m, snap(T0 + 1, [("1", 5), ("2", 6)], "1", heard), T0 + 1)
    status = m.state.to_json(T0 + 1)
    assert status["leader_state"] == "acting"
    assert all(n["session"] == {"state": "connected", "silent_s": None, "expires_in_s": None}
               for n in status["nodes"])
    step(m, Announce(ev.NodePaused(T0 + 1.5, "1", was_leader=True)), T0 + 1.5)
    assert m.state.to_json(T0 + 1.5)["leader_state"] == "holding"     # frozen: it cannot act
    # cons: ZooKeeper last answered 1 at T0 + 1.2 (before the pause), 2 just now
    cons = {**heard, 0x101: ZkSession(0x101, heard_at=T0 + 1.2, timeout=4.0),
            0x102: ZkSession(0x102, heard_at=T0 + 3.9, timeout=4.0)}
    step(m, snap(T0 + 4, [("1", 5), ("2", 6)], "1", cons), T0 + 4)
    session = {n["id"]: n for n in m.state.to_json(T0 + 4)["nodes"]}["1"]["session"]
    assert session == {"state": "silent", "silent_s": 2.8, "expires_in_s": 1.2}   # counted from ZooKeeper's last answer
    later = {n["id"]: n for n in m.state.to_json(T0 + 5)["nodes"]}["1"]["session"]
    assert later["expires_in_s"] == 0.2
    # its znodes gone: ZooKeeper expired it (the node, frozen, knows nothing)
    events = step(m, snap(T0 + 5.3, [("2", 6)], None, cons), T0 + 5.3)
    (gone,) = [e for e in events if isinstance(e, ev.SessionExpired)]
    assert gone.by == "zookeeper" and describe(gone) == "ZooKeeper expired node 1's session: its znodes are gone"
    frozen = {n["id"]: n for n in m.state.to_json(T0 + 5.3)["nodes"]}["1"]
    assert frozen["session"]["state"] == "expired" and frozen["deposed"] is True
    assert m.state.to_json(T0 + 5.3)["leader_state"] == "none"
    step(m, Announce(ev.SteppedDown(T0 + 6, "1", epoch=1, code="session_expired")), T0 + 6)
    assert m.state.nodes["1"].deposed is False             # woken, it learned


def test_a_leader_cut_off_holds_at_once():
    m = cluster("1", "2")
    step(m, snap(T0 + 1, [("1", 5), ("2", 6)], "1"), T0 + 1)
    step(m, Announce(ev.Partitioned(T0 + 2, "1", target="zk", was_leader=True)), T0 + 2)
    status = m.state.to_json(T0 + 3)
    assert status["leader_state"] == "holding"
    assert {n["id"]: n for n in status["nodes"]}["1"]["session"]["expires_in_s"] == 3.0
    step(m, Announce(ev.Healed(T0 + 3, "1", target="all")), T0 + 3)
    assert m.state.to_json(T0 + 3)["leader_state"] == "acting"


def test_cons_lines_give_each_session_its_last_answer_and_timeout():
    reply = (" /127.0.0.1:45496[0](queued=0,recved=1,sent=0)\n"
             " /127.0.0.1:45488[1](queued=0,recved=3,sent=3,sid=0x1000042aa9c0000,lop=PING,est=1796536066154,"
             "to=2000,lcxid=0x0,lzxid=0x1,lresp=4370373,llat=0,minlat=0,avglat=1,maxlat=5)\n")
    assert parse_cons(reply) == {0x1000042aa9c0000: (4370373, 2000)}
