"""Every reading counted: rounds stored after pauses, hangs and lost quorum hold
every reading the nodes really took (their truth logs), or say what is missing."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import INTERVAL, SESSION_TIMEOUT, dump, stored_rounds, wait_until
from ground_truth import GroundTruth
from test_cluster import up_args


def fault_lasts(seconds):
    """The fault is held this long: its duration is the scenario, not a guess at a condition."""
    end = time.monotonic() + seconds
    wait_until(lambda: time.monotonic() >= end, seconds + 5, f"{seconds} s of fault", period=0.02)


def rounds_until(up, round_no, timeout=30):
    """Wait until the API holds every round up to `round_no`; returns the rows."""
    def done():
        rows = stored_rounds(up.rows())
        return rows if rows and max(r["round"] for r in rows) >= round_no else None
    return wait_until(done, timeout, f"round {round_no} stored")


def current_round():
    return int(time.time() // INTERVAL)


def test_leader_paused_briefly_several_times_loses_no_reading(start_up, zk_hosts):
    up = start_up(*up_args(zk_hosts, 3))
    up.wait_ready(3)
    rounds_until(up, current_round() + 1)
    paused = set()
    for _ in range(3):
        leader = up.leader()
        paused.add(leader)
        assert up.cli("pause", leader).returncode == 0
        fault_lasts(0.6 * SESSION_TIMEOUT)   # shorter than the session: it stays the leader
        assert up.cli("resume", leader).returncode == 0
        rounds_until(up, current_round() + 2)
    status = up.status()
    rows = stored_rounds(up.rows())
    truth = GroundTruth.load(status["truth_dir"])
    truth.assert_rows_match(rows)
    first, last = min(r["round"] for r in rows), max(r["round"] for r in rows)
    for node in {"1", "2", "3"} - paused:
        assert not truth.holes(node, first, last), (node, truth.holes(node, first, last))
    assert up.cli("check").returncode == 0


def test_leader_paused_past_its_session_rounds_are_complete_or_declared(start_up, zk_hosts):
    up = start_up(*up_args(zk_hosts, 3))
    first_leader = up.wait_ready(3)["leader"]
    rounds_until(up, current_round() + 1)
    assert up.cli("pause", first_leader).returncode == 0
    wait_until(lambda: up.leader() not in (None, first_leader), SESSION_TIMEOUT + 15, "a new leader")
    fault_lasts(SESSION_TIMEOUT)
    assert up.cli("resume", first_leader).returncode == 0
    wait_until(lambda: next(n for n in up.status()["nodes"] if n["id"] == first_leader)["role"] == "follower",
               20, "the old leader back as a follower")
    rounds_until(up, current_round() + 3)
    status = up.status()
    rows = stored_rounds(up.rows())
    GroundTruth.load(status["truth_dir"]).assert_rows_match(rows, allow_partial=True)
    assert up.cli("check").returncode == 0


def test_zookeeper_hanging_leaves_no_hole_and_every_round_complete(start_up):
    # an embedded server, so that its java process is ours to freeze
    up = start_up("-n", 3, "--interval", INTERVAL, "--session-timeout", 4)
    status = up.wait_ready(3)
    rounds_until(up, current_round() + 1)
    java = status["zk_servers"][0]["pid"]
    hung_from = current_round()
    os.kill(java, signal.SIGSTOP)
    try:
        fault_lasts(3.0)
    finally:
        os.kill(java, signal.SIGCONT)
    hung_to = current_round()
    rows = rounds_until(up, hung_to + 3, timeout=40)
    truth = GroundTruth.load(up.status()["truth_dir"])
    for node in ("1", "2", "3"):
        assert not truth.holes(node, hung_from, hung_to + 2), (node, truth.holes(node, hung_from, hung_to + 2))
    outage = [r for r in rows if hung_from <= r["round"] <= hung_to]
    assert outage and all(r["count"] == 3 for r in outage), dump(outage)
    truth.assert_rows_match(rows)
    assert up.cli("check").returncode == 0


def test_a_node_of_the_original_design_leads_and_counts_clustersim_nodes(start_up, zk_hosts, tmp_path, api):
    # the original node starts first, so it wins the election
    original_log = open(tmp_path / "original.log", "w")
    up = None
    original = subprocess.Popen(
        [sys.executable, "-m", "cluster_sim.bench.original_app", "7", "--zk", zk_hosts,
         "--interval", str(INTERVAL), "--session-timeout", str(SESSION_TIMEOUT), "--api", api],
        stdout=original_log, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: "I'm the leader" in (tmp_path / "original.log").read_text(), 20, "the original leading")
        up = start_up(*up_args(zk_hosts, 2), "--api-url", api)
        status = wait_until(lambda: (lambda s: s if len([n for n in s["nodes"] if n["value"] is not None]) >= 3
                                     else None)(up.status()), 30, "three nodes publishing")
        # a hot clustersim sensor: if the original leader counted it, its means show it
        hot = subprocess.Popen([sys.executable, "-m", "cluster_sim", "node", "9", "--zk", zk_hosts,
                                "--interval", str(INTERVAL), "--session-timeout", str(SESSION_TIMEOUT),
                                "--low", "500", "--high", "500", "--api-url", status["api_url"],
                                "--truth-dir", str(tmp_path / "truth")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            status = wait_until(lambda: (lambda s: s if s["leader"] == "7" and s["leader_original"] else None)(up.status()),
                                20, "the original shown as the leader")
            # its means, as the API stored them (rows without a round)
            means = wait_until(lambda: [r["dato"] for r in up.rows()
                                        if r.get("round") is None and r["dato"] > 150][-3:] or None,
                               20, "the original's means counting the hot clustersim node")
            # 500 among values of 75..85 from four nodes: far above any 75..85 mean
            assert all(150 < m < 500 for m in means), means
            log = (tmp_path / "original.log").read_text()
            assert "could not convert" not in log and "Traceback" not in log, log[-2000:]
        finally:
            hot.send_signal(signal.SIGINT)
            hot.wait(20)
        # the original hands over: a clustersim node leads with rounds again
        original.send_signal(signal.SIGINT)
        original.wait(20)
        wait_until(lambda: (lambda s: s["leader"] not in (None, "7") and not s["leader_original"])(up.status()),
                   20, "a clustersim leader")
        rounds_until(up, current_round() + 2)
    finally:
        if original.poll() is None:
            original.kill()
            original.wait(10)
        original_log.close()
    rows = up.rows()
    assert [r for r in rows if r.get("round") is None and r["dato"] > 150], "the original's rows in the API"
    result = up.cli("check", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    # the original's rows are accounted for as such, not as an unexplained gap
    assert report["unrounded"]["rows"] == len([r for r in rows if r.get("round") is None]) > 0, report


def test_zookeeper_frozen_past_the_session_timeout_loses_no_reading(start_up):
    # a hung server resumed after the session timeout expires every session at once; the nodes
    # kept sampling and republish their histories from new sessions a moment later
    up = start_up("-n", 3, "--interval", INTERVAL, "--session-timeout", 4)
    java = up.wait_ready(3)["zk_servers"][0]["pid"]
    rounds_until(up, current_round() + 1)
    os.kill(java, signal.SIGSTOP)
    try:
        fault_lasts(6.0)
    finally:
        os.kill(java, signal.SIGCONT)
    rounds_until(up, current_round() + 4, timeout=60)
    rows = stored_rounds(up.rows())
    GroundTruth.load(up.status()["truth_dir"]).assert_rows_match(rows, allow_partial=True)
    check = up.cli("check")
    assert check.returncode == 0, check.stdout


def frozen_longer_than_the_history(up, interval, freeze):
    """Freeze the embedded ZooKeeper's java for `freeze` seconds; returns the rows of every
    round from the newest stored before the freeze to a few after the thaw, and the truth."""
    java = up.wait_ready(3)["zk_servers"][0]["pid"]

    def newest():
        rows = stored_rounds(up.rows())
        return max(r["round"] for r in rows) if rows else None
    wait_until(lambda: (newest() or 0) >= int(time.time() // interval) - 2, 30, "rounds stored")
    before = newest()
    os.kill(java, signal.SIGSTOP)
    try:
        fault_lasts(freeze)
    finally:
        os.kill(java, signal.SIGCONT)
    last = int(time.time() // interval) + 4
    wait_until(lambda: (newest() or 0) >= last, 60, f"round {last} stored after the thaw", period=0.5)
    rows = [r for r in stored_rounds(up.rows()) if before <= r["round"] <= last]
    return rows, list(range(before, last + 1)), GroundTruth.load(up.status()["truth_dir"])


def assert_nothing_lost(up, rows, rounds, truth):
    assert [r["round"] for r in rows] == rounds, \
        f"lost: {sorted(set(rounds) - {r['round'] for r in rows})}"        # every round, once
    # never "nobody had a reading" while members sampled the round
    empty = [r for r in rows if r["count"] == 0 and truth.values(r["round"])]
    assert not empty, dump(empty)
    truth.assert_rows_match(rows)            # every sample taken is in its round: none partial
    check = up.cli("check")
    assert check.returncode == 0, check.stdout[-3000:]


def test_zookeeper_frozen_longer_than_the_history_window_loses_no_round(start_up):
    # the window is 4 s (8 samples of 0.5 s); the freeze is 12 s, past the session timeout
    # too: every session expires at once on the thaw. The nodes kept every sample the cluster
    # had not stored (up to 10 minutes of them) and publish them from their new sessions.
    up = start_up("-n", 3, "--interval", INTERVAL, "--session-timeout", 4, "--history", 8)
    assert_nothing_lost(up, *frozen_longer_than_the_history(up, INTERVAL, freeze=12.0))


@pytest.mark.long
@pytest.mark.timeout(1200)
def test_a_ten_minute_zookeeper_freeze_loses_no_round(start_up):
    # the figure: an outage of 10 minutes, at a 1 s interval and the default window (60 s)
    up = start_up("-n", 3, "--interval", 1, "--session-timeout", 4)
    assert_nothing_lost(up, *frozen_longer_than_the_history(up, 1.0, freeze=600.0))
