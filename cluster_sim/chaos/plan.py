"""A chaos run's fault plan: random, reproducible from its seed, always ending healed.

    p = plan(seed=1, duration=120, faults=KINDS, nodes=["1", "2", "3", "4", "5"],
             zk_servers=3, session_timeout=4.0, interval=1.0)
    p.faults[0]     # Fault(id=1, kind="partition", start=9.3, end=15.1, node="leader", target="zk", ...)
    p.steps[0]      # Step(at=9.3, fault=1, action="partition", node="leader", target="zk", ...)
    p.steps[0].request()   # {"cmd": "partition", "id": "leader", "from": "zk"}: the executor resolves "leader"
    p.to_json()

Pure: no clock, no I/O; the same arguments and seed give the same plan.
Times are seconds from the start of the run. Every fault is an injection
and its undoing (kill/start, pause/resume, partition/heal, slow/heal,
api-stop/api-start, zk-kill/zk-start, zk-pause/zk-resume), held for a time
drawn from a range that scales with the session timeout. The kinds, their
commands, holds and parameters come from the fault registry
(cluster_sim.faults.registry). The rules that
keep every state recoverable:

- at most `max_concurrent` faults at once, and at least one node untouched;
- one fault per node, one ZooKeeper fault and one API outage at a time
  (so a killed server is never also the one a quorum loss stops);
- zk-kill takes one server of an ensemble of 3 or more, quorum a majority,
  and both give every server back;
- each hold is bounded (`max_hold`), far below what the nodes' histories
  cover (60 s and more), so a round outlives every outage;
- every undoing happens by `duration`: the plan ends healed.

`sigstop` freezes a ZooKeeper server process (SIGSTOP, then SIGCONT): a hung
server, as opposed to `pause`, which freezes a node.
"""

import hashlib
import json
import random
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

from cluster_sim.faults import registry
from cluster_sim.faults.registry import slow_limit_ms

__all__ = ["KINDS", "LEADER", "PlanError", "Fault", "Step", "Plan", "plan", "parse_kinds", "slow_limit_ms"]

# from the fault registry, when this module is imported (cluster_sim.faults.registry)
KINDS = registry.chaos_kinds()
NODE_KINDS = tuple(k for k in registry.node_kinds() if k in KINDS)
ZK_KINDS = tuple(k for k in registry.zk_kinds() if k in KINDS)
LEADER = "leader"          # a node fault aimed at whoever leads when it is injected

_UNDO = {k: registry.kind(k).undo for k in KINDS}
_DO = {k: registry.kind(k).inject for k in KINDS}


class PlanError(ValueError):
    """The plan cannot be made as asked; the message is one line."""


def parse_kinds(text: str) -> Tuple[str, ...]:
    """'kill,partition' -> ("kill", "partition"); PlanError naming an unknown kind."""
    kinds = tuple(k.strip() for k in text.split(",") if k.strip())
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise PlanError(f"unknown fault {unknown[0]!r}: choose from {','.join(KINDS)}")
    if not kinds:
        raise PlanError(f"no fault named: choose from {','.join(KINDS)}")
    return tuple(dict.fromkeys(kinds))


