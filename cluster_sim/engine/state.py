"""The supervisor's plain state: what the table shows and `status --json` returns.

Only `model.apply` changes it (on the manager's loop); the view renders it;
nothing here does I/O. Its event log holds the typed events a person reads
(events.py), worded by `wording.describe` only when shown.

    state = ClusterState(name="default", zk="127.0.0.1:2181", api_url="http://...")
    state.nodes["1"] = NodeView(id="1", pid=1234, state="running")
    status = state.to_json(now=time.time())

Longer than 400 lines: the state's plain classes with `to_json` and `from_json`, which must
mirror each other field for field (status, recordings) and so are kept side by side.
"""

from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Deque, Dict, List, Optional, Tuple

if TYPE_CHECKING:
    from cluster_sim.netfault.faults import NodeFaults
    from cluster_sim.engine.events import Event

# process states
RUNNING = "running"
STARTING = "starting"
PAUSED = "paused"
STOPPED = "stopped"
CRASHED = "crashed"
REMOTE = "remote"

LEADER = "LEADER"
FOLLOWER = "follower"

EVENTS_SHOWN = 20     # the newest events `status` carries (a follower polling it misses more in a burst)


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
    api_ok: Optional[bool] = None  # it can reach the API it would deliver to (its history says; None: unknown)
    # since when ZooKeeper has heard nothing from its session (None: it pings), and that session's timeout
    silent_since: Optional[float] = None
    session_timeout: Optional[float] = None
    deposed: bool = False          # it led until ZooKeeper expired its session, and cannot know it yet

    def age(self, now: float) -> Optional[float]:
        return None if self.reading_ts is None else max(0.0, now - self.reading_ts)


@dataclass
class Delivery:
    """Whether the leader's deliveries arrive, as its leader znode (or its own report) says."""
    leader: str
    ok: Optional[bool] = None      # None: it has not tried yet
    url: str = ""                  # the API it delivers to
    since: Optional[float] = None  # when it last stopped reaching it
    error: str = ""                # why (ConnectionError, HTTP 503, ...)

    def to_json(self) -> Dict[str, Any]:
        return {"leader": self.leader, "ok": self.ok, "url": self.url, "since": self.since, "error": self.error}

    @classmethod
    def from_json(cls, data: Any) -> Optional["Delivery"]:
        data = _dict(data)
        leader = _str(data.get("leader"))
        if leader is None:
            return None
        ok = data.get("ok")
        return cls(leader=leader, ok=ok if isinstance(ok, bool) else None, url=_str(data.get("url")) or "",
                   since=_num(data.get("since")), error=_str(data.get("error")) or "")


@dataclass(frozen=True)
class Shown:
    """What a demo is showing right now: typed, never "title\\nbody" text to split again."""
    title: str
    body: str = ""
    question: str = ""             # what to ask the class, if anything
    hint: str = ""                 # e.g. "press Enter", under the rest
    live_step: str = ""            # worded again as the outbox changes (events.Narration); not in JSON
    lang: str = ""

    def to_json(self) -> Dict[str, Any]:
        return {"title": self.title, "body": self.body, "question": self.question, "hint": self.hint}

    @classmethod
    def from_json(cls, data: Any) -> Optional["Shown"]:
        if isinstance(data, str):      # a status or recording of an older version: its first line is the title
            first, _, body = data.partition("\n")
            return cls(title=first, body=body) if first else None
        fields = _dict(data)
        title = _str(fields.get("title"))
        if not title:
            return None
        return cls(title=title, body=_str(fields.get("body")) or "", question=_str(fields.get("question")) or "",
                   hint=_str(fields.get("hint")) or "")


@dataclass
class ZkServerView:
    index: int                     # 1-based
    address: str                   # host:port
    mode: str = "down"             # leader, follower, standalone, "no quorum" (runs, not serving), down
    pid: Optional[int] = None


def session_state(node: NodeView) -> Optional[str]:
    """Its ZooKeeper session: connected, suspended (the node lost its connection; the session lives
    on), silent (ZooKeeper hears nothing from it and counts down), expired, closed; None: not known."""
    if node.connection == "LOST":
        return "expired"
    if node.state == STOPPED or (node.state == CRASHED and (node.exit_code or 0) >= 0):
        return "closed"
    if node.connection == "SUSPENDED":
        return "suspended"
    if node.silent_since is not None:
        return "silent"
    if node.connection == "CONNECTED" or node.remote or node.role:
        return "connected"
    return None


def _session_json(node: NodeView, now: float, timeout: Optional[float]) -> Dict[str, Any]:
    state = session_state(node)
    silent = None
    if node.silent_since is not None and state in ("silent", "suspended"):
        silent = max(0.0, now - node.silent_since)
    limit = node.session_timeout or timeout
    expires = None if silent is None or not limit else max(0.0, limit - silent)
    return {"state": state, "silent_s": _rounded(silent), "expires_in_s": _rounded(expires)}


