"""`clustersim up` end to end, against real ZooKeeper: what a teacher sees.

What happened is read from the event export (`up --events`, typed events);
what a person sees is asserted on the printed lines.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from kazoo.exceptions import NoNodeError

from cluster_sim.protocol import paths
from cluster_sim.node.readings import decode

from conftest import INTERVAL, SESSION_TIMEOUT, clustersim, dump, pid_alive, stored_rounds, wait_until


def up_args(zk_hosts, n=3, *extra):
    return ["-n", n, "--zk", zk_hosts, "--interval", INTERVAL, "--session-timeout", SESSION_TIMEOUT, *extra]


def histories(zk_client):
    """node id -> {round: value}, straight from the history znodes."""
    out = {}
    for child in zk_client.get_children(paths.HISTORY):
        try:
            data, stat = zk_client.get(f"{paths.HISTORY}/{child}")
        except NoNodeError:
            continue
        reading = decode(data, stat.mtime / 1000)
        out[paths.node_id_from_reading(child)] = {int(ts // INTERVAL): v for _, ts, v in reading.history}
    return out


def test_up_elects_one_leader_and_stores_the_mean_of_what_it_read(start_up, zk_hosts, zk_client):
    up = start_up(*up_args(zk_hosts, 3))
    up.wait_ready(3)
    seen_leaders = set()

    def enough_rounds():
        status = up.status()
        leaders = [n["id"] for n in status["nodes"] if n["role"] == "LEADER"]
        assert len(leaders) <= 1, dump(status)
        seen_leaders.update(leaders)
        full = [r for r in stored_rounds(up.rows()) if r.get("count") == 3]
        return full if len(full) >= 4 else None

    rows = wait_until(enough_rounds, 30, "four rounds with all three readings")
    assert seen_leaders
    # the table's connection column is filled from the start, not after a first change
    assert [n["connection"] for n in up.status()["nodes"]] == ["CONNECTED"] * 3, dump(up.status())
    hist = histories(zk_client)
    for row in rows:
        values = [hist[node][row["round"]] for node in ("1", "2", "3")]
        assert abs(row["dato"] - sum(values) / 3) < 1e-6, (row, values)
        assert row["leader"] in seen_leaders
        assert row["min"] == min(values) and row["max"] == max(values)


def test_kill_leader_shows_failover_and_a_new_leader(start_up, zk_hosts):
    up = start_up(*up_args(zk_hosts, 3))
    first = up.wait_ready(3)["leader"]
    result = up.cli("kill", first)
    assert result.returncode == 0, result.stderr
    assert f"node {first}" in result.stdout
    new = wait_until(lambda: (lambda s: s["leader"] if s["leader"] not in (None, first) else None)(up.status()),
                     15, "a new leader")
    elected = wait_until(lambda: up.events("leader_elected", node=new, after=first), 10, "the failover event")[-1]
    assert elected.how == "left" and elected.failover_ms >= 0
    assert (f"leader elected: {new} (epoch {elected.epoch}, failover {elected.failover_ms} ms after {first} left)"
            in up.output())
    # its session closed first (the election moved on at once); its process ends a moment later
    old = wait_until(lambda: (lambda n: n if n["state"] != "running" else None)(
        next(n for n in up.status()["nodes"] if n["id"] == first)), 10, f"node {first}'s process to end")
    assert old["state"] == "stopped" and old["role"] == ""


def test_kill_hard_leader_is_replaced_after_the_session_times_out(start_up, zk_hosts):
    up = start_up(*up_args(zk_hosts, 3))
    first = up.wait_ready(3)["leader"]
    assert up.cli("kill", first, "--hard").returncode == 0
    wait_until(lambda: up.status()["leader"] not in (None, first), SESSION_TIMEOUT + 15, "a new leader")
    elected = wait_until(lambda: up.events("leader_elected", after=first, how="crashed"), 10, "the failover event")
    assert f"failover {elected[-1].failover_ms} ms after {first} crashed" in up.output()
    assert next(n for n in up.status()["nodes"] if n["id"] == first)["state"] == "crashed"


def test_paused_leader_is_replaced_and_rejoins_as_follower(start_up, zk_hosts):
    up = start_up(*up_args(zk_hosts, 3))
    first = up.wait_ready(3)["leader"]
    assert up.cli("pause", first).returncode == 0
    assert next(n for n in up.status()["nodes"] if n["id"] == first)["state"] == "paused"
    wait_until(lambda: up.status()["leader"] not in (None, first), SESSION_TIMEOUT + 15, "a new leader")
    assert up.cli("resume", first).returncode == 0

    def follower_again():
        node = next(n for n in up.status()["nodes"] if n["id"] == first)
        return node["state"] == "running" and node["role"] == "follower"
    wait_until(follower_again, 20, f"node {first} back as a follower")


def test_a_bare_number_from_an_original_node_is_counted(start_up, zk_hosts, zk_client):
    up = start_up(*up_args(zk_hosts, 2))
    up.wait_ready(2)
    # what a node of the original design writes: str(float) in an ephemeral znode
    zk_client.create(paths.reading_path("99"), b"1000.0", ephemeral=True, makepath=True)

    def counted():
        return [r for r in stored_rounds(up.rows()) if r.get("count") == 3]
    row = wait_until(counted, 20, "a round that counts the original node")[0]
    assert row["max"] == 1000.0 and row["dato"] > 300
    node = wait_until(lambda: next((n for n in up.status()["nodes"] if n["id"] == "99"), None), 10, "node 99")
    assert node["remote"] is True and node["state"] == "remote" and node["value"] == 1000.0


def test_status_json_matches_and_bad_ids_fail_with_one_line(start_up, zk_hosts):
    up = start_up(*up_args(zk_hosts, 2))
    up.wait_ready(2)
    result = up.cli("status", "--json")
    assert result.returncode == 0
    import json
    status = json.loads(result.stdout)
    for key in ("zk", "api_url", "leader", "nodes"):
        assert key in status
    assert status["zk"] == zk_hosts
    assert {n["id"] for n in status["nodes"]} == {"1", "2"}
    for n in status["nodes"]:
        assert set(n) >= {"id", "pid", "state", "role", "value", "age_s", "remote"}
        assert isinstance(n["id"], str) and n["remote"] is False
    assert isinstance(status["leader"], str)
    for args in (["kill", "99"], ["pause", "../x"], ["kill", ""]):
        result = up.cli(*args)
        assert result.returncode != 0
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr


def test_control_commands_without_a_cluster_fail_with_one_line(runtime_dir, monkeypatch):
    absent = runtime_dir / "never-made"
    monkeypatch.setenv("CLUSTERSIM_RUNTIME_DIR", str(absent))
    for args in (["kill", "1"], ["status"], ["status", "--json"], ["pause", "2", "--name", "nope"]):
        result = clustersim(*args)
        assert result.returncode == 1
        assert "no cluster named" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert not absent.exists()   # asking leaves nothing behind


def _pids(status, up):
    pids = [n["pid"] for n in status["nodes"] if n["pid"]]
    pids += [s["pid"] for s in status["zk_servers"] if s["pid"]]
    return pids + [up.proc.pid]


def test_ctrl_c_stops_every_process_it_started(start_up):
    up = start_up("-n", 3, "--interval", INTERVAL, "--session-timeout", SESSION_TIMEOUT)  # embedded ZooKeeper
    status = up.wait_ready(3, timeout=60)
    assert len(status["zk_servers"]) == 1 and status["zk_servers"][0]["pid"]
    lone = up.cli("zk-kill", 1)  # fault injection is for an ensemble: the lone server is out of reach
    assert lone.returncode == 1 and "no embedded ensemble" in lone.stderr, lone.stderr
    pids = _pids(status, up)
    assert up.stop(signal.SIGINT) == 0
    assert not [p for p in pids if pid_alive(p)]
    assert "Leadership timeline" in up.output()


@pytest.fixture
def own_temp_dir(monkeypatch):
    """A temp dir (TMPDIR) for what the test starts, empty: whatever `up` makes there, and only that.
    Short (not in tmp_path): the fork server's socket in it must fit an AF_UNIX path."""
    temp = Path(tempfile.mkdtemp(prefix="k"))
    monkeypatch.setenv("TMPDIR", str(temp))
    yield temp
    shutil.rmtree(temp, ignore_errors=True)


