"""What happened in the cluster, as typed values: the supervisor's one stream of events.

    from cluster_sim.engine.events import LeaderElected, from_record, to_record

    event = LeaderElected(ts=now, node="2", epoch=3, elected_at=now, failover_ms=9, after="1", how="left")
    event.kind                    # "leader_elected"
    record = to_record(event)     # {"ts": ..., "kind": "leader_elected", "node": "2", "epoch": 3, ...}
    assert from_record(record) == event

The supervisor's core turns what it receives (messages.py) into these events;
every listener (the live view, the plain printer, the recorder, the exporter,
a demo) receives each one once, in order. Each event carries `ts` (wall-clock
seconds) and the data it is about, never display text: the words a person
reads come from `wording.describe(event, lang)`. `event.logged` says whether
it belongs in the event log a person reads (a reading or a stored round does
not; it is still exported).

Longer than 400 lines: it is the whole vocabulary in one place, one short frozen class per
kind of event, grouped by who observes it.
"""

import dataclasses
import enum
import typing
from dataclasses import dataclass
from typing import Any, ClassVar, Dict, Mapping, Optional, Tuple, Type, TypeVar

__all__ = ["Event", "KINDS", "StopWhy", "Unsaved", "to_record", "from_record", "typed_from"]

KINDS: Dict[str, Type["Event"]] = {}


class StopWhy(str, enum.Enum):
    """Why the cluster shuts down (ShuttingDown.why): a code, worded by the catalogue ("ev.stop.<value>")."""
    STOP = "stop"                      # asked to, with no more said
    COMMAND = "command"                # `clustersim stop`
    SIGINT = "SIGINT"                  # Ctrl-C, or a signal from outside
    SIGTERM = "SIGTERM"
    SIGHUP = "SIGHUP"
    DEMO_FINISHED = "demo_finished"
    DEMO_INTERRUPTED = "demo_interrupted"
    DEMO_FAILED = "demo_failed"
    CHAOS_FINISHED = "chaos_finished"  # `clustersim chaos` played its plan, or was stopped


class Unsaved(str, enum.Enum):
    """Why rounds were left undelivered at shutdown (RoundsSaved.reason): "ev.unsaved.<value>"."""
    API_DOWN = "api_down"
    NO_LEADER = "no_leader"
    LATE = "late"                      # a leader and the API, but the drain ran out of time


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() and i else c.lower() for i, c in enumerate(name))


@dataclass(frozen=True)
class Event:
    """Base of every event: when it happened (wall-clock seconds)."""

    ts: float
    kind: ClassVar[str] = "event"
    LOGGED: ClassVar[bool] = True     # shown in the event log a person reads

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.kind = _snake(cls.__name__)
        KINDS[cls.kind] = cls

    @property
    def logged(self) -> bool:
        return self.LOGGED


# --------------------------------------------------------------------------- local node processes

@dataclass(frozen=True)
class NodeStarted(Event):
    node: str
    pid: Optional[int] = None
    requested: bool = False           # by `clustersim start` (the first spawn is not logged)
    waits: Optional[float] = None     # the id is still held (an old session): it waits up to this many s

    @property
    def logged(self) -> bool:
        return self.requested


@dataclass(frozen=True)
class NodeRunning(Event):
    """The process connected and published: STARTING is over."""
    node: str
    host: Optional[str] = None
    LOGGED: ClassVar[bool] = False


@dataclass(frozen=True)
class NodeKilled(Event):
    node: str
    hard: bool = False                # SIGKILL rather than SIGTERM
    was_leader: bool = False


@dataclass(frozen=True)
class NodePaused(Event):
    node: str
    was_leader: bool = False
    session_timeout: Optional[float] = None


@dataclass(frozen=True)
class NodeResumed(Event):
    node: str


@dataclass(frozen=True)
class NodeStopped(Event):
    """A local process ended: `crashed` unless it was asked to stop and did."""
    node: str
    exit: Optional[int] = None
    signal: Optional[str] = None      # "SIGKILL" when it was killed by a signal
    crashed: bool = False
    requested: Optional[str] = None   # "SIGTERM" / "SIGKILL" when we asked it to go
    log_path: Optional[str] = None
    session_timeout: Optional[float] = None


