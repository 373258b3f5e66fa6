"""ZooKeeper for clustersim: N real servers on this host; a standalone server
is a cluster of one.

    with ZooKeeperCluster() as zk:                     # one standalone server, free port
        client = KazooClient(hosts=zk.address)         # "127.0.0.1:41235"

    with ZooKeeperCluster(size=3, reaper=reaper) as zk:   # an ensemble with one leader
        client = KazooClient(hosts=zk.address)         # "127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3"
        zk.kill_server(zk.leader())                    # fault injection: a crash
        zk.start_server(2, wait=False)                 # same ports, same data
        zk.pause_server(1); zk.resume_server(1)        # a hung server (SIGSTOP / SIGCONT)

Every server gets free ports (or ``port=`` for a cluster of one), its own data
dir under one base dir (a private temp dir unless ``data_dir=``) and a log
file there. ``stop()`` stops every server and removes what the cluster made.
Every java process and the temp dir are registered with a reaper (the
caller's, else one the cluster starts for itself), so nothing outlives the
owner, even after SIGKILL: the reaper is the one clean-up path.
"""

import os
import shutil
import tempfile
import time
from typing import List, Optional

from cluster_sim.base.ports import PortInUse, free_ports, port_free
from cluster_sim.base.reaper import Reaper
from cluster_sim.zk.config import Peer, server_settings, write_config
from cluster_sim.zk.install import Distribution, ZooKeeperUnavailable, find_distribution
from cluster_sim.zk.probe import connectable
from cluster_sim.zk.server import ManagedServer

__all__ = ["AlreadyRunning", "ZooKeeperCluster"]

#: A free port we picked can be taken before java binds it: then we start
#: over on new ports, at most this many times in all.
START_ATTEMPTS = 3


class AlreadyRunning(RuntimeError):
    """``start_server(i)`` on a server that runs; the message is one line."""


