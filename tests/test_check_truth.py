"""`clustersim check --truth`: the nodes' truth logs read back, and every stored
round judged against them; then the command itself against a real API.

    .venv/bin/python -m pytest tests/test_check_truth.py
"""

import io
import json
import os

import requests

from cluster_sim.check import verify
from cluster_sim.check_truth import describe, judge, verify_truth
from cluster_sim.check_view import as_json, exit_code, render
from cluster_sim.protocol.truth import TruthLog, log_path, read_truth, truth_dir

from conftest import clustersim

CLUSTER = "ab12cd"
ROUNDS = range(1000, 1006)
NODES = ("1", "2", "3")


def value(node, round_no):
    """Distinct 2-decimal values, so a mean tells which nodes it holds."""
    return round(70 + 3.17 * int(node) + 0.41 * (round_no % 7), 2)


def write_truth(directory, rounds=ROUNDS, nodes=NODES, cluster=CLUSTER, unpublished=(), unmarked=(),
                pid=None):
    """Each node samples once per round and publishes it, except the (node,
    round) pairs in `unpublished` (never published) and `unmarked` (published,
    but the node died before logging the mark: its mark comes at the next one)."""
    for node in nodes:
        log = TruthLog(str(directory), node, cluster)
        if pid is not None:
            log.pid = pid
        for seq, r in enumerate(rounds, start=1):
            log.sample(seq=seq, ts=r + 0.1, value=value(node, r), round_no=r, interval=1.0)
            if (node, r) not in unpublished and (node, r) not in unmarked:
                log.published(seq)
        log.close()


def mean(values):
    return round(sum(values) / len(values), 6)


def stored(round_no, nodes=NODES, cluster=CLUSTER, extra=(), **more):
    """The row a correct leader stores for `round_no` with these nodes' readings."""
    values = [value(n, round_no) for n in nodes] + list(extra)
    row = {"id": round_no, "at": "2024-01-01T00:00:00.000+00:00", "cluster": cluster, "epoch": 1,
           "round": round_no, "leader": "1", "count": len(values),
           "dato": mean(values) if values else None,
           "min": min(values) if values else None, "max": max(values) if values else None}
    row.update(more)
    return row


def complete(rounds=ROUNDS):
    return [stored(r, expected=3) for r in rounds]


def judged(rows, directory):
    report = verify(rows)
    return report, verify_truth(rows, read_truth(str(directory)), plain=report)


def rendered(report, truth=None, note=""):
    from rich.console import Console

    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(render(report, truth, note))
    return console.file.getvalue()


def verdicts(truth, cluster=CLUSTER):
    return {r.round: r.verdict for r in truth.clusters[cluster].rounds}


# --- reading the logs -----------------------------------------------------------------

def test_the_reader_gives_typed_samples_marks_and_pids(tmp_path):
    write_truth(tmp_path, unpublished=[("3", 1005)])
    truth = read_truth(str(tmp_path))
    assert list(truth.clusters) == [CLUSTER] and truth.files == 3
    assert (truth.bad_lines, truth.partial_lines) == (0, 0)
    node = truth.clusters[CLUSTER].nodes["3"]
    assert [s.round for s in node.samples] == list(ROUNDS)
    assert node.published_seq == 5 and node.pids == [os.getpid()]
    assert [s.round for s in node.unpublished] == [1005]
    assert node.in_round(1004).value == value("3", 1004)
    assert node.in_round(1005) is None  # never published: no leader could count it
    assert truth.clusters[CLUSTER].interval == 1.0


def test_garbage_and_a_cut_last_line_are_counted_and_skipped(tmp_path):
    write_truth(tmp_path)
    path = log_path(str(tmp_path), "2")
    good = open(path, "rb").read()
    garbage = [
        b"not json",
        b"[1, 2]",
        b'{"k": "s"}',
        b'{"k":"s","cluster":"ab12cd","node":"2","seq":9,"ts":NaN,"value":1,"round":1,"interval":1,"pid":1}',
        b'{"k":"s","cluster":"ab12cd","node":"7","seq":9,"ts":1,"value":1,"round":1,"interval":1,"pid":1}',
        b'{"k":"p","cluster":"ab12cd","node":"2","seq":true,"pid":1}',
        b"\xff\xfe not utf-8",
    ]
    with open(path, "wb") as f:
        f.write(garbage[0] + b"\n" + good + b"\n".join(garbage[1:]) + b"\n\n")
        f.write(b'{"k":"s","cluster":"ab12cd","node":"2","seq":7,"ts":1006.1,"va')  # killed mid-write
    truth = read_truth(str(tmp_path))
    assert truth.bad_lines == len(garbage)
    assert truth.partial_lines == 1
    node = truth.clusters[CLUSTER].nodes["2"]
    assert [s.round for s in node.samples] == list(ROUNDS) and node.published_seq == 6
    # and the check still judges with every good line
    report, checked = judged(complete(), tmp_path)
    assert checked.ok and set(verdicts(checked).values()) == {"ok"}
    assert "7 bad lines and 1 cut-off" in " ".join(checked.notes())