def _election_json(node: str, queue: Tuple[Tuple[str, int], ...], seats: Optional[Dict[str, int]] = None,
                   herd_leader: Optional[str] = None) -> Dict[str, Any]:
    """Its place in the election and whom it watches: its predecessor (kazoo's Election), or under
    the herd (`herd_leader`: the leader) the one leader znode, held by the leader, as every
    candidate. `seats` (node -> position in `queue`, its first znode) saves a search of the queue
    a node: a status of 1,000 nodes would search a million times."""
    if seats is None:
        seats = _seats(queue)
    position = seats.get(node)
    if position is None:
        return {"seq": None, "position": None, "watches": None}
    if herd_leader is not None:
        return {"seq": queue[position][1], "position": position,
                "watches": None if node == herd_leader else herd_leader}
    return {"seq": queue[position][1], "position": position,
            "watches": queue[position - 1][0] if position else None}


def _seats(queue: Tuple[Tuple[str, int], ...]) -> Dict[str, int]:
    seats: Dict[str, int] = {}
    for position, (candidate, _) in enumerate(queue):
        seats.setdefault(candidate, position)
    return seats


def _faults_json(node: NodeView) -> Optional[Dict[str, Any]]:
    """The node's network faults (netfault.NodeFaults.to_json); None for a node not ours."""
    if node.remote and node.faults is None:
        return None     # its relays are on its own machine: known once a request set a fault there
    from cluster_sim.faults import registry  # noqa: F401 - the kinds' summaries (netfault.faults.SUMMARIES)

    if node.faults is None:
        # a clear link's JSON, made once: NodeFaults.to_json (dataclasses.asdict) took two
        # thirds of a 1,000-node status
        if not _CLEAR_FAULTS:
            from cluster_sim.netfault.faults import NodeFaults

            _CLEAR_FAULTS.update(NodeFaults("").to_json())
        clear = _CLEAR_FAULTS
        return dict(clear, node=node.id, zk=dict(clear["zk"]), api=dict(clear["api"]))
    return node.faults.to_json()


_CLEAR_FAULTS: Dict[str, Any] = {}


def _int(value: Any) -> Optional[int]:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _num(value: Any) -> Optional[float]:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _str(value: Any) -> Optional[str]:
    return None if value is None or isinstance(value, (dict, list)) else str(value)


