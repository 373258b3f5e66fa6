"""The relays' hub in a process of its own, so that a supervisor's relays move a thousand nodes'
bytes without waiting for the supervisor's interpreter lock.

    hub = HubProcess()                          # starts `python -m cluster_sim.netfault.hub_process`
    relay = Relay("127.0.0.1:2181", hub=hub)    # the same Relay: its listener is handed over
    relay.partition(); relay.stats(); relay.close()
    hub.close()                                 # the process ends; so it does when we die

In the supervisor's process the hub's selector thread shared one interpreter lock with the
live view, the observer and its ZooKeeper client: every byte a node sent waited for them, and
`up -n 1000` took 107-131 s to have every node publishing, against 18 s without relays
(docs/benchmarks.md, rows 9). Here the same Hub runs in a child process; the Relay objects,
their faults and every decision stay in the supervisor, which tells the child what changed.

The protocol: one SOCK_SEQPACKET socket pair; each request is one JSON message (an "add" carries
the relay's listening socket along), answered by one JSON message, {"value": ...} or {"error":
...}, in order, one at a time:

    {"op": "add", "id": 7, "target": ["127.0.0.1", 2181], "family": 2, "name": "node 3 -> zk"}  + fd
    {"op": "fault", "id": 7, "fault": {"partitioned": true, "latency_ms": 0, ...}}   (LinkFault.to_json)
    {"op": "stats", "id": 7}      -> [accepted, open, pending, held bytes, bytes up, bytes down]
    {"op": "remove", "id": 7}
    {"op": "close"}               -> every relay and connection closed; the process exits

The child ignores SIGINT, SIGTERM and SIGHUP, like the nodes' fork server: a signal to `up`'s
process group must not cut every node off before the supervisor's shutdown has had them store
their last rounds. It ends on "close", or when its socket reads end-of-file: the supervisor is
gone, whatever killed it.
"""

import json
import signal
import socket
import subprocess
import sys
import threading
from typing import Any, Dict, List, Optional, Tuple

from cluster_sim.netfault.hub import CALL_TIMEOUT, Hub, HubClosed
from cluster_sim.netfault.relay import LinkFault

__all__ = ["HubProcess"]

MESSAGE = 64 * 1024
START_TIMEOUT = 10.0


class HubProcess:
    """A Hub in a child process, with the calls a Relay makes of its hub (see the module's docstring)."""

    def __init__(self, name: str = "netfault") -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "cluster_sim.netfault.hub_process", str(theirs.fileno()), name],
                pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self._sock = ours
        self._lock = threading.Lock()
        self._next_id = 0
        self._closed = False
        try:
            self._ask({"op": "ready"}, timeout=START_TIMEOUT)
        except BaseException:
            self.close()
            raise

    @property
    def pid(self) -> int:
        return self._proc.pid

    def _ask(self, request: Dict[str, Any], fds: Tuple[int, ...] = (), timeout: float = CALL_TIMEOUT) -> Any:
        with self._lock:
            if self._closed:
                raise HubClosed("the relay hub is closed")
            data = json.dumps(request).encode()
            self._sock.settimeout(timeout)
            try:
                if fds:
                    socket.send_fds(self._sock, [data], list(fds))
                else:
                    self._sock.send(data)
                answer = self._sock.recv(MESSAGE)
            except socket.timeout:
                raise TimeoutError(f"the relay hub did not answer within {timeout:g} s") from None
            except OSError as exc:
                raise HubClosed(f"the relay hub process is gone ({exc.strerror or exc})") from None
        if not answer:
            raise HubClosed("the relay hub process is gone")
        reply = json.loads(answer)
        if "error" in reply:
            raise OSError(reply["error"])
        return reply.get("value")

    # -- what a Relay asks ----------------------------------------------------------
    def attach(self, relay: Any) -> None:
        with self._lock:
            self._next_id += 1
            relay.hub_id = self._next_id
        self._ask({"op": "add", "id": relay.hub_id, "target": list(relay.target_sockaddr),
                   "family": int(relay.family), "name": relay.name}, fds=(relay.listener.fileno(),))
        relay.listener.close()   # the child's copy serves it

    def set_fault(self, relay: Any, fault: LinkFault) -> None:
        if not relay.closed:
            self._ask({"op": "fault", "id": relay.hub_id, "fault": fault.to_json()})   # every field, a new one's too

    def relay_stats(self, relay: Any) -> Tuple[int, int, int, int, int, int]:
        if relay.closed:
            return (0, 0, 0, 0, 0, 0)
        a, o, p, h, u, d = self._ask({"op": "stats", "id": relay.hub_id})
        return a, o, p, h, u, d

    def detach(self, relay: Any) -> None:
        if relay.closed:
            return
        relay.closed = True
        try:
            self._ask({"op": "remove", "id": relay.hub_id})
        except HubClosed:
            pass   # the process closed every relay as it ended

    def close(self, timeout: float = CALL_TIMEOUT) -> None:
        """Close every relay and connection, and end the process. Idempotent."""
        try:
            self._ask({"op": "close"}, timeout=timeout)
        except (HubClosed, TimeoutError, OSError):
            pass
        with self._lock:
            self._closed = True
            self._sock.close()
        try:
            self._proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(timeout)


class _RelayEnd:
    """What the child's Hub knows of one relay: its listener, its target and its fault."""

    def __init__(self, listener: socket.socket, target: Tuple[Any, ...], family: int, name: str) -> None:
        self.listener = listener
        self.target_sockaddr = target
        self.family = family
        self.name = name
        self.conns: set = set()
        self.accepted = 0
        self.moved = [0, 0]
        self.partitioned = False
        self.latency = 0.0
        self.jitter = 0.0
        self.closed = False


def _serve(sock: socket.socket, hub: Hub) -> None:
    relays: Dict[int, _RelayEnd] = {}
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(sock, MESSAGE, 1)
        except OSError:
            return
        if not data:
            return   # the supervisor is gone
        request = json.loads(data)
        op = request["op"]
        reply: Dict[str, Any] = {"value": None}
        try:
            if op == "add":
                listener = socket.socket(fileno=fds[0])
                listener.setblocking(False)
                fds = []
                end = _RelayEnd(listener, tuple(request["target"]), request["family"], request["name"])
                hub.attach(end)
                relays[request["id"]] = end
            elif op == "fault":
                hub.set_fault(relays[request["id"]], LinkFault(**request["fault"]))
            elif op == "stats":
                reply["value"] = list(hub.relay_stats(relays[request["id"]]))
            elif op == "remove":
                if request["id"] in relays:
                    hub.detach(relays.pop(request["id"]))
            elif op == "close":
                hub.close()
                sock.send(json.dumps(reply).encode())
                return
        except Exception as exc:  # noqa: BLE001 - answered, one line: the supervisor raises it
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        for fd in fds:
            socket.close(fd)
        sock.send(json.dumps(reply).encode())


def main(argv: Optional[List[str]] = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    for ignored in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(ignored, signal.SIG_IGN)
    sock = socket.socket(fileno=int(args[0]))
    sock.settimeout(None)
    hub = Hub(name=args[1] if len(args) > 1 else "netfault")
    try:
        _serve(sock, hub)
    finally:
        hub.close()
        sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
