"""The pure core of `clustersim chaos`: reproducible, bounded, always-healing plans,
and the verdict built from what a run gathered (synthetic inputs, no cluster)."""

import json
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from cluster_sim.chaos.plan import (
    KINDS, LEADER, NODE_KINDS, ZK_KINDS, PlanError, _holds, parse_kinds, plan, slow_limit_ms,
)
from cluster_sim.chaos.run import acting_leader
from cluster_sim.chaos.verdict import Executed, build_verdict, leaderless, quiet, stale_rows
from cluster_sim.chaos.view import lines, render
from cluster_sim.check import verify
from cluster_sim.check_view import as_json

NODES = ["1", "2", "3", "4", "5"]
T0 = 1_700_000_000.0


def full(seed=1, duration=120.0, **kw):
    kw.setdefault("zk_servers", 3)
    return plan(seed, duration, KINDS, NODES, **kw)


# --------------------------------------------------------------------------- plans

def test_the_same_seed_gives_the_same_plan_and_another_seed_another():
    assert full(7) == full(7)
    assert full(7).fingerprint() == full(7).fingerprint()
    assert full(7).steps != full(8).steps
    # the order the nodes are listed in does not matter
    assert plan(7, 120, KINDS, list(reversed(NODES)), zk_servers=3) == full(7)


def test_a_long_enough_run_covers_every_chosen_kind():
    counts = full(1).count()
    assert set(counts) == set(KINDS) and all(counts.values()), counts


def overlapping(faults, t):
    return [f for f in faults if f.start <= t < f.end]


def check_bounds(p, max_concurrent, session_timeout, interval, nodes):
    s, i = session_timeout, interval
    max_hold = 3 * s + 2 * i
    for f in p.faults:
        assert s + 3 * i <= f.start < f.end <= p.duration, f
        low, high = _holds(f.kind, s, i)
        assert f.hold <= min(high, max_hold) + 2e-3, f  # start and end are rounded to ms
        assert f.hold >= min(low, high, max_hold) - 1e-3 or f.end == p.duration, f
        if f.kind == "quorum":
            assert len(f.servers) == p.zk_servers // 2 + 1
        if f.kind in ("zk-kill", "sigstop"):
            assert len(f.servers) == 1 and 1 <= f.servers[0] <= p.zk_servers
        if f.kind == "slow":
            assert 0 < f.latency_ms and f.latency_ms + f.jitter_ms <= slow_limit_ms(s) + 1
    for f in p.faults:  # at every injection, the rules hold
        now = overlapping(p.faults, f.start)
        assert len(now) <= max_concurrent
        node_faults = [g for g in now if g.kind in NODE_KINDS]
        assert len(node_faults) <= len(nodes) - 1
        assert len({g.node for g in node_faults}) == len(node_faults)  # one fault per node (LEADER once)
        assert sum(1 for g in now if g.kind in ZK_KINDS) <= 1
        assert sum(1 for g in now if g.kind == "api-outage") <= 1
    # replaying the steps in order ends with nothing faulted, and nothing is undone before it is done
    active = {}
    for step in p.steps:
        if step.injects:
            active[step.fault] = active.get(step.fault, 0) + 1
        else:
            assert active.get(step.fault), step
            active[step.fault] -= 1
            if not active[step.fault]:
                del active[step.fault]
    assert not active
    assert [s.at for s in p.steps] == sorted(s.at for s in p.steps)


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 10**9), duration=st.floats(5, 900),
       kinds=st.lists(st.sampled_from(KINDS), min_size=1, unique=True),
       nodes=st.integers(2, 30), zk_servers=st.sampled_from([3, 5]), max_concurrent=st.integers(1, 4),
       session_timeout=st.floats(1, 15), interval=st.floats(0.2, 5))
def test_every_plan_stays_within_its_bounds_and_ends_healed(seed, duration, kinds, nodes, zk_servers,
                                                           max_concurrent, session_timeout, interval):
    ids = [str(n) for n in range(1, nodes + 1)]
    p = plan(seed, duration, kinds, ids, zk_servers=zk_servers, max_concurrent=max_concurrent,
             session_timeout=session_timeout, interval=interval)
    assert p == plan(seed, duration, kinds, ids, zk_servers=zk_servers, max_concurrent=max_concurrent,
                     session_timeout=session_timeout, interval=interval)
    assert {f.kind for f in p.faults} <= set(kinds)
    check_bounds(p, max_concurrent, session_timeout, interval, ids)


