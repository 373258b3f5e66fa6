"""Joining cannot go wrong: the line `up --listen` prints works pasted as is into
bash, from another directory or another machine (a network namespace), and
`clustersim node` without --zk says what to type. Real ZooKeeper; the joined
node's samples are judged against its truth log."""

import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from cluster_sim.join import join_line

from machines import machine
from conftest import INTERVAL, SESSION_TIMEOUT, clustersim, stored_rounds, wait_until
from ground_truth import GroundTruth

BIN = str(Path(sys.executable).parent)      # the venv's bin, where `clustersim` is


def student_env():
    env = {k: v for k, v in os.environ.items() if k != "CLUSTERSIM_SECRET"}
    env["PATH"] = BIN + os.pathsep + env.get("PATH", "")
    return env


def join_command(up):
    """The join line as `up` shows it: in its output, and in status --json."""
    line = wait_until(lambda: up.status()["join_command"], 20, "the join line")
    assert f"students join with: {line}" in up.output()
    return line


def counted(up, node_id, n):
    """Node `node_id` is in the table, and a stored round counts n readings."""
    def seen():
        status = up.status()
        node = next((x for x in status["nodes"] if x["id"] == node_id and x["value"] is not None), None)
        return node if node and any(r["count"] == n for r in stored_rounds(up.rows())[-3:]) else None
    return wait_until(seen, 30, f"node {node_id} counted in the rounds")


def merged_truth(tmp_path, *directories):
    merged = tmp_path / "truth-merged"
    merged.mkdir()
    for directory in directories:
        for path in Path(directory).glob("node-*.jsonl"):
            shutil.copy(path, merged / path.name)
    return GroundTruth.load(merged)


def stop(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    return proc.returncode


def test_the_join_line_quotes_the_secret_and_has_no_placeholder():
    assert join_line("10.0.0.5:2181", "a b'c") == "CLUSTERSIM_SECRET='a b'\"'\"'c' clustersim node --zk 10.0.0.5:2181"
    assert join_line("10.0.0.5:2181/lab") == "clustersim node --zk 10.0.0.5:2181/lab"


def test_node_without_zk_says_what_to_type(runtime_dir):
    result = clustersim("node")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "paste the line the teacher's `clustersim up --listen` printed" in lines[0]


def test_node_without_zk_gives_the_running_clusters_line(start_up, runtime_dir):
    # named otherwise, but the only cluster running here: its line is the one to type
    up = start_up("-n", 1, "--interval", INTERVAL, "--session-timeout", SESSION_TIMEOUT, "--listen", "127.0.0.2",
                  name="lesson3")
    line = join_command(up)
    result = clustersim("node", timeout=30)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"clustersim: say which cluster to join: to join the one running here, type: {line}"]


def test_the_printed_join_line_works_pasted_into_bash_from_elsewhere(start_up, tmp_path, runtime_dir):
    # 127.0.0.2: a second address of this machine, so `up` prints a join line and serves on it
    up = start_up("-n", 2, "--interval", INTERVAL, "--session-timeout", SESSION_TIMEOUT, "--listen", "127.0.0.2")
    status = up.wait_ready(2)
    line = join_command(up)
    assert line.startswith("CLUSTERSIM_SECRET=") and "<" not in line and "--interval" not in line
    assert status["api_url"].startswith("http://127.0.0.2:") and status["rules"]["api_url"] == status["api_url"]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    log_path = tmp_path / "student.log"
    with open(log_path, "w") as log:
        student = subprocess.Popen(["bash", "-c", line], cwd=elsewhere, env=student_env(), stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        try:
            node = counted(up, "3", 3)
            assert node["remote"] is True
        finally:
            assert stop(student) == 0, log_path.read_text()
    assert "took id 3" in log_path.read_text()
    rows = [r for r in stored_rounds(up.rows()) if r["count"] == 3]
    merged_truth(tmp_path, status["truth_dir"], runtime_dir / "default.truth").assert_rows_match(rows)


# -- another machine: a network namespace joined by a veth pair (tests/machines.py) ----
@pytest.fixture
def other_machine():
    """(namespace, host-side address): a student's machine on a link of its own. Torn down always."""
    with machine() as found:
        yield found


def _reachable_from(ns, host, port):
    probe = f"import socket; socket.create_connection(({host!r}, {port}), timeout=3).close()"
    return subprocess.run(["ip", "netns", "exec", ns, sys.executable, "-c", probe], capture_output=True,
                          timeout=15).returncode == 0


def test_a_student_on_another_machine_joins_with_the_line_and_leads(other_machine, start_up, tmp_path, runtime_dir):
    ns, address = other_machine
    up = start_up("-n", 2, "--interval", INTERVAL, "--session-timeout", SESSION_TIMEOUT, "--listen", address)
    status = up.wait_ready(2)
    line = join_command(up)
    # ZooKeeper and the API listen on that address, and the line and the rules name it
    zk_port = int(status["zk"].rsplit(":", 1)[1])
    api_port = int(status["api_url"].rsplit(":", 1)[1])
    assert status["zk"] == f"{address}:{zk_port}" and f"--zk {address}:{zk_port}" in line
    assert status["rules"]["api_url"] == f"http://{address}:{api_port}" == status["api_url"]
    assert requests.get(f"http://{address}:{api_port}/health", timeout=5).ok
    assert _reachable_from(ns, address, zk_port) and _reachable_from(ns, address, api_port)
    with pytest.raises(OSError):   # and not on loopback, where a student could not reach it
        socket.create_connection(("127.0.0.1", api_port), timeout=2).close()

    log_path = tmp_path / "student.log"
    with open(log_path, "w") as log:
        student = subprocess.Popen(["ip", "netns", "exec", ns, "bash", "-c", line], cwd=tmp_path, env=student_env(),
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            assert counted(up, "3", 3)["remote"] is True
            # the local nodes leave: the student's node leads and delivers across the link
            for victim in ("1", "2"):
                assert up.cli("kill", victim).returncode == 0
            wait_until(lambda: up.leader() == "3", 20, "the student's node leading")
            wait_until(lambda: [r for r in stored_rounds(up.rows()) if r["leader"] == "3"][3:], 20,
                       "rounds the student's node stored at the cluster's API")
        finally:
            assert stop(student) == 0, log_path.read_text()
    rows = [r for r in stored_rounds(up.rows()) if r["count"] == 3 or r["leader"] == "3"]
    merged_truth(tmp_path, status["truth_dir"], runtime_dir / "default.truth").assert_rows_match(
        rows, allow_partial=True)
