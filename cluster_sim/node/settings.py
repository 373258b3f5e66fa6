"""A node's settings, with the defaults of the original design.

    s = NodeSettings(node_id="3", zk="127.0.0.1:2181", interval=1.0)
    s.readings_kept, s.round_lag, s.outbox_limit, s.wait_limit   # derived where a setting is left at 0
    s.history_cap              # samples a node keeps through a ZooKeeper outage (10 minutes' worth)
    replace(template, node_id="4")                               # the supervisor: a copy per node
    default_lag(1.0)                                             # the same rules, without a node

Settings are frozen: what a node was started with cannot drift. The options
that set them on the command line are declared once, in node_options.py.

Each derived value has its rule as a function here, so a tool that needs
one (the bench) asks the rule, not a dummy node.

Every default is declared here once: the options (node_options.py), `up`'s
options, chaos's and the supervisor's model read them from these fields.
"""

import math
from dataclasses import MISSING, asdict, dataclass, fields
from typing import Any, Callable, Dict

# The session timeout every command starts a cluster with unless told otherwise: 4 s, the
# value README documents for `up` and `node`. Long enough for a loaded classroom laptop's
# heartbeats (a third of it, ZooKeeper's ping), short enough that a killed leader's handover
# is seen within a breath; the demo paces itself faster on purpose (node_options.DEMO_PACE).
DEFAULT_SESSION_TIMEOUT = 4.0
# ...but a lecture hall on one machine (`up -n N`, N above HALL_NODES, no --session-timeout) gets a
# second per hundred nodes, up to HALL_SESSION_TIMEOUT: each node pings after a third of the timeout,
# a thousand at 4 s is a thousand pings a second through the relays and ZooKeeper, and a node whose
# core is busy for 4 s loses its session (docs/benchmarks.md, "A lecture hall").
HALL_NODES = 400
HALL_SESSION_TIMEOUT = 10.0
DEFAULT_INTERVAL = 5.0
REACH_PERIOD = 5.0   # seconds between a follower's probes of the API (node/reach.py), at most 100 nodes

# How a node's parts tell what happens on it: report(kind, **fields) (node/main.py's Node.report).
Report = Callable[..., None]


def default_session_timeout(local_nodes: int) -> float:
    """The session timeout `up -n local_nodes` starts a cluster with unless told otherwise."""
    if local_nodes <= HALL_NODES:
        return DEFAULT_SESSION_TIMEOUT
    return min(HALL_SESSION_TIMEOUT, max(DEFAULT_SESSION_TIMEOUT, local_nodes / 100))


def default_history(interval: float, session_timeout: float) -> int:
    """Readings kept per node: enough for 60 s and three session timeouts (at most 2000)."""
    span = max(60.0, 3 * session_timeout + 2 * interval)
    return min(2000, math.ceil(span / interval) + 2)


# A node keeps every sample the cluster has not stored yet through a ZooKeeper outage this long,
# beyond its usual window (which covers the way back: reconnecting, a new leader's catch-up); a
# history is trimmed to its window only below the watermark, see publisher.py...
OUTAGE_SECONDS = 600.0
# ...within a hard bound on its history znode: well below jute.maxbuffer (1 MB) and below the
# size a reader takes for garbage (readings.MAX_BYTES). About 7,000 samples.
HISTORY_MAX_BYTES = 192 * 1024
HISTORY_ENTRY_BYTES = 27   # `[6001,1796526029.123,80.12],`: one sample in the history's JSON


def history_cap(interval: float, history: int) -> int:
    """Samples a node keeps while the cluster cannot store them: 10 minutes of them beyond its
    history window, as many as fit in HISTORY_MAX_BYTES (below an interval of about 0.09 s,
    fewer). Past it the oldest go; the leader stores the rounds they were in partial, naming
    the node."""
    wanted = history + math.ceil(OUTAGE_SECONDS / interval)
    return max(1, min(wanted, HISTORY_MAX_BYTES // HISTORY_ENTRY_BYTES))


def default_outbox_bound(interval: float) -> int:
    """Rounds the outbox holds: 24 hours of them."""
    from cluster_sim.node.outbox import DEFAULT_BOUND_SECONDS   # here: the options read this module without kazoo

    return max(1, math.ceil(DEFAULT_BOUND_SECONDS / interval))


def default_lag(interval: float) -> float:
    """How long after a round closes it is computed: half an interval, at most 1 s."""
    return min(0.5 * interval, 1.0)


def default_round_deadline(interval: float, session_timeout: float) -> float:
    """How long a round waits for its members: a member that is owed a round is paused,
    suspended or reconnecting; within a session timeout it is back (and publishes) or
    gone (and is not waited for)."""
    return session_timeout + 2 * interval


@dataclass(frozen=True)
class NodeSettings:
    node_id: str
    zk: str = "127.0.0.1:2181"
    real_zk: str = ""         # the ZooKeeper a relay's `zk` stands for (a node of `up`), said to people; "": zk
    api_url: str = "http://localhost:8080"
    interval: float = DEFAULT_INTERVAL
    session_timeout: float = DEFAULT_SESSION_TIMEOUT
    connect_timeout: float = 10.0
    history: int = 0          # readings kept per node; 0: enough for 60 s and 3 session timeouts
    outbox_bound: int = 0     # 0: 24 hours of rounds
    retry_max: float = 30.0   # cap of the sender's backoff
    low: float = 75.0
    high: float = 85.0
    lag: float = 0.0          # how long after a round closes it is computed; 0: derived
    secret: str = ""          # cluster secret: ZooKeeper digest ACLs and the API token
    unsafe: bool = False      # the original design's behaviour: no guard, no fencing (demo only)
    wait_for_id: float = 0.0  # on a restart: how long to wait for a dead predecessor's session to expire
    round_deadline: float = 0.0  # longest wait for members to catch up before a round is stored partial; 0: derived
    truth_dir: str = ""       # where this node logs every sample it takes (ground truth); "": none
    reach_period: float = REACH_PERIOD  # seconds between a follower's probes of the API (node/reach.py); `up` stretches
    #                            it for a big cluster, so its API and relays answer ~20 probes a second at most
    recipe: str = "election"  # how candidates coordinate: "election" (kazoo's), "herd" (for teaching, node/herd.py)

    @property
    def readings_kept(self) -> int:
        return self.history or default_history(self.interval, self.session_timeout)

    @property
    def history_cap(self) -> int:
        return history_cap(self.interval, self.readings_kept)

    @property
    def outbox_limit(self) -> int:
        return self.outbox_bound or default_outbox_bound(self.interval)

    @property
    def round_lag(self) -> float:
        return self.lag or default_lag(self.interval)

    @property
    def wait_limit(self) -> float:
        return self.round_deadline or default_round_deadline(self.interval, self.session_timeout)

    def to_dict(self) -> Dict[str, Any]:
        return asdict(self)


def default_of(name: str) -> Any:
    """A setting's one default (NodeSettings' field): what every option and holder starts from."""
    for f in fields(NodeSettings):
        if f.name == name and f.default is not MISSING:
            return f.default
    raise KeyError(name)