def test_steps_are_control_requests():
    p = full(3)
    requests = [s.request(node="2" if s.node == LEADER else None) for s in p.steps]
    assert all(r["cmd"] for r in requests)
    kill = next(s for s in p.steps if s.kind == "hard-kill" and s.injects)
    assert kill.request(node="4") == {"cmd": "kill", "id": "4", "hard": True}
    quorum = [s for s in p.steps if s.kind == "quorum" and s.fault == next(
        f.id for f in p.faults if f.kind == "quorum")]
    assert sorted(s.action for s in quorum) == ["zk-kill", "zk-kill", "zk-start", "zk-start"]
    json.dumps(p.to_json())


def test_faults_that_cannot_apply_are_refused_in_one_line():
    with pytest.raises(PlanError, match=r"^zk-kill and quorum need an embedded ensemble .*--zk-servers 3\)$"):
        plan(1, 60, KINDS, NODES, zk_servers=1)
    with pytest.raises(PlanError, match="api-outage stops the embedded API"):
        plan(1, 60, ["api-outage"], NODES, api_embedded=False)
    with pytest.raises(PlanError, match="2 nodes or more"):
        plan(1, 60, ["kill"], ["1"])
    with pytest.raises(PlanError, match="unknown fault 'fire'"):
        parse_kinds("kill,fire")
    assert parse_kinds(" kill, partition,kill") == ("kill", "partition")


# --------------------------------------------------------------------------- verdicts

def at(seconds):
    return datetime.fromtimestamp(T0 + seconds, timezone.utc).isoformat()


def rows_for(rounds, epoch_of=lambda r: 1, cluster="c1", start=0):
    return [{"id": n + 1, "round": r, "epoch": epoch_of(r), "count": 3, "expected": 3, "dato": 80.0,
             "cluster": cluster, "leader": "1", "at": at(start + n)} for n, r in enumerate(rounds)]


def played(p, refuse=()):
    return [Executed(at=T0 + s.at, step=s, node="1" if s.node == LEADER else s.node,
                     ok=(s.fault, s.action) not in refuse, message="refused" if (s.fault, s.action) in refuse else "")
            for s in p.steps]


def verdict_of(rows, p=None, check=None, terms=None, settled=True, executed=None):
    p = p or full(1, duration=40)
    return build_verdict(p, executed if executed is not None else played(p),
                         check if check is not None else as_json(verify(rows), None),
                         terms if terms is not None else [("1", 1, T0, None)], rows,
                         window=(T0, T0 + 40), settled=settled)


def test_a_clean_run_is_ok_with_its_figures():
    rows = rows_for(range(100, 140))
    v = verdict_of(rows)
    assert v.ok, v.problems
    assert (v.rounds.expected, v.rounds.stored, v.rounds.missing, v.rounds.duplicated) == (40, 40, 0, 0)
    assert v.stale_epoch_accepted == 0 and v.longest_without_leader.seconds == 0
    assert v.longest_without_round.seconds == pytest.approx(1.0)
    assert sum(v.faults.values()) == len(full(1, duration=40).faults)
    assert v.rounds.lost is None and not v.truth  # no truth logs: said, not guessed
    assert any("no truth logs" in n for n in v.notes)
    json.dumps(v.to_json())


def test_a_gap_a_duplicate_and_a_stale_epoch_fail_the_run():
    rounds = [r for r in range(100, 125) if r not in (110, 111)] + [120] + list(range(125, 140))
    rows = rows_for(rounds, epoch_of=lambda r: 2 if r < 125 else 3)
    rows.append({**rows_for([139], epoch_of=lambda r: 2)[0], "id": 999, "round": 140})  # after epoch 3 rows
    v = verdict_of(rows)
    assert not v.ok
    assert v.rounds.missing == 2 and v.rounds.duplicated == 1
    assert v.stale_epoch_accepted == 1 and v.epoch_regressions == 1
    assert any("epoch older than one already accepted" in p for p in v.problems)


