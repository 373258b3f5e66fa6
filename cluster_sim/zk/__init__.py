"""Real Apache ZooKeeper servers for clustersim: found, configured, run, probed.

    from cluster_sim.zk import ZooKeeperCluster

    with ZooKeeperCluster() as zk:                 # a standalone server is a cluster of one
        client = KazooClient(hosts=zk.address)
    with ZooKeeperCluster(size=3) as zk:           # an ensemble; zk.kill_server(1), ...
        ...

The simulator never fakes ZooKeeper: it runs the real Java server from the
local installation (Debian's ``zookeeper`` package, or an Apache tarball named
by ``$ZOOKEEPER_HOME`` or found through ``zkServer.sh`` on PATH). One module
per job: ``install`` (finding Java and ZooKeeper), ``config`` (zoo.cfg and the
java command), ``probe`` (the ``srvr`` four-letter word), ``server`` (one
managed java process), ``cluster`` (N servers: start, stop, retry, fault
injection), ``foreground`` (`clustersim zk`).
"""

from cluster_sim.base.ports import PortInUse
from cluster_sim.zk.cluster import AlreadyRunning, ZooKeeperCluster
from cluster_sim.zk.install import DEBIAN_JAR, Distribution, ZooKeeperUnavailable, find_distribution
from cluster_sim.zk.probe import server_mode, server_version
from cluster_sim.zk.server import ManagedServer

__all__ = ["DEBIAN_JAR", "AlreadyRunning", "Distribution", "ManagedServer", "PortInUse",
           "ZooKeeperCluster", "ZooKeeperUnavailable", "find_distribution", "server_mode",
           "server_version"]
