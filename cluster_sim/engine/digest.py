"""A large cluster in a few facts: counts by condition, the next in line, the spread of the readings,
and the nodes that are not fine. Data only (no words): the screens word it.

    from cluster_sim.engine.digest import digest, is_big

    if is_big(state):                        # more than BIG nodes: a list nobody can read
        d = digest(state, now)
        d.counts                             # (("publishing", 990), ("paused", 2), ...)
        d.next_in_line                       # ("5", "9", "12"): the election's first successors
        d.readings.median                    # the latest fresh readings: count, min, median, max, bins
        d.not_fine                           # (("3", ("paused", "disconnected")), ...): worst first
        d.to_json()                          # status --json's "summary" (big clusters only)

    status(state, now)                       # state.to_json(now) and, for a large cluster, its "summary"

Each node has one *condition*, the first of CONDITIONS that applies to it (so the counts add up
to the number of rows); a node is fine when it publishes fresh readings and nothing is wrong
with it, and `starting` is counted but not listed (every node starts). One declaration of what
"not fine" means, for the terminal, `clustersim status` and the web page alike.
"""

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from cluster_sim.engine.state import (
    CRASHED, PAUSED, REMOTE, RUNNING, STARTING, STOPPED, ClusterState, NodeView, session_state,
)

__all__ = ["status", "BIG", "CONDITIONS", "FINE", "NEXT_SHOWN", "BINS", "STALE_AFTER", "Spread", "Digest", "conditions",
           "digest", "is_big", "spread"]

BIG = 40            # more rows than this: the screens summarise instead of listing every node
NEXT_SHOWN = 3      # successors of the leader named
BINS = 16           # the readings' histogram
STALE_AFTER = 15.0  # seconds: an older reading is stale (the view's own default)

# worst first: a node's condition is the first that applies
CONDITIONS = (
    "crashed",        # killed hard, or died
    "stopped",        # killed gracefully, or stopped
    "paused",         # frozen (SIGSTOP)
    "partitioned",    # cut off from ZooKeeper or the API
    "disconnected",   # its session: suspended, silent, expired, or deposed without knowing it
    "waiting",        # a local process waiting for an id another process holds
    "silent",         # running, its last reading older than STALE_AFTER
    "unpublished",    # running, no reading yet (1,000 nodes take a while to claim their znodes)
    "slow",           # a slow link set on it
    "no_api",         # it cannot reach the API it would deliver to
    "starting",       # not listed: every node starts
    "publishing",     # fine
)
FINE = frozenset({"publishing", "starting"})


@dataclass(frozen=True)
class Spread:
    """The latest fresh readings: how many, their min, median, max, and a histogram of BINS counts
    between min and max (all in the first bin when they are equal)."""
    count: int
    low: float
    median: float
    high: float
    bins: Tuple[int, ...]

    def to_json(self) -> Dict[str, Any]:
        return {"count": self.count, "min": self.low, "median": self.median, "max": self.high,
                "bins": list(self.bins)}


@dataclass(frozen=True)
class Digest:
    nodes: int                                        # rows (processes), as the table would have
    counts: Tuple[Tuple[str, int], ...]               # condition -> rows, in CONDITIONS order, none zero
    next_in_line: Tuple[str, ...]                     # the leader's first successors in the election
    candidates: int                                   # election znodes, the leader's included
    readings: Optional[Spread]                        # None: no fresh reading
    not_fine: Tuple[Tuple[str, Tuple[str, ...]], ...]  # (id, its conditions), worst first, then by id
    highest_id: Optional[int] = None                  # the highest numeric id (the page's "add node N+1")
    rows: Tuple[NodeView, ...] = field(default=(), compare=False, repr=False)  # those rows (not in JSON)

    def count(self, condition: str) -> int:
        return dict(self.counts).get(condition, 0)

    def to_json(self) -> Dict[str, Any]:
        return {"nodes": self.nodes, "counts": dict(self.counts), "next_in_line": list(self.next_in_line),
                "candidates": self.candidates,
                "readings": None if self.readings is None else self.readings.to_json(),
                "not_fine": [{"id": node, "why": list(why)} for node, why in self.not_fine],
                "highest_id": self.highest_id}