def _dict(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {}


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
    last_row: Optional[int] = None   # the API row id of that mean, when it came from the API
    # the newest round the leader computed: ahead of last_round while it waits in the outbox
    computed_round: Optional[int] = None
    computed_mean: Optional[float] = None
    computed_count: Optional[int] = None
    waiting_round: Optional[int] = None   # a round the leader holds back for members to catch up
    waiting_for: Tuple[str, ...] = ()     # ... and the members it waits for
    waiting_since: Optional[float] = None # since when that round waits
    rounds_stored: Optional[int] = None   # rows in the API (with or without a round)
    rows_unrounded: Optional[int] = None  # of those, rows without a round (an original or unsafe leader)
    api_ok: Optional[bool] = None
    api_down_since: Optional[float] = None
    delivery: Optional[Delivery] = None   # the leader's own deliveries (api_ok above: the supervisor's probe)
    outbox_depth: int = 0
    outbox_oldest: Optional[int] = None
    outbox_dropped: int = 0
    outbox_since: Optional[float] = None  # when the outbox last went from empty to not empty
    nodes: Dict[str, NodeView] = field(default_factory=dict)
    # local processes whose id another process holds in ZooKeeper (its row is in `nodes`):
    # one row is one process, so these are rows of their own
    shadowed: Dict[str, NodeView] = field(default_factory=dict)
    zk_servers: List[ZkServerView] = field(default_factory=list)
    events: Deque["Event"] = field(default_factory=lambda: deque(maxlen=200))  # the log a person reads
    events_total: int = 0               # events ever put in that log (a follower's cursor into it)
    started_at: float = 0.0
    interval: float = 0.0               # the cluster's round interval (s)
    join_command: Optional[str] = None
    web_url: Optional[str] = None         # `up --web`: where the picture is served
    narration: Optional[Shown] = None  # what a demo is showing right now
    refresh_hz: Optional[float] = None  # how often the view was actually refreshed
    truth_dir: str = ""            # where the local nodes log every sample (clustersim check --truth)
    lang: str = "en"                    # the language events are worded in
    # how this cluster runs (chaos plans its faults from them, with `interval`)
    session_timeout: Optional[float] = None
    zk_embedded: bool = False      # ZooKeeper started by `up` (zk-pause, zk-kill apply)
    api_embedded: bool = False     # the API started by `up` (api-stop applies)
    relays: bool = False           # local nodes go through fault relays (partition, slow apply)
    rules: Optional[Dict[str, Any]] = None   # the cluster's rules (ClusterRules.to_json()), as ZooKeeper holds them
    queue: Tuple[Tuple[str, int], ...] = ()  # the election's znodes: (node, sequence), lowest (the leader's) first
    failover_cost: Optional[Dict[str, Any]] = None   # the last failover's cost (events.FailoverCost's fields)

    @property
    def recipe(self) -> str:
        """How the candidates wait to lead (the cluster's rule): "election" or "herd"."""
        return str((self.rules or {}).get("recipe") or "election")

    @property
    def teaching(self) -> bool:
        """The recipe is one for teaching (the herd effect): every screen says so."""
        return self.recipe == "herd"

    def leader_state(self) -> str:
        """acting; holding (the leader is frozen, cut off or suspended: it does nothing until it
        knows whether it still leads); none (no leader)."""
        view = self.nodes.get(self.leader) if self.leader is not None else None
        if view is None:
            return "none"
        if view.state == PAUSED or session_state(view) in ("suspended", "silent"):
            return "holding"
        return "acting"

    def countdown(self, node: NodeView, now: float) -> Optional[float]:
        """Seconds until ZooKeeper expires the node's silent session (None: it is not silent)."""
        return _session_json(node, now, self.session_timeout)["expires_in_s"]

    def sorted_nodes(self) -> List[NodeView]:
        """Every row, by id; a local process waiting for an id another one holds comes after it."""
        def key(node: NodeView) -> Tuple[int, int, str, bool]:
            shadow = node is self.shadowed.get(node.id)
            return (0, int(node.id), node.id, shadow) if node.id.isdigit() else (1, 0, node.id, shadow)
        return sorted(list(self.nodes.values()) + list(self.shadowed.values()), key=key)

    def shown_events(self) -> List[Any]:
        """The newest events of the log, those `status` carries (EVENTS_SHOWN)."""
        return list(self.events)[-EVENTS_SHOWN:]

    def round_base(self) -> Optional[int]:
        """The round running when this session started: rounds are shown counted from it."""
        from cluster_sim.engine.round_count import round_base

        return round_base(self.started_at, self.interval)

    @classmethod
    def from_json(cls, data: Dict[str, Any], now: float) -> "ClusterState":
        """The state a `to_json(now)` dict (a recording's frame) describes, as far as it does:
        enough to draw the view again at another terminal's size. Missing or odd fields are
        left at their defaults; the event log is not in it."""
        state = cls(name=_str(data.get("name")) or "default", zk=_str(data.get("zk")) or "",
                    api_url=_str(data.get("api_url")) or "", zk_connected=data.get("zk_connected") is True,
                    leader=_str(data.get("leader")), epoch=_int(data.get("epoch")),
                    leader_original=data.get("leader_original") is True, leader_since=_num(data.get("leader_since")),
                    leader_zk=_str(data.get("leader_zk")), last_mean=_num(data.get("last_mean")),
                    last_round=_int(data.get("last_round")), last_count=_int(data.get("last_count")),
                    rounds_stored=_int(data.get("rounds_stored")), rows_unrounded=_int(data.get("rows_unrounded")),
                    api_ok=data.get("api_ok") if isinstance(data.get("api_ok"), bool) else None,
                    api_down_since=_num(data.get("api_down_since")), started_at=_num(data.get("started_at")) or 0.0,
                    interval=_num(data.get("interval")) or 0.0, join_command=_str(data.get("join_command")),
                    web_url=_str(data.get("web_url")),
                    narration=Shown.from_json(data.get("narration")), lang=_str(data.get("lang")) or "en",
                    rules=data.get("rules") if isinstance(data.get("rules"), dict) else None)
        state.delivery = Delivery.from_json(data.get("delivery"))
        computed = _dict(data.get("computed"))
        state.computed_round, state.computed_mean = _int(computed.get("round")), _num(computed.get("mean"))
        state.computed_count = _int(computed.get("count"))
        outbox = _dict(data.get("outbox"))
        state.outbox_depth = _int(outbox.get("depth")) or 0
        state.outbox_oldest = _int(outbox.get("oldest_round"))
        state.outbox_dropped = _int(outbox.get("dropped")) or 0
        state.outbox_since = _num(outbox.get("since"))
        waiting = _dict(data.get("waiting"))
        members = waiting.get("for")
        if _int(waiting.get("round")) is not None and isinstance(members, list):
            state.waiting_round, state.waiting_for = _int(waiting.get("round")), tuple(str(n) for n in members)
            state.waiting_since = _num(waiting.get("since"))
        for server in data.get("zk_servers") or []:
            server = _dict(server)
            index = _int(server.get("index"))
            if index is not None:
                state.zk_servers.append(ZkServerView(index=index, address=_str(server.get("address")) or "",
                                                     mode=_str(server.get("mode")) or "down",
                                                     pid=_int(server.get("pid"))))
        seats: List[Tuple[int, str, int]] = []
        for raw in data.get("nodes") or []:
            raw = _dict(raw)
            node_id = _str(raw.get("id"))
            if node_id is None:
                continue
            age = _num(raw.get("age_s"))
            node = NodeView(id=node_id, pid=_int(raw.get("pid")), state=_str(raw.get("state")),
                            role=_str(raw.get("role")) or "", value=_num(raw.get("value")),
                            reading_ts=None if age is None else now - age, host=_str(raw.get("host")),
                            remote=raw.get("remote") is True, connection=_str(raw.get("connection")) or "",
                            exit_code=_int(raw.get("exit_code")), garbage=_int(raw.get("garbage")) or 0,
                            api_ok=raw.get("api_ok") if isinstance(raw.get("api_ok"), bool) else None)
            if isinstance(raw.get("faults"), dict):
                from cluster_sim.netfault.faults import NodeFaults

                node.faults = NodeFaults.from_json(node_id, raw["faults"])
            node.deposed = raw.get("deposed") is True
            session = _dict(raw.get("session"))
            silent = _num(session.get("silent_s"))
            if silent is not None and session.get("state") in ("silent", "suspended"):
                node.silent_since = now - silent
                left = _num(session.get("expires_in_s"))
                node.session_timeout = None if left is None else silent + left
            election = _dict(raw.get("election"))
            if _int(election.get("position")) is not None and _int(election.get("seq")) is not None:
                seats.append((_int(election.get("position")) or 0, node_id, _int(election.get("seq")) or 0))
            if raw.get("waiting") is True and node.id in state.nodes:
                state.shadowed[node.id] = node
            else:
                state.nodes[node.id] = node
        state.queue = tuple((node_id, seq) for _, node_id, seq in sorted(seats))
        state.session_timeout = _num(data.get("session_timeout"))
        return state

    def to_json(self, now: float, log: bool = True) -> Dict[str, Any]:
        """The status as data (a web snapshot; `status --json` is this with each event worded:
        presentation.answers.status_json); `log=False` leaves out the event log (a snapshot for the
        picture, which takes events from the event stream)."""
        from cluster_sim.engine.events import to_record

        seats = _seats(self.queue)
        data: Dict[str, Any] = {
            "name": self.name,
            "zk": self.zk,
            "zk_connected": self.zk_connected,
            "api_url": self.api_url,
            "leader": self.leader,
            "leader_state": self.leader_state(),
            "epoch": self.epoch,
            "leader_original": self.leader_original,
            "leader_zk": self.leader_zk,
            "last_mean": self.last_mean,
            "last_round": self.last_round,
            "last_count": self.last_count,
            "computed": ({"round": self.computed_round, "mean": self.computed_mean, "count": self.computed_count}
                         if self.computed_round is not None else None),
            "waiting": ({"round": self.waiting_round, "for": list(self.waiting_for), "since": self.waiting_since}
                        if self.waiting_round is not None else None),
            "rounds_stored": self.rounds_stored,
            "rows_unrounded": self.rows_unrounded,
            "started_at": self.started_at,
            "interval": self.interval,
            "leader_since": self.leader_since,
            "join_command": self.join_command,
            "web_url": self.web_url,
            "lang": self.lang,
            "api_ok": self.api_ok,
            "api_down_since": self.api_down_since,
            "delivery": None if self.delivery is None else self.delivery.to_json(),
            "outbox": {
                "depth": self.outbox_depth,
                "oldest_round": self.outbox_oldest,
                "dropped": self.outbox_dropped,
                "since": self.outbox_since,
            },
            "refresh_hz": self.refresh_hz,
            "truth_dir": self.truth_dir,
            "session_timeout": self.session_timeout,
            "rules": self.rules,
            "recipe": self.recipe,
            "recipe_teaching": self.teaching,
            "failover_cost": self.failover_cost,
            "zk_embedded": self.zk_embedded,
            "api_embedded": self.api_embedded,
            "relays": self.relays,
            "narration": None if self.narration is None else self.narration.to_json(),
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
                    "api_ok": n.api_ok,
                    "exit_code": n.exit_code,
                    "waiting": n is self.shadowed.get(n.id),
                    "faults": _faults_json(n),
                    "election": _election_json(n.id, self.queue, seats, self.leader if self.teaching else None),
                    "session": _session_json(n, now, self.session_timeout),
                    "deposed": n.deposed,
                }
                for n in self.sorted_nodes()
            ],
        }
        if log:
            # the newest events of the log, each the exporter's record (its kind and fields; their
            # words are presentation's): a view attached from outside shows the supervisor's own events
            data["events"] = [to_record(e) for e in self.shown_events()]
            data["events_total"] = self.events_total
        return data