def test_sigkill_of_the_supervisor_leaves_nothing_behind(start_up, own_temp_dir):
    temp = own_temp_dir
    up = start_up("-n", 3, "--interval", INTERVAL, "--session-timeout", SESSION_TIMEOUT)
    status = up.wait_ready(3, timeout=60)
    made = sorted(p.name.split("-")[0] for p in temp.iterdir())
    assert "pymp" in made and "clustersim" in made, made  # the fork server's socket dir, ZooKeeper's, its own
    pids = _pids(status, up)
    up.proc.send_signal(signal.SIGKILL)
    up.proc.wait(10)
    wait_until(lambda: not [p for p in pids if pid_alive(p)], 30, "every node and ZooKeeper to exit")
    wait_until(lambda: not list(temp.iterdir()), 10, "the reaper to empty the temp dir")
    # the control socket is gone too: a new cluster of the same name can start
    result = clustersim("status", "--name", up.name)
    assert result.returncode == 1 and "no cluster named" in result.stderr


def test_a_node_started_by_hand_shows_as_remote(start_up, zk_hosts, tmp_path):
    import subprocess
    import sys

    up = start_up(*up_args(zk_hosts, 2))
    status = up.wait_ready(2)
    log = open(tmp_path / "node7.log", "w")
    student = subprocess.Popen([sys.executable, "-m", "cluster_sim", "node", "7", "--zk", zk_hosts,
                                "--api-url", status["api_url"], "--interval", str(INTERVAL),
                                "--session-timeout", str(SESSION_TIMEOUT)], stdout=log, stderr=subprocess.STDOUT)
    try:
        # its bare value (/mediciones) can be seen a moment before its history (pid, host), and its
        # place in the election (polled, not watched) a snapshot after: wait for all three
        node = wait_until(lambda: next((n for n in up.status()["nodes"]
                                        if n["id"] == "7" and n["value"] and n["pid"] and n["role"]), None),
                          20, "node 7 in the table with its pid and role")
        assert node["remote"] is True and node["state"] == "remote" and node["pid"] == student.pid
        assert node["host"] and node["role"] in ("follower", "LEADER")
        joined = wait_until(lambda: up.events("remote_joined", node="7"), 10, "the join event")[-1]
        assert joined.host == node["host"] and f"remote node 7 joined from {joined.host}" in up.output()
        # not the supervisor's process: it cannot start it (its kill goes through ZooKeeper: test_remote.py)
        result = up.cli("start", "7")
        assert result.returncode == 1 and "held by another process" in result.stderr
    finally:
        student.send_signal(signal.SIGINT)
        assert student.wait(15) == 0
        log.close()
    wait_until(lambda: "7" not in {n["id"] for n in up.status()["nodes"]}, 10, "node 7 gone from the table")


