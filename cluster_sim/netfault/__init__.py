"""Network faults without root: fault-injecting TCP relays on loopback.

    from cluster_sim.netfault import NetFaults

    faults = NetFaults(zk="127.0.0.1:2181", api_url="http://127.0.0.1:8080")
    routes = faults.add("3")               # give node 3 routes.zk and routes.api_url
    faults.partition("3", target="zk")     # node 3 can no longer reach ZooKeeper
    faults.heal("3")
    faults.close()

relay.py is one relay (partition, slow, heal), hub.py the one thread that
serves them all, faults.py the per-node set a supervisor owns, bench.py the
relay's own cost.
"""

from cluster_sim.netfault.faults import (
    TARGETS, FaultError, NetFaults, NodeFaults, RemoteNode, Routes,
)
from cluster_sim.netfault.relay import LinkFault, Relay, RelayStats

__all__ = ["TARGETS", "FaultError", "LinkFault", "NetFaults", "NodeFaults", "Relay", "RelayStats",
           "RemoteNode", "Routes"]
