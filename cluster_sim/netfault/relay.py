"""A fault-injecting TCP relay on loopback: partition, slow, heal, without root.

    relay = Relay("127.0.0.1:2181")        # listens on 127.0.0.1:<a free port>
    client = KazooClient(relay.address)    # the client talks to ZooKeeper through it
    relay.partition()                      # a blackhole, both ways
    relay.heal()                           # held bytes flow again
    relay.slow(300, jitter_ms=50)          # every chunk 300 +- 50 ms late, one way
    relay.heal()
    relay.close()                          # every socket it opened is closed

Each accepted connection is forwarded to the target. `partition()` does what
a cut network cable does, not what a firewall's REJECT does: established
connections stop delivering bytes in both directions, with no RST and no
FIN, so TCP's window fills and the peers' own timeouts decide (a ZooKeeper
client goes SUSPENDED, its session expires on the server); a new connection
is accepted (the kernel completes the handshake on loopback whatever we do)
but never connected upstream, so it hangs. `heal()` delivers what was held,
connects the connections that hung, and closes those whose client gave up
meanwhile. `slow()` delays every chunk read, in each direction, by the
latency plus or minus up to the jitter (uniform, like netem's `delay L J`),
keeping each direction's order; a request/response round trip pays it
twice. A relay with no fault moves each chunk as soon as it is read.

Relays share one thread (`Hub`): pass `hub=` to run many on it; a relay made
without one owns a private hub and closes it with itself. A supervisor's relays
share a hub in a process of its own (hub_process.HubProcess): the same calls.
Every method is safe from any thread.
"""

import socket
import threading
import time
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Callable, Optional, Protocol, Tuple, Union

from cluster_sim.netfault.hub import Hub

__all__ = ["LinkFault", "Relay", "RelayHub", "RelayStats", "parse_target"]


@dataclass(frozen=True)
class LinkFault:
    """What is wrong with one link now (a clear link: the defaults)."""

    partitioned: bool = False
    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    since: Optional[float] = None     # wall-clock time the fault was set

    @property
    def clear(self) -> bool:
        """No fault at all (every field but `since` at its default, a new fault's too)."""
        return not any(getattr(self, f.name) for f in fields(self) if f.name != "since")

    @property
    def slow(self) -> bool:
        return bool(self.latency_ms or self.jitter_ms)

    def to_json(self) -> dict:
        """Every field (a new fault's too: NodeFaults.from_json reads them back by type)."""
        return asdict(self)


@dataclass(frozen=True)
class RelayStats:
    accepted: int       # connections accepted so far
    open: int           # connected upstream (or connecting) now
    pending: int        # hanging: accepted during a partition, not connected upstream
    held_bytes: int     # read but not yet delivered (partition, slow link, slow reader)
    bytes_up: int       # delivered client -> target
    bytes_down: int     # delivered target -> client


class RelayHub(Protocol):
    """What a Relay asks of the hub that moves its bytes: hub.Hub (a thread), hub_process.HubProcess."""

    def attach(self, relay: Any) -> None: ...
    def set_fault(self, relay: Any, fault: LinkFault) -> None: ...
    def relay_stats(self, relay: Any) -> Tuple[int, int, int, int, int, int]: ...
    def detach(self, relay: Any) -> None: ...
    def close(self, timeout: float = ...) -> None: ...


def parse_target(target: Union[str, Tuple[str, int]], default_port: int = 2181) -> Tuple[str, int]:
    """'host:port', '[::1]:port', 'host' or (host, port) -> (host, port); ValueError if malformed."""
    given: Union[str, int]
    if isinstance(target, tuple):
        host, given = target
    else:
        text = target.strip()
        if text.startswith("["):
            host, _, rest = text[1:].partition("]")
            given = rest[1:] if rest.startswith(":") else default_port
        elif text.count(":") == 1:
            host, given = text.split(":")
        else:
            host, given = text, default_port  # a bare name, or a bare IPv6 address
    try:
        port = int(given)
    except (TypeError, ValueError):
        raise ValueError(f"{target!r}: the port is not a number") from None
    if not host or not 0 < port < 65536:
        raise ValueError(f"{target!r} is not a host:port address")
    return str(host), port


