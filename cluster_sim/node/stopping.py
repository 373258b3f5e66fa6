"""Why a node stops: a code its reports carry ("stopped" reason), worded where it is shown.

    from cluster_sim.node.stopping import Stop
    node.stop(Stop.SUPERVISOR_GONE)
    label("say_stop.supervisor_gone", "es")      # "su supervisor ya no está"

Standard library only: the node imports it before anything else.
"""

import enum

__all__ = ["Stop"]


class Stop(str, enum.Enum):
    """Why a node stops (the catalogue's "say_stop.<value>")."""
    STOP = "stop"                          # asked to, with no more said
    SIGINT = "SIGINT"
    SIGTERM = "SIGTERM"
    ID_TAKEN_OVER = "id_taken_over"        # another process holds its id now
    SUPERVISOR_GONE = "supervisor_gone"    # the supervisor that started it has gone
    RULES = "rules"                        # the cluster's rules cannot be followed
    TEACHER = "teacher"                    # the teacher's `clustersim kill`, through ZooKeeper (node/requests.py)