def test_a_restarted_node_keeps_its_past_and_marks_cover_their_own_process(tmp_path):
    # process 1 took seq 1-3 and published 1-2; process 2 restarts from the
    # published seq, so its seq 3 is another sample than the dead one's
    log = TruthLog(str(tmp_path), "1", CLUSTER)
    log.pid = 111
    for seq, r in ((1, 1000), (2, 1001), (3, 1002)):
        log.sample(seq=seq, ts=r + 0.1, value=value("1", r), round_no=r, interval=1.0)
    log.published(2)
    log.close()
    log = TruthLog(str(tmp_path), "1", CLUSTER)
    log.pid = 222
    for seq, r in ((3, 1004), (4, 1005)):
        log.sample(seq=seq, ts=r + 0.1, value=value("1", r), round_no=r, interval=1.0)
    log.published(4)
    log.close()
    node = read_truth(str(tmp_path)).clusters[CLUSTER].nodes["1"]
    assert node.pids == [111, 222] and node.published_seq == 4
    assert [(s.pid, s.seq, s.published) for s in node.samples] == [
        (111, 1, True), (111, 2, True), (111, 3, False), (222, 3, True), (222, 4, True)]


def test_lines_of_another_cluster_are_kept_apart(tmp_path):
    write_truth(tmp_path)
    write_truth(tmp_path, cluster="other", nodes=("1", "9"))
    truth = read_truth(str(tmp_path))
    assert sorted(truth.clusters) == [CLUSTER, "other"]
    report, checked = judged(complete(), tmp_path)
    assert checked.ok and list(checked.clusters) == [CLUSTER]
    assert checked.without_rows == ["other"]
    assert list(checked.clusters[CLUSTER].nodes) == list(NODES)


# --- judging rounds --------------------------------------------------------------------

def test_a_complete_history_passes_and_says_which_nodes_the_truth_covers(tmp_path):
    write_truth(tmp_path)
    report, checked = judged(complete(), tmp_path)
    assert checked.ok and exit_code(report, checked) == 0
    assert verdicts(checked) == {r: "ok" for r in ROUNDS}
    assert checked.failures() == []
    text = rendered(report, checked)
    assert "OK" in text and "matches the nodes' logs" in text and "1, 2, 3" in text


def test_a_short_row_fails_and_names_the_missing_node(tmp_path):
    write_truth(tmp_path)
    rows = complete()
    rows[2] = stored(1002, nodes=("1", "3"))  # node 2's reading left out, undeclared, no `expected`
    report, checked = judged(rows, tmp_path)
    assert report.ok  # the rows alone cannot tell
    assert not checked.ok and exit_code(report, checked) == 1
    [r] = [r for r in checked.clusters[CLUSTER].rounds if r.failed]
    assert (r.round, r.verdict, r.stored_count, r.true_count, r.absent) == (1002, "short", 2, 3, ["2"])
    [line] = checked.failures()
    assert "round 1002" in line and "missing node(s) 2" in line
    assert "FAILED" in rendered(report, checked)


def test_an_empty_row_while_nodes_had_readings_is_short(tmp_path):
    write_truth(tmp_path)
    rows = complete()
    rows[1] = stored(1001, nodes=())
    report, checked = judged(rows, tmp_path)
    [r] = [r for r in checked.clusters[CLUSTER].rounds if r.failed]
    assert (r.round, r.verdict, r.absent) == (1001, "short", ["1", "2", "3"])


