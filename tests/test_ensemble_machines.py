"""The quorum lesson on three machines: three network namespaces, each running one
server of one ZooKeeper ensemble (`clustersim zk --id N --peers ...`), joined to
the teacher's host by one link each (a veth pair on a bridge). `up --zk A,B,C`
on the host; one machine unplugged: rounds go on; two: no quorum, no rounds;
both back: every round stored or declared partial, judged against the truth
logs and `clustersim check`. Nothing is left in any namespace afterwards.
Needs root and `ip netns`: skips with the reason elsewhere. Without root: three
servers on three loopback addresses of one machine, and bad input."""

import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys

import pytest

from cluster_sim.base import procfs
from cluster_sim.base.reaper import Reaper
from cluster_sim.zk.probe import NO_QUORUM, server_mode

from cluster_sim.base.ports import free_ports

from conftest import INTERVAL, SESSION_TIMEOUT, clustersim, stored_rounds, wait_until
from ground_truth import GroundTruth

CLIENT_PORT = 2181      # every namespace has its own network stack: ZooKeeper's usual ports
TICK_MS = 100           # a quick lesson: a lost peer is noticed in syncLimit (5) ticks


def _run(*command, check=True):
    return subprocess.run(list(command), check=check, capture_output=True, text=True, timeout=15)


def _ns_pids(ns):
    return _run("ip", "netns", "pids", ns, check=False).stdout.split()


class Machines:
    """Three namespaces on a bridge of the host: machine i is namespace ``names[i-1]``
    at ``addresses[i-1]``, its link to the host ``links[i-1]`` (the host's end).
    Every name carries the pid of the test process: a later run removes what a
    SIGKILLed one left (sweep); a reaper ends the servers even then."""

    def __init__(self, tmp_path, reaper, pid=None):
        tag = str(pid or os.getpid())
        self.bridge = f"csbr{tag}"
        self.names = [f"cse{tag}m{i}" for i in (1, 2, 3)]
        self.links = [f"cseh{tag}{i}" for i in (1, 2, 3)]
        self.reaper = reaper
        taken = set(re.findall(r"inet 10\.213\.(\d+)\.", _run("ip", "-4", "addr").stdout))
        x = random.choice([x for x in range(256) if str(x) not in taken])   # another test's link may be up
        self.host_address = f"10.213.{x}.1"
        self.addresses = [f"10.213.{x}.{10 + i}" for i in (1, 2, 3)]
        self.tmp = tmp_path / "machines-tmp"      # every member's TMPDIR: its data dir must go
        self.tmp.mkdir(exist_ok=True)
        self.logs = [tmp_path / f"zk{i}.log" for i in (1, 2, 3)]
        self.procs = []

    def create(self):
        _run("ip", "link", "add", self.bridge, "type", "bridge")
        _run("ip", "addr", "add", f"{self.host_address}/24", "dev", self.bridge)
        _run("ip", "link", "set", self.bridge, "up")
        for ns, link, address in zip(self.names, self.links, self.addresses):
            inside = link.replace("cseh", "csei")
            _run("ip", "netns", "add", ns)
            _run("ip", "link", "add", link, "type", "veth", "peer", "name", inside)
            _run("ip", "link", "set", inside, "netns", ns)
            _run("ip", "link", "set", link, "master", self.bridge)
            _run("ip", "link", "set", link, "up")
            _run("ip", "netns", "exec", ns, "ip", "addr", "add", f"{address}/24", "dev", inside)
            _run("ip", "netns", "exec", ns, "ip", "link", "set", inside, "up")
            _run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up")

    @property
    def peers(self):
        return ",".join(f"{a}:2888:3888" for a in self.addresses)

    @property
    def connect_string(self):
        return ",".join(f"{a}:{CLIENT_PORT}" for a in self.addresses)

    def start_servers(self, **env_vars):
        env = dict(os.environ, TMPDIR=str(self.tmp), **env_vars)
        for i, (ns, log_path) in enumerate(zip(self.names, self.logs), 1):
            with open(log_path, "w") as log:
                self.procs.append(subprocess.Popen(
                    ["ip", "netns", "exec", ns, sys.executable, "-m", "cluster_sim", "zk", "--id", str(i),
                     "--peers", self.peers, "--tick-ms", str(TICK_MS)],
                    stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                    start_new_session=True))
            self.reaper.watch_pid(self.procs[-1].pid)

    def mode(self, i):
        return server_mode(self.addresses[i - 1], CLIENT_PORT)

    def client_address(self, i):
        return f"{self.addresses[i - 1]}:{CLIENT_PORT}"

    def modes(self):
        return {i: self.mode(i) for i in (1, 2, 3)}

    def listening(self):
        """The members whose agent said, on their terminal, that the teacher's zk commands reach them."""
        return {i for i, log in enumerate(self.logs, 1) if "reach it now (zk" in log.read_text()}

    def unplug(self, i):
        _run("ip", "link", "set", self.links[i - 1], "down")

    def plug(self, i):
        _run("ip", "link", "set", self.links[i - 1], "up")

    def stop_servers(self):
        """Ctrl-C to every `clustersim zk`; their exit codes."""
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGINT)
        codes = []
        for proc in self.procs:
            try:
                codes.append(proc.wait(20))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                codes.append(proc.wait(10))
        return codes

    def destroy(self):
        """Whatever happened: every process in the namespaces killed, the namespaces, links and bridge gone."""
        for proc in self.procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait(10)
        for ns in self.names:
            for pid in _ns_pids(ns):
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except ProcessLookupError:
                    pass
            _run("ip", "netns", "del", ns, check=False)
        for link in [*self.links, self.bridge]:
            _run("ip", "link", "del", link, check=False)