@dataclass(frozen=True)
class HostKnown(Event):
    node: str
    host: Optional[str] = None
    LOGGED: ClassVar[bool] = False


# --------------------------------------------------------------------------- what nodes report

@dataclass(frozen=True)
class Connected(Event):
    node: str
    LOGGED: ClassVar[bool] = False


@dataclass(frozen=True)
class Suspended(Event):
    node: str


@dataclass(frozen=True)
class SessionExpired(Event):
    node: str
    by: str = "node"                  # who knows it: "node" (its own LOST), "zookeeper" (its znodes went)


@dataclass(frozen=True)
class SessionHeard(Event):
    """Whether ZooKeeper hears a node's session (its pings), as the servers' ``cons`` says or, without
    it, as the supervisor knows (it froze or cut the node): said when a silence begins or ends."""
    node: str
    silent_since: Optional[float] = None   # ZooKeeper's last answer to it; None: it hears it again
    timeout: Optional[float] = None        # the session's timeout (s): it expires that long after
    by: str = "zookeeper"                  # "zookeeper" (cons) or "supervisor" (a pause, a cut)
    LOGGED: ClassVar[bool] = False


@dataclass(frozen=True)
class Reconnected(Event):
    node: str
    same_session: bool = True         # back from SUSPENDED (False: a new session after LOST)


@dataclass(frozen=True)
class SteppedDown(Event):
    node: str
    epoch: Optional[int] = None
    reason: str = ""                  # as the node put it (English), for its log
    code: str = ""                    # why, for the words: session_expired, fenced, error, internal_error
    error: str = ""                   # with "error": the exception's name


@dataclass(frozen=True)
class Fenced(Event):
    node: str
    epoch: Optional[int] = None
    reason: str = ""


@dataclass(frozen=True)
class RoundComputed(Event):
    """The leader closed a round and put its aggregate in the outbox (or sent it, unsafe)."""
    node: str
    round: Optional[int] = None
    mean: Optional[float] = None
    count: Optional[int] = None
    epoch: Optional[int] = None
    expected: Optional[int] = None
    missing: Optional[Tuple[str, ...]] = None
    LOGGED: ClassVar[bool] = False


@dataclass(frozen=True)
class RoundStored(Event):
    """The API confirmed a round."""
    node: str
    round: Optional[int] = None
    mean: Optional[float] = None
    count: Optional[int] = None
    epoch: Optional[int] = None
    LOGGED: ClassVar[bool] = False


@dataclass(frozen=True)
class OutboxDropped(Event):
    node: str
    rounds: Tuple[int, ...] = ()
    total: Optional[int] = None
    message: str = ""                 # as the node put it (English), for its log
    bound: Optional[int] = None       # the outbox's bound, in rounds


@dataclass(frozen=True)
class ApiDown(Event):
    """The leader `node` cannot deliver: said by the node itself (a local one) or read from its
    leader znode (any leader, remote ones too), whichever comes first."""
    node: str
    since: Optional[float] = None
    error: str = ""
    url: str = ""                     # the API it tries to deliver to


@dataclass(frozen=True)
class ApiBack(Event):
    node: str
    delivered: Optional[int] = None   # rounds delivered since it came back (None: not known, a remote leader)
    url: str = ""


@dataclass(frozen=True)
class DeliveryKnown(Event):
    """What the leader znode says of the leader's deliveries changed without a story to tell
    (a new leader, a first delivery, the outbox drained): the header's data only."""
    node: Optional[str] = None        # None: no clustersim leader
    ok: Optional[bool] = None         # None: no delivery tried yet
    url: str = ""
    since: Optional[float] = None
    error: str = ""
    LOGGED: ClassVar[bool] = False


@dataclass(frozen=True)
class NodeReachesApi(Event):
    """Whether a node can reach the API it would deliver to, as its history znode says."""
    node: str
    ok: Optional[bool] = None
    url: str = ""
    LOGGED: ClassVar[bool] = False


