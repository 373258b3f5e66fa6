"""A supervisor's relays in a process of their own (netfault/hub_process.py): the same relay,
the same faults, seen from both ends; and the process never outlives the supervisor."""

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time

import pytest

from cluster_sim.netfault import NetFaults, Relay
from cluster_sim.netfault.hub import HubClosed
from cluster_sim.netfault.hub_process import HubProcess
from cluster_sim.netfault.relay import parse_target
from conftest import wait_until
from test_relay import QUIET, EchoServer, connect, fd_count, recv_exactly


@pytest.fixture
def echo():
    server = EchoServer()
    yield server
    server.close()


@pytest.fixture
def hub():
    process = HubProcess()
    yield process
    process.close()


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:   # a zombie (our child, not reaped yet) counts as gone
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_relay_served_by_the_process_moves_bytes_and_takes_faults(echo, hub):
    before = fd_count()
    relay = Relay(echo.address, hub=hub)
    assert fd_count() == before, "the listener was handed over, not kept"
    with connect(relay) as sock:
        sock.sendall(b"hello")
        assert recv_exactly(sock, 5) == b"hello"
        relay.partition()
        sock.sendall(b"held")
        sock.settimeout(QUIET)
        with pytest.raises(socket.timeout):
            sock.recv(10)
        stats = relay.stats()
        assert (stats.accepted, stats.open, stats.pending) == (1, 1, 0)
        relay.heal()
        sock.settimeout(5)
        assert recv_exactly(sock, 4) == b"held"
        relay.slow(150)
        began = time.monotonic()
        sock.sendall(b"late")
        assert recv_exactly(sock, 4) == b"late"
        assert time.monotonic() - began >= 0.3      # 150 ms each way
        assert relay.fault.latency_ms == 150
    relay.close()
    relay.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", relay.port), timeout=2)


def test_netfaults_of_a_supervisor_run_their_relays_in_a_process(echo):
    faults = NetFaults(zk=echo.address, api_url=f"http://{echo.address}", own_process=True)
    pid = faults.hub.pid
    try:
        routes = faults.add("3")
        with socket.create_connection(parse_target(routes.zk), timeout=5) as sock:
            sock.sendall(b"zk?")
            assert recv_exactly(sock, 3) == b"zk?"
            faults.partition("3")
            assert faults.faults()["3"].zk.partitioned and faults.stats("3")["zk"][0].open == 1
            faults.heal_all()
            sock.sendall(b"ok")
            assert recv_exactly(sock, 2) == b"ok"
    finally:
        faults.close()
    wait_until(lambda: not _alive(pid), 10, "the relays' process to end with close()")


def test_the_process_ends_when_its_supervisor_is_killed_and_ignores_the_groups_ctrl_c(echo, tmp_path):
    script = textwrap.dedent(f"""
        import signal, sys, time
        from cluster_sim.netfault.hub_process import HubProcess
        signal.signal(signal.SIGINT, lambda *_: print("stopping", flush=True))   # up's orderly shutdown
        from cluster_sim.netfault import Relay
        hub = HubProcess()
        relay = Relay({echo.address!r}, hub=hub)
        print(hub.pid, relay.port, flush=True)
        time.sleep(600)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                              start_new_session=True)
    try:
        pid, port = map(int, parent.stdout.readline().split())
        os.killpg(parent.pid, signal.SIGINT)      # Ctrl-C in up's terminal: the whole group
        assert parent.stdout.readline() == "stopping\n"
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:   # relays still serve
            sock.sendall(b"still")
            assert recv_exactly(sock, 5) == b"still"
        assert _alive(pid)
        parent.kill()                             # the supervisor SIGKILLed: nothing of it runs a clean-up
    finally:
        if parent.poll() is None:
            parent.kill()
        parent.wait(10)
    wait_until(lambda: not _alive(pid), 10, "the relays' process to end after its supervisor")


def test_a_closed_process_hub_refuses_new_relays_in_one_error(echo):
    hub = HubProcess()
    hub.close()
    with pytest.raises(HubClosed):
        Relay(echo.address, hub=hub)
