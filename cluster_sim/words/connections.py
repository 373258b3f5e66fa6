"""What `up`, a node and `clustersim node` say about a ZooKeeper server's per-address connection
limit (maxClientCnxns), in English and Spanish side by side.

    from cluster_sim.words import lookup
    lookup("zk_limit_refused", "en", zk="10.0.0.5:2181", limit=60, needed=83, nodes=80)

Every local node reaches ZooKeeper from this machine's one address; a server takes at most
maxClientCnxns connections from one address (0: no limit), and closes the others at once.
"""

from typing import Dict

ENTRIES: Dict[str, Dict[str, str]] = {
    "zk_limit_refused": {
        "en": ("--zk {zk}: ZooKeeper takes at most {limit} connections from one address (maxClientCnxns) and "
               "this cluster needs {needed} from this machine ({nodes} {nodes?node|nodes}, the supervisor, one "
               "spare): raise maxClientCnxns in its zoo.cfg (0 = no limit) and restart it, or start fewer nodes"),
        "es": ("--zk {zk}: ZooKeeper acepta como mucho {limit} conexiones desde una misma dirección "
               "(maxClientCnxns) y este clúster necesita {needed} desde esta máquina ({nodes} "
               "{nodes?nodo|nodos}, el supervisor, una de reserva): sube maxClientCnxns en su zoo.cfg "
               "(0 = sin límite) y reinícialo, o arranca menos nodos"),
    },
    "zk_limit_unknown": {
        "en": ("ZooKeeper at {zk} does not say how many connections it takes from one address (its `conf` "
               "four-letter word is not in 4lw.commands.whitelist); this cluster needs {needed}: if nodes are "
               "refused, raise maxClientCnxns in its zoo.cfg (0 = no limit)"),
        "es": ("ZooKeeper en {zk} no dice cuántas conexiones acepta desde una misma dirección (su palabra "
               "`conf` no está en 4lw.commands.whitelist); este clúster necesita {needed}: si rechaza nodos, "
               "sube maxClientCnxns en su zoo.cfg (0 = sin límite)"),
    },
    "zk_limit_closed": {
        "en": ("ZooKeeper at {zk} closes this machine's connections as soon as they open: it takes no more "
               "from this address (raise maxClientCnxns in its zoo.cfg; 0 = no limit)"),
        "es": ("ZooKeeper en {zk} cierra las conexiones de esta máquina nada más abrirse: no acepta más desde "
               "esta dirección (sube maxClientCnxns en su zoo.cfg; 0 = sin límite)"),
    },
}