@dataclass(frozen=True)
class NodeSaid(Event):
    """A warning or note of a node: `code` says what it is about (wording.py words it from the
    fields below); `message` is the node's own English line, shown when the code is unknown."""
    node: str
    level: str = "info"
    message: str = ""
    code: str = ""                     # adopted, unsafe, round_partial, reading_skipped, ... (node package)
    round: Optional[int] = None
    last: Optional[int] = None
    count: Optional[int] = None
    member: Optional[str] = None
    members: Tuple[str, ...] = ()
    error: str = ""


# --------------------------------------------------------------------------- the cluster in ZooKeeper

@dataclass(frozen=True)
class ZkConnection(Event):
    connected: bool = False


@dataclass(frozen=True)
class RemoteJoined(Event):
    node: str
    host: Optional[str] = None
    pid: Optional[int] = None


@dataclass(frozen=True)
class RemoteLeft(Event):
    node: str


@dataclass(frozen=True)
class ReadingPublished(Event):
    node: str
    value: Optional[float] = None
    taken_at: Optional[float] = None  # when the sample was taken (ts is when it was seen)
    host: Optional[str] = None
    pid: Optional[int] = None
    LOGGED: ClassVar[bool] = False


@dataclass(frozen=True)
class UnreadableReading(Event):
    node: str
    why: str = ""


@dataclass(frozen=True)
class RoleChanged(Event):
    node: str
    role: str = ""                    # "LEADER", "follower" or "" (not in the election)
    LOGGED: ClassVar[bool] = False


@dataclass(frozen=True)
class LeaderElected(Event):
    node: str
    epoch: Optional[int] = None
    elected_at: Optional[float] = None
    failover_ms: Optional[int] = None  # from `after` leaving (how) to this election
    after: Optional[str] = None        # the previous leader
    how: Optional[str] = None          # how it left: "left", "crashed", "paused"
    original: bool = False             # a node of the original design: no epoch, no fencing


@dataclass(frozen=True)
class QueueChanged(Event):
    """The election's znodes, lowest sequence first: each one's node and sequence number. Under kazoo's
    Election (the Lock recipe) the first leads and each of the others watches the one before it;
    under the herd (`--recipe herd`) they are the candidates, the leader is whoever holds the one
    leader znode, and every other candidate watches that znode."""
    nodes: Tuple[str, ...] = ()
    seqs: Tuple[int, ...] = ()
    LOGGED: ClassVar[bool] = False


@dataclass(frozen=True)
class TakesOver(Event):
    """Why a new leader won. Under kazoo's Election its election znode is now the lowest; before, it
    watched `watched`. Under the herd (`recipe` "herd") it won the race for the one leader znode
    every candidate watched: `racers` candidates were woken at once and raced for it."""
    node: str
    seq: Optional[int] = None
    watched: Optional[str] = None
    recipe: str = "election"
    racers: Optional[int] = None


@dataclass(frozen=True)
class CandidateWoken(Event):
    """A watch of the election recipe fired on a candidate (the node counts what ZooKeeper delivers
    to it; a failover's cost counts them, see FailoverCost)."""
    node: str
    recipe: str = "election"
    LOGGED: ClassVar[bool] = False


@dataclass(frozen=True)
class FailoverCost(Event):
    """What a failover cost ZooKeeper, measured once the second after the leader left is over.

    `node` took over from `after`, under `recipe`. `woken`: candidates the recipe woke (the nodes'
    own count, local nodes only). From the servers' `mntr` (source "mntr"), summed over the
    ensemble: `notifications`, watch notifications the servers delivered (every watcher's, the
    supervisor's too); `requests`, requests they received in the `window_s` seconds from just
    before the leader left; `baseline_per_s` and `notifications_baseline_per_s`, the rates of both in
    a window as long at the same moment of an earlier round (every node publishes on the round's
    grid, and each publish notifies the leader's and the supervisor's watches: the burst is what is
    above them), else in the seconds before; the servers'
    average request latency in that window and the 99.9th percentile of their recent requests
    (ZooKeeper keeps no per-window maximum). Where `mntr` does not answer (a ZooKeeper that does
    not whitelist it), source is "nodes" and only `woken` and `leader_ms` are known."""
    node: str
    after: Optional[str] = None
    recipe: str = "election"
    leader_ms: Optional[int] = None    # from the leader leaving to the new one elected (LeaderElected.failover_ms)
    woken: Optional[int] = None
    notifications: Optional[int] = None
    requests: Optional[int] = None
    window_s: Optional[float] = None
    baseline_per_s: Optional[float] = None
    notifications_baseline_per_s: Optional[float] = None
    latency_avg_ms: Optional[float] = None
    latency_max_ms: Optional[float] = None
    source: str = "mntr"               # "mntr" (the servers' own figures) or "nodes"