def test_a_node_killed_hard_can_be_started_again(start_up, zk_hosts):
    up = start_up(*up_args(zk_hosts, 3))
    leader = up.wait_ready(3)["leader"]
    victim = next(n["id"] for n in up.status()["nodes"] if n["id"] != leader)
    old_pid = next(n["pid"] for n in up.status()["nodes"] if n["id"] == victim)
    assert up.cli("kill", victim, "--hard").returncode == 0
    wait_until(lambda: next(n for n in up.status()["nodes"] if n["id"] == victim)["state"] == "crashed", 10,
               "the node shown crashed")
    # its znode lives until the session expires: start waits for that, then takes the id
    result = up.cli("start", victim)
    assert result.returncode == 0, result.stderr

    def back():
        node = next(n for n in up.status()["nodes"] if n["id"] == victim)
        return node["state"] == "running" and node["pid"] != old_pid and node["age_s"] is not None \
            and node["age_s"] < 2 * INTERVAL + 1
    wait_until(back, SESSION_TIMEOUT * 3 + 10, "the node running again with fresh readings")
    assert up.cli("start", victim).returncode == 1  # already running: one line, refused


def test_a_second_node_with_a_live_id_is_refused(start_up, zk_hosts, tmp_path):
    up = start_up(*up_args(zk_hosts, 2))
    up.wait_ready(2)
    absent = tmp_path / "never-made"   # where the refused node would keep its truth log
    result = subprocess.run([sys.executable, "-m", "cluster_sim", "node", "1", "--zk", zk_hosts,
                             "--interval", str(INTERVAL)], capture_output=True, text=True, timeout=30,
                            env={**os.environ, "CLUSTERSIM_RUNTIME_DIR": str(absent)})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "already running" in lines[0], result.stderr
    assert next(n for n in up.status()["nodes"] if n["id"] == "1")["state"] == "running"
    assert not absent.exists()   # refused: nothing of it is left, no truth log, no directory


