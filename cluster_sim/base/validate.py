"""Checks of what people type: node ids, ZooKeeper addresses, ports.

Each check raises ``BadInput`` with one line that says what is wrong; the CLI
prints it and exits 2. Kept free of heavy imports: control commands use it.

    >>> parse_node_id("3")
    '3'
    >>> parse_zk_hosts("127.0.0.1:2181,127.0.0.1:2182/demo")
    '127.0.0.1:2181,127.0.0.1:2182/demo'
"""

import re

MAX_ID_LENGTH = 64
_ID_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
_HOST_RE = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)$")
_CHROOT_RE = re.compile(r"^(/[A-Za-z0-9_.-]+)+$")


class BadInput(ValueError):
    """A value typed by a person is not acceptable; the message is one line."""


def parse_node_id(value: object) -> str:
    text = "" if value is None else str(value)
    if not text:
        raise BadInput("node id is empty")
    if len(text) > MAX_ID_LENGTH:
        raise BadInput(f"node id is longer than {MAX_ID_LENGTH} characters")
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise BadInput("node id contains control characters")
    if text in (".", "..") or not _ID_RE.match(text):
        raise BadInput(
            f"node id {text!r} is not valid: use letters, digits, '_', '-' or '.'"
        )
    return text


def parse_port(value: object, what: str = "port") -> int:
    try:
        port = int(str(value))
    except ValueError:
        raise BadInput(f"{what} {value!r} is not a number") from None
    if not 0 < port < 65536:
        raise BadInput(f"{what} {port} is out of range (1-65535)")
    return port


def parse_zk_hosts(value: str) -> str:
    """Validate HOST:PORT[,HOST:PORT...][/chroot]; returns it unchanged."""
    text = (value or "").strip()
    if not text:
        raise BadInput("--zk is empty: expected HOST:PORT[,HOST:PORT...]")
    hosts, slash, chroot = text.partition("/")
    if slash and not _CHROOT_RE.match("/" + chroot):
        raise BadInput(f"--zk {value!r}: bad chroot path {'/' + chroot!r}")
    for item in hosts.split(","):
        host, colon, port = item.strip().rpartition(":")
        if not colon or not host or not _HOST_RE.match(host):
            raise BadInput(f"--zk {value!r}: expected HOST:PORT[,HOST:PORT...]")
        parse_port(port, what=f"--zk {value!r}: port")
    return text
