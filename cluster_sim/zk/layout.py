"""The layout of a ZooKeeper ensemble that spans machines: who is server N, and
what each machine types.

    layout = EnsembleLayout.parse("10.0.0.5,10.0.0.6:2888:3888,10.0.0.7", client_port=2181)
    layout.connect_string          # "10.0.0.5:2181,10.0.0.6:2181,10.0.0.7:2181" (for up --zk)
    layout.command_for(3)          # "clustersim zk --id 3 --peers 10.0.0.5:2888:3888,..."
    layout.peers                   # [(1, "10.0.0.5", 2888, 3888), ...] as config.server_settings takes

Server N is the Nth entry of ``--peers``, the same list on every machine (ZooKeeper's
static configuration: no reconfiguration). Every server serves clients on the same
port, so the list names only the quorum ports (peer, election), 2888:3888 unless said.
Bad input raises LayoutError, one line. Standard library only: `clustersim zk` imports it.
"""

from dataclasses import dataclass
from typing import List, Optional, Tuple

from cluster_sim.zk.config import Peer

__all__ = ["DEFAULT_ELECTION_PORT", "DEFAULT_PEER_PORT", "EnsembleLayout", "LayoutError"]

DEFAULT_PEER_PORT = 2888        # followers to the leader
DEFAULT_ELECTION_PORT = 3888    # every server to every other, to elect the leader

#: ZooKeeper's defaults: `clustersim zk` leaves them off the lines it prints.
DEFAULT_CLIENT_PORT = 2181
DEFAULT_TICK_MS = 2000


class LayoutError(ValueError):
    """An ensemble layout that cannot work; ``str()`` is one line."""


def _port(text: str, entry: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise LayoutError(f"{entry!r}: {text!r} is not a port (1-65535)")
    return int(text)


@dataclass(frozen=True)
class EnsembleLayout:
    """Every server's (host, peer port, election port), in id order, and the client port."""

    servers: Tuple[Tuple[str, int, int], ...]
    client_port: int = DEFAULT_CLIENT_PORT
    tick_ms: int = DEFAULT_TICK_MS

    @classmethod
    def parse(cls, peers: str, client_port: int = DEFAULT_CLIENT_PORT,
              tick_ms: int = DEFAULT_TICK_MS) -> "EnsembleLayout":
        """``HOST[:PEER:ELECTION],...`` -> a layout, or LayoutError."""
        servers: List[Tuple[str, int, int]] = []
        for entry in (e.strip() for e in peers.split(",")):
            parts = entry.split(":")
            if not entry or not parts[0] or len(parts) not in (1, 3):
                raise LayoutError(f"{entry!r} is not HOST or HOST:PEER_PORT:ELECTION_PORT (like 10.0.0.5:2888:3888)")
            if len(parts) == 1:
                server = (parts[0], DEFAULT_PEER_PORT, DEFAULT_ELECTION_PORT)
            else:
                server = (parts[0], _port(parts[1], entry), _port(parts[2], entry))
            if server[1] == server[2]:
                raise LayoutError(f"{entry!r}: the peer and election ports must differ")
            if client_port in server[1:]:
                raise LayoutError(f"{entry!r}: the client port {client_port} is one of its quorum ports")
            if server in servers:
                raise LayoutError(f"{entry!r} is named twice: one entry per server")
            servers.append(server)
        if len(servers) < 3:
            raise LayoutError(f"an ensemble across machines needs 3 or more servers (--peers names {len(servers)}); "
                              "for one server, leave --peers off")
        return cls(tuple(servers), client_port, tick_ms)

    @property
    def size(self) -> int:
        return len(self.servers)

    @property
    def quorum(self) -> int:
        """How many servers must see each other for the ensemble to serve."""
        return self.size // 2 + 1

    @property
    def peers(self) -> List[Peer]:
        return [(i, host, peer, election) for i, (host, peer, election) in enumerate(self.servers, 1)]

    def host(self, server_id: int) -> str:
        return self.servers[server_id - 1][0]

    def check_id(self, server_id: int) -> None:
        if not 1 <= server_id <= self.size:
            raise LayoutError(f"--id {server_id}: --peers names servers 1 to {self.size} (the Nth entry is server N)")

    @property
    def connect_string(self) -> str:
        """What clients (``up --zk``, ``node --zk``) connect to: every server's client port."""
        return ",".join(f"{host}:{self.client_port}" for host, _, _ in self.servers)

    def peers_option(self) -> str:
        return ",".join(f"{host}:{peer}:{election}" for host, peer, election in self.servers)

    def command_for(self, server_id: int, listen: Optional[str] = None) -> str:
        """The line the machine of server ``server_id`` types (only the options that differ from the defaults)."""
        words = ["clustersim", "zk", "--id", str(server_id), "--peers", self.peers_option()]
        if self.client_port != DEFAULT_CLIENT_PORT:
            words += ["--port", str(self.client_port)]
        if self.tick_ms != DEFAULT_TICK_MS:
            words += ["--tick-ms", str(self.tick_ms)]
        if listen:
            words += ["--listen", listen]
        return " ".join(words)
