"""Someone else's ZooKeeper with a per-address connection limit (maxClientCnxns): `up --zk` finds it
before it starts anything and refuses a cluster that would not fit, in one line; a node refused
anyway names the server's real address (never its relay's) and the limit, not "is it running?".

Real servers, started here with their own zoo.cfg: a small maxClientCnxns, `conf` allowed or not.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from contextlib import contextmanager

import pytest

from conftest import INTERVAL, SESSION_TIMEOUT, clustersim, wait_until
from cluster_sim.base import procfs, zkclient
from cluster_sim.base.ports import free_ports
from cluster_sim.base.reaper import Reaper
from cluster_sim.zk.config import server_settings, write_config
from cluster_sim.zk.install import find_distribution
from cluster_sim.zk.limit import client_limit, closes_at_once
from cluster_sim.zk.server import ManagedServer

LIMIT = 8


@contextmanager
def limited_zookeeper(limit, words):
    """A standalone server on a free loopback port taking at most `limit` connections from one
    address, answering the four-letter words `words`; stopped and removed at the end."""
    reaper = Reaper.start(grace=0.5)
    data_dir = tempfile.mkdtemp(prefix="clustersim-limit-")
    port = free_ports("127.0.0.1", 1)[0]
    settings = server_settings(100, data_dir, port, "127.0.0.1")
    settings.update({"maxClientCnxns": limit, "4lw.commands.whitelist": words})
    write_config(data_dir, settings)
    server = ManagedServer(1, data_dir, host="127.0.0.1", listen="127.0.0.1", port=port, reaper=reaper)
    server.launch(find_distribution(), ensemble=False)
    try:
        wait_until(lambda: server.serving() or server.exit_reason(), 60, "the limited ZooKeeper to serve")
        assert server.serving(), server.exit_reason()
        yield server
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
        reaper.close()


@pytest.fixture(scope="module")
def limited():
    with limited_zookeeper(LIMIT, "srvr,ruok,conf") as server:
        yield server


@pytest.fixture
def zk(limited):
    """A chroot of its own on the limited server (a cluster's rules stay in their chroot)."""
    return f"{limited.address}/t-{uuid.uuid4().hex[:8]}"


@contextmanager
def holding(address, count):
    """`count` sessions from this machine, as another program's (another class's `up`) would be."""
    clients = []
    try:
        for _ in range(count):
            clients.append(zkclient.connect(address, session_timeout=10.0, connect_timeout=10.0))
        yield clients
    finally:
        for client in clients:
            zkclient.close(client)


def up_args(zk, n, *extra):
    return ["-n", n, "--zk", zk, "--interval", INTERVAL, "--session-timeout", SESSION_TIMEOUT, *extra]


def test_the_server_tells_its_limit_and_a_full_one_closes_at_once(limited):
    assert client_limit("127.0.0.1", limited.port).per_address == LIMIT
    assert not closes_at_once(limited.address)
    with holding(limited.address, LIMIT):
        assert closes_at_once(limited.address)
    wait_until(lambda: not closes_at_once(limited.address), 10, "the server to take connections again")


def test_up_beyond_the_limit_is_refused_in_one_line_before_anything_starts(limited, zk, runtime_dir):
    before = set(os.listdir(tempfile.gettempdir()))
    result = clustersim("up", "--plain", "--name", "big", *map(str, up_args(zk, 10)), timeout=60)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert limited.address in line and f"at most {LIMIT} connections" in line and "needs 12" in line, line
    assert "maxClientCnxns" in line and "0 = no limit" in line, line
    assert "Traceback" not in result.stderr + result.stdout
    # nothing started, nothing left: no control socket, no temp dir, and ZooKeeper holds no cluster
    assert clustersim("status", "--name", "big").returncode != 0
    assert not {e for e in set(os.listdir(tempfile.gettempdir())) - before if e.startswith("clustersim-big")}
    client = zkclient.connect(limited.address, connect_timeout=10.0)
    try:
        assert client.exists("/" + zk.split("/", 1)[1]) is None
    finally:
        zkclient.close(client)


def test_up_within_the_limit_starts_every_node(zk, start_up):
    up = start_up(*up_args(zk, 3))
    status = up.wait_ready(3, timeout=60)
    assert all(n["state"] == "running" for n in status["nodes"])
    assert "maxClientCnxns" not in up.output()
    assert up.stop() == 0


def test_a_node_refused_by_the_limit_names_the_real_server_and_the_limit(limited, zk, start_up):
    # another program holds most of this address's connections: the supervisor gets one, a node one
    # more, the others are refused by the server however `up` counted
    with holding(limited.address, LIMIT - 2):
        up = start_up(*up_args(zk, 3))

        def refused():
            return [e for e in up.events("node_said") if e.code == "zk_refused"]
        try:
            found = wait_until(refused, 60, "a node refused by the server's limit")
        except AssertionError:
            raise AssertionError(up.output()) from None
        assert found[0].error == limited.address
        out = up.output()
        line = next(line for line in out.splitlines() if "refuses it" in line)
        assert limited.address in line and "maxClientCnxns" in line, line
        assert "cannot reach ZooKeeper" not in out and "clustersim zk" not in out
        # no relay's address anywhere: the only ZooKeeper named is the real one
        named = set(re.findall(r"ZooKeeper at (\S+?):? ", out))
        assert named == {limited.address}, named
        up.stop()


def test_a_students_node_refused_by_the_limit_says_so_with_the_real_address(limited, runtime_dir):
    with holding(limited.address, LIMIT):
        result = subprocess.run([sys.executable, "-m", "cluster_sim", "node", "1", "--zk", limited.address,
                                 "--interval", str(INTERVAL), "--connect-timeout", "2"],
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"ZooKeeper at {limited.address} closes this machine's connections" in lines[0], lines
    assert "maxClientCnxns" in lines[0] and "clustersim zk" not in lines[0]


def test_a_server_that_does_not_tell_its_limit_is_said_so_and_up_goes_on(start_up):
    with limited_zookeeper(LIMIT, "srvr,ruok") as server:
        assert client_limit("127.0.0.1", server.port).per_address is None
        up = start_up(*up_args(server.address, 2))
        up.wait_ready(2, timeout=60)
        notes = [line for line in up.output().splitlines() if "does not say how many connections" in line]
        assert len(notes) == 1 and server.address in notes[0] and "needs 4" in notes[0], up.output()
        assert up.stop() == 0
        wait_until(lambda: not procfs.alive(up.proc.pid), 10, "up to exit")
