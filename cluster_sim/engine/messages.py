"""What the supervisor's manager receives, as typed values (what it emits is in events.py).

    from cluster_sim.engine.messages import ApiHealth, parse_report

    manager.post(ApiHealth(ok=True, rows=12))
    report = parse_report({"node": "3", "kind": "connection", "state": "SUSPENDED", "ts": t})
    # ReportConnection(node="3", ts=t, state="SUSPENDED")

Every producer (the observer's ZooKeeper snapshots, the node processes'
reports, the API probe, the control socket, a demo's narration, the
supervisor's own threads) posts one of these on the manager's one queue.
Node reports arrive as dicts over a multiprocessing queue; `parse_report`
turns each into its typed message, ignoring fields it does not know (a newer
node may report more) and never raising.
"""

from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, Mapping, Optional, Tuple, Type

from cluster_sim.engine.events import Event, StopWhy, typed_from


class Message:
    """Base of every message (a marker: each message carries what it needs)."""


# --------------------------------------------------------------------------- ZooKeeper, as the observer sees it

@dataclass(frozen=True)
class Candidate:
    """One election znode, as ZooKeeper holds it: /election/<prefix>__lock__<seq> (the herd's:
    <prefix>__herd__<seq>), data the node id."""
    node: str
    seq: int                                                    # its sequence number: the lowest leads
    owner: Optional[int] = None                                 # the session holding it (ephemeralOwner)


@dataclass(frozen=True)
class ZkSession:
    """A client session as a ZooKeeper server's ``cons`` lists it (or listed it last)."""
    session: int
    heard_at: float                                             # wall clock of the server's last response to it
    timeout: float                                              # the negotiated session timeout (s)
    listed: bool = True                                         # False: its connection is gone, its session not yet


@dataclass(frozen=True)
class ZkSnapshot(Message):
    ts: float
    connected: bool
    readings: Mapping[str, Any] = field(default_factory=dict)   # node id -> node.readings.Reading
    bad: Mapping[str, str] = field(default_factory=dict)        # node id -> why its znode is unreadable
    election: Tuple[str, ...] = ()                              # contenders' ids, the first one leads
    leader: Optional[Mapping[str, Any]] = None                  # /clustersim/leader data
    outbox_depth: int = 0
    pending: FrozenSet[str] = frozenset()                       # ids whose znodes are being read right now
    queue: Tuple[Candidate, ...] = ()                           # the election's znodes, lowest sequence first
    sessions: Optional[Mapping[int, ZkSession]] = None          # session id -> what cons says (None: cannot ask)


# --------------------------------------------------------------------------- what node processes report

@dataclass(frozen=True)
class NodeReport(Message):
    node: str
    ts: float


@dataclass(frozen=True)
class ReportStarted(NodeReport):
    host: Optional[str] = None


@dataclass(frozen=True)
class ReportConnection(NodeReport):
    state: str = ""                   # CONNECTED, SUSPENDED, LOST


@dataclass(frozen=True)
class ReportStepDown(NodeReport):
    epoch: Optional[int] = None
    text: str = ""
    code: str = ""                    # session_expired, fenced, error (node/main.py)
    error: str = ""                   # the exception's name, for "error"


@dataclass(frozen=True)
class ReportFenced(NodeReport):
    epoch: Optional[int] = None
    text: str = ""


@dataclass(frozen=True)
class ReportRound(NodeReport):
    round: Optional[int] = None
    mean: Optional[float] = None
    count: Optional[int] = None
    epoch: Optional[int] = None
    expected: Optional[int] = None
    missing: Optional[Tuple[str, ...]] = None


@dataclass(frozen=True)
class ReportDelivered(NodeReport):
    round: Optional[int] = None
    mean: Optional[float] = None
    count: Optional[int] = None
    epoch: Optional[int] = None


@dataclass(frozen=True)
class ReportDropped(NodeReport):
    rounds: Tuple[int, ...] = ()
    total: Optional[int] = None
    bound: Optional[int] = None
    text: str = ""


