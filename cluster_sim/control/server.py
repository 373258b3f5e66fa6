"""The supervisor's end of the control socket (see cluster_sim.control).

Each connection is read on a short-lived thread, checked (same user, one JSON
object, a known command) and handed to the manager's loop with a reply slot;
the loop is the only one that acts. Peers of another user are refused with
SO_PEERCRED before anything is read.

    server = ControlServer("default", submit=manager.submit_request)
    server.start(); ...; server.stop()
"""

import os
import queue
import socket
import struct
import threading
from typing import Any, Callable, Dict, Optional

from cluster_sim import control

# a request and the slot its answer goes in (the manager's submit_request)
Submit = Callable[[Dict[str, Any], "queue.Queue[Dict[str, Any]]"], None]


class AlreadyRunning(RuntimeError):
    pass


def _peer_uid(conn: socket.socket) -> int:
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    return uid


class ControlServer:
    def __init__(self, name: str, submit: Submit, reply_timeout: float = 15.0) -> None:
        self.name = name
        self.submit = submit  # submit(request, reply_queue)
        self.reply_timeout = reply_timeout
        self.path = control.socket_path(name)
        self.sock: Optional[socket.socket] = None
        self._thread: Optional[threading.Thread] = None
        self._stopping = threading.Event()

    def start(self) -> None:
        if os.path.exists(self.path):
            try:
                control.send(self.name, {"cmd": "status"}, timeout=2.0)
            except control.ControlError:
                os.unlink(self.path)  # stale: its supervisor died
            else:
                raise AlreadyRunning(
                    f"a cluster named {self.name!r} is already running; "
                    "stop it (clustersim stop) or pick another --name"
                )
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old_umask = os.umask(0o177)  # the socket is born 0600
        try:
            sock.bind(self.path)
        finally:
            os.umask(old_umask)
        os.chmod(self.path, 0o600)
        sock.listen(16)
        sock.settimeout(0.5)
        self.sock = sock
        self._thread = threading.Thread(target=self._accept, name="control", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        assert self.sock is not None  # start() binds it before this thread runs
        while not self._stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                break
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(5.0)
            if _peer_uid(conn) != os.getuid():
                conn.sendall(control.encode({"ok": False, "error": "refused: another user"}))
                return
            try:
                request = control.decode(control.read_line(conn))
                cmd = request.get("cmd")
                if cmd not in control.COMMANDS:
                    raise control.ControlError(f"unknown command {cmd!r}")
            except control.ControlError as exc:
                conn.sendall(control.encode({"ok": False, "error": str(exc)}))
                return
            reply: "queue.Queue[Dict[str, Any]]" = queue.Queue(maxsize=1)
            self.submit(request, reply)
            try:
                answer = reply.get(timeout=self.reply_timeout)
            except queue.Empty:
                answer = {"ok": False, "error": "the supervisor is busy; try again"}
            conn.sendall(control.encode(answer))
        except OSError:
            pass
        finally:
            conn.close()

    def stop(self) -> None:
        self._stopping.set()
        if self.sock is not None:
            self.sock.close()
        try:
            os.unlink(self.path)
        except OSError:
            pass
