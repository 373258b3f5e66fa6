"""`up --zk`: does the server take as many connections from this machine as the cluster needs?

A ZooKeeper server takes at most maxClientCnxns connections from one address (60 in a stock
zoo.cfg), and every node `up` starts here reaches it from this machine's address (through the
supervisor's relays, 127.0.0.1). Before anything starts, `up --zk` asks each server its limit
(zk/limit.py) and refuses in one line when the cluster would not fit; when the server does not
say, one line says so and `up` goes on. A connection the server closes at once (its limit
reached anyway: another program's sessions from this address) is worded the same way,
naming the server, never a relay (zk/limit.py's unreachable_line).

    needed = connections_needed(80)          # 82: 80 nodes, the supervisor, one spare
    check_client_limit(options, sys.stdout)  # raises UpError, or prints a note, or nothing
"""

from typing import Any

from cluster_sim.words import lookup
from cluster_sim.zk.limit import client_limit, server_addresses
from cluster_sim.zk.probe import connectable

OWN_SESSIONS = 1   # the supervisor's session (its observer and manager share it)
SPARE = 1          # one short-lived at a time: reading the rules, making the chroot, probing a server


def connections_needed(nodes: int) -> int:
    """Connections `up -n nodes` holds at once from this machine's address, at most."""
    return nodes + OWN_SESSIONS + SPARE


def check_client_limit(o: Any, out: Any) -> None:
    """For `up --zk` (o: UpOptions): UpError if a server's per-address limit is below what the
    cluster needs; a note on `out` if a server does not tell its limit; nothing otherwise (a
    server that does not answer is left to the connection, which says so)."""
    from cluster_sim.supervisor.up_rules import UpError

    needed = connections_needed(o.nodes)
    for host, port in server_addresses(o.zk or ""):
        address = f"{host}:{port}"
        found = client_limit(connectable(host), port)
        if found.per_address is None:
            if found.source != "down":
                print(lookup("zk_limit_unknown", o.lang, zk=address, needed=needed), file=out, flush=True)
            continue
        if 0 < found.per_address < needed:
            raise UpError(lookup("zk_limit_refused", o.lang, zk=address, limit=found.per_address, needed=needed,
                                 nodes=o.nodes))