def _sweep(tmp_path, reaper):
    """Remove the namespaces of a test process that is gone (SIGKILLed before its teardown)."""
    for pid in {int(p) for p in re.findall(r"^cse(\d+)m\d\b", _run("ip", "netns", "list").stdout, re.M)}:
        if not procfs.alive(pid):
            Machines(tmp_path, reaper, pid=pid).destroy()


@pytest.fixture
def machines(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("creating network namespaces needs root")
    if shutil.which("ip") is None or subprocess.run(["ip", "netns", "list"], capture_output=True).returncode != 0:
        pytest.skip("`ip netns` is not available here")
    reaper = Reaper.start(grace=5.0)
    _sweep(tmp_path, reaper)
    m = Machines(tmp_path, reaper)
    try:
        m.create()
    except subprocess.CalledProcessError as exc:
        m.destroy()
        reaper.close()
        pytest.skip(f"cannot create network namespaces and a bridge here: {exc.stderr.strip()}")
    try:
        yield m
    finally:
        m.destroy()
        reaper.close()
        left = _run("ip", "netns", "list").stdout + _run("ip", "link", "show").stdout
        assert not [name for name in [*m.names, *m.links, m.bridge] if name in left], left


def test_three_machines_lose_one_then_two_and_every_round_is_accounted_for(machines, start_up):
    machines.start_servers()
    wait_until(lambda: sorted(machines.modes().values()) == ["follower", "follower", "leader"], 60,
               "one ZooKeeper leader and two followers across the three machines")
    banner = machines.logs[0].read_text()
    assert f"clustersim up --zk {machines.connect_string}" in banner
    assert f"clustersim zk --id 2 --peers {machines.peers} --tick-ms {TICK_MS}" in banner

    up = start_up("-n", 3, "--zk", machines.connect_string, "--interval", INTERVAL,
                  "--session-timeout", SESSION_TIMEOUT)
    up.wait_ready(3, timeout=60)
    # each member says when its agent listens: before that, zk-kill N has nobody to ask
    wait_until(lambda: machines.listening() == {1, 2, 3}, 30, "each member's agent listening on ZooKeeper")

    def shown(i):
        """Server i's mode as the teacher's screen shows it (status --json)."""
        return next(s["mode"] for s in up.status()["zk_servers"] if s["address"] == machines.client_address(i))

    def rounds():
        return len(stored_rounds(up.rows()))

    # the ZooKeeper leader's machine unplugged: the two others keep a quorum, rounds go on
    first = next(i for i, mode in machines.modes().items() if mode == "leader")
    machines.unplug(first)
    rest = [i for i in (1, 2, 3) if i != first]
    wait_until(lambda: sorted(machines.mode(i) for i in rest) == ["follower", "leader"], 30,
               "a new ZooKeeper leader among the two machines left")
    wait_until(lambda: shown(first) == "down", 10, "the unplugged server shown down")
    before = rounds()
    wait_until(lambda: rounds() >= before + 4, 40, "rounds with one machine unplugged")

    # a second machine unplugged: the last server has no quorum, nobody stores a round
    second, last = rest
    machines.unplug(second)
    wait_until(lambda: machines.mode(last) == NO_QUORUM, 30, "the last server running without quorum")
    wait_until(lambda: shown(last) == NO_QUORUM and shown(second) == "down", 10,
               "the teacher's screen: one server without quorum, two down")
    wait_until(lambda: all(n["connection"] in ("SUSPENDED", "LOST") for n in up.status()["nodes"]), 30,
               "every node cut off from ZooKeeper")
    stalled = rounds()
    newest = max(r["round"] for r in stored_rounds(up.rows()))
    truth_dir = up.status()["truth_dir"]

    def sampled_beyond():
        truth = GroundTruth.load(truth_dir)
        return all(max(truth.rounds_of(n), default=0) >= newest + 6 for n in ("1", "2", "3"))
    wait_until(sampled_beyond, 30, "every node sampling six rounds past the newest stored one")
    # the nodes sample on, but no round of theirs is stored (at most those a leader had in hand)
    assert rounds() <= stalled + 2
    assert max(r["round"] for r in stored_rounds(up.rows())) <= newest + 2
    assert "server {}: no quorum".format(last) in machines.logs[last - 1].read_text()

    # both plugged back: rounds resume with every node's reading
    machines.plug(first)
    machines.plug(second)
    wait_until(lambda: sorted(machines.modes().values()) == ["follower", "follower", "leader"], 60,
               "the ensemble whole again")
    wait_until(lambda: sorted(shown(i) for i in (1, 2, 3)) == ["follower", "follower", "leader"], 10,
               "the teacher's screen showing it whole")
    wait_until(lambda: rounds() >= stalled + 6, 60, "rounds after quorum is back")
    back = max(r["round"] for r in stored_rounds(up.rows()))
    wait_until(lambda: [r for r in stored_rounds(up.rows()) if r["round"] > back and r["count"] == 3], 30,
               "live rounds with all three readings")

    # every round stored whole or declared partial, as the nodes really sampled it
    check = up.cli("check")
    assert check.returncode == 0, check.stdout + check.stderr
    GroundTruth.load(truth_dir).assert_rows_match(stored_rounds(up.rows()), allow_partial=True)
    assert up.stop() == 0

    # Ctrl-C on each machine: nothing of theirs left there
    assert machines.stop_servers() == [0, 0, 0]
    assert all(not _ns_pids(ns) for ns in machines.names)
    assert list(machines.tmp.iterdir()) == []


# -- without root: bad input, and three servers on loopback addresses ------------------
@pytest.mark.parametrize("args, message", [
    (["--id", "2"], "--id and --peers go together: --peers lists every server, --id says which one runs here"),
    (["--id", "1", "--peers", "198.51.100.1,198.51.100.2"],
     "an ensemble across machines needs 3 or more servers (--peers names 2); for one server, leave --peers off"),
    (["--id", "4", "--peers", "198.51.100.1,198.51.100.2,198.51.100.3"],
     "--id 4: --peers names servers 1 to 3 (the Nth entry is server N)"),
    (["--id", "1", "--peers", "198.51.100.1:2888,198.51.100.2,198.51.100.3"],
     "'198.51.100.1:2888' is not HOST or HOST:PEER_PORT:ELECTION_PORT (like 10.0.0.5:2888:3888)"),
    (["--id", "1", "--peers", "198.51.100.1,198.51.100.1,198.51.100.3"], "'198.51.100.1' is named twice: one entry per server"),
    (["--id", "2", "--peers", "198.51.100.1,198.51.100.2,198.51.100.3"],
     "--id 2 names 198.51.100.2, which is not an address of this machine: type the --id of this machine's entry "
     "in --peers"),
])
def test_a_member_given_a_bad_layout_says_so_in_one_line(args, message):
    with socket.socket() as s:
        try:
            s.bind(("198.51.100.2", 0))
            pytest.skip("198.51.100.2 (documentation addresses) is an address of this machine")
        except OSError:
            pass
    result = clustersim("zk", *args)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"clustersim: {message}"]


