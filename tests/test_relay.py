"""The fault-injecting relay on its own, against a plain echo server (no ZooKeeper needed):
what a client and a server on either side of it see."""

import os
import socket
import threading
import time

import pytest

from cluster_sim.netfault import FaultError, NetFaults, Relay, RemoteNode
from cluster_sim.presentation.status_view import fault_notes
from cluster_sim.netfault.bench import bench_relay
from cluster_sim.netfault.hub import Hub
from conftest import wait_until

QUIET = 0.3   # how long "nothing arrives" is watched for: a failure can only show up sooner


class EchoServer:
    """Echoes every byte; keeps every accepted socket so a test can look at the server's side."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        self._threads = []
        self.echo = True
        thread = threading.Thread(target=self._serve, daemon=True)
        thread.start()
        self._threads.append(thread)

    @property
    def address(self):
        return f"127.0.0.1:{self.port}"

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)
            if self.echo:
                t = threading.Thread(target=self._echo, args=(conn,), daemon=True)
                t.start()
                self._threads.append(t)

    @staticmethod
    def _echo(conn):
        try:
            while True:
                data = conn.recv(65536)
                if not data:
                    conn.shutdown(socket.SHUT_WR)
                    break
                conn.sendall(data)
        except OSError:
            pass
        conn.close()

    def close(self):
        # shutdown wakes the threads blocked in accept() and recv(); close() alone would not
        for sock in [self.sock, *self.accepted]:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        for t in self._threads:
            t.join(5)


@pytest.fixture
def echo():
    server = EchoServer()
    yield server
    server.close()


def fd_count():
    return len(os.listdir("/proc/self/fd"))


def connect(relay, timeout=5.0):
    sock = socket.create_connection((relay.host, relay.port), timeout=timeout)
    return sock


def recv_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise AssertionError(f"connection closed after {data!r}")
        data += chunk
    return data


def test_bytes_go_both_ways_unchanged(echo):
    with Relay(echo.address) as relay:
        with connect(relay) as sock:
            payload = os.urandom(300_000)  # larger than a pipe may hold: backpressure, not loss
            sender = threading.Thread(target=sock.sendall, args=(payload,))
            sender.start()
            assert recv_exactly(sock, len(payload)) == payload
            sender.join(5)
        stats = relay.stats()
        assert stats.accepted == 1 and stats.bytes_up == len(payload)


def test_partition_blackholes_both_ways_without_closing_anything(echo):
    with Relay(echo.address) as relay:
        sock = connect(relay)
        sock.sendall(b"before")
        assert recv_exactly(sock, 6) == b"before"
        relay.partition()
        sock.sendall(b"during")
        sock.settimeout(QUIET)
        with pytest.raises(socket.timeout):  # not b"" (a FIN) and not a reset
            sock.recv(10)
        # a new connection is accepted by the kernel but hangs: the server never sees it
        late = connect(relay)
        late.sendall(b"late")
        late.settimeout(QUIET)
        with pytest.raises(socket.timeout):
            late.recv(10)
        assert len(echo.accepted) == 1
        stats = relay.stats()
        assert stats.pending == 1 and stats.open == 1
        relay.heal()
        sock.settimeout(5)
        late.settimeout(5)
        assert recv_exactly(sock, 6) == b"during"   # what was held arrives, once
        assert recv_exactly(late, 4) == b"late"     # the hanging connection goes through
        assert len(echo.accepted) == 2
        sock.close()
        late.close()


def test_a_client_that_gives_up_during_a_partition_is_never_connected(echo):
    with Relay(echo.address) as relay:
        relay.partition()
        late = connect(relay)
        late.sendall(b"hello")
        wait_until(lambda: relay.stats().pending == 1, 5, "the hanging connection")
        late.close()
        wait_until(lambda: relay.stats().pending == 0, 5, "the relay to close the abandoned connection")
        relay.heal()
        with connect(relay) as sock:
            sock.sendall(b"x")
            assert recv_exactly(sock, 1) == b"x"
        assert len(echo.accepted) == 1  # only the connection made after the heal


def test_slow_delays_each_way_and_keeps_order(echo):
    with Relay(echo.address) as relay:
        with connect(relay) as sock:
            relay.slow(150, jitter_ms=100)
            assert relay.fault.slow and relay.fault.since is not None
            start = time.monotonic()
            for i in range(20):
                sock.sendall(b"%02d" % i)
            got = recv_exactly(sock, 40)
            # each chunk waits 50-250 ms on the way there and again on the way back
            assert time.monotonic() - start >= 0.1
            assert got == b"".join(b"%02d" % i for i in range(20))
            relay.heal()
            assert relay.fault.clear
            sock.sendall(b"quick")
            assert recv_exactly(sock, 5) == b"quick"


def test_a_refusing_target_resets_the_client():
    port_holder = socket.create_server(("127.0.0.1", 0))
    address = port_holder.getsockname()
    port_holder.close()  # nobody listens there now
    with Relay(address) as relay:
        with pytest.raises(ConnectionResetError):  # at connect already, or at the first read
            with connect(relay) as sock:
                sock.sendall(b"x")
                sock.recv(10)


def test_half_close_is_passed_on(echo):
    with Relay(echo.address) as relay:
        with connect(relay) as sock:
            sock.sendall(b"last words")
            sock.shutdown(socket.SHUT_WR)
            assert recv_exactly(sock, 10) == b"last words"
            assert sock.recv(10) == b""  # the echo server's FIN came back through
        wait_until(lambda: relay.stats().open == 0, 5, "the relay to close both sides")


def test_close_leaves_no_socket_open(echo):
    before = fd_count()
    hub = Hub()
    relays = [Relay(echo.address, hub=hub) for _ in range(5)]
    clients = [connect(r) for r in relays for _ in range(2)]
    for c in clients:
        c.sendall(b"ping")
        assert recv_exactly(c, 4) == b"ping"
    relays[0].partition()
    clients.append(connect(relays[0]))  # hanging when the hub closes
    wait_until(lambda: relays[0].stats().pending == 1, 5, "a hanging connection")
    relays[1].close()
    hub.close()
    for c in clients:
        c.settimeout(5)
        try:
            assert c.recv(10) == b""    # our side was closed
        except ConnectionResetError:
            pass
        c.close()
    wait_until(lambda: fd_count() <= before, 5, f"file descriptors back to {before}")


def test_netfaults_routes_and_faults(echo):
    api = EchoServer()
    faults = NetFaults(zk=f"{echo.address},{echo.address}/app", api_url=f"http://{api.address}/base")
    try:
        routes = faults.add("1")
        assert faults.add("1") == routes  # once per node id
        zk_addresses, chroot = routes.zk.rsplit("/", 1)[0].split(","), routes.zk.rsplit("/", 1)[1]
        assert chroot == "app" and len(zk_addresses) == 2 and echo.address not in routes.zk
        assert routes.api_url.startswith("http://127.0.0.1:") and routes.api_url.endswith("/base")
        assert faults.real_address(zk_addresses[0]) == echo.address

        state = faults.partition("1")
        assert state.partitioned_from == "zk" and fault_notes(state.to_json(), "en") == ["cut off from zk"]
        state = faults.slow("1", 300, 50, target="api")
        assert state.slow_on == "api" and fault_notes(state.to_json(), "en") == ["cut off from zk", "slow 300±50 ms (api)"]
        assert faults.faults()["1"].to_json()["partitioned"] == "zk"
        assert faults.heal("1", target="zk").partitioned_from is None
        faults.add("2")
        faults.partition("2", target="all")
        assert faults.fault("2").partitioned_from == "all"
        assert sorted(faults.heal_all()) == ["1", "2"]
        assert faults.faults() == {}

        with pytest.raises(RemoteNode, match="node 9 runs elsewhere.*cannot be cut from here"):
            faults.partition("9")
        with pytest.raises(FaultError, match="choose zk, api or all"):
            faults.partition("1", target="disk")
        for bad in (0, -5, float("nan"), 1e9, "300"):
            with pytest.raises(FaultError):
                faults.slow("1", bad)
    finally:
        faults.close()
        api.close()


def test_relay_overhead_is_measured():
    result = bench_relay(round_trips=200, block=20, warmup=10)
    assert result.direct.samples == result.relayed.samples == 200
    assert result.relayed.median_us > 0 and result.direct.median_us > 0
    assert set(result.to_json()) >= {"direct", "relayed", "overhead_median_us"}