def _bracket(host: str) -> str:
    return f"[{host}]" if ":" in host else host


class Relay:
    """One listening socket forwarding to one target (see the module docstring)."""

    def __init__(self, target: Union[str, Tuple[str, int]], hub: Optional[RelayHub] = None,
                 listen: str = "127.0.0.1", name: str = "", clock: Callable[[], float] = time.time):
        host, port = parse_target(target)
        # resolved once, here: the hub's thread must never block on a name lookup
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        # IPv4 first: "localhost" may list ::1 first for a server that listens on 127.0.0.1 only
        family, _, _, _, sockaddr = min(found, key=lambda a: a[0] != socket.AF_INET)
        self.target = f"{_bracket(host)}:{port}"
        self.family = family
        self.target_sockaddr = sockaddr
        self.name = name or f"relay to {self.target}"
        self.clock = clock
        self._own_hub = hub is None
        self.hub: RelayHub = hub if hub is not None else Hub()
        # the hub's thread reads these; only code running on it changes them
        self.conns: set = set()
        self.accepted = 0
        self.moved = [0, 0]           # bytes delivered by closed connections: [down, up]
        self.partitioned = False
        self.latency = 0.0            # seconds
        self.jitter = 0.0
        self.closed = False
        self._fault = LinkFault()
        self._changing = threading.Lock()   # one read-modify-write of the fault at a time
        listener = None
        try:
            listener = socket.socket(socket.AF_INET6 if ":" in listen else socket.AF_INET, socket.SOCK_STREAM)
            listener.bind((listen, 0))  # the kernel's pick: no race with another process for the port
            listener.listen(128)
            listener.setblocking(False)
            self.host, self.port = listener.getsockname()[:2]
            self.listener = listener
            self.hub.attach(self)       # (a HubProcess takes the listener over: ours is closed)
        except BaseException:  # out of descriptors, among others: our own hub goes too
            if listener is not None:
                listener.close()
            if self._own_hub:
                self.hub.close()
            raise

    @property
    def address(self) -> str:
        """host:port for the client, instead of the target's."""
        return f"{_bracket(self.host)}:{self.port}"

    @property
    def fault(self) -> LinkFault:
        return self._fault

    # -- faults (any thread) ---------------------------------------------------
    def partition(self) -> LinkFault:
        return self.change(lambda f: replace(f, partitioned=True))

    def slow(self, latency_ms: float, jitter_ms: float = 0.0) -> LinkFault:
        if not (latency_ms >= 0 and jitter_ms >= 0) or latency_ms + jitter_ms > 3_600_000:
            raise ValueError(f"latency {latency_ms!r} ms, jitter {jitter_ms!r} ms: "
                             "not between 0 and an hour")
        return self.change(lambda f: replace(f, latency_ms=float(latency_ms), jitter_ms=float(jitter_ms)))

    def heal(self) -> LinkFault:
        return self.change(lambda f: LinkFault())

    def change(self, how: Callable[[LinkFault], LinkFault]) -> LinkFault:
        """Set the fault `how` makes of the present one (a relay action, faults/actions.py)."""
        # one read-modify-write at a time: two callers cannot lose each other's change
        with self._changing:
            fault = how(self._fault)
            if fault.clear:
                fault = LinkFault()
            elif fault.since is None:
                fault = replace(fault, since=self.clock())
            if self.closed:
                return fault
            self._fault = fault
            self.hub.set_fault(self, fault)
            return fault

    # -- looking -----------------------------------------------------------------
    def stats(self) -> RelayStats:
        return RelayStats(*self.hub.relay_stats(self))

    # -- the end -------------------------------------------------------------------
    def close(self) -> None:
        """Close the listener and every connection (clients see their sockets close). Idempotent."""
        with self._changing:
            self.hub.detach(self)
        if self._own_hub:
            self.hub.close()

    def __enter__(self) -> "Relay":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Relay {self.address} -> {self.target}{' (partitioned)' if self.partitioned else ''}>"
