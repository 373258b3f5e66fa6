"""One ZooKeeper server process: launched, waited on, stopped, watched by the reaper.

    server = ManagedServer(1, data_dir=d, host="127.0.0.1", listen="127.0.0.1", port=2181)
    server.launch(find_distribution(), ensemble=False)   # d/zoo.cfg written beforehand
    while not server.serving():
        if server.exit_reason(): ...                      # one line from its log
    server.stop()                                         # SIGTERM, then SIGKILL; data stays

``ZooKeeperCluster`` owns the servers, their ports and their data; this class
owns one java process at a time. Callers see a server through ``index``,
``address``, ``pid``, ``running`` and ``mode()``.
"""

import os
import re
import signal
import subprocess
from typing import TYPE_CHECKING, Optional

from cluster_sim.base.ports import port_free
from cluster_sim.zk.config import LOG_NAME, java_command
from cluster_sim.zk.install import Distribution, ZooKeeperUnavailable
from cluster_sim.zk.probe import NO_QUORUM, server_mode

if TYPE_CHECKING:
    from cluster_sim.base.reaper import Reaper

__all__ = ["ManagedServer"]


class ManagedServer:
    """Server ``index`` (1-based) of a cluster, serving clients on ``host:port``."""

    def __init__(self, index: int, data_dir: str, host: str, listen: str, port: int,
                 peer_port: Optional[int] = None, election_port: Optional[int] = None,
                 reaper: Optional["Reaper"] = None, label: str = "ZooKeeper") -> None:
        self.index = index
        self.data_dir = data_dir
        self.host = host                  # where clients and probes connect
        self.listen = listen              # where the client port is bound
        self.port = port
        self.peer_port = peer_port
        self.election_port = election_port
        self.label = label                # "ZooKeeper", or "ZooKeeper server 2" in an ensemble
        self.proc: Optional[subprocess.Popen] = None
        self.paused = False               # frozen by pause() (SIGSTOP) until resume()
        self._reaper = reaper
        self._log_since = 0

    # -- what callers see
    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def pid(self) -> Optional[int]:
        return self.proc.pid if self.proc else None

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def log_path(self) -> str:
        return os.path.join(self.data_dir, LOG_NAME)

    def mode(self, timeout: float = 0.5) -> str:
        """"standalone", "leader", "follower", "no quorum" (running, not serving) or "down"."""
        return server_mode(self.host, self.port, timeout)

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<ManagedServer {self.index} {self.address} pid={self.pid} {state}>"

    # -- life cycle
    def launch(self, dist: Distribution, ensemble: bool) -> None:
        """Start java on the config in ``data_dir``; output appended to its log."""
        self._log_since = _size(self.log_path)
        with open(self.log_path, "ab") as log:
            try:
                self.proc = subprocess.Popen(
                    java_command(dist, self.data_dir, ensemble), cwd=self.data_dir,
                    stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                    start_new_session=True)   # Ctrl-C in the terminal is ours to handle, not java's
            except OSError as e:
                raise ZooKeeperUnavailable(f"cannot run {dist.java}: {e.strerror}") from e
        if self._reaper:
            self._reaper.watch_pid(self.proc.pid)

    def serving(self) -> bool:
        return self.mode() not in ("down", NO_QUORUM)

    def exit_reason(self) -> Optional[str]:
        """None while the process runs, else one line saying how it ended."""
        code = self.proc.poll() if self.proc else None
        if code is None:
            return None
        return f"{self.label} exited with code {code} while starting on {self.address}: {self.last_log_line()}"

    def late_reason(self) -> str:
        return f"{self.label} did not start serving on {self.address} in time: {self.last_log_line()}"

    def bind_failed(self) -> bool:
        """Whether a start failed because one of its ports was taken (call it
        once the process is gone): somebody else took a port we picked."""
        try:
            with open(self.log_path, "rb") as f:
                f.seek(self._log_since)
                if b"Address already in use" in f.read():
                    return True
        except OSError:
            pass
        ports = [(self.listen, self.port), (self.host, self.peer_port), (self.host, self.election_port)]
        return any(port is not None and not port_free(host, port) for host, port in ports)

    def pause(self) -> bool:
        """Freeze the process (SIGSTOP): a hung server, its sockets open. False if it is not running."""
        if not self.running or self.paused:
            return False
        self._signal(signal.SIGSTOP)
        self.paused = True
        return True

    def resume(self) -> bool:
        """Thaw a frozen process (SIGCONT). False if it was not frozen by pause()."""
        if not self.paused:
            return False
        self.paused = False
        if self.running:
            self._signal(signal.SIGCONT)
        return True

    def _signal(self, sig: int) -> None:
        try:
            self.proc.send_signal(sig)  # type: ignore[union-attr]
        except OSError:
            pass  # it has just exited: poll() tells

    def stop(self, timeout: float = 5.0) -> None:
        """SIGTERM, then SIGKILL after ``timeout``; always reaps the process."""
        self.resume()  # a frozen java cannot handle SIGTERM
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.proc.terminate()
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        self.kill()

    def kill(self) -> None:
        """SIGKILL now, as a crash would; the data stays."""
        if self.proc is None:
            return
        self.paused = False  # SIGKILL ends a stopped process too
        if self.proc.poll() is None:
            try:
                self.proc.kill()
            except OSError:
                pass
        self.proc.wait()
        if self._reaper:
            self._reaper.forget_pid(self.proc.pid)

    def last_log_line(self, since: Optional[int] = None) -> str:
        """The most telling line logged since the last launch (or offset ``since``).

        The root cause of the last stack trace if there is one ("Caused by: ..."),
        else the last exception line, else the last line that is not noise.
        """
        since = self._log_since if since is None else since
        try:
            with open(self.log_path, "rb") as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(since, f.tell() - 32768))
                lines = f.read().decode(errors="replace").splitlines()
        except OSError:
            return "no log"
        lines = [ln.strip() for ln in lines if ln.strip()]
        useful = [ln for ln in lines
                  if not ln.startswith(("at ", "...", "SLF4J:")) and "Exiting JVM" not in ln]
        causes = [ln[len("Caused by:"):].strip() for ln in useful if ln.startswith("Caused by:")]
        exceptions = [ln for ln in useful if re.match(r"[\w.$]+(Exception|Error)\b", ln)]
        line = (causes or exceptions or useful or lines or ["log is empty"])[-1]
        return line if len(line) <= 300 else line[:297] + "..."


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
