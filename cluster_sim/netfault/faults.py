"""The network faults a supervisor can inject on the nodes it starts.

    faults = NetFaults(zk="127.0.0.1:2181,127.0.0.1:2182/app", api_url="http://127.0.0.1:8080")
    routes = faults.add("3")          # relays for node 3, created once per node id
    routes.zk, routes.api_url         # what node 3 is given instead of the real addresses
    faults.partition("3")             # cut off from ZooKeeper (the API still answers it)
    faults.partition("3", target="all")
    faults.slow("3", 300, jitter_ms=50)
    faults.heal("3"); faults.heal_all()
    faults.faults()                   # {"3": NodeFaults(...)}: for the table and status --json
    faults.close()                    # every relay, connection and socket closed

Each node gets a relay per ZooKeeper server of its connect string (the chroot
is kept) and one for the API, all on loopback, all served by one thread (with
`own_process`, a supervisor's: in a process of its own, hub_process.py). A
node keeps its relays when it stops, so a node restarted while partitioned
starts partitioned, as a machine on a cut network would. Nodes that this
supervisor did not start (a student's laptop) have no relay: a fault on one
raises `RemoteNode`, whose message is the line to print.
"""

import math
import socket
import threading
import time
from dataclasses import dataclass, field, fields, replace
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import urlsplit, urlunsplit

from cluster_sim.netfault.hub import Hub
from cluster_sim.netfault.relay import LinkFault, Relay, RelayHub, parse_target

__all__ = ["SUMMARIES", "cut_link", "slow_link", "clear_link", "TARGETS", "FaultError", "RemoteNode", "Routes", "NodeFaults", "NetFaults",
           "split_connect_string", "zk_round_trip_limit", "with_fault", "check_delay"]

TARGETS = ("zk", "api", "all")
MAX_DELAY_MS = 60_000.0


class FaultError(ValueError):
    """A fault that cannot be set as asked; the message is one line."""


class RemoteNode(FaultError):
    """The node runs elsewhere: no relay of ours carries its traffic."""

    def __init__(self, node: str, host: Optional[str] = None):
        where = f" on {host}" if host else ""
        super().__init__(f"node {node} runs elsewhere{where}, not under this supervisor: "
                         "its network cannot be cut from here")
        self.node = node
        self.host = host


@dataclass(frozen=True)
class Routes:
    """What a node is told to connect to."""

    node: str
    zk: str          # the connect string, through the node's relays (chroot kept)
    api_url: str     # the API, through the node's relay (unchanged when it cannot be relayed)


@dataclass(frozen=True)
class NodeFaults:
    node: str
    zk: LinkFault = field(default_factory=LinkFault)
    api: LinkFault = field(default_factory=LinkFault)

    @property
    def clear(self) -> bool:
        return self.zk.clear and self.api.clear

    @property
    def partitioned_from(self) -> Optional[str]:
        """zk, api, all, or None."""
        if self.zk.partitioned and self.api.partitioned:
            return "all"
        return "zk" if self.zk.partitioned else "api" if self.api.partitioned else None

    @property
    def slow_on(self) -> Optional[str]:
        """zk, api, all (the same delay on both), or None."""
        if self.zk.slow and self.api.slow:
            same = (self.zk.latency_ms, self.zk.jitter_ms) == (self.api.latency_ms, self.api.jitter_ms)
            return "all" if same else "zk"
        return "zk" if self.zk.slow else "api" if self.api.slow else None

    @property
    def since(self) -> Optional[float]:
        times = [f.since for f in (self.zk, self.api) if f.since is not None]
        return min(times) if times else None

    @classmethod
    def from_json(cls, node: str, data: dict) -> "NodeFaults":
        """What to_json() wrote (a recording, status --json), read back tolerantly: a field
        that is missing or odd is a clear link."""
        def link(raw: object) -> LinkFault:
            if not isinstance(raw, dict):
                return LinkFault()

            def number(key: str) -> float:
                value = raw.get(key)
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    return 0.0
                return float(value) if math.isfinite(value) and value >= 0 else 0.0
            since = raw.get("since")
            values: Dict[str, Any] = {
                f.name: raw.get(f.name) is True if f.type is bool else number(f.name)
                for f in fields(LinkFault) if f.name != "since"}
            return LinkFault(since=float(since) if isinstance(since, (int, float)) and not isinstance(since, bool)
                             else None, **values)
        return cls(node, zk=link(data.get("zk")), api=link(data.get("api")))

    def to_json(self) -> dict:
        """The node's faults in its status: a summary per fault kind that shows there (SUMMARIES:
        "partitioned": "zk", "slow": {...}, ...), when they were set, and every link's fault."""
        data: Dict[str, Any] = {"node": self.node}
        data.update((name, summary(self)) for name, summary in SUMMARIES.items())
        data.update(since=self.since, zk=self.zk.to_json(), api=self.api.to_json())
        return data


