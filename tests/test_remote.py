"""The teacher's commands reach a student's node through ZooKeeper (issue 21): kill,
hard kill, pause (shorter and longer than the session timeout), partition and heal,
on a node joined with the join line, from another address of this machine and from
another machine (a network namespace). Real ZooKeeper; the rounds are judged against
the nodes' truth logs; times are printed (-s), not asserted."""

import os
import queue
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from kazoo.client import KazooClient
from kazoo.exceptions import NoAuthError

from cluster_sim.protocol import paths
from cluster_sim.protocol import remote_requests as rr
from cluster_sim.base import zkclient

from conftest import INTERVAL, SESSION_TIMEOUT, pid_alive, stored_rounds, wait_until
from ground_truth import GroundTruth
from machines import left_in, machine

BIN = str(Path(sys.executable).parent)
STUDENT = "3"


def student_env():
    env = {k: v for k, v in os.environ.items() if k != "CLUSTERSIM_SECRET"}
    env["PATH"] = BIN + os.pathsep + env.get("PATH", "")
    return env


class Student:
    """A student's terminal: the join line (with --truth-dir) run in bash, here or in a namespace."""

    def __init__(self, line, truth_dir, log_path, ns=None):
        self.prefix = ["ip", "netns", "exec", ns] if ns else []
        self.line = f"{line} --truth-dir {shlex.quote(str(truth_dir))}"
        self.log_path = log_path
        self.procs = []

    def start(self, node_id=""):
        """The line as pasted (the lowest free id), or with the id it had (a restart: a new
        member never takes a leaver's id by itself)."""
        log = open(self.log_path, "a")
        command = self.prefix + ["bash", "-c", f"{self.line} {node_id}".strip()]
        self.procs.append(subprocess.Popen(command, env=student_env(), stdout=log, stderr=subprocess.STDOUT,
                                           stdin=subprocess.DEVNULL, start_new_session=True))
        log.close()
        return self.procs[-1]

    def end(self):
        for proc in self.procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGCONT)   # a paused one must hear the SIGINT
                    os.killpg(proc.pid, signal.SIGINT)
                    proc.wait(20)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(10)


def secret_of(line):
    first = shlex.split(line)[0]
    assert first.startswith("CLUSTERSIM_SECRET="), line
    return first.split("=", 1)[1]


def node_of(up, node_id=STUDENT):
    return next((n for n in up.status()["nodes"] if str(n["id"]) == node_id), None)


def timed(what, predicate, timeout=20.0):
    """Wait for `predicate`; print how long it took (recorded, not asserted)."""
    start = time.monotonic()
    value = wait_until(predicate, timeout, what)
    print(f"TIMING {what}: {time.monotonic() - start:.2f} s")
    return value


def sampling(up, node_id=STUDENT):
    """Node `node_id` is in the table with a fresh reading."""
    node = node_of(up, node_id)
    return node if node and node.get("value") is not None and node["remote"] else None


def owner(zk, node_id=STUDENT):
    stat = zk.exists(paths.reading_path(node_id))
    return stat.ephemeralOwner if stat else None


def listening(zk, proc):
    """The node's taker listens (its card names the process the student runs)."""
    return wait_until(lambda: (lambda c: c if c and c.pid in _family(proc.pid) else None)(
        rr.card(zk, paths.taker_name(STUDENT))), 20, "the node's card")


def _family(pid):
    """pid and its descendants (the node may run under `ip netns exec` and bash)."""
    out = subprocess.run(["ps", "-eo", "pid=,ppid="], capture_output=True, text=True).stdout.split()
    children = {}
    for child, parent in zip(out[::2], out[1::2]):
        children.setdefault(int(parent), []).append(int(child))
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        found.add(p)
        todo += children.get(p, [])
    return found


