"""Checks judge up to now: rounds due and not stored, losses after the newest row, rows the
truth here cannot verify; pure (an injected `now` and grid) except the last tests, which run
`clustersim check` against a real API. The live cluster's side is test_check_live.py.

    .venv/bin/python -m pytest tests/test_check_due.py
"""

import io
import json
import os

import requests

from cluster_sim.chaos.verdict import build_verdict
from cluster_sim.check import verify
from cluster_sim.check_due import Grid, closed_by, grid_from_status, last_due, lateness
from cluster_sim.check_judge import Sources, judge
from cluster_sim.check_truth import verify_truth
from cluster_sim.check_view import as_json, exit_code, render
from cluster_sim.protocol.rules import ClusterRules
from cluster_sim.protocol.saved_rounds import SavedHeader, write_rounds
from cluster_sim.protocol.truth import TruthLog, read_truth, read_truths

from conftest import clustersim
from test_check_truth import CLUSTER, NODES, ROUNDS, complete, stored, value, write_truth

GRID = Grid(interval=1.0, round_lag=0.5, round_deadline=4.0)   # round r due after r + 5.5


def text(report, truth=None, note="", horizon=None):
    from rich.console import Console

    console = Console(file=io.StringIO(), width=250, color_system=None)
    console.print(render(report, truth, note, horizon))
    return console.file.getvalue()


# --------------------------------------------------------------------------- the grid

def test_a_round_is_due_only_once_its_deadline_has_passed():
    assert last_due(GRID, 1005.5) == 999          # round 1000 is due after 1005.5, not at it
    assert last_due(GRID, 1005.5001) == 1000
    assert closed_by(1.0, 1001.0) == 1000 and closed_by(1.0, 1000.99) == 999


def test_the_grid_comes_from_the_rules_in_status_else_from_interval_and_timeout():
    rules = ClusterRules(interval=2.0, session_timeout=4.0, round_lag=1.0, round_deadline=8.0, history=50,
                         outbox_bound=10, retry_max=30.0, api_url="http://x", secret_required=False)
    assert grid_from_status({"rules": rules.to_json(), "interval": 5.0}) == Grid(2.0, 1.0, 8.0, "the cluster's rules")
    fallback = grid_from_status({"interval": 0.5, "session_timeout": 2.0})
    assert (fallback.interval, fallback.round_lag, fallback.round_deadline) == (0.5, 0.25, 3.0)
    assert grid_from_status({"interval": 0.0}) is None


def test_a_stall_counts_every_due_round_since_the_first_and_names_those_not_final_yet():
    late = lateness("c", stored={100, 101}, saved=set(), grid=GRID, now=120.2, start=None, newest_row_at=103.0)
    # due: up to 114 (114 + 5.5 < 120.2); closed (by 120) but within the deadline: 115-119
    assert (late.due_unstored, late.first_due, late.since, late.newest_row_age) == (13, 102, 102.0,
                                                                                    late.now - 103.0)
    assert (late.not_final, late.first_not_final) == (5, 115) and not late.ok


def test_rounds_in_a_saved_file_are_accounted_for_not_a_stall():
    late = lateness("c", stored={100, 101}, saved={102, 103}, grid=GRID, now=109.4, start=None,
                    newest_row_at=102.0)
    assert late.ok and late.saved == 2 and late.due_unstored == 0


def test_with_nothing_stored_the_truth_says_where_the_cluster_began():
    late = lateness("c", stored=set(), saved=set(), grid=GRID, now=110.0, start=100, newest_row_at=None)
    assert late.due_unstored == 5 and late.first_due == 100 and late.newest_row_age is None


# --------------------------------------------------------------------------- truth after the newest row

def test_a_round_every_node_published_and_nobody_stored_is_lost_after_the_newest_row(tmp_path):
    write_truth(tmp_path)                              # rounds 1000-1005, every node published
    rows = complete(range(1000, 1003))
    truth = verify_truth(rows, read_truth(str(tmp_path)), owed={CLUSTER: 1004})
    verdicts = {r.round: r.verdict for r in truth.clusters[CLUSTER].rounds}
    assert verdicts[1003] == verdicts[1004] == "lost" and 1005 not in verdicts
    assert not truth.ok and truth.clusters[CLUSTER].later == 1