@dataclass(frozen=True)
class LeaderLost(Event):
    node: str                          # the leader that is gone


@dataclass(frozen=True)
class SplitBrain(Event):
    nodes: Tuple[str, ...] = ()


@dataclass(frozen=True)
class SplitBrainEnded(Event):
    nodes: Tuple[str, ...] = ()
    LOGGED: ClassVar[bool] = False


@dataclass(frozen=True)
class OutboxChanged(Event):
    depth: int = 0
    oldest: Optional[int] = None
    dropped: int = 0
    LOGGED: ClassVar[bool] = False


@dataclass(frozen=True)
class LeaderZkServer(Event):
    server: Optional[str] = None       # the ZooKeeper server the leader's session talks to
    LOGGED: ClassVar[bool] = False


@dataclass(frozen=True)
class ComputedKnown(Event):
    """The newest round the leader computed (and put in its outbox), from the leader znode: a
    remote leader's too, and a local one's whose own report has not come yet."""
    round: Optional[int] = None
    mean: Optional[float] = None
    count: Optional[int] = None
    LOGGED: ClassVar[bool] = False


@dataclass(frozen=True)
class LastRoundKnown(Event):
    """The latest stored round, learnt from ZooKeeper or the API (not from a node of ours)."""
    round: Optional[int] = None
    mean: Optional[float] = None
    source: str = ""
    count: Optional[int] = None
    row: Optional[int] = None          # the API's row id (source "api"): tells a newer unrounded row
    LOGGED: ClassVar[bool] = False


@dataclass(frozen=True)
class RoundWaiting(Event):
    """The leader holds `round` back until these members publish up to it (round None: no longer)."""
    round: Optional[int] = None
    nodes: Tuple[str, ...] = ()
    LOGGED: ClassVar[bool] = False


# --------------------------------------------------------------------------- network faults (issue 12)

@dataclass(frozen=True)
class Partitioned(Event):
    """`clustersim partition`: the node's traffic to `target` is blackholed by its relays."""
    node: str
    target: str = "zk"                 # what it can no longer reach: zk, api, all
    was_leader: bool = False
    session_timeout: Optional[float] = None


@dataclass(frozen=True)
class Healed(Event):
    """`clustersim heal`: the node's links to `target` carry bytes again, at once."""
    node: str
    target: str = "all"


@dataclass(frozen=True)
class Slowed(Event):
    """`clustersim slow`: every chunk on the node's links to `target` waits latency +- jitter, each way."""
    node: str
    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    target: str = "all"
    session_timeout: Optional[float] = None   # to say whether ZooKeeper connections survive it


@dataclass(frozen=True)
class FaultChanged(Event):
    """A fault command of a kind declared only in the fault registry (faults/registry.py: a kind
    added there needs no class of its own here). `cmd` is the command; `node` the node it is
    about; `target` the links it acts on (zk, api, all); `params` its arguments, (name, number)
    pairs. The kind's relay action reads them (`param`), its Words word it."""
    cmd: str
    node: Optional[str] = None
    target: str = "all"
    was_leader: bool = False
    session_timeout: Optional[float] = None
    params: Tuple[Tuple[str, float], ...] = ()

    def param(self, name: str, default: float = 0.0) -> float:
        return next((value for key, value in self.params if key == name), default)


# --------------------------------------------------------------------------- the API and ZooKeeper servers

@dataclass(frozen=True)
class ApiStatus(Event):
    ok: bool = False
    rows: Optional[int] = None
    down_since: Optional[float] = None
    unrounded: Optional[int] = None    # of the rows, those without a round
    LOGGED: ClassVar[bool] = False


@dataclass(frozen=True)
class ApiStopped(Event):
    pass


