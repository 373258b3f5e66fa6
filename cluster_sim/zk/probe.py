"""Asking a ZooKeeper server how it is, with its ``srvr`` four-letter word.

    server_mode("127.0.0.1", 2181)      # "standalone", "leader", "follower", "no quorum" or "down"
    server_version("127.0.0.1", 2181)   # "3.8.0", or "" if it does not answer

A server that runs and answers but is not serving (an ensemble member without
a quorum) is "no quorum": running, yet clients cannot use it. "down" is a
server that does not answer at all.
"""

import socket
from typing import Dict, Optional

__all__ = ["NO_QUORUM", "connectable", "four_letter_word", "server_mode", "server_version", "short_version"]

NO_QUORUM = "no quorum"


def connectable(listen: str) -> str:
    """The address to reach a server that listens on ``listen`` (a wildcard means loopback)."""
    return "127.0.0.1" if listen in ("", "0.0.0.0") else listen


def _four_letter_word(host: str, port: int, word: str, timeout: float) -> str:
    with socket.create_connection((connectable(host), port), timeout=timeout) as s:
        s.settimeout(timeout)
        s.sendall(word.encode())
        chunks = []
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks).decode(errors="replace")


def four_letter_word(host: str, port: int, word: str, timeout: float) -> str:
    """The server's answer to a four-letter word (OSError if it does not answer)."""
    return _four_letter_word(host, port, word, timeout)


def _srvr(host: str, port: int, timeout: float) -> Optional[Dict[str, str]]:
    """The ``srvr`` reply as a dict ({"mode": NO_QUORUM} when it runs but does not
    serve), or None if the server does not answer."""
    try:
        reply = _four_letter_word(host, port, "srvr", timeout)
    except OSError:
        return None
    if "not currently serving" in reply:
        return {"mode": NO_QUORUM}
    fields = {}
    for line in reply.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip().lower()] = value.strip()
    return fields if "mode" in fields else None


def server_mode(host: str, port: int, timeout: float = 0.5) -> str:
    """"standalone", "leader", "follower" (or "observer"), "no quorum", or "down"."""
    fields = _srvr(host, port, timeout)
    return fields["mode"].lower() if fields else "down"


def server_version(host: str, port: int, timeout: float = 0.5) -> str:
    """"3.8.0" from "Zookeeper version: 3.8.0-${mvngit.commit.id}, built on ...", or ""."""
    fields = _srvr(host, port, timeout) or {}
    return fields.get("zookeeper version", "").split("-")[0].split(",")[0]


def short_version(host: str, port: int) -> str:
    """"3.8" (what `clustersim zk` prints), or ""."""
    version = server_version(host, port)
    return ".".join(version.split(".")[:2]) if version else ""