def test_a_saved_round_is_accounted_for_and_one_a_node_never_published_is_not_owed(tmp_path):
    write_truth(tmp_path, unpublished=[("2", 1005)])   # node 2 stopped before publishing 1005
    rows = complete(range(1000, 1003))
    truth = verify_truth(rows, read_truth(str(tmp_path)), owed={CLUSTER: 1005}, saved={CLUSTER: {1003, 1004}})
    verdicts = {r.round: r.verdict for r in truth.clusters[CLUSTER].rounds}
    assert verdicts[1003] == verdicts[1004] == "saved" and 1005 not in verdicts and truth.ok
    assert "saved at shutdown" in text(verify(rows), truth)


def test_a_row_the_truth_here_cannot_recompute_is_unverified_named_never_matching(tmp_path):
    write_truth(tmp_path)
    rows = complete()
    for r in rows:                                      # node 18 leads, its log is on its own machine
        r.update(stored(r["round"], extra=[81.5], leader="18", expected=4))
    report = verify(rows)
    truth = verify_truth(rows, read_truth(str(tmp_path)), plain=report, known_nodes=["1", "2", "3", "18"])
    assert truth.ok and truth.unverified == 6 and truth.unverified_nodes == ["18"]
    shown = text(report, truth)
    assert "6 of 6 rows could not be verified: node 18's truth log is not here" in shown
    assert "every stored round matches" not in shown
    out = as_json(report, truth)
    assert out["unverified"] == {"count": 6, "nodes": ["18"]}
    assert out["clusters"][CLUSTER]["truth"]["verdicts"]["uncovered"] == 6


def test_several_truth_directories_are_read_as_one(tmp_path):
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    write_truth(mine, nodes=("1", "2"))
    write_truth(theirs, nodes=("3",))
    write_truth(theirs, nodes=("2",))                   # a log collected twice: read once
    truth = read_truths([str(mine), str(theirs)])
    assert sorted(truth.clusters[CLUSTER].nodes) == ["1", "2", "3"]
    assert len(truth.clusters[CLUSTER].nodes["2"].samples) == len(ROUNDS) and truth.duplicates == len(ROUNDS)
    assert verify_truth(complete(), truth).ok


# --------------------------------------------------------------------------- judged against a real API

def deliver(url, rows):
    for row in rows:
        params = {k: v for k, v in row.items() if k not in ("id", "at") and v is not None}
        assert requests.get(url + "/nuevo", params=params, timeout=5).status_code == 200


def test_a_running_cluster_stalled_past_the_deadline_fails_and_says_since_when(api, tmp_path):
    write_truth(tmp_path)
    deliver(api, complete(range(1000, 1003)))
    judged = judge(Sources(api, truth_dirs=[str(tmp_path)], grid=GRID, running=True, now=1020.0))
    assert exit_code(judged.report, judged.truth, judged.horizon) == 1
    late = judged.horizon.clusters[CLUSTER]
    assert (late.due_unstored, late.first_due) == (12, 1003)   # 1003 .. 1014 are due at 1020
    shown = text(judged.report, judged.truth, horizon=judged.horizon)
    assert "12 rounds due and not stored since" in shown and "round 1003" in shown
    out = as_json(judged.report, judged.truth, horizon=judged.horizon)
    assert out["due_unstored"]["count"] == 12 and out["due_unstored"]["first_round"] == 1003
    assert out["due_unstored"]["since"] == 1003.0 and out["due_unstored"]["newest_row_age_s"] is not None
    assert out["ok"] is False


def test_rounds_within_their_deadline_are_not_final_yet_not_a_failure(api, tmp_path):
    write_truth(tmp_path)
    deliver(api, complete(range(1000, 1003)))
    judged = judge(Sources(api, truth_dirs=[str(tmp_path)], grid=GRID, running=True, now=1007.0))
    assert exit_code(judged.report, judged.truth, judged.horizon) == 0
    assert "rounds not final yet (from round 1003" in text(judged.report, judged.truth, horizon=judged.horizon)


