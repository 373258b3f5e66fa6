"""A free node id, for a member that joins without one (`clustersim node --zk ADDR`).

    next_free_id(["app1", "app2", "app7", "hot"])   # "8": above every numeric id seen
    node_id = free_id(client)                        # from /mediciones and /clustersim/history

The id is the lowest integer above every id the cluster has seen: the live
members (/mediciones) and those that left a history (/clustersim/history), so
a new member never takes over a leaver's samples. Two members picking at once
may pick the same id; the claim (an atomic create of /mediciones/app{ID})
decides, and the loser picks again.
"""

from typing import Any, Iterable, List

from kazoo.exceptions import NoNodeError

from cluster_sim.protocol import paths


def next_free_id(children: Iterable[str]) -> str:
    """The lowest integer above every numeric id among these znode names ("app7" or "7")."""
    highest = 0
    for child in children:
        name = paths.node_id_from_reading(child)
        if name.isascii() and name.isdigit() and len(name) <= 18:   # "²" is a digit too; 10**18 ids is plenty
            highest = max(highest, int(name))
    return str(highest + 1)


def free_id(client: Any) -> str:
    children: List[str] = []
    for parent in (paths.READINGS, paths.HISTORY):
        try:
            children += client.get_children(parent)
        except NoNodeError:
            pass   # a bare ZooKeeper: nobody seen there yet
    return next_free_id(children)
