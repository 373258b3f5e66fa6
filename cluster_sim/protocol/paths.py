"""The znode layout, in one place.

The first two paths are the original design's and must stay as they are, so
that a node written to the original report can join and be counted::

    /mediciones/app{ID}        ephemeral, one per live node: its readings
    /election/...              kazoo Election (a Lock recipe) with the node id
                               as identifier; lowest sequence number leads

Everything clustersim adds lives under /clustersim::

    /clustersim/cluster        persistent: this cluster's id (random hex), so an
                               API shared by several clusters keeps them apart
    /clustersim/herd           ephemeral, only under `--recipe herd` (node/herd.py): the one
                               leader znode every candidate watches and races to create
                               ({"id", "candidate"}); its candidates' own znodes are in
                               /election, named <uuid>__herd__<seq> (kazoo's Election
                               ignores them)
    /clustersim/epoch          persistent: the fencing token; each new
                               leadership bumps it with a versioned set
    /clustersim/leader         ephemeral: {id, epoch, since, host, pid, ...} of the
                               node that currently acts as leader, with its delivery
                               state (api_ok, api_down_since, api_url, api_error)
    /clustersim/last_round     persistent: the last round the leader put in the
                               outbox (the watermark a new leader resumes from)
    /clustersim/outbox/r{ROUND:012d}
                               persistent: an aggregate waiting for the API
    /clustersim/stats          persistent: delivery counters kept by the leader
    /clustersim/rules          persistent: the cluster's rules (rules.ClusterRules as
                               JSON: interval, session timeout, round lag and deadline,
                               history, the API address, whether a secret is required),
                               written once by whoever creates the cluster; every
                               clustersim member takes them from here
    /clustersim/history/app{ID}
                               persistent: a clustersim node's recent samples
                               {"session", "seq", "history": [[seq, ts, value], ...],
                               "api_ok", "api_url"} (whether it reaches its API),
                               written in the same transaction as its
                               /mediciones/app{ID} (which holds only the latest
                               value as a bare number, what the original reads).
                               Persistent so a node that left leaves its last
                               samples readable; the leader prunes old ones.
    /clustersim/takers/{TARGET}
                               ephemeral: one taker of requests (remote_requests.py)
                               is listening, under its own control session (the
                               znode's owner): {"pid", "host", "relays", "since"}.
                               TARGET is app{ID} for a node started by hand, and may
                               name any other taker (a ZooKeeper server's host agent)
    /clustersim/requests/{TARGET}
                               persistent: that taker's mailbox
    /clustersim/requests/{TARGET}/req-{SEQ:010d}
                               persistent sequential: one command for that taker
                               {"cmd", "args", "session", "pid", "asked_at", "by", "state"}
                               (session, pid: the taker's card when asked):
                               "asked" by the supervisor, "taken" by the taker with a
                               versioned set before it acts (at most once), "done"
                               with its "outcome"; the supervisor deletes it once
                               answered, or unanswered after a bound
"""

READINGS = "/mediciones"
ELECTION = "/election"
ROOT = "/clustersim"
CLUSTER_ID = ROOT + "/cluster"
EPOCH = ROOT + "/epoch"
LEADER = ROOT + "/leader"
LAST_ROUND = ROOT + "/last_round"
OUTBOX = ROOT + "/outbox"
STATS = ROOT + "/stats"
HISTORY = ROOT + "/history"
RULES = ROOT + "/rules"
REQUESTS = ROOT + "/requests"
TAKERS = ROOT + "/takers"
HERD_LEADER = ROOT + "/herd"

READING_PREFIX = "app"
REQUEST_PREFIX = "req-"


def reading_path(node_id: str) -> str:
    return f"{READINGS}/{READING_PREFIX}{node_id}"


def history_path(node_id: str) -> str:
    return f"{HISTORY}/{READING_PREFIX}{node_id}"


def taker_name(node_id: str) -> str:
    """A node's name as a taker of requests: app{ID}, as its reading's."""
    return f"{READING_PREFIX}{node_id}"


def node_id_from_reading(child: str) -> str:
    """`app7` -> `7`; a child that does not follow the pattern keeps its name."""
    if child.startswith(READING_PREFIX) and len(child) > len(READING_PREFIX):
        return child[len(READING_PREFIX):]
    return child


def outbox_entry(round_no: int) -> str:
    return f"{OUTBOX}/r{round_no:012d}"


def round_from_outbox_entry(child: str) -> int:
    return int(child.lstrip("r"))
