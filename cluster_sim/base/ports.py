"""Free TCP ports, and the one error for a port somebody else holds.

    port = free_port()                       # free on loopback a moment ago
    if not port_free("0.0.0.0", 2181):
        raise PortInUse("port 2181 on 0.0.0.0 is already in use")

Standard library only: the API and the ZooKeeper launcher both use it.
"""

import socket

__all__ = ["PortInUse", "free_port", "free_ports", "port_free"]


class PortInUse(OSError):
    """A port we were asked to serve on is taken; the message is one line."""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free on ``host`` a moment ago (the kernel's pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def free_ports(host: str, count: int) -> list:
    """``count`` distinct ports, each free on ``host`` a moment ago."""
    ports: list = []
    while len(ports) < count:
        port = free_port(host)
        if port not in ports:
            ports.append(port)
    return ports


def port_free(host: str, port: int) -> bool:
    """Whether a server could bind ``host:port`` now (with SO_REUSEADDR, as
    Java and http.server do, so a port in TIME_WAIT counts as free)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
        return True