# A node's faults summed up in its status, one entry per fault kind that shows there: the fault
# registry (faults/registry.py) declares each kind's (Words.shown_as, Words.summary) and puts it
# here when the kind is registered, in the registry's order.
SUMMARIES: Dict[str, Callable[[NodeFaults], Any]] = {}


def with_fault(faults: NodeFaults, how: Callable[[LinkFault], LinkFault], target: str, at: float) -> NodeFaults:
    """`faults` after the relay action `how` on the links to `target` (zk, api, all), set at
    time `at`: what the relays do then, as a model rebuilt from events knows it. Pure."""
    def change(link: LinkFault) -> LinkFault:
        new = how(link)
        if new.clear:
            return LinkFault()
        return new if new.since is not None else replace(new, since=at)

    zk = change(faults.zk) if target in ("zk", "all") else faults.zk
    api = change(faults.api) if target in ("api", "all") else faults.api
    return NodeFaults(faults.node, zk=zk, api=api)


def check_delay(latency_ms: object, jitter_ms: object) -> None:
    """FaultError (one line) unless latency and jitter make a delay a relay can hold."""
    for name, value in (("latency", latency_ms), ("jitter", jitter_ms)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise FaultError(f"{name} {value!r} is not a number of milliseconds")
    assert isinstance(latency_ms, (int, float)) and isinstance(jitter_ms, (int, float))
    if latency_ms <= 0 or jitter_ms < 0 or latency_ms + jitter_ms > MAX_DELAY_MS:
        raise FaultError(f"latency {latency_ms:g} ms, jitter {jitter_ms:g} ms: the latency must be "
                         f"above 0 and both together at most {MAX_DELAY_MS:g} ms")


def zk_round_trip_limit(session_timeout: float) -> float:
    """Seconds a ZooKeeper round trip may take before kazoo drops the connection: it pings
    after a third of the session timeout (less up to 0.4 s, at random) of silence and gives
    up when the answer takes as long again. A slow link beyond it cuts, it does not slow."""
    return max(0.0, session_timeout / 3 - 0.4)


def split_connect_string(hosts: str) -> Tuple[List[Tuple[str, int]], str]:
    """'h1:p1,h2:p2/chroot' -> ([(h1, p1), (h2, p2)], '/chroot'); FaultError if malformed."""
    servers, slash, chroot = hosts.strip().partition("/")
    out = []
    for part in servers.split(","):
        try:
            out.append(parse_target(part))
        except ValueError as exc:
            raise FaultError(f"ZooKeeper address {hosts!r}: {exc}") from None
    return out, (slash + chroot if chroot else "")


def _hub_process() -> RelayHub:
    from cluster_sim.netfault.hub_process import HubProcess

    try:
        return HubProcess(name="netfault")
    except (OSError, TimeoutError) as exc:
        raise FaultError(f"cannot start the relays' process: {exc}") from None


class _NodeRelays:
    def __init__(self, node: str, zk: List[Relay], api: Optional[Relay], routes: Routes):
        self.node = node
        self.zk = zk
        self.api = api
        self.routes = routes

    def links(self, target: str) -> List[Relay]:
        zk = self.zk if target in ("zk", "all") else []
        api = [self.api] if target in ("api", "all") and self.api is not None else []
        return zk + api

    def faults(self) -> NodeFaults:
        return NodeFaults(self.node, zk=self.zk[0].fault if self.zk else LinkFault(),
                          api=self.api.fault if self.api is not None else LinkFault())

    def relays(self) -> List[Relay]:
        return self.zk + ([self.api] if self.api is not None else [])


class NetFaults:
    """Relays for every node a supervisor starts, and the faults set on them."""

    def __init__(self, zk: str, api_url: str, listen: str = "127.0.0.1",
                 clock: Callable[[], float] = time.time, own_process: bool = False):
        self.servers, self.chroot = split_connect_string(zk)
        self.api_url = api_url
        parts = urlsplit(api_url)
        # https cannot go through a relay on another address (the certificate names
        # the real host): such an API is reached directly and cannot be cut
        self._api_target = None
        if parts.scheme == "http" and parts.hostname:
            try:
                self._api_target = (parts.hostname, parts.port or 80)
            except ValueError:
                raise FaultError(f"API URL {api_url!r}: the port is not a number") from None
        self.listen = listen
        self.clock = clock
        # a supervisor's relays carry every local node's traffic: their hub gets a process (and an
        # interpreter lock) of its own (hub_process.py); a node's own relays (one node) a thread
        self.hub: RelayHub = _hub_process() if own_process else Hub(name="netfault")
        self._lock = threading.Lock()
        self._nodes: Dict[str, _NodeRelays] = {}
        self._targets: Dict[str, str] = {}   # relay address -> the address it relays to
        self._closed = False

    # -- nodes -----------------------------------------------------------------
    def add(self, node: str) -> Routes:
        """The node's routes, creating its relays the first time."""
        with self._lock:
            if self._closed:
                raise FaultError("network faults are closed (the cluster is stopping)")
            known = self._nodes.get(node)
            if known is not None:
                return known.routes
            made: List[Relay] = []
            try:
                for server in self.servers:
                    made.append(Relay(server, hub=self.hub, listen=self.listen, clock=self.clock,
                                      name=f"node {node} -> zk {server[0]}:{server[1]}"))
                api = None
                if self._api_target is not None:
                    api = Relay(self._api_target, hub=self.hub, listen=self.listen, clock=self.clock,
                                name=f"node {node} -> api")
                    made.append(api)
            except (OSError, socket.gaierror) as exc:
                for relay in made:
                    relay.close()
                raise FaultError(f"cannot start the relays of node {node}: {exc.strerror or exc}") from None
            zk_relays = made[:len(self.servers)]
            routes = Routes(node, zk=",".join(r.address for r in zk_relays) + self.chroot,
                            api_url=self._api_via(api) if api is not None else self.api_url)
            self._nodes[node] = _NodeRelays(node, zk_relays, api, routes)
            for relay in made:
                self._targets[relay.address] = relay.target
            return routes

    def _api_via(self, relay: Relay) -> str:
        parts = urlsplit(self.api_url)
        return urlunsplit((parts.scheme, relay.address, parts.path, parts.query, parts.fragment)).rstrip("/")

    def routes(self, node: str) -> Optional[Routes]:
        known = self._nodes.get(node)
        return known.routes if known is not None else None

    def __contains__(self, node: str) -> bool:
        return node in self._nodes

    def real_address(self, address: Optional[str]) -> Optional[str]:
        """The ZooKeeper server (or API) a relay address stands for; others unchanged.
        For showing which server a node talks to (`zkclient.connected_server`)."""
        return self._targets.get(address, address) if address else address

    def real_url(self, url: Optional[str]) -> Optional[str]:
        """The API URL a relay's URL stands for (what a local leader delivers to, as the
        teacher knows it); others unchanged."""
        if not url:
            return url
        parts = urlsplit(url)
        real = self._targets.get(parts.netloc)
        return url if real is None else urlunsplit((parts.scheme, real, parts.path, parts.query, parts.fragment))

    # -- faults ----------------------------------------------------------------------
    def _node(self, node: str) -> _NodeRelays:
        known = self._nodes.get(node)
        if known is None:
            raise RemoteNode(node)
        return known

    @staticmethod
    def _target(target: str) -> str:
        if target not in TARGETS:
            raise FaultError(f"{target!r} is not a link: choose zk, api or all")
        return target

    def change(self, node: str, target: str, how: Callable[[LinkFault], LinkFault],
               must_reach: bool = False) -> NodeFaults:
        """Apply the relay action `how` to the node's links to `target` (zk, api, all);
        `must_reach`: FaultError when no relay carries that link (an https API)."""
        known, target = self._node(node), self._target(target)
        links = known.links(target)
        if must_reach and not links:
            raise FaultError(f"node {node} reaches the API at {self.api_url} directly (https): "
                             "that link cannot be cut from here")
        for relay in links:
            relay.change(how)
        return known.faults()

    def can_cut(self, node: str, target: str) -> bool:
        """Does a relay of ours carry the node's link(s) to `target` (an https API: no)?"""
        known = self._nodes.get(node)
        return known is not None and target in TARGETS and bool(known.links(target))

    def partition(self, node: str, target: str = "zk") -> NodeFaults:
        """Blackhole the node's traffic to `target` (zk, api, all)."""
        return self.change(node, target, lambda f: replace(f, partitioned=True), must_reach=True)

    def slow(self, node: str, latency_ms: float, jitter_ms: float = 0.0, target: str = "all") -> NodeFaults:
        """Delay every chunk on the node's links to `target` by latency +- jitter (each way)."""
        self._node(node)
        check_delay(latency_ms, jitter_ms)
        return self.change(node, target, lambda f: replace(f, latency_ms=float(latency_ms),
                                                            jitter_ms=float(jitter_ms)))

    def heal(self, node: str, target: str = "all") -> NodeFaults:
        """Undo every fault on the node's links to `target`; held bytes are delivered."""
        known, target = self._node(node), self._target(target)
        for relay in known.links(target):
            relay.heal()
        return known.faults()

    def heal_all(self) -> List[str]:
        """Heal every node; returns the ids of those that had a fault."""
        healed = []
        for node, known in list(self._nodes.items()):
            if not known.faults().clear:
                for relay in known.relays():
                    relay.heal()
                healed.append(node)
        return healed

    def fault(self, node: str) -> NodeFaults:
        return self._node(node).faults()

    def faults(self) -> Dict[str, NodeFaults]:
        """Every node with a fault now."""
        found = {node: known.faults() for node, known in list(self._nodes.items())}
        return {node: f for node, f in found.items() if not f.clear}

    def stats(self, node: str) -> Dict[str, list]:
        """The node's relays' counters: {"zk": [RelayStats, ...], "api": [RelayStats]}."""
        known = self._node(node)
        return {"zk": [r.stats() for r in known.zk],
                "api": [known.api.stats()] if known.api is not None else []}

    # -- the end -----------------------------------------------------------------------
    def close(self) -> None:
        """Close every relay and connection (nodes still running see their sockets close). Idempotent."""
        with self._lock:
            self._closed = True
        self.hub.close()


# --------------------------------------------------------------------------- relay actions (pure)
# what a fault command does to a link (faults/registry.py names them; the model replays them on the events)

def cut_link(link: "LinkFault", event: Any) -> "LinkFault":
    """partition: nothing moves, both ways."""
    return replace(link, partitioned=True)


def slow_link(link: "LinkFault", event: Any) -> "LinkFault":
    """slow: every chunk waits the event's latency +- jitter."""
    return replace(link, latency_ms=float(event.latency_ms), jitter_ms=float(event.jitter_ms))


def clear_link(link: "LinkFault", event: Any) -> "LinkFault":
    """heal: no fault at all."""
    return type(link)()