def command(up, *args):
    start = time.monotonic()
    result = up.cli(*args)
    print(f"TIMING clustersim {' '.join(map(str, args))} (the CLI, answer included): "
          f"{time.monotonic() - start:.2f} s")
    assert result.returncode == 0, result.stderr + result.stdout
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def run_the_lesson(up, zk, student, tmp_path):
    """Every command on the student's node, from the teacher's CLI."""
    timed("the student's node in the table", lambda: sampling(up))
    listening(zk, student.procs[-1])
    host = node_of(up)["host"]
    assert host, "a remote node's host is in status --json"

    # partition: the node's own relays cut it off ZooKeeper; its session expires; heal brings it back
    said = command(up, "partition", STUDENT)
    assert "through ZooKeeper" in said, said
    timed("status: partitioned", lambda: (node_of(up) or {}).get("faults", {}) and
          node_of(up)["faults"]["partitioned"] == "zk", 5)
    timed("status: gone after its session expired", lambda: node_of(up) is None, 20)
    said = command(up, "heal", STUDENT)       # heard on the taker's own session, not the cut one
    assert "through ZooKeeper" in said, said
    timed("status: back after heal", lambda: sampling(up), 20)

    # pause shorter than the session timeout: the same session, the node stays a member
    before = wait_until(lambda: owner(zk), 10, "its member znode")
    card_before = rr.card(zk, paths.taker_name(STUDENT))
    said = command(up, "pause", STUDENT, "--for", 1)
    paused_at = time.monotonic()
    last = zk.exists(paths.reading_path(STUDENT)).mzxid
    timed("a new reading after a 1 s pause", lambda: time.monotonic() - paused_at > 1.0 and (
        zk.exists(paths.reading_path(STUDENT)).mzxid != last) and sampling(up), 10)
    assert owner(zk) == before, "a pause shorter than the session timeout kept the session"

    # pause longer than the session timeout: the session expires; it comes back by itself
    said = command(up, "pause", STUDENT, "--for", int(SESSION_TIMEOUT * 2 + 1))
    timed("status: gone during a 5 s pause", lambda: node_of(up) is None, 20)
    timed("status: back by itself after the pause", lambda: sampling(up), 30)
    after = wait_until(lambda: owner(zk), 10, "its member znode again")
    assert after != before, "a pause longer than the session timeout expired the session"

    # at most once: a request for the taker's old session (expired in the pause) is never carried out,
    # though the node carries out a newer one (requests are taken oldest first)
    stale = rr.ask(zk, paths.taker_name(STUDENT), "kill", {"hard": True}, to=card_before)
    wait_until(lambda: rr.card(zk, paths.taker_name(STUDENT)) not in (None, card_before), 10, "a new card")
    command(up, "slow", STUDENT, "--latency", 20)
    command(up, "heal", STUDENT)
    assert zk.exists(stale) is not None and b'"asked"' in zk.get(stale)[0], "the stale request was left alone"
    assert student.procs[-1].poll() is None, "the node did not kill itself on a stale request"
    zk.delete(stale)

    # graceful kill: a clean exit
    proc = student.procs[-1]
    card_running = rr.card(zk, paths.taker_name(STUDENT))
    said = command(up, "kill", STUDENT)
    assert proc.wait(20) == 0
    timed("status: gone after kill", lambda: node_of(up) is None, 10)

    # a restarted node does not replay a request asked of the one before
    old = rr.ask(zk, paths.taker_name(STUDENT), "kill", {"hard": True}, to=card_running)
    proc = student.start(STUDENT)
    timed("status: the restarted node", lambda: sampling(up), 30)
    listening(zk, proc)
    command(up, "slow", STUDENT, "--latency", 20)
    command(up, "heal", STUDENT)
    assert b'"asked"' in zk.get(old)[0] and proc.poll() is None
    zk.delete(old)

    # hard kill: SIGKILL of itself; ZooKeeper notices only when the session expires
    said = command(up, "kill", STUDENT, "--hard")
    assert proc.wait(20) == -signal.SIGKILL
    timed("status: gone after kill --hard (session timeout)", lambda: node_of(up) is None, 20)

    # a node that does not answer: one line, within the bound
    proc = student.start(STUDENT)
    timed("status: the node back once more", lambda: sampling(up), 30)
    listening(zk, proc)
    os.killpg(proc.pid, signal.SIGSTOP)
    try:
        result = up.cli("kill", STUDENT)
        assert result.returncode != 0 and "did not answer" in result.stderr and len(
            result.stderr.strip().splitlines()) == 1, result.stderr
    finally:
        os.killpg(proc.pid, signal.SIGCONT)
    assert proc.poll() is None, "an unanswered request is not carried out later"


def judge(up, status, truth_dirs, tmp_path):
    merged = tmp_path / "truth-merged"
    merged.mkdir()
    for directory in truth_dirs:
        for path in Path(directory).glob("node-*.jsonl"):
            (merged / path.name).write_bytes(path.read_bytes())
    rows = stored_rounds(up.rows())
    assert rows
    GroundTruth.load(merged).assert_rows_match(rows, allow_partial=True)


def lesson(start_up, tmp_path, runtime_dir, listen, ns=None):
    up = start_up("-n", 2, "--interval", INTERVAL, "--session-timeout", SESSION_TIMEOUT, "--listen", listen)
    status = up.wait_ready(2)
    line = wait_until(lambda: up.status()["join_command"], 20, "the join line")
    truth = tmp_path / "student.truth"
    student = Student(line, truth, tmp_path / "student.log", ns=ns)
    zk = zkclient.connect(status["zk"], secret=secret_of(line))
    try:
        student.start()
        run_the_lesson(up, zk, student, tmp_path)
        # without the secret, ZooKeeper itself refuses a request
        stranger = KazooClient(hosts=status["zk"])
        stranger.start(10)
        try:
            with pytest.raises(NoAuthError):
                stranger.create(rr.mailbox(paths.taker_name(STUDENT)) + "/req-", b"{}", sequence=True)
        finally:
            stranger.stop()
            stranger.close()
    finally:
        zkclient.close(zk)
        student.end()
    print(student.log_path.read_text()[-3000:])
    judge(up, status, [status["truth_dir"], runtime_dir / "default.truth", truth], tmp_path)


