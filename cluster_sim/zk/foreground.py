"""`clustersim zk`: one standalone ZooKeeper in the foreground until Ctrl-C.

    code = run_foreground(port=2181, listen="0.0.0.0")   # prints one banner line

Refuses a taken port before Java starts (PortInUse). A reaper stops the
server and removes its data even if this process is SIGKILLed.
"""

import signal
import threading

from cluster_sim.base.ports import PortInUse, port_free
from cluster_sim.zk.cluster import ZooKeeperCluster
from cluster_sim.zk.probe import short_version

__all__ = ["run_foreground"]


def run_foreground(port: int = 2181, listen: str = "127.0.0.1", tick_ms: int = 2000) -> int:
    """Serve ZooKeeper on ``listen:port`` until SIGINT/SIGTERM; returns an exit code."""
    if not port_free(listen, port):
        raise PortInUse(f"port {port} on {listen} is already in use (another ZooKeeper?): "
                        f"stop it or choose another port")
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGINT, signal.SIGTERM)}
    zk = ZooKeeperCluster(port=port, listen=listen, tick_ms=tick_ms)
    try:
        zk.start()
        server = zk.server(1)
        version = short_version(server.host, server.port) or "3.8"
        print(f"ZooKeeper {version} serving on {listen}:{port} (Ctrl-C to stop)", flush=True)
        while not stop.wait(0.5):
            if not server.running:
                print(f"ZooKeeper exited: {server.last_log_line()}", flush=True)
                return 1
        return 0
    finally:
        zk.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