def test_a_short_row_whose_values_cannot_tell_names_every_candidate():
    # nodes 1 and 2 read the same value: either could be the one left out
    row = {"id": 1, "round": 7, "count": 2, "dato": 80.5, "min": 80.0, "max": 81.0}
    r = judge(row, {"1": 80.0, "2": 80.0, "3": 81.0}, {})
    assert (r.verdict, r.absent) == ("short", [])
    assert "the values do not tell; node(s) 1, 2, 3 had samples" in describe(r)


def test_a_wrong_mean_fails(tmp_path):
    write_truth(tmp_path)
    rows = complete()
    rows[3]["dato"] = round(rows[3]["dato"] + 0.01, 6)
    report, checked = judged(rows, tmp_path)
    assert not checked.ok
    [r] = [r for r in checked.clusters[CLUSTER].rounds if r.failed]
    assert (r.round, r.verdict, r.stored_count, r.true_count) == (1003, "wrong", 3, 3)
    assert "wrong mean" in checked.failures()[0]


def test_a_declared_partial_row_is_reported_but_passes(tmp_path):
    write_truth(tmp_path)
    rows = complete()
    rows[2] = stored(1002, nodes=("1", "3"), expected="3", missing="2")
    report, checked = judged(rows, tmp_path)
    assert report.ok and checked.ok and exit_code(report, checked) == 0
    assert report.clusters[CLUSTER].partial == [(1002, ["2"])]
    assert verdicts(checked)[1002] == "partial"
    text = rendered(report, checked)
    assert "round 1002 partial: missing 2 (declared)" in text and "OK" in text


def test_a_partial_row_must_still_match_the_others(tmp_path):
    write_truth(tmp_path)
    rows = complete()
    # declares node 2 missing, but also lost node 3 without saying so
    rows[2] = stored(1002, nodes=("1",), expected="3", missing="2")
    report, checked = judged(rows, tmp_path)
    assert not checked.ok
    [r] = [r for r in checked.clusters[CLUSTER].rounds if r.failed]
    assert (r.verdict, r.missing, r.absent) == ("short", ["2"], ["3"])


def test_an_unpublished_last_sample_is_not_a_loss(tmp_path):
    # node 3 took its round-1004 sample and was killed before publishing it
    write_truth(tmp_path, rounds=range(1000, 1005), unpublished=[("3", 1004)])
    rows = complete(range(1000, 1004)) + [stored(1004, nodes=("1", "2"))]
    report, checked = judged(rows, tmp_path)
    assert checked.ok and verdicts(checked)[1004] == "ok"
    assert checked.clusters[CLUSTER].nodes["3"].unpublished == [(5, 1004)]
    assert any("node 3: 1 samples unpublished (the node stopped before it could publish), rounds 1004" in n
               for n in checked.notes())


def test_a_published_sample_whose_mark_the_log_lacks_is_recognised(tmp_path):
    # node 3 published round 1004 and was SIGKILLed before logging the mark
    write_truth(tmp_path, rounds=range(1000, 1005), unmarked=[("3", 1004)])
    report, checked = judged(complete(range(1000, 1005)), tmp_path)
    assert checked.ok
    [r] = [r for r in checked.clusters[CLUSTER].rounds if r.round == 1004]
    assert (r.verdict, r.unmarked, r.true_count) == ("ok", ["3"], 3)


def test_a_round_with_no_row_is_lost(tmp_path):
    write_truth(tmp_path)
    rows = [r for r in complete() if r["round"] != 1003]
    report, checked = judged(rows, tmp_path)
    assert not report.ok and not checked.ok
    [r] = [r for r in checked.clusters[CLUSTER].rounds if r.failed]
    assert (r.round, r.verdict, r.stored_count, r.nodes) == (1003, "lost", None, ["1", "2", "3"])


def test_more_readings_than_the_truth_knows_is_not_covered_not_failed(tmp_path):
    write_truth(tmp_path)
    rows = complete()
    rows[1] = stored(1001, extra=[81.5])  # a remote node's reading, logged on its own machine
    report, checked = judged(rows, tmp_path)
    assert checked.ok
    assert verdicts(checked)[1001] == "uncovered"
    assert any("not covered by the truth" in n for n in checked.notes())


def test_rounds_after_the_newest_row_are_not_judged(tmp_path):
    write_truth(tmp_path)
    report, checked = judged(complete(range(1000, 1003)), tmp_path)
    assert checked.ok
    c = checked.clusters[CLUSTER]
    assert (c.first, c.last, c.later) == (1000, 1002, 3)
    assert sorted(verdicts(checked)) == [1000, 1001, 1002]