def test_truth_verdicts_count_lost_and_wrong_rounds():
    rows = rows_for(range(100, 120))
    check = as_json(verify(rows), None)
    check["clusters"]["c1"]["truth"] = {"ok": False, "verdicts": {"ok": 17, "lost": 2, "wrong": 1, "short": 0}}
    check["ok"] = False
    check["violations"] = ["cluster c1: round 105: no row, though node(s) 2 published a sample"]
    v = verdict_of(rows, check=check)
    assert v.truth and (v.rounds.lost, v.rounds.wrong, v.rounds.short) == (2, 1, 0)
    assert not v.ok and "round 105" in v.problems[0]


def test_a_refused_heal_fails_the_run_a_refused_injection_is_only_noted():
    p = full(1, duration=40)
    first = p.faults[0]
    undo = next(s for s in p.steps if s.fault == first.id and not s.injects)
    v = verdict_of(rows_for(range(100, 140)), p=p, executed=played(p, refuse={(first.id, undo.action)}))
    assert not v.ok and any("refused" in x for x in v.problems)
    do = next(s for s in p.steps if s.fault == first.id and s.injects)
    v = verdict_of(rows_for(range(100, 140)), p=p,
                   executed=played(p, refuse={(first.id, do.action), (first.id, undo.action)}))
    assert v.ok, v.problems
    assert v.refused == {first.kind: 1} and v.faults[first.kind] == p.count()[first.kind] - 1


def test_not_settled_and_nothing_stored_fail():
    assert not verdict_of(rows_for(range(100, 140)), settled=False).ok
    v = verdict_of([])
    assert not v.ok and "no round was stored" in v.problems


def test_time_without_a_leader_and_without_a_round():
    terms = [("1", 1, T0 - 5, T0 + 10), ("2", 2, T0 + 14.5, T0 + 20), ("3", 3, T0 + 21, None)]
    span = leaderless(terms, (T0, T0 + 40))
    assert (span.seconds, span.start - T0, span.end - T0) == (4.5, 10, 14.5)
    assert leaderless([], (T0, T0 + 40)).seconds == 40
    span = quiet([T0 + 1, T0 + 2, T0 + 9, T0 + 39], (T0, T0 + 40))
    assert (span.seconds, span.start - T0) == (30, 9)


def test_stale_rows_follow_store_order_per_cluster():
    rows = [{"id": 1, "round": 1, "epoch": 2, "cluster": "a"}, {"id": 2, "round": 2, "epoch": 1, "cluster": "b"},
            {"id": 3, "round": 2, "epoch": 1, "cluster": "a"}, {"id": 4, "round": 3, "epoch": 2, "cluster": "a"}]
    assert [r["id"] for r in stale_rows(rows)] == [3]


def test_the_verdict_renders_as_a_table():
    rows = rows_for(range(100, 140))
    v = verdict_of(rows, settled=False)
    console = Console(record=True, width=120)
    console.print(render(v))
    text = console.export_text()
    assert "rounds stored" in text and "40" in text and "FAILED" in text
    labels = [label for label, _, _ in lines(v)]
    assert "stale-epoch rows accepted" in labels and "longest without a leader" in labels


def test_a_leader_that_cannot_act_does_not_count_as_leading():
    # its leader znode outlives a pause, a hard kill, a cut from ZooKeeper, until its session expires
    def status(**node):
        base = {"id": "2", "state": "running", "connection": "CONNECTED",
                "faults": {"zk": {"partitioned": False}}}
        return {"leader": "2", "epoch": 3, "nodes": [{"id": "1", "state": "running"}, {**base, **node}]}
    assert acting_leader(status()) == "2"
    assert acting_leader(status(state="paused")) is None
    assert acting_leader(status(state="crashed")) is None
    assert acting_leader(status(faults={"zk": {"partitioned": True}})) is None
    assert acting_leader(status(connection="SUSPENDED")) is None
    assert acting_leader(status(state=None, remote=True)) == "2"     # a student's node: as shown
    assert acting_leader({"leader": "7", "epoch": 3, "nodes": []}) == "7"   # an original node
    assert acting_leader({"leader": None, "nodes": []}) is None