def test_two_clusters_run_side_by_side(start_up, zk_server):
    import uuid

    a = start_up(*up_args(f"{zk_server.address}/a-{uuid.uuid4().hex[:6]}", 2), name="alpha")
    b = start_up(*up_args(f"{zk_server.address}/b-{uuid.uuid4().hex[:6]}", 3), name="beta")
    assert len(a.wait_ready(2)["nodes"]) == 2
    assert len(b.wait_ready(3)["nodes"]) == 3
    assert a.cli("kill", "1").returncode == 0
    wait_until(lambda: next(n for n in a.status()["nodes"] if n["id"] == "1")["state"] == "stopped", 10,
               "node 1 of alpha stopped")
    assert next(n for n in b.status()["nodes"] if n["id"] == "1")["state"] == "running"
    # a second up with a name in use is refused before it starts anything
    again = clustersim("up", "--name", "alpha", "-n", "1", "--zk", zk_server.address)
    assert again.returncode == 2 and "already running" in again.stderr


def test_logs_shows_what_a_node_printed(start_up, zk_hosts):
    up = start_up(*up_args(zk_hosts, 2))
    leader = up.wait_ready(2)["leader"]
    wait_until(lambda: "Media:" in up.cli("logs", leader).stdout, 15, "the leader's original-style lines")
    result = up.cli("logs", leader, "-n", "4")
    assert result.returncode == 0
    assert result.stdout.splitlines()[0].startswith("==> ") and len(result.stdout.splitlines()) <= 5
    assert f"I'm the leader: (id = {leader})" in up.cli("logs", leader, "-n", "50").stdout
    assert up.cli("logs", "99").returncode == 1


def test_sigkill_of_the_supervisor_gives_the_terminal_back(runtime_dir, own_temp_dir):
    """A live view hides the cursor; killed with SIGKILL it cannot show it again,
    so the reaper does. And multiprocessing's "leaked semaphore" warning stays out."""
    import os
    import pty
    import select
    import subprocess
    import sys

    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "cluster_sim", "up", "-n", "1", "--interval", str(INTERVAL),
                             "--session-timeout", str(SESSION_TIMEOUT), "--name", "ptykill"],
                            stdin=slave, stdout=slave, stderr=slave, close_fds=True)
    os.close(slave)
    screen = bytearray()

    def read_some(timeout=0.2):
        if select.select([master], [], [], timeout)[0]:
            try:
                screen.extend(os.read(master, 65536))
            except OSError:  # EIO: every writer closed the terminal
                return False
        return True

    try:
        wait_until(lambda: read_some() and b"LEADER" in screen, 60, "the live view on the terminal")
        assert b"\x1b[?25l" in screen  # the live view hid the cursor
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        hidden_at = screen.rfind(b"\x1b[?25l")
        wait_until(lambda: read_some() is not None and screen.rfind(b"\x1b[?25h") > hidden_at, 30,
                   "the cursor shown again")
        wait_until(lambda: not read_some(0.5), 30, "every process gone from the terminal")
        assert b"leaked semaphore" not in screen and b"resource_tracker" not in screen, screen[-500:]
        wait_until(lambda: not list(own_temp_dir.iterdir()), 10, "the reaper to empty the temp dir")
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
