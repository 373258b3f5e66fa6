"""The supervisor's plain state: what the table shows and `status --json` returns.

Only `model.apply` changes it (on the manager's loop); the view renders it;
nothing here does I/O. Its event log holds the typed events a person reads
(events.py), worded by `wording.describe` only when shown.

    state = ClusterState(name="default", zk="127.0.0.1:2181", api_url="http://...")
    state.nodes["1"] = NodeView(id="1", pid=1234, state="running")
    status = state.to_json(now=time.time())
"""

from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Deque, Dict, List, Optional, Tuple

if TYPE_CHECKING:
    from cluster_sim.netfault.faults import NodeFaults
    from cluster_sim.supervisor.events import Event

# process states
RUNNING = "running"
STARTING = "starting"
PAUSED = "paused"
STOPPED = "stopped"
CRASHED = "crashed"
REMOTE = "remote"

LEADER = "LEADER"
FOLLOWER = "follower"


@dataclass
class NodeView:
    id: str
    pid: Optional[int] = None
    state: Optional[str] = STARTING  # one of the process states above (None: not yet)
    role: str = ""                 # LEADER, follower, or "" when not in the election
    value: Optional[float] = None  # last reading
    reading_ts: Optional[float] = None  # wall-clock time of that reading
    host: Optional[str] = None
    remote: bool = False           # not started by this supervisor
    connection: str = ""           # CONNECTED / SUSPENDED / LOST as the node reports it
    exit_code: Optional[int] = None
    garbage: int = 0               # readings of this node skipped as unreadable
    faults: Optional["NodeFaults"] = None  # network faults set on its relays (partition, slow); None: none yet

    def age(self, now: float) -> Optional[float]:
        return None if self.reading_ts is None else max(0.0, now - self.reading_ts)


@dataclass
class ZkServerView:
    index: int                     # 1-based
    address: str                   # host:port
    mode: str = "down"             # leader, follower, standalone, "no quorum" (runs, not serving), down
    pid: Optional[int] = None


def _faults_json(node: NodeView) -> Optional[Dict[str, Any]]:
    """The node's network faults (netfault.NodeFaults.to_json); None for a node not ours."""
    if node.remote:
        return None
    if node.faults is None:
        from cluster_sim.netfault.faults import NodeFaults

        return NodeFaults(node.id).to_json()
    return node.faults.to_json()


def _rounded(age: Optional[float]) -> Optional[float]:
    return None if age is None else round(age, 3)


@dataclass
class ClusterState:
    name: str = "default"
    zk: str = ""
    api_url: str = ""
    zk_connected: bool = False
    leader: Optional[str] = None
    epoch: Optional[int] = None
    leader_since: Optional[float] = None
    leader_zk: Optional[str] = None  # the ZooKeeper server the leader's session talks to
    leader_original: bool = False  # the leader is a node of the original design (unfenced, no rounds)
    last_mean: Optional[float] = None
    last_round: Optional[int] = None
    last_count: Optional[int] = None
    rounds_stored: Optional[int] = None
    api_ok: Optional[bool] = None
    api_down_since: Optional[float] = None
    outbox_depth: int = 0
    outbox_oldest: Optional[int] = None
    outbox_dropped: int = 0
    nodes: Dict[str, NodeView] = field(default_factory=dict)
    zk_servers: List[ZkServerView] = field(default_factory=list)
    events: Deque["Event"] = field(default_factory=lambda: deque(maxlen=200))  # the log a person reads
    started_at: float = 0.0
    join_command: Optional[str] = None
    narration: Optional[str] = None  # what a demo is showing right now (title, then explanation)
    refresh_hz: Optional[float] = None  # how often the view was actually refreshed
    truth_dir: str = ""            # where the local nodes log every sample (clustersim check --truth)
    lang: str = "en"                    # the language events are worded in
    # how this cluster runs (chaos plans its faults from them)
    interval: Optional[float] = None
    session_timeout: Optional[float] = None
    zk_embedded: bool = False      # ZooKeeper started by `up` (zk-pause, zk-kill apply)
    api_embedded: bool = False     # the API started by `up` (api-stop applies)
    relays: bool = False           # local nodes go through fault relays (partition, slow apply)

    def sorted_nodes(self) -> List[NodeView]:
        def key(node: NodeView) -> Tuple[int, int, str]:
            return (0, int(node.id), node.id) if node.id.isdigit() else (1, 0, node.id)
        return sorted(self.nodes.values(), key=key)

    def to_json(self, now: float) -> Dict[str, Any]:
        from cluster_sim.supervisor.wording import describe, level

        return {
            "name": self.name,
            "zk": self.zk,
            "zk_connected": self.zk_connected,
            "api_url": self.api_url,
            "leader": self.leader,
            "epoch": self.epoch,
            "leader_original": self.leader_original,
            "leader_zk": self.leader_zk,
            "last_mean": self.last_mean,
            "last_round": self.last_round,
            "rounds_stored": self.rounds_stored,
            "api_ok": self.api_ok,
            "api_down_since": self.api_down_since,
            "outbox": {
                "depth": self.outbox_depth,
                "oldest_round": self.outbox_oldest,
                "dropped": self.outbox_dropped,
            },
            "refresh_hz": self.refresh_hz,
            "truth_dir": self.truth_dir,
            "interval": self.interval,
            "session_timeout": self.session_timeout,
            "zk_embedded": self.zk_embedded,
            "api_embedded": self.api_embedded,
            "relays": self.relays,
            "narration": self.narration,
            "zk_servers": [
                {"index": s.index, "address": s.address, "mode": s.mode, "pid": s.pid}
                for s in self.zk_servers
            ],
            "nodes": [
                {
                    "id": n.id,
                    "pid": n.pid,
                    "state": n.state,
                    "role": n.role,
                    "value": n.value,
                    "age_s": _rounded(n.age(now)),
                    "host": n.host,
                    "remote": n.remote,
                    "connection": n.connection,
                    "garbage": n.garbage,
                    "faults": _faults_json(n),
                }
                for n in self.sorted_nodes()
            ],
            "events": [
                {"ts": e.ts, "kind": e.kind, "text": describe(e, self.lang), "level": level(e)}
                for e in list(self.events)[-20:]
            ],
        }