def test_a_member_whose_client_port_is_taken_says_so_before_java_starts():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = clustersim("zk", "--id", "1", "--peers", "127.0.0.1,198.51.100.2,198.51.100.3", "--port", str(port),
                            "--listen", "127.0.0.1")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"clustersim: port {port} (ZooKeeper's client port) is already in use here: stop what holds it, "
        "or choose other ports for every machine"]


def test_three_members_on_loopback_addresses_elect_lose_quorum_and_leave_nothing(tmp_path):
    client, *quorum = free_ports("127.0.0.1", 7)
    hosts = ["127.0.0.1", "127.0.0.2", "127.0.0.3"]
    peers = ",".join(f"{h}:{quorum[2 * i]}:{quorum[2 * i + 1]}" for i, h in enumerate(hosts))
    temp = tmp_path / "tmp"
    temp.mkdir()
    logs = [tmp_path / f"zk{i}.log" for i in (1, 2, 3)]
    procs = []
    try:
        for i, (host, log_path) in enumerate(zip(hosts, logs), 1):
            with open(log_path, "w") as log:
                procs.append(subprocess.Popen(
                    [sys.executable, "-m", "cluster_sim", "zk", "--id", str(i), "--peers", peers, "--port", str(client),
                     "--listen", host, "--tick-ms", str(TICK_MS)], stdout=log, stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL, env=dict(os.environ, TMPDIR=str(temp)), start_new_session=True))

        def modes():
            return sorted(server_mode(h, client) for h in hosts)
        wait_until(lambda: modes() == ["follower", "follower", "leader"], 60, "one leader and two followers")
        first = logs[0].read_text()
        assert first.splitlines()[:6] == [
            f"ZooKeeper server 1 of 3 on 127.0.0.1, clients on port {client} "
            "(it serves while 2 of the 3 servers see each other; Ctrl-C to stop)",
            "the other machines type:",
            f"  127.0.0.2:  clustersim zk --id 2 --peers {peers} --port {client} --tick-ms {TICK_MS}",
            f"  127.0.0.3:  clustersim zk --id 3 --peers {peers} --port {client} --tick-ms {TICK_MS}",
            "the teacher types:",
            f"  clustersim up --zk 127.0.0.1:{client},127.0.0.2:{client},127.0.0.3:{client}"]
        # two servers stopped (Ctrl-C): the last one runs on, without a quorum, and says so
        for proc in procs[1:]:
            os.killpg(proc.pid, signal.SIGINT)
            assert proc.wait(20) == 0
        wait_until(lambda: "server 1: no quorum (fewer than 2 of 3 servers see each other): not serving"
                   in logs[0].read_text(), 30, "server 1 saying it has no quorum")
        assert server_mode("127.0.0.1", client) == NO_QUORUM
        os.killpg(procs[0].pid, signal.SIGINT)
        assert procs[0].wait(20) == 0
        assert list(temp.iterdir()) == []          # every server's data dir removed
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)