def test_a_stopped_cluster_is_judged_up_to_where_its_nodes_stopped(api, tmp_path):
    write_truth(tmp_path)                              # the newest sample: 1005.1
    deliver(api, complete(range(1000, 1005)))          # 1005 was under way when the nodes stopped
    judged = judge(Sources(api, truth_dirs=[str(tmp_path)]))
    # a shutdown stores every round up to the newest sample: 1005, published by every node and
    # stored nowhere, is a loss although it had not closed
    assert judged.horizon.now == 1005.1 and judged.truth.clusters[CLUSTER].owed == 1005
    assert exit_code(judged.report, judged.truth, judged.horizon) == 1
    assert [r.round for r in judged.truth.clusters[CLUSTER].rounds if r.verdict == "lost"] == [1005]
    deliver(api, complete([1005]))
    judged = judge(Sources(api, truth_dirs=[str(tmp_path)]))
    assert exit_code(judged.report, judged.truth, judged.horizon) == 0


def test_check_offline_counts_a_saved_file_and_fails_a_round_nobody_stored_or_saved(api, tmp_path, state_dir):
    truth_dir = tmp_path / "truth"
    write_truth(truth_dir)
    deliver(api, complete(range(1000, 1003)))
    lost = clustersim("check", "--api-url", api, "--truth", str(truth_dir), "--json")
    assert lost.returncode == 1, lost.stdout + lost.stderr
    out = json.loads(lost.stdout)
    assert [v for v in out["violations"] if "round 1003" in v or "round 1004" in v]
    header = SavedHeader(name="t", cluster=CLUSTER, epoch=1, leader="1", api_url=api)
    path = write_rounds(str(tmp_path / "elsewhere"), header,
                        [{"round": r, "mean": 80.0, "count": 3, "min": 79.0, "max": 81.0} for r in (1003, 1004, 1005)])
    saved = clustersim("check", "--api-url", api, "--truth", str(truth_dir), "--saved", path, "--json")
    assert saved.returncode == 0, saved.stdout + saved.stderr
    assert json.loads(saved.stdout)["saved"] == 3
    os.makedirs(state_dir, exist_ok=True)                 # the shutdown's own directory: found by itself
    os.replace(path, os.path.join(state_dir, os.path.basename(path)))
    assert clustersim("check", "--api-url", api, "--truth", str(truth_dir)).returncode == 0


def test_check_without_a_grid_says_it_cannot_judge_lateness(api):
    deliver(api, complete(range(1000, 1003)))
    result = clustersim("check", "--api-url", api)
    assert result.returncode == 0
    assert "cannot judge which rounds are late" in result.stdout and "--zk HOST:PORT" in result.stdout
    assert "nothing due is missing" not in result.stdout


def test_check_names_a_bad_saved_file_in_one_line(api, tmp_path):
    bad = tmp_path / "x.jsonl"
    bad.write_text("nonsense\n")
    result = clustersim("check", "--api-url", api, "--saved", str(bad))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "not a file of saved rounds" in result.stderr


# --------------------------------------------------------------------------- chaos

def test_chaos_fails_a_run_that_ends_with_rounds_due_and_not_stored(api, tmp_path):
    from test_chaos import full, played

    write_truth(tmp_path)
    deliver(api, complete(range(1000, 1003)))
    judged = judge(Sources(api, truth_dirs=[str(tmp_path)], grid=GRID, running=True, now=1020.0))
    check = as_json(judged.report, judged.truth, judged.note, judged.horizon)
    p = full(1, duration=40)
    v = build_verdict(p, played(p), check, [("1", 1, 990.0, None)], judged.rows, window=(990.0, 1020.0),
                      settled=True)
    assert not v.ok and v.rounds.due_unstored == 12
    assert any("12 rounds due and not stored" in problem for problem in v.problems)