@dataclass(frozen=True)
class ApiStarted(Event):
    pass


@dataclass(frozen=True)
class ZkServerChanged(Event):
    index: int = 0
    address: str = ""
    mode: str = "down"
    pid: Optional[int] = None
    LOGGED: ClassVar[bool] = False


@dataclass(frozen=True)
class ZkServerStopped(Event):
    index: int = 0


@dataclass(frozen=True)
class ZkServerStarting(Event):
    index: int = 0


@dataclass(frozen=True)
class ZkServerPaused(Event):
    """`clustersim zk-pause`: the server's java process frozen (SIGSTOP), a hung server."""
    index: int = 0


@dataclass(frozen=True)
class ZkServerResumed(Event):
    index: int = 0


# --------------------------------------------------------------------------- the supervisor itself

@dataclass(frozen=True)
class ClusterStarted(Event):
    name: str = "default"
    zk: str = ""
    api_url: str = ""
    nodes: int = 0
    interval: float = 0.0
    session_timeout: float = 0.0
    recipe: str = "election"


@dataclass(frozen=True)
class ClusterOpen(Event):
    """No secret: anyone who reaches ZooKeeper can change the cluster."""


@dataclass(frozen=True)
class RecipeForTeaching(Event):
    """The cluster runs a coordination recipe for teaching (`--recipe herd`), not for real use."""
    recipe: str = "herd"


@dataclass(frozen=True)
class JoinCommand(Event):
    command: str = ""


@dataclass(frozen=True)
class CommandVia(Event):
    """A control command came from somewhere other than the command line (`via`: "page", the
    teacher's page): logged just before the event its command emits, or its refusal."""
    cmd: str = ""
    target: str = ""                  # the node id or server index it names ("" for none)
    via: str = "page"


@dataclass(frozen=True)
class WebViewStarted(Event):
    """`up --web`: the read-only web view serves the cluster's picture at `url`."""
    url: str = ""


@dataclass(frozen=True)
class RecordingWritten(Event):
    """`--record FILE`: the session was written to `path` (one self-contained page)."""
    path: str = ""
    size: int = 0


@dataclass(frozen=True)
class ShuttingDown(Event):
    why: StopWhy = StopWhy.STOP


@dataclass(frozen=True)
class SettleStarted(Event):
    """At shutdown, `count` local nodes were told to stop sampling (each publishes its history,
    final, and stays); the leader gets up to `timeout` s to store every round they published."""
    count: int = 0
    timeout: float = 0.0


@dataclass(frozen=True)
class SettleEnded(Event):
    """How that wait ended: `uncomputed` rounds published and not computed yet, i.e. not in the
    outbox nor delivered (`first`..`last`; with none, `last` is the newest round published,
    None if nobody had published one)."""
    uncomputed: int = 0
    first: Optional[int] = None
    last: Optional[int] = None
    timeout: float = 0.0
    skipped: bool = False              # cut short (a second Ctrl-C, another stop)
    why: str = ""                      # ZooKeeper could not be read: not known


@dataclass(frozen=True)
class RoundsUncomputed(Event):
    """After the nodes stopped: `count` rounds (`first`..`last`) they published that no leader
    computed, so they are in neither the API nor the saved file."""
    count: int = 0
    first: int = 0
    last: int = 0
    zk: str = ""
    zk_embedded: bool = True           # then their readings are gone with it


@dataclass(frozen=True)
class DrainStarted(Event):
    """At shutdown, the leader gets up to `timeout` s to deliver what the outbox holds."""
    rounds: int = 0
    timeout: float = 0.0


@dataclass(frozen=True)
class DrainEnded(Event):
    rounds: int = 0                    # still in the outbox
    timeout: float = 0.0
    skipped: bool = False              # cut short (a second Ctrl-C, another stop)


@dataclass(frozen=True)
class OutboxUncounted(Event):
    why: str = ""
    draining: bool = False             # the drain had started


@dataclass(frozen=True)
class RoundsSaved(Event):
    """At shutdown, what the outbox still held was written to `path` (None: it could not be)."""
    count: int = 0
    path: Optional[str] = None
    reason: Unsaved = Unsaved.LATE
    error: Optional[str] = None        # why no file could be written
    zk: str = ""
    zk_embedded: bool = True           # then the file is all that is left of them