@dataclass(frozen=True)
class Fault:
    id: int
    kind: str
    start: float
    end: float
    node: Optional[str] = None        # a node id, LEADER, or None (not a node fault)
    target: Optional[str] = None      # partition: zk, api or all; slow: all
    latency_ms: Optional[float] = None
    jitter_ms: Optional[float] = None
    servers: Tuple[int, ...] = ()     # ZooKeeper server indexes (1-based)
    params: Tuple[Tuple[str, Any], ...] = ()   # a kind's own request fields (Chaos.fields' "params")

    @property
    def hold(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Step:
    at: float
    fault: int                        # the Fault it belongs to
    kind: str                         # the fault's kind
    action: str                       # kill, start, pause, resume, partition, heal, slow, api-stop, ...
    node: Optional[str] = None
    hard: bool = False
    target: Optional[str] = None
    latency_ms: Optional[float] = None
    jitter_ms: Optional[float] = None
    index: Optional[int] = None       # ZooKeeper server
    params: Tuple[Tuple[str, Any], ...] = ()   # a kind's own request fields, sent with the injection

    @property
    def injects(self) -> bool:
        """The first step of its fault (the rest undo it)."""
        return self.action == _DO[self.kind]

    def request(self, node: Optional[str] = None) -> Dict[str, object]:
        """The control request for this step; `node` replaces the planned one (LEADER resolved)."""
        kind = registry.kind(self.kind)
        out: Dict[str, object] = {"cmd": self.action}
        if kind.applies == registry.NODE:
            out["id"] = node if node is not None else self.node
        elif kind.applies in (registry.ZK_SERVER, registry.ENSEMBLE):
            out["index"] = self.index
        if self.injects:
            out.update({name: getattr(self, step_field) for name, step_field in kind.request.items()})
            out.update(self.params)
        return out


@dataclass(frozen=True)
class Plan:
    seed: int
    duration: float
    kinds: Tuple[str, ...]
    nodes: Tuple[str, ...]
    zk_servers: int
    faults: Tuple[Fault, ...]
    steps: Tuple[Step, ...]
    settings: Dict[str, float] = field(default_factory=dict)

    def count(self) -> Dict[str, int]:
        out: Dict[str, int] = {k: 0 for k in self.kinds}
        for f in self.faults:
            out[f.kind] = out.get(f.kind, 0) + 1
        return out

    def fingerprint(self) -> str:
        """A short digest of the steps: two runs with the same one played the same plan."""
        text = json.dumps([_plain(s) for s in self.steps], sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    def to_json(self) -> dict:
        return {"seed": self.seed, "duration": self.duration, "kinds": list(self.kinds),
                "nodes": list(self.nodes), "zk_servers": self.zk_servers, "settings": dict(self.settings),
                "fingerprint": self.fingerprint(), "faults": [_plain(f) for f in self.faults],
                "steps": [_plain(s) for s in self.steps]}


def _plain(item: Any) -> Dict[str, Any]:
    """A fault or step as JSON; no `params` key when it has none (the kinds before them read as before)."""
    out = asdict(item)
    if not out.get("params"):
        out.pop("params", None)
    return out


def _holds(kind: str, s: float, i: float) -> Tuple[float, float]:
    """How long a fault of this kind is held, in seconds: a range from the
    session timeout `s` and the interval `i` (the registry's Chaos.hold), long
    enough that something happens (a session expires, rounds queue) and short
    enough to recover."""
    return registry.kind(kind).chaos.hold.range(s, i)


def plan(seed: int, duration: float, faults: Sequence[str], nodes: Sequence[str], *,
         zk_servers: int = 1, api_embedded: bool = True, session_timeout: float = 4.0,
         interval: float = 1.0, max_concurrent: int = 2, mean_gap: Optional[float] = None,
         warmup: Optional[float] = None, max_hold: Optional[float] = None,
         leader_share: float = 0.5) -> Plan:
    """The plan (see the module docstring). PlanError when a chosen fault
    cannot apply to this cluster (say which and why)."""
    kinds = tuple(dict.fromkeys(faults))
    nodes = tuple(sorted(dict.fromkeys(str(n) for n in nodes)))
    _validate(kinds, nodes, zk_servers, api_embedded, duration, session_timeout, interval, max_concurrent)
    s, i = float(session_timeout), float(interval)
    mean_gap = float(mean_gap) if mean_gap else max(i, s)
    warmup = float(warmup) if warmup is not None else s + 3 * i
    max_hold = float(max_hold) if max_hold else 3 * s + 2 * i
    rng = random.Random(f"clustersim-chaos/{seed}")   # a str seed hashes the same on every platform
    made: List[Fault] = []
    active: List[Fault] = []
    t = warmup
    while True:
        t += rng.uniform(0.5 * mean_gap, 1.5 * mean_gap)
        active = [f for f in active if f.end > t]       # undone at or before t: free again
        if len(active) >= max_concurrent:
            t = min(f.end for f in active)              # wait for the next heal, then a gap
            continue
        candidates = [k for k in kinds if _fits(k, active, nodes, zk_servers)]
        if not candidates:
            if not active:
                break
            t = min(f.end for f in active)
            continue
        # every chosen kind once before any twice: a short run still covers the set
        unused = [k for k in candidates if not any(f.kind == k for f in made)]
        kind = rng.choice(unused or candidates)
        low, high = _holds(kind, s, i)
        high = min(high, max_hold)
        low = min(low, high)
        hold = round(rng.uniform(low, high), 3)
        start = round(t, 3)
        if start + low > duration:
            break
        end = min(round(start + hold, 3), float(duration))
        fault = _make(len(made) + 1, kind, start, end, rng, active, nodes, zk_servers, leader_share, s)
        made.append(fault)
        active.append(fault)
    steps = sorted((st for f in made for st in _steps(f)),
                   # undoings first at the same instant: a heal and a new fault never overlap
                   key=lambda st: (st.at, st.injects, st.fault, st.index or 0))
    settings = {"session_timeout": s, "interval": i, "max_concurrent": max_concurrent, "mean_gap": mean_gap,
                "warmup": warmup, "max_hold": max_hold, "leader_share": leader_share,
                "api_embedded": api_embedded}
    return Plan(seed=seed, duration=float(duration), kinds=kinds, nodes=nodes, zk_servers=zk_servers,
                faults=tuple(made), steps=tuple(steps), settings=settings)


def _validate(kinds: Tuple[str, ...], nodes: Tuple[str, ...], zk_servers: int, api_embedded: bool,
              duration: float, session_timeout: float, interval: float, max_concurrent: int) -> None:
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise PlanError(f"unknown fault {unknown[0]!r}: choose from {','.join(KINDS)}")
    if not kinds:
        raise PlanError("no fault chosen")
    if not (duration > 0 and session_timeout > 0 and interval > 0):
        raise PlanError("duration, session timeout and interval must be above 0")
    if max_concurrent < 1:
        raise PlanError("at least one fault at a time")
    if any(k in NODE_KINDS for k in kinds) and len(nodes) < 2:
        raise PlanError("node faults need 2 nodes or more (one is always left untouched)")
    needs_ensemble = [k for k in kinds if registry.kind(k).servers >= 3]
    if needs_ensemble and zk_servers < 3:
        raise PlanError(f"{' and '.join(needs_ensemble)} need an embedded ensemble of 3 or more "
                        "ZooKeeper servers (up --zk-servers 3)")
    for k in kinds:
        if 0 < registry.kind(k).servers < 3 and zk_servers < registry.kind(k).servers:
            raise PlanError(f"{k} freezes an embedded ZooKeeper server: this cluster has none (--zk)")
        if registry.kind(k).applies == registry.API and not api_embedded:
            raise PlanError(f"{k} stops the embedded API: this cluster's API is external (--api-url)")


def _fits(kind: str, active: List[Fault], nodes: Tuple[str, ...], zk_servers: int) -> bool:
    if kind in NODE_KINDS:
        busy = sum(1 for f in active if f.kind in NODE_KINDS)
        return busy < len(nodes) - 1
    if kind in ZK_KINDS:
        return not any(f.kind in ZK_KINDS for f in active)
    return not any(f.kind == kind for f in active)


def _make(fid: int, kind: str, start: float, end: float, rng: random.Random, active: List[Fault],
          nodes: Tuple[str, ...], zk_servers: int, leader_share: float, s: float) -> Fault:
    chaos = registry.kind(kind).chaos
    if kind in NODE_KINDS:
        busy = {f.node for f in active if f.node is not None}
        free = [n for n in nodes if n not in busy]
        aim = chaos.leader and LEADER not in busy
        node = LEADER if aim and rng.random() < leader_share else rng.choice(free)
        fields: Dict[str, Any] = chaos.fields(rng, s) if chaos.fields is not None else {}
        params = tuple(sorted((fields.pop("params", None) or {}).items()))
        return Fault(fid, kind, start, end, node=node, params=params, **fields)
    if kind in ZK_KINDS:
        if chaos.majority:
            majority = zk_servers // 2 + 1
            return Fault(fid, kind, start, end,
                         servers=tuple(sorted(rng.sample(range(1, zk_servers + 1), majority))))
        return Fault(fid, kind, start, end, servers=(rng.randint(1, zk_servers),))
    return Fault(fid, kind, start, end)


def _steps(f: Fault) -> List[Step]:
    do, undo = _DO[f.kind], _UNDO[f.kind]
    if f.kind in NODE_KINDS:
        fixed = registry.kind(f.kind).fixed
        return [Step(f.start, f.id, f.kind, do, node=f.node, hard=bool(fixed.get("hard")), target=f.target,
                     latency_ms=f.latency_ms, jitter_ms=f.jitter_ms, params=f.params),
                Step(f.end, f.id, f.kind, undo, node=f.node)]
    if f.servers:
        return ([Step(f.start, f.id, f.kind, do, index=x) for x in f.servers]
                + [Step(f.end, f.id, f.kind, undo, index=x) for x in f.servers])
    return [Step(f.start, f.id, f.kind, do), Step(f.end, f.id, f.kind, undo)]