def test_commands_reach_a_student_node_through_zookeeper(start_up, tmp_path, runtime_dir):
    # 127.0.0.2: another address of this machine, so `up` prints a join line
    lesson(start_up, tmp_path, runtime_dir, "127.0.0.2")


def test_commands_reach_a_node_on_another_machine(start_up, tmp_path, runtime_dir):
    with machine() as (ns, address):
        lesson(start_up, tmp_path, runtime_dir, address, ns=ns)
        assert left_in(ns) == [], "nothing left running in the student's machine"


def test_a_node_of_the_original_design_cannot_take_requests(start_up, tmp_path, runtime_dir):
    up = start_up("-n", 2, "--interval", INTERVAL, "--session-timeout", SESSION_TIMEOUT)
    status = up.wait_ready(2)
    zk = zkclient.connect(status["zk"])
    try:
        zk.create(paths.reading_path("9"), b"80.0", ephemeral=True)   # what the original writes
        wait_until(lambda: node_of(up, "9"), 10, "the original node in the table")
        result = up.cli("kill", "9")
        assert result.returncode != 0
        assert result.stderr.strip().splitlines() == [
            "clustersim: node 9 on unknown host cannot take requests: a node of the original design "
            "(or of an older clustersim)"], result.stderr
    finally:
        zkclient.close(zk)


@pytest.fixture
def own_temp_dir(monkeypatch):
    """An empty TMPDIR for what the test starts (short: the fork server's socket must fit)."""
    temp = Path(tempfile.mkdtemp(prefix="k"))
    monkeypatch.setenv("TMPDIR", str(temp))
    yield temp
    shutil.rmtree(temp, ignore_errors=True)


def test_nothing_left_in_the_namespace_after_sigkill_of_the_supervisor(start_up, tmp_path, runtime_dir,
                                                                       own_temp_dir):
    with machine() as (ns, address):
        up = start_up("-n", 1, "--interval", INTERVAL, "--session-timeout", SESSION_TIMEOUT, "--listen", address)
        status = up.wait_ready(1)
        line = wait_until(lambda: up.status()["join_command"], 20, "the join line")
        student = Student(line, tmp_path / "student.truth", tmp_path / "student.log", ns=ns)
        try:
            student.start()
            wait_until(lambda: sampling(up, "2"), 30, "the student's node")
            pids = [n["pid"] for n in up.status()["nodes"] if n["pid"] and not n["remote"]]
            pids += [s["pid"] for s in status["zk_servers"] if s["pid"]]
            up.proc.send_signal(signal.SIGKILL)
            up.proc.wait(10)
            wait_until(lambda: not [p for p in pids if pid_alive(p)], 30, "its nodes and ZooKeeper to exit")
            wait_until(lambda: not list(own_temp_dir.iterdir()), 10, "the reaper to empty the temp dir")
        finally:
            student.end()   # the student stops it: Ctrl-C, with the teacher's ZooKeeper gone
        assert student.procs[0].returncode is not None
        assert left_in(ns) == [], "nothing left running in the student's machine"


def test_a_local_pause_for_seconds_resumes_by_itself():
    """`pause ID --for S` on a node of ours: the supervisor asks itself for the resume in time."""
    from cluster_sim.supervisor.manager import Manager
    from cluster_sim.engine.messages import SpawnNodes

    from test_core import Clock, FakeSpawner, Tally, model, snap

    clock = Clock()
    manager = Manager(model(), FakeSpawner(), lambda node_id, wait: node_id, [Tally()], clock=clock)
    manager.handle(SpawnNodes(("1", "2")))
    manager.handle(snap(clock.advance(1), ("1", "2"), {"id": "1", "epoch": 1}))
    proc = manager.procs["2"]
    proc.pause = lambda: setattr(proc, "paused", True)
    proc.resume = lambda: setattr(proc, "paused", False)
    reply = queue.Queue(maxsize=1)
    manager.submit_request({"cmd": "pause", "id": "2", "for": 1}, reply)
    manager.handle(manager.queue.get_nowait())
    assert reply.get_nowait()["ok"] and proc.paused
    resume = wait_until(lambda: manager.queue.get_nowait(), 5, "the resume it asks of itself")
    manager.handle(resume)
    assert not proc.paused and manager.state.nodes["2"].state == "running"
