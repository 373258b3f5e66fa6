"""The control protocol between the CLI and a running supervisor.

One request per connection over a Unix stream socket: the client sends one
JSON object on one line, the supervisor answers one JSON object on one line.

    request:  {"cmd": "kill", "id": "3", "hard": false}
    answer:   {"ok": true, "message": "node 3 killed (SIGTERM)"}
              {"ok": false, "error": "no node 99 in cluster 'default'"}

The commands and their fields are declared once, in
cluster_sim.control.commands (COMMANDS here is their names). The socket
lives in ``$CLUSTERSIM_RUNTIME_DIR``, else
``$XDG_RUNTIME_DIR/clustersim``, else a private 0700 directory under the temp
dir, named ``<cluster name>.sock`` and only usable by its owner (0600).

Kept to the standard library (and that light list): `clustersim kill` must answer in a blink.

    answer = send("default", {"cmd": "status"})
"""

import json
import os
import socket

from cluster_sim.base import runtime
from cluster_sim.control.commands import NAMES

MAX_MESSAGE = 1 << 20
COMMANDS = NAMES   # what the socket accepts: the declared commands, nothing else


class ControlError(RuntimeError):
    """No supervisor answered, or it answered nonsense; the message is one line."""


class NotRunning(ControlError):
    """No supervisor listens under that name (nothing to ask: start one)."""


def runtime_dir(create: bool = True) -> str:
    """base/runtime.py's directory; a directory that is not ours is a ControlError here."""
    try:
        return runtime.runtime_dir(create)
    except runtime.RuntimeDirError as e:
        raise ControlError(str(e)) from None


def socket_path(name: str, create: bool = True) -> str:
    """The control socket of cluster `name`; a client asks with create=False (asking
    whether a cluster runs must not leave a directory behind)."""
    return os.path.join(runtime_dir(create), f"{name}.sock")


def encode(message: dict) -> bytes:
    return json.dumps(message, separators=(",", ":")).encode() + b"\n"


def decode(line: bytes) -> dict:
    """Parse one message; ControlError if it is not one JSON object."""
    if len(line) > MAX_MESSAGE:
        raise ControlError("message too large")
    try:
        message = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ControlError("malformed message: not JSON") from None
    if not isinstance(message, dict):
        raise ControlError("malformed message: not a JSON object")
    return message


def read_line(sock: socket.socket) -> bytes:
    chunks, size = [], 0
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if b"\n" in chunk or size > MAX_MESSAGE:
            break
    return b"".join(chunks).split(b"\n", 1)[0]


def send(name: str, message: dict, timeout: float = 10.0) -> dict:
    path = socket_path(name, create=False)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        try:
            sock.connect(path)
        except (FileNotFoundError, ConnectionRefusedError):
            raise NotRunning(
                f"no cluster named {name!r} is running (start one with: clustersim up"
                + ("" if name == "default" else f" --name {name}") + ")"
            ) from None
        except PermissionError:
            raise ControlError(f"cluster {name!r} belongs to another user") from None
        sock.sendall(encode(message))
        try:
            line = read_line(sock)
        except socket.timeout:
            raise ControlError(f"cluster {name!r} did not answer within {timeout:g} s") from None
        if not line:
            raise ControlError(f"cluster {name!r} closed the connection without answering")
        return decode(line)
    finally:
        sock.close()
