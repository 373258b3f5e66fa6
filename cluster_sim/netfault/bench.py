"""What a relay with no fault costs: request/response round trips, direct and relayed.

    result = bench_relay(round_trips=2000)
    result.direct.median_us, result.relayed.median_us, result.overhead_median_us
    result.to_json()

An echo server runs in a child process (as ZooKeeper and the nodes do); this
process is the client and runs the relay's hub, as the supervisor would. The
two paths are measured in alternating blocks over the same connections'
lifetime, so a burst of load on a shared machine hits both alike.
"""

import socket
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from typing import List

from cluster_sim.netfault.relay import Relay

__all__ = ["Latency", "RelayBench", "bench_relay"]

_ECHO = r"""
import socket, sys
srv = socket.create_server(("127.0.0.1", 0))
print(srv.getsockname()[1], flush=True)
conns = []
while True:
    c, _ = srv.accept()
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    conns.append(c)
    if len(conns) == 2:
        break
import selectors
sel = selectors.DefaultSelector()
for c in conns:
    sel.register(c, selectors.EVENT_READ)
open_ = 2
while open_:
    for key, _ in sel.select():
        data = key.fileobj.recv(65536)
        if not data:
            sel.unregister(key.fileobj); key.fileobj.close(); open_ -= 1
        else:
            key.fileobj.sendall(data)
"""


@dataclass(frozen=True)
class Latency:
    samples: int
    median_us: float
    p90_us: float
    p99_us: float
    mean_us: float

    @classmethod
    def of(cls, seconds: List[float]) -> "Latency":
        us = sorted(s * 1e6 for s in seconds)

        def pct(p: float) -> float:
            return round(us[min(len(us) - 1, int(p * len(us)))], 1)

        return cls(len(us), round(statistics.median(us), 1), pct(0.90), pct(0.99),
                   round(statistics.fmean(us), 1))


@dataclass(frozen=True)
class RelayBench:
    payload: int
    direct: Latency
    relayed: Latency

    @property
    def overhead_median_us(self) -> float:
        return round(self.relayed.median_us - self.direct.median_us, 1)

    @property
    def overhead_p99_us(self) -> float:
        return round(self.relayed.p99_us - self.direct.p99_us, 1)

    def to_json(self) -> dict:
        return {"payload_bytes": self.payload, "direct": asdict(self.direct), "relayed": asdict(self.relayed),
                "overhead_median_us": self.overhead_median_us, "overhead_p99_us": self.overhead_p99_us}


def _round_trip(sock: socket.socket, message: bytes) -> float:
    start = time.perf_counter()
    sock.sendall(message)
    got = 0
    while got < len(message):
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("the echo server closed the connection")
        got += len(chunk)
    return time.perf_counter() - start


def bench_relay(round_trips: int = 2000, payload: int = 64, block: int = 50, warmup: int = 50) -> RelayBench:
    """Median and tail of `round_trips` echo round trips each way (direct, through a relay)."""
    server = subprocess.Popen([sys.executable, "-c", _ECHO], stdout=subprocess.PIPE, text=True)
    relay = None
    socks = []
    try:
        port = int(server.stdout.readline())  # type: ignore[union-attr]
        relay = Relay(("127.0.0.1", port))
        for address in (("127.0.0.1", port), (relay.host, relay.port)):
            sock = socket.create_connection(address, timeout=10)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            socks.append(sock)
        direct, relayed = socks
        message = b"x" * payload
        for _ in range(warmup):
            _round_trip(direct, message)
            _round_trip(relayed, message)
        times: List[List[float]] = [[], []]
        while len(times[0]) < round_trips:
            for i, sock in enumerate(socks):
                times[i] += [_round_trip(sock, message) for _ in range(min(block, round_trips - len(times[i])))]
        return RelayBench(payload, Latency.of(times[0]), Latency.of(times[1]))
    finally:
        for sock in socks:
            sock.close()
        if relay is not None:
            relay.close()
        try:
            server.wait(5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)
        if server.stdout is not None:
            server.stdout.close()


if __name__ == "__main__":
    import json

    print(json.dumps(bench_relay(int(sys.argv[1]) if len(sys.argv) > 1 else 2000).to_json(), indent=1))