def test_an_original_design_leader_explains_its_rounds(tmp_path):
    write_truth(tmp_path)
    at = "2024-01-01T00:00:{:02d}.000+00:00".format
    rows = [stored(1000, id=1, at=at(0)), stored(1001, id=2, at=at(1)),
            {"id": 3, "dato": 77.1, "at": at(2)}, {"id": 4, "dato": 77.3, "at": at(2)},  # no round
            stored(1004, id=5, at=at(3)), stored(1005, id=6, at=at(4))]
    report, checked = judged(rows, tmp_path)
    assert report.ok and checked.ok
    assert verdicts(checked)[1002] == verdicts(checked)[1003] == "explained"


def test_the_json_report_has_the_figures_per_cluster(tmp_path):
    write_truth(tmp_path)
    rows = complete()
    rows[2] = stored(1002, nodes=("1", "3"), expected="3", missing="2")
    rows[4] = stored(1004, nodes=("1", "2"))
    report, checked = judged(rows, tmp_path)
    out = json.loads(json.dumps(as_json(report, checked)))
    assert out["ok"] is False
    c = out["clusters"][CLUSTER]
    assert c["partial"] == [{"round": 1002, "missing": ["2"]}]
    assert c["truth"]["verdicts"]["short"] == 1 and c["truth"]["verdicts"]["partial"] == 1
    assert sorted(c["truth"]["nodes"]) == ["1", "2", "3"]
    [short] = [r for r in c["truth"]["rounds"] if r["verdict"] == "short"]
    assert (short["round"], short["stored_count"], short["true_count"], short["absent"]) == (1004, 2, 3, ["3"])


# --- the command, against a real API ------------------------------------------------------

def deliver(url, row):
    params = {k: v for k, v in row.items() if k not in ("id", "at") and v is not None}
    answer = requests.get(url + "/nuevo", params=params, timeout=10)
    assert answer.status_code == 200, answer.text


def test_check_truth_passes_a_complete_history(api, tmp_path):
    write_truth(tmp_path)
    for row in complete():
        deliver(api, row)
    result = clustersim("check", "--api-url", api, "--truth", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK" in result.stdout and "every stored round matches the nodes' logs" in result.stdout


def test_check_truth_fails_a_short_row_on_one_unbroken_line(api, tmp_path):
    write_truth(tmp_path)
    rows = complete()
    rows[3] = stored(1003, nodes=("2", "3"))
    for row in rows:
        deliver(api, row)
    result = clustersim("check", "--api-url", api, "--truth", str(tmp_path))
    assert result.returncode == 1, result.stdout + result.stderr
    # piped: not cut at 80 columns
    assert (f"round 1003: short: 2 readings, mean {rows[3]['dato']}, truth 3, "
            f"mean {complete()[3]['dato']}: missing node(s) 1") in result.stdout


def test_check_without_truth_flags_an_undeclared_short_row(api, runtime_dir):
    # the rows' `expected` field comes back from the API as text
    for row in complete():
        if row["round"] == 1002:
            row = stored(1002, nodes=("1", "3"), expected=3)
        deliver(api, row)
    result = clustersim("check", "--api-url", api)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "round 1002 stored 2 of 3 readings without saying who is missing" in result.stdout
    assert f"no ground truth: {truth_dir('default')} does not exist" in result.stdout


def test_check_finds_the_running_clusters_truth_itself(api, runtime_dir):
    write_truth(truth_dir("class"))
    rows = complete()
    rows[1] = stored(1001, nodes=("1", "2"), expected=2)  # the leader's view was short
    for row in rows:
        deliver(api, row)
    result = clustersim("check", "--api-url", api, "--name", "class", "--json")
    assert result.returncode == 1, result.stdout + result.stderr
    out = json.loads(result.stdout)
    assert out["truth"]["dir"] == truth_dir("class")
    [failed] = [r for r in out["clusters"][CLUSTER]["truth"]["rounds"] if r["verdict"] == "short"]
    assert failed["round"] == 1001 and failed["absent"] == ["3"]


def test_check_truth_names_a_missing_directory_in_one_line(api, tmp_path):
    deliver(api, stored(1000))
    missing = tmp_path / "nope"
    result = clustersim("check", "--api-url", api, "--truth", str(missing))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"clustersim check: --truth {missing}: no such directory\n"
