"""How many connections a ZooKeeper server takes from one address, and a server that refuses ours.

A ZooKeeper server takes at most ``maxClientCnxns`` connections from one IP address (60 in a
stock zoo.cfg; 0 means no limit). Every node `up` starts on this machine reaches it from the
same address (through the supervisor's relays, 127.0.0.1), so a cluster larger than the limit
cannot come up. The server says its limit through the ``conf`` four-letter word (when its
``4lw.commands.whitelist`` allows it) or its AdminServer (``/commands/configuration``); past
the limit it accepts a connection and closes it at once, before a byte is read.

    client_limit("zk.example.org", 2181)  # ClientLimit(per_address=60, source="conf"); per_address None: unknown
    closes_at_once("127.0.0.1:2181")      # True: it accepts our connections and closes them unread
    unreachable_line("10.0.0.5:2181", str(exc), "en")   # what to say for a ZkUnreachable
"""

import json
import socket
import urllib.request
from dataclasses import dataclass
from enum import Enum
from typing import List, Optional, Tuple

from cluster_sim.words import lookup

__all__ = ["ADMIN_PORT", "ClientLimit", "client_limit", "closes_at_once", "server_addresses", "unreachable_line"]

ADMIN_PORT = 8080          # the AdminServer's default port (admin.serverPort)
NOT_ALLOWED = "not in the whitelist"   # a four-letter word the server refuses to run


class Answer(Enum):
    DOWN = "down"            # the connection was refused, or timed out
    CLOSED = "closed"        # accepted, then closed before a byte came back
    REPLIED = "replied"      # a reply (even "not in the whitelist")


@dataclass(frozen=True)
class ClientLimit:
    """A server's per-address connection limit: ``per_address`` 0 is none, None unknown
    (``source`` then says why: "not allowed", "down" or "unreadable")."""
    per_address: Optional[int]
    source: str                 # "conf", "admin", or why it is not known


def server_addresses(hosts: str) -> List[Tuple[str, int]]:
    """(host, port) of each server of a connect string "h1:p1,h2:p2/chroot" (port 2181 when left out)."""
    out = []
    for address in hosts.split("/", 1)[0].split(","):
        address = address.strip()
        if not address:
            continue
        host, colon, port = address.rpartition(":")
        if colon and port.isdigit():
            out.append((host.strip("[]"), int(port)))
        else:
            out.append((address.strip("[]"), 2181))
    return out


def _ask(host: str, port: int, word: str, timeout: float) -> Tuple[Answer, str]:
    try:
        s = socket.create_connection((host, port), timeout=timeout)
    except (ConnectionResetError, ConnectionAbortedError, BrokenPipeError):
        return Answer.CLOSED, ""    # accepted and reset so fast that connecting itself saw it
    except OSError:
        return Answer.DOWN, ""
    chunks = []
    try:
        with s:
            s.settimeout(timeout)
            s.sendall(word.encode())
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                chunks.append(chunk)
    except socket.timeout:
        return Answer.DOWN, ""      # accepted and silent: a frozen server, not a refusal
    except OSError:
        pass                        # reset or broken pipe: a server past its limit closes at once (SO_LINGER 0)
    text = b"".join(chunks).decode(errors="replace")
    return (Answer.REPLIED, text) if text else (Answer.CLOSED, "")


def _from_conf(text: str) -> Optional[int]:
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() == "maxClientCnxns" and value.strip().isdigit():
            return int(value.strip())
    return None


def _from_admin(host: str, port: int, timeout: float) -> Optional[int]:
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/commands/configuration"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:   # noqa: S310 - http only, built above
            found = json.loads(answer.read(65536).decode(errors="replace"))
    except (OSError, ValueError):
        return None
    value = found.get("max_client_cnxns") if isinstance(found, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def client_limit(host: str, port: int, timeout: float = 1.0, admin_port: int = ADMIN_PORT) -> ClientLimit:
    """The server's maxClientCnxns, from ``conf``, else from its AdminServer, else unknown."""
    answer, text = _ask(host, port, "conf", timeout)
    if answer is Answer.REPLIED:
        found = _from_conf(text)
        if found is not None:
            return ClientLimit(found, "conf")
    admin = _from_admin(host, admin_port, timeout)
    if admin is not None:
        return ClientLimit(admin, "admin")
    if answer is Answer.REPLIED:
        return ClientLimit(None, "not allowed" if NOT_ALLOWED in text else "unreadable")
    return ClientLimit(None, answer.value)


def closes_at_once(hosts: str, timeout: float = 2.0) -> bool:
    """Whether the servers of ``hosts`` accept our connections and close them unread: each one
    that is up does (the pattern of a server past its per-address limit), and one at least is up."""
    answers = [_ask(host, port, "ruok", timeout)[0] for host, port in server_addresses(hosts)]
    up = [a for a in answers if a is not Answer.DOWN]
    return bool(up) and all(a is Answer.CLOSED for a in up)


def unreachable_line(hosts: str, line: str, lang: str = "en") -> str:
    """What to say when ZooKeeper at ``hosts`` (its real address, never a relay's) was not
    reached: its per-address limit when it closes our connections at once, else ``line``."""
    if closes_at_once(hosts):
        return lookup("zk_limit_closed", lang, zk=hosts.split("/", 1)[0])
    return line