@dataclass(frozen=True)
class OutboxUnread(Event):
    """At shutdown, the outbox could not be read to save what it held."""
    why: str = ""
    zk: str = ""
    zk_embedded: bool = True


@dataclass(frozen=True)
class Narration(Event):
    """What a demo shows now: a title (logged) and its explanation (the panel)."""
    title: str = ""
    body: str = ""
    question: str = ""                 # what to ask the class, if anything
    hint: Optional[str] = None         # e.g. "press Enter", shown under the text
    log: bool = True
    # a demo step whose words carry the outbox depth ({depth}): worded again in `lang` from the
    # state whenever the outbox changes, so the narration gives the number the screen shows
    live_step: str = ""
    lang: str = ""

    @property
    def logged(self) -> bool:
        return bool(self.title) and self.log


@dataclass(frozen=True)
class ListenerFailed(Event):
    listener: str = ""
    error: str = ""


@dataclass(frozen=True)
class Notice(Event):
    """Free text with no structure behind it (tests and tools)."""
    message: Optional[str] = None
    level: Optional[str] = "info"


# --------------------------------------------------------------------------- records (export, import)

T = TypeVar("T")


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    return list(value) if isinstance(value, tuple) else value


def to_record(event: Event) -> Dict[str, Any]:
    """A JSON-ready dict: {"ts", "kind", then the event's own fields}."""
    record: Dict[str, Any] = {"ts": event.ts, "kind": event.kind}
    for f in dataclasses.fields(event):
        if f.name != "ts":
            record[f.name] = _plain(getattr(event, f.name))
    return record


_HINTS: Dict[type, Dict[str, Any]] = {}


def _hints(cls: type) -> Dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _coerce(value: Any, hint: Any) -> Any:
    """`value` as `hint` (int, float, str, bool, a tuple of them, or Optional of one); ValueError if not."""
    if typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return None if value is None else _coerce(value, args[0])
    if typing.get_origin(hint) is tuple:
        if not isinstance(value, (list, tuple)):
            raise ValueError("not a list")
        inner = typing.get_args(hint)
        if len(inner) == 2 and inner[1] is Ellipsis:         # Tuple[X, ...]
            return tuple(_coerce(v, inner[0]) for v in value)
        if len(value) != len(inner):                         # Tuple[X, Y]: a pair
            raise ValueError("not a pair")
        return tuple(_coerce(v, a) for v, a in zip(value, inner))
    if value is None:
        raise ValueError("missing")
    if hint is bool:
        if not isinstance(value, bool):
            raise ValueError("not true/false")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
            raise ValueError("not an integer")
        return int(value)
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError("not a number")
        return float(value)
    if hint is str:
        return str(value)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(value)             # ValueError for a code this version does not know: the default
    return value


def typed_from(cls: Type[T], data: Mapping[str, Any], **fixed: Any) -> T:
    """An instance of dataclass `cls` from a loose mapping: known keys only, each coerced to its
    field's type; a missing or unusable value takes the field's default (None when it has none).
    Extra keys are ignored, so a newer sender does not break an older receiver."""
    hints = _hints(cls)
    values: Dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name in fixed:
            values[f.name] = fixed[f.name]
            continue
        try:
            values[f.name] = _coerce(data[f.name], hints[f.name])
        except (KeyError, ValueError, TypeError, OverflowError):
            if f.default is not dataclasses.MISSING:
                values[f.name] = f.default
            elif f.default_factory is not dataclasses.MISSING:
                values[f.name] = f.default_factory()
            else:
                values[f.name] = None
    return cls(**values)


def from_record(record: Mapping[str, Any]) -> Event:
    """The event a record (from to_record, or a JSON line) describes; ValueError if it is none."""
    cls = KINDS.get(str(record.get("kind")))
    if cls is None:
        raise ValueError(f"unknown kind {str(record.get('kind'))[:40]!r}")
    ts = record.get("ts")
    if isinstance(ts, bool) or not isinstance(ts, (int, float)):
        raise ValueError("no time (ts)")
    return typed_from(cls, record, ts=float(ts))
