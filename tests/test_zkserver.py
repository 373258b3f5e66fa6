"""cluster_sim.zk (the ZooKeeper server model) against the real ZooKeeper
installed on this machine.

No mocks: every test starts real Java servers and talks to them with kazoo,
then checks what a user would see (znodes, modes, processes, directories).
"""

import contextlib
import os
import re
import select
import signal
import socket
import subprocess
import sys
import textwrap
import time

import pytest
from kazoo.client import KazooClient
from kazoo.exceptions import KazooException

import cluster_sim
from cluster_sim.base.ports import PortInUse, free_port, free_ports
from cluster_sim.zk import (
    AlreadyRunning,
    ZooKeeperCluster,
    ZooKeeperUnavailable,
    find_distribution,
    install,
    server_mode,
)
from cluster_sim.zk.foreground import run_foreground

PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(cluster_sim.__file__)))

try:
    find_distribution()
    HAVE_ZK = True
except ZooKeeperUnavailable:
    HAVE_ZK = False

needs_zk = pytest.mark.skipif(not HAVE_ZK, reason="ZooKeeper or Java not installed")


def wait_until(predicate, timeout=10.0, interval=0.05, message=None):
    """Poll ``predicate`` until it is true; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return
        if time.monotonic() > deadline:
            raise AssertionError(message or f"condition not met within {timeout}s: {predicate}")
        time.sleep(interval)


def pid_exists(pid):
    return os.path.exists(f"/proc/{pid}")


@contextlib.contextmanager
def kazoo(hosts):
    client = KazooClient(
        hosts=hosts,
        timeout=4.0,
        connection_retry=dict(max_tries=-1, delay=0.1, backoff=1.5, max_delay=0.5),
    )
    try:
        client.start(timeout=10)
        yield client
    finally:
        client.stop()
        client.close()


def try_write(client, timeout=3.0):
    """True if a write commits within ``timeout`` (it needs a quorum)."""
    try:
        client.create_async("/w-", b"x", sequence=True).get(timeout=timeout)
        return True
    except (KazooException, client.handler.timeout_exception):
        return False


# --------------------------------------------------------------------------
# Finding the installation


def test_missing_zookeeper_is_one_line_with_the_fix(monkeypatch, tmp_path):
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    monkeypatch.setenv("ZOOKEEPER_HOME", str(tmp_path / "no-such-zookeeper"))
    monkeypatch.setenv("PATH", str(empty_bin))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(install, "DEBIAN_JAR", str(tmp_path / "missing.jar"))

    with pytest.raises(ZooKeeperUnavailable) as err:
        find_distribution()
    message = str(err.value)
    assert "\n" not in message
    assert "apt-get install zookeeper" in message

    with pytest.raises(ZooKeeperUnavailable):
        find_distribution(debian_jar=str(tmp_path / "also-missing.jar"))


@pytest.mark.skipif(not os.path.isfile(install.DEBIAN_JAR), reason="needs Debian's zookeeper")
def test_missing_java_is_one_line_with_the_fix(monkeypatch, tmp_path):
    monkeypatch.delenv("ZOOKEEPER_HOME", raising=False)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ZooKeeperUnavailable) as err:
        find_distribution()
    message = str(err.value)
    assert "\n" not in message
    assert "default-jre-headless" in message


@needs_zk
@pytest.mark.skipif(not os.path.isfile(install.DEBIAN_JAR), reason="needs Debian's zookeeper")
def test_zkserver_sh_on_path_and_zookeeper_home_are_found(monkeypatch, tmp_path):
    java = find_distribution().java
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "java").symlink_to(java)
    monkeypatch.delenv("ZOOKEEPER_HOME", raising=False)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(bin_dir))
    if os.path.isfile("/usr/share/zookeeper/bin/zkServer.sh"):
        (bin_dir / "zkServer.sh").symlink_to("/usr/share/zookeeper/bin/zkServer.sh")
    dist = find_distribution()
    assert dist.java == str(bin_dir / "java")
    assert dist.classpath.split(os.pathsep)[0] == install.DEBIAN_JAR

    # An Apache-style install: $ZOOKEEPER_HOME/lib/*.jar
    home = tmp_path / "apache-zookeeper"
    (home / "lib").mkdir(parents=True)
    (home / "lib" / "zookeeper-3.8.0.jar").symlink_to(install.DEBIAN_JAR)
    monkeypatch.setenv("ZOOKEEPER_HOME", str(home))
    monkeypatch.setattr(install, "DEBIAN_JAR", str(tmp_path / "missing.jar"))
    dist = find_distribution()
    assert dist.classpath == str(home / "lib" / "zookeeper-3.8.0.jar")
    # ...and it really runs (the jar's manifest pulls in its dependencies)
    with ZooKeeperCluster() as zk:
        assert zk.mode(1) == "standalone"


# --------------------------------------------------------------------------
# Standalone


def test_server_mode_of_a_closed_port_is_down():
    assert server_mode("127.0.0.1", free_port(), timeout=0.5) == "down"


@needs_zk
def test_standalone_serves_kazoo_and_cleans_up():
    zk = ZooKeeperCluster()                  # a cluster of one
    with zk:
        [server] = zk.servers
        pid, data_dir = server.pid, server.data_dir
        assert server.running and pid_exists(pid)
        assert zk.address == server.address == f"127.0.0.1:{server.port}"
        assert server_mode(server.host, server.port) == "standalone"
        with kazoo(zk.address) as client:
            client.create("/sensors/s1", b"21.5", makepath=True)
            value, _ = client.get("/sensors/s1")
            assert value == b"21.5"
        with open(os.path.join(data_dir, "zoo.cfg")) as f:
            cfg = f.read()
        assert "maxClientCnxns=0" in cfg and "admin.enableServer=false" in cfg
        with pytest.raises(AlreadyRunning) as err:
            zk.start_server(1)
        assert "already running" in str(err.value) and server.pid == pid

    assert not server.running
    assert not pid_exists(pid)
    assert not os.path.exists(data_dir)
    assert server_mode("127.0.0.1", server.port) == "down"
    zk.stop()  # stopping twice is harmless


@needs_zk
def test_kill_then_restart_keeps_the_data(tmp_path):
    data_dir = tmp_path / "zkdata"
    zk = ZooKeeperCluster(data_dir=str(data_dir), listen="0.0.0.0")
    pids = []
    try:
        zk.start()
        pids.append(zk.server(1).pid)
        with kazoo(zk.address) as client:
            client.create("/kept", b"yes")
        zk.kill_server(1)
        assert not pid_exists(pids[0])
        assert zk.mode(1) == "down"

        zk.start()                           # what is not running starts again, same port
        pids.append(zk.server(1).pid)
        with kazoo(zk.address) as client:
            assert client.get("/kept")[0] == b"yes"
    finally:
        zk.stop()
    assert not any(pid_exists(p) for p in pids)
    assert data_dir.is_dir(), "a data dir we were given is not ours to remove"


@needs_zk
def test_explicit_port_in_use_is_refused_before_java_starts():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        zk = ZooKeeperCluster(port=port)
        with pytest.raises(PortInUse) as err:
            zk.start()
        assert all(s.pid is None for s in zk.servers)
        assert "\n" not in str(err.value)
        with pytest.raises(PortInUse):
            run_foreground(port=port)


@needs_zk
def test_a_picked_port_taken_before_java_binds_it_is_retried_on_another(monkeypatch):
    from cluster_sim.zk import cluster

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        picks = []

        def pick(host, count):  # the first pick loses the race to another program
            picks.append(count)
            return [port] * count if len(picks) == 1 else free_ports(host, count)

        monkeypatch.setattr(cluster, "free_ports", pick)
        with ZooKeeperCluster() as zk:
            assert len(picks) == 2
            assert zk.server(1).port != port and zk.mode(1) == "standalone"


@needs_zk
def test_reaper_removes_server_when_owner_is_killed():
    owner = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent("""
            import sys, time
            from cluster_sim.base.reaper import Reaper
            from cluster_sim.zk import ZooKeeperCluster
            zk = ZooKeeperCluster(reaper=Reaper.start(grace=0.5)).start()
            print(zk.server(1).pid, zk.base_dir, flush=True)
            time.sleep(60)
        """)],
        stdout=subprocess.PIPE, text=True,
        cwd=PROJECT,
    )
    try:
        ready, _, _ = select.select([owner.stdout], [], [], 30)
        assert ready, "child did not start a server"
        pid, data_dir = owner.stdout.readline().split()
        assert pid_exists(int(pid)) and os.path.isdir(data_dir)
    finally:
        owner.kill()
        owner.wait()
        owner.stdout.close()
    wait_until(lambda: not pid_exists(int(pid)), timeout=15,
               message="java outlived its owner")
    wait_until(lambda: not os.path.exists(data_dir), timeout=5)


@needs_zk
def test_run_foreground_serves_until_sigint():
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c",
         f"import sys; from cluster_sim.zk.foreground import run_foreground; "
         f"sys.exit(run_foreground(port={port}, tick_ms=200))"],
        stdout=subprocess.PIPE, text=True,
        cwd=PROJECT,
    )
    try:
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        assert ready, "no banner from run_foreground"
        line = proc.stdout.readline().strip()
        assert re.fullmatch(
            rf"ZooKeeper [0-9.]+ serving on 127\.0\.0\.1:{port} \(Ctrl-C to stop\)", line), line
        assert server_mode("127.0.0.1", port) == "standalone"
        java = [int(p) for p in os.listdir("/proc") if p.isdigit() and _ppid(p) == proc.pid]
        assert java, "no java child"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
    assert server_mode("127.0.0.1", port) == "down"
    assert not any(pid_exists(p) for p in java)


def _ppid(pid):
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return int(f.read().rsplit(b")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


# --------------------------------------------------------------------------
# Ensemble


@needs_zk
def test_ensemble_quorum_failover_and_cleanup():
    ens = ZooKeeperCluster(size=3)
    pids = set()
    try:
        ens.start()
        base = ens.base_dir
        assert len(ens.servers) == 3
        assert [s.index for s in ens.servers] == [1, 2, 3]
        assert ens.address == ",".join(s.address for s in ens.servers)
        assert len({s.port for s in ens.servers}) == 3
        pids.update(s.pid for s in ens.servers)

        modes = [ens.mode(i) for i in (1, 2, 3)]
        assert sorted(modes) == ["follower", "follower", "leader"], modes
        leader = modes.index("leader") + 1

        with kazoo(ens.address) as client:
            client.create("/before", b"kept")

            # Losing the leader: the other two elect a new one and keep writing.
            ens.stop_server(leader)
            assert not ens.server(leader).running
            assert ens.mode(leader) == "down"
            wait_until(lambda: try_write(client), timeout=20,
                       message="no writes after the leader stopped")
            wait_until(lambda: sorted(ens.mode(i) for i in (1, 2, 3))
                       == ["down", "follower", "leader"], timeout=10)

            # Losing a second server: no quorum, no writes.
            other = next(i for i in (1, 2, 3) if i != leader)
            ens.kill_server(other)
            assert not pid_exists(next(s.pid for s in ens.servers if s.index == other))
            wait_until(lambda: not try_write(client, timeout=1.0), timeout=20,
                       message="writes still succeed without a quorum")

            # One back: quorum again, writes again, and the old data is there.
            ens.start_server(other)
            pids.add(ens.server(other).pid)
            wait_until(lambda: try_write(client), timeout=30,
                       message="writes did not come back with the quorum")
            assert client.get("/before")[0] == b"kept"

            ens.start_server(leader, wait=False)
            pids.add(ens.server(leader).pid)
            # starting it twice answers "already running" and starts no second java
            with pytest.raises(AlreadyRunning) as err:
                ens.start_server(leader, wait=False)
            assert str(err.value) == f"ZooKeeper server {leader} is already running (pid {ens.server(leader).pid})"
            wait_until(lambda: all(ens.mode(i) in ("leader", "follower") for i in (1, 2, 3)),
                       timeout=30)
    finally:
        ens.stop()
    assert not any(s.running for s in ens.servers)
    assert not any(pid_exists(p) for p in pids), "java processes left behind"
    assert not os.path.exists(base)