def is_big(state: ClusterState) -> bool:
    """More rows than BIG: the screens show the digest, not a list."""
    return len(state.nodes) + len(state.shadowed) > BIG


def conditions(state: ClusterState, node: NodeView, now: float, stale_after: float = STALE_AFTER) -> List[str]:
    """What applies to `node`, worst first (CONDITIONS order); ["publishing"] when it is fine."""
    found = set()
    process = node.state
    if node is state.shadowed.get(node.id):
        found.add("waiting")
    if process == CRASHED:
        found.add("crashed")
    elif process == STOPPED:
        found.add("stopped")
    elif process == PAUSED:
        found.add("paused")
    faults = node.faults
    if faults is not None and not faults.clear:
        if faults.partitioned_from is not None:
            found.add("partitioned")
        if faults.slow_on is not None:
            found.add("slow")
    if process not in (STOPPED, CRASHED):
        if node.deposed or session_state(node) in ("suspended", "silent", "expired"):
            found.add("disconnected")
    if process == STARTING:
        found.add("starting")
    elif process in (RUNNING, REMOTE) or process is None:
        age = node.age(now)
        if node.value is None or age is None:
            found.add("unpublished")
        elif age > stale_after:
            found.add("silent")
    if node.api_ok is False and process not in (STOPPED, CRASHED):
        found.add("no_api")
    if not found:
        found.add("publishing")
    return [c for c in CONDITIONS if c in found]


def spread(values: List[float], bins: int = BINS) -> Optional[Spread]:
    """count, min, median, max and a histogram of `values` (None when there are none)."""
    if not values:
        return None
    ordered = sorted(values)
    n = len(ordered)
    middle = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
    low, high = ordered[0], ordered[-1]
    counts = [0] * bins
    width = (high - low) / bins
    for value in ordered:
        counts[min(bins - 1, int((value - low) / width)) if width > 0 else 0] += 1
    return Spread(count=n, low=low, median=middle, high=high, bins=tuple(counts))


def _order(node_id: str) -> Tuple[int, int, str]:
    return (0, int(node_id), node_id) if node_id.isdigit() else (1, 0, node_id)


def digest(state: ClusterState, now: float, stale_after: float = STALE_AFTER) -> Digest:
    """The digest of `state` at `now`; a reading older than `stale_after` seconds is not counted."""
    rank = {c: i for i, c in enumerate(CONDITIONS)}
    tally: Dict[str, int] = {}
    trouble: List[Tuple[int, Tuple[int, int, str], bool, str, Tuple[str, ...], NodeView]] = []
    values: List[float] = []
    rows = list(state.nodes.values()) + list(state.shadowed.values())
    for node in rows:
        found = conditions(state, node, now, stale_after)
        first = found[0]
        tally[first] = tally.get(first, 0) + 1
        if first not in FINE:
            shadow = node is state.shadowed.get(node.id)
            trouble.append((rank[first], _order(node.id), shadow, node.id, tuple(found), node))
        if node.value is not None and node.state in (RUNNING, REMOTE) and node is not state.shadowed.get(node.id):
            age = node.age(now)
            if age is not None and age <= stale_after:
                values.append(float(node.value))
    trouble.sort(key=lambda t: t[:3])
    queue = state.queue
    ids = [int(node.id) for node in rows if node.id.isdigit()]
    return Digest(highest_id=max(ids) if ids else None, nodes=len(rows), counts=tuple((c, tally[c]) for c in CONDITIONS if tally.get(c)),
                  next_in_line=tuple(node for node, _ in queue[1:1 + NEXT_SHOWN]), candidates=len(queue),
                  readings=spread(values), not_fine=tuple((t[3], t[4]) for t in trouble),
                  rows=tuple(t[5] for t in trouble))


def status(state: ClusterState, now: float, log: bool = True) -> Dict[str, Any]:
    """The status (`status --json`, a web snapshot): `state.to_json(now, log)`, and for a large
    cluster its digest as "summary" ("nodes" keeps every node all the same). Here, not in
    to_json: the digest reads the state, so the state cannot import it back."""
    data = state.to_json(now, log=log)
    if is_big(state):
        data["summary"] = digest(state, now).to_json()
    return data