class ZooKeeperCluster:
    """``size`` ZooKeeper servers on this host: standalone for 1, an ensemble
    (``QuorumPeerMain``, one quorum) for more."""

    def __init__(self, size: int = 1, listen: str = "127.0.0.1", port: Optional[int] = None,
                 data_dir: Optional[str] = None, tick_ms: int = 200, reaper: Optional[Reaper] = None) -> None:
        if size < 1:
            raise ValueError("a ZooKeeper cluster needs at least one server")
        if port is not None and size != 1:
            raise ValueError("port= names the client port of a cluster of one")
        self.size = size
        self.listen = listen                  # where client ports are bound
        self.host = connectable(listen)       # where clients, probes and peers connect
        self.tick_ms = tick_ms
        self._port = port
        self._given_dir = data_dir            # the caller's: never removed
        self._base: Optional[str] = None
        self._servers: List[ManagedServer] = []
        self._laid_out = False
        self._dist: Optional[Distribution] = None
        self._reaper = reaper
        self._own_reaper: Optional[Reaper] = None

    # -- what callers see
    @property
    def servers(self) -> List[ManagedServer]:
        return list(self._servers)

    def server(self, i: int) -> ManagedServer:
        if not 1 <= i <= len(self._servers):
            raise IndexError(f"no ZooKeeper server {i} in a cluster of {self.size}")
        return self._servers[i - 1]

    @property
    def address(self) -> str:
        """What kazoo's ``hosts=`` takes: every server's host:port, comma-separated."""
        return ",".join(s.address for s in self._servers)

    @property
    def base_dir(self) -> Optional[str]:
        return self._base

    def mode(self, i: int) -> str:
        return self.server(i).mode()

    def leader(self) -> Optional[int]:
        """The index of the ensemble's current leader, or None."""
        for s in self._servers:
            if s.running and s.mode() == "leader":
                return s.index
        return None

    def __repr__(self) -> str:
        return f"<ZooKeeperCluster {self.address or '(not started)'}>"

    # -- the whole cluster
    def start(self, timeout: float = 60.0) -> "ZooKeeperCluster":
        """Start every server that is not running and wait until each serves
        (an ensemble member serves once it is in a quorum); returns self.

        Servers started before keep their ports and data. Raises PortInUse if
        ``port=`` is taken, ZooKeeperUnavailable (one line) if ZooKeeper will
        not serve; either way nothing is left running."""
        if self._laid_out and all(s.running for s in self._servers):
            return self
        began = time.monotonic()
        try:
            self._dist = find_distribution()
            if self._reaper is None:
                self._reaper = self._own_reaper = Reaper.start(grace=0.5)
            attempt = 1
            while True:
                fresh = not self._laid_out
                if fresh:
                    self._lay_out()
                pending = [s for s in self._servers if not s.running]
                for s in pending:
                    s.launch(self._dist, ensemble=self.size > 1)
                error = self._wait(pending, began + timeout)
                if error is None:
                    return self
                for s in pending:
                    s.kill()
                port_taken = any(s.bind_failed() for s in pending)
                if not (fresh and port_taken and self._port is None and attempt < START_ATTEMPTS):
                    raise ZooKeeperUnavailable(error)
                self._discard_layout()
                attempt += 1
        except BaseException:
            self.stop()
            raise

    def stop(self, timeout: float = 5.0) -> None:
        """Stop every server (SIGTERM, then SIGKILL) and remove the data the
        cluster made. Safe to call twice, or after a failed start."""
        for s in self._servers:
            s.stop(timeout)
        if self._base is not None and self._given_dir is None:
            shutil.rmtree(self._base, ignore_errors=True)
            if self._reaper:
                self._reaper.forget_path(self._base)
        self._base = None
        self._laid_out = False
        if self._own_reaper is not None:
            self._own_reaper.close()
            self._reaper = self._own_reaper = None

    def __enter__(self) -> "ZooKeeperCluster":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- one server (fault injection)
    def stop_server(self, i: int, timeout: float = 5.0) -> None:
        """SIGTERM (then SIGKILL) server ``i``; its data stays for start_server()."""
        self.server(i).stop(timeout)

    def kill_server(self, i: int) -> None:
        """SIGKILL server ``i``, as a crash would; its data stays."""
        self.server(i).kill()

    def pause_server(self, i: int) -> bool:
        """Freeze server ``i`` (SIGSTOP): it hangs, its connections stay open. False if
        it is not running or already frozen."""
        return self.server(i).pause()

    def resume_server(self, i: int) -> bool:
        """Thaw server ``i`` (SIGCONT). False if it was not frozen."""
        return self.server(i).resume()

    def resume_all(self) -> List[int]:
        """Thaw every frozen server; the indexes of those that were."""
        return [s.index for s in self._servers if s.resume()]

    def start_server(self, i: int, wait: bool = True, timeout: float = 30.0) -> ManagedServer:
        """Start server ``i`` again with its old ports and data.

        With ``wait`` it returns once the server serves, which for an ensemble
        member needs a quorum: pass ``wait=False`` while a majority is down.
        Raises AlreadyRunning if it runs."""
        s = self.server(i)
        if s.running:
            raise AlreadyRunning(f"{s.label} is already running (pid {s.pid})")
        if not self._laid_out or self._dist is None:
            raise RuntimeError("the ZooKeeper cluster is not started")
        s.launch(self._dist, ensemble=self.size > 1)
        if wait:
            error = self._wait([s], time.monotonic() + timeout)
            if error is not None:
                s.kill()
                raise ZooKeeperUnavailable(error)
        return s

    # -- inside
    def _lay_out(self) -> None:
        """Ports, data dirs and configs of every server."""
        if self._base is None:
            if self._given_dir is not None:
                os.makedirs(self._given_dir, exist_ok=True)
                self._base = self._given_dir
            else:
                self._base = tempfile.mkdtemp(prefix="clustersim-zk-")
                assert self._reaper is not None  # start() has one before laying out
                self._reaper.watch_path(self._base)
        if self._port is not None and not port_free(self.listen, self._port):
            raise PortInUse(f"port {self._port} on {self.listen} is already in use")
        ensemble = self.size > 1
        if ensemble:
            ports = free_ports(self.host, 3 * self.size)
        else:
            ports = [self._port or free_ports(self.listen, 1)[0], None, None]
        self._servers = []
        for i in range(1, self.size + 1):
            client, peer, election = ports[3 * (i - 1): 3 * i]
            data_dir = os.path.join(self._base, f"zk{i}")
            os.makedirs(data_dir, exist_ok=True)
            self._servers.append(ManagedServer(
                i, data_dir, host=self.host, listen=self.listen, port=client, peer_port=peer,
                election_port=election, reaper=self._reaper,
                label=f"ZooKeeper server {i}" if ensemble else "ZooKeeper"))
        peers = [_peer(s) for s in self._servers] if ensemble else None
        for s in self._servers:
            write_config(s.data_dir, server_settings(self.tick_ms, s.data_dir, s.port, self.listen, peers),
                         myid=s.index if ensemble else None)
        self._laid_out = True

    def _discard_layout(self) -> None:
        for s in self._servers:
            shutil.rmtree(s.data_dir, ignore_errors=True)
        self._laid_out = False

    @staticmethod
    def _wait(servers: List[ManagedServer], deadline: float) -> Optional[str]:
        """None once every one of ``servers`` serves, else a one-line reason."""
        pending = list(servers)
        while True:
            for s in list(pending):
                reason = s.exit_reason()
                if reason is not None:
                    return reason
                if s.serving():
                    pending.remove(s)
            if not pending:
                return None
            if time.monotonic() > deadline:
                return pending[0].late_reason()
            time.sleep(0.05)


def _peer(server: ManagedServer) -> Peer:
    """An ensemble member as zoo.cfg names it."""
    assert server.peer_port is not None and server.election_port is not None  # an ensemble's: laid out so
    return (server.index, server.host, server.peer_port, server.election_port)