@pytest.mark.parametrize("secret", [None, "s3cret-of-the-class"])
def test_the_teacher_stops_starts_and_freezes_a_members_server_through_zookeeper(machines, start_up, secret):
    """zk-kill/zk-start/zk-pause N on `up --zk A,B,C` reach server N's member (its agent zk{N})
    in its namespace: the server there really stops, starts, freezes and thaws by itself;
    with a secret, the members hold it too (CLUSTERSIM_SECRET) and the requests are the cluster's."""
    machines.start_servers(**({"CLUSTERSIM_SECRET": secret} if secret else {}))
    wait_until(lambda: sorted(machines.modes().values()) == ["follower", "follower", "leader"], 60,
               "one ZooKeeper leader and two followers across the three machines")
    up = start_up("-n", 3, "--zk", machines.connect_string, "--interval", INTERVAL,
                  "--session-timeout", SESSION_TIMEOUT, *(["--secret", secret] if secret else []))
    up.wait_ready(3, timeout=60)
    # each member says when its agent listens: before that, zk-kill N has nobody to ask
    wait_until(lambda: machines.listening() == {1, 2, 3}, 30, "each member's agent listening on ZooKeeper")

    def shown(i):
        return next(s["mode"] for s in up.status()["zk_servers"] if s["address"] == machines.client_address(i))

    def rounds():
        return len(stored_rounds(up.rows()))

    def serving(i):
        return machines.mode(i) in ("follower", "leader")

    # zk-kill 2: server 2's java ends in its namespace; the two others keep a quorum
    killed = up.cli("zk-kill", 2)
    assert killed.returncode == 0, killed.stdout + killed.stderr
    assert "through ZooKeeper" in killed.stdout
    wait_until(lambda: machines.mode(2) == "down", 20, "server 2 down in its namespace")
    wait_until(lambda: shown(2) == "down", 10, "the teacher's screen showing server 2 down")
    assert machines.procs[1].poll() is None            # the member runs on, its server stopped
    before = rounds()
    wait_until(lambda: rounds() >= before + 3, 40, "rounds with server 2 stopped")
    again = up.cli("zk-kill", 2)
    assert again.returncode != 0 and "ZooKeeper server 2 is not running" in again.stdout + again.stderr

    # zk-start 2: back in the ensemble
    started = up.cli("zk-start", 2)
    assert started.returncode == 0, started.stdout + started.stderr
    wait_until(lambda: serving(2), 60, "server 2 serving again")
    wait_until(lambda: shown(2) in ("follower", "leader"), 10, "the teacher's screen showing server 2 back")

    # zk-pause 3 --for 3: frozen, then back by itself (nobody sends zk-resume)
    paused = up.cli("zk-pause", 3, "--for", 3)
    assert paused.returncode == 0, paused.stdout + paused.stderr
    wait_until(lambda: not serving(3), 10, "server 3 frozen")
    wait_until(lambda: serving(3), 60, "server 3 thawed by itself")
    before = rounds()
    wait_until(lambda: rounds() >= before + 2, 40, "rounds after the pause")
    if secret is None:
        # a member gone (Ctrl-C on its machine; servers 1 and 2 keep a quorum): zk-kill 3
        # names who no longer listens, in one line, rather than waiting for an answer
        os.killpg(machines.procs[2].pid, signal.SIGINT)
        assert machines.procs[2].wait(20) == 0
        gone = up.cli("zk-kill", 3)
        assert gone.returncode == 1, gone.stdout + gone.stderr
        assert gone.stderr.strip().splitlines() == [
            "clustersim: ZooKeeper server 3 has no clustersim zk member listening (zk3): "
            "its machine runs clustersim zk --id 3?"]
    assert up.stop() == 0
    assert machines.stop_servers() == [0, 0, 0]
    assert all(not _ns_pids(ns) for ns in machines.names)
    assert list(machines.tmp.iterdir()) == []
