"""`clustersim zk --id N --peers ...`: this machine's server of an ensemble that
spans machines, in the foreground until Ctrl-C.

    code = run_member(EnsembleLayout.parse("10.0.0.5,10.0.0.6,10.0.0.7"), server_id=2)

It prints the lines the other machines type and the teacher's ``up --zk``,
then one line each time its server's state changes (waiting for a quorum,
follower, leader, no quorum, down): the quorum lesson as each machine sees it.
A taker zk{N} (agent.py) carries out the teacher's zk-kill/zk-start/zk-pause/
zk-resume N on this server, through the ensemble itself.
The data lives in a private temp dir, removed at the end; a reaper stops java
and removes it even if this process is SIGKILLed. The quorum ports listen on
every interface (a laptop's name often resolves to 127.0.1.1, where the
others could not reach it); the client port on ``listen``.
"""

import shutil
import signal
import socket
import tempfile
import threading
from typing import Callable, Optional

from cluster_sim.base.ports import PortInUse, port_free
from cluster_sim.base.reaper import Reaper
from cluster_sim.words.labels import label
from cluster_sim.zk.agent import ZkAgent
from cluster_sim.zk.config import server_settings, write_config
from cluster_sim.zk.install import find_distribution
from cluster_sim.zk.layout import EnsembleLayout, LayoutError
from cluster_sim.zk.probe import NO_QUORUM
from cluster_sim.zk.server import ManagedServer

__all__ = ["run_member"]

#: How often the server's state is asked (srvr) to print its changes.
POLL_S = 0.5


def _check_own_address(layout: EnsembleLayout, server_id: int) -> None:
    """Server N's host must be this machine: a wrong --id would start a server
    that claims another machine's place."""
    host = layout.host(server_id)
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind((host, 0))
    except OSError:
        raise LayoutError(f"--id {server_id} names {host}, which is not an address of this machine: "
                          f"type the --id of this machine's entry in --peers") from None


def _check_ports(layout: EnsembleLayout, server_id: int, listen: str) -> None:
    _, peer, election = layout.servers[server_id - 1]
    for host, port, what in ((listen, layout.client_port, "client"), ("0.0.0.0", peer, "peer"),
                             ("0.0.0.0", election, "election")):
        if not port_free(host, port):
            raise PortInUse(f"port {port} (ZooKeeper's {what} port) is already in use here: "
                            f"stop what holds it, or choose other ports for every machine")


def _state(mode: str) -> str:
    """A server's mode as the label key of its line."""
    return {"leader": "zk_member_leader", "follower": "zk_member_follower",
            NO_QUORUM: "zk_member_no_quorum"}.get(mode, "zk_member_down")


def run_member(layout: EnsembleLayout, server_id: int, listen: str = "0.0.0.0", lang: str = "en",
               say: Callable[[str], None] = lambda line: print(line, flush=True),
               secret: Optional[str] = None) -> int:
    """Run server ``server_id`` of ``layout`` until SIGINT/SIGTERM; returns an exit code.
    Raises LayoutError, PortInUse or ZooKeeperUnavailable (one line) before java starts."""
    layout.check_id(server_id)
    _check_own_address(layout, server_id)
    _check_ports(layout, server_id, listen)
    dist = find_distribution()
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    reaper = Reaper.start(grace=0.5)
    base = tempfile.mkdtemp(prefix=f"clustersim-zk{server_id}-")
    reaper.watch_path(base)
    agent: Optional[ZkAgent] = None
    server = ManagedServer(server_id, base, host=_probe_host(listen), listen=listen,
                           port=layout.client_port, reaper=reaper, label=f"ZooKeeper server {server_id}")
    try:
        settings = server_settings(layout.tick_ms, base, layout.client_port, listen, layout.peers)
        # a cut machine's election connection hangs until this timeout (ZooKeeper's default: 5 s)
        settings.update(quorumListenOnAllIPs="true", cnxTimeout=min(5000, max(1000, 5 * layout.tick_ms)))
        write_config(base, settings, myid=server_id)
        _announce(layout, server_id, listen, lang, say)
        server.launch(dist, ensemble=True)
        # the teacher's zk-kill/zk-pause N reach this machine's server through the ensemble
        agent = ZkAgent(server, lambda: server.launch(dist, ensemble=True), layout.connect_string, secret=secret)
        agent.start()
        return _follow(server, layout, stop, lang, say, agent)
    finally:
        if agent is not None:
            agent.stop()
        server.stop()
        shutil.rmtree(base, ignore_errors=True)
        reaper.forget_path(base)
        reaper.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _probe_host(listen: str) -> str:
    """Where this machine asks its own server (srvr): loopback for a wildcard listen."""
    return "127.0.0.1" if listen in ("", "0.0.0.0") else listen


def _announce(layout: EnsembleLayout, server_id: int, listen: str, lang: str, say: Callable[[str], None]) -> None:
    say(label("zk_member_starting", lang, id=server_id, size=layout.size, host=layout.host(server_id),
              port=layout.client_port, quorum=layout.quorum))
    say(label("zk_member_others", lang))
    for other in range(1, layout.size + 1):
        if other != server_id:
            say(f"  {layout.host(other)}:  {layout.command_for(other)}")
    say(label("zk_member_teacher", lang))
    say(f"  clustersim up --zk {layout.connect_string}")


def _follow(server: ManagedServer, layout: EnsembleLayout, stop: threading.Event, lang: str,
            say: Callable[[str], None], agent: ZkAgent) -> int:
    """Print each change of the server's state until stopped; 1 if java exits by itself."""
    shown: Optional[str] = None
    served = False
    listening = False
    while not stop.wait(POLL_S if shown is not None else 0.05):
        if not server.running and not agent.down:
            say(label("zk_member_exited", lang, id=server.index, reason=server.last_log_line()))
            return 1
        if not listening and agent.session is not None:
            # from now on the teacher's zk-kill/zk-pause N reach this server (its card is on ZooKeeper)
            say(label("zk_member_listening", lang, id=server.index, taker=agent.target))
            listening = True
        mode = server.mode()
        served = served or mode not in ("down", NO_QUORUM)
        key = _state(mode) if served else "zk_member_waiting"
        if key != shown:
            say(label(key, lang, id=server.index, quorum=layout.quorum, size=layout.size,
                      address=f"{layout.host(server.index)}:{layout.client_port}"))
            shown = key
    return 0