@dataclass(frozen=True)
class ReportApiDown(NodeReport):
    since: Optional[float] = None
    error: str = ""
    url: str = ""                     # the API it delivers to (older nodes do not say)


@dataclass(frozen=True)
class ReportApiBack(NodeReport):
    delivered: Optional[int] = None
    url: str = ""


@dataclass(frozen=True)
class ReportText(NodeReport):
    level: str = "info"               # info, warn, error
    text: str = ""
    code: str = ""                    # what it is about (events.NodeSaid), when the node says
    round: Optional[int] = None
    last: Optional[int] = None
    count: Optional[int] = None
    member: Optional[str] = None
    members: Tuple[str, ...] = ()
    error: str = ""


@dataclass(frozen=True)
class ReportWoken(NodeReport):
    """A watch of the election recipe fired on the node (node/main.py _woken)."""
    recipe: str = "election"


@dataclass(frozen=True)
class ReportOther(NodeReport):
    kind: str = ""                    # a kind the supervisor does not act on (yet)


_REPORTS: Dict[str, Type[NodeReport]] = {
    "started": ReportStarted,
    "connection": ReportConnection,
    "step_down": ReportStepDown,
    "fenced": ReportFenced,
    "round": ReportRound,
    "delivered": ReportDelivered,
    "dropped": ReportDropped,
    "api_down": ReportApiDown,
    "api_back": ReportApiBack,
    "woken": ReportWoken,
}
_TEXT_LEVELS = {"info": "info", "warn": "warn", "error": "error", "refused": "error"}


def parse_report(raw: Any, now: float = 0.0) -> NodeReport:
    """The typed message for one report a node put on the events queue (never raises)."""
    data: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    node = str(data.get("node"))
    ts = data.get("ts")
    ts = float(ts) if isinstance(ts, (int, float)) and not isinstance(ts, bool) and ts else now
    kind = str(data.get("kind"))
    if kind in _TEXT_LEVELS:
        return typed_from(ReportText, data, node=node, ts=ts, level=_TEXT_LEVELS[kind])
    cls = _REPORTS.get(kind)
    if cls is None:
        return ReportOther(node=node, ts=ts, kind=kind)
    return typed_from(cls, data, node=node, ts=ts)


# --------------------------------------------------------------------------- the API, ZooKeeper servers

@dataclass(frozen=True)
class ApiHealth(Message):
    ok: bool
    rows: Optional[int] = None
    last_round: Optional[int] = None
    last_mean: Optional[float] = None
    last_count: Optional[int] = None
    last_id: Optional[int] = None      # the last row's id
    rounds: Optional[int] = None       # rows with a round (None: an API that does not say)


@dataclass(frozen=True)
class ZkServerMode:
    index: int
    address: str
    mode: str = "down"
    pid: Optional[int] = None


@dataclass(frozen=True)
class ZkServerModes(Message):
    servers: Tuple[ZkServerMode, ...] = ()


# --------------------------------------------------------------------------- the supervisor's own

@dataclass(frozen=True)
class ProcessExited(Message):
    node: str
    code: Optional[int]
    requested: Optional[str] = None   # "SIGTERM" / "SIGKILL" when we asked it to go
    log_path: Optional[str] = None


@dataclass(frozen=True)
class ControlRequest(Message):
    request: Mapping[str, Any]
    reply: Any                        # a queue.Queue(maxsize=1) the answer goes to


@dataclass(frozen=True)
class SpawnNodes(Message):
    ids: Tuple[str, ...]


@dataclass(frozen=True)
class Narrate(Message):
    title: str
    text: str = ""
    question: str = ""
    hint: Optional[str] = None
    log: bool = True
    live_step: str = ""                # see events.Narration
    lang: str = ""


@dataclass(frozen=True)
class StopRequested(Message):
    why: StopWhy = StopWhy.STOP


@dataclass(frozen=True)
class FailoverMeasured(Message):
    """What a failover cost ZooKeeper, as the cost sampler measured it (adapters/zk_cost.py)."""
    cost: Event          # events.FailoverCost


@dataclass(frozen=True)
class Announce(Message):
    """An event the supervisor states as it is (the cluster's own set-up facts)."""
    event: Event
