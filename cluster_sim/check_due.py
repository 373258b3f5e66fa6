"""Which rounds are owed by now: the round grid, the deadline, and what is late. Pure.

    grid = Grid(interval=1.0, round_lag=0.5, round_deadline=4.0)   # or Grid.from_rules(rules),
                                                   # grid_from_status(status); None: unknown
    late = lateness("ab12cd", stored={100, 101}, saved={103}, grid=grid, now=120.2,
                    start=None, newest_row_at=102.5)
    late.due_unstored, late.first_due, late.since  # 12, 102, 102.0 (103 is saved: accounted for)
    late.not_final                                 # 5: rounds 115-119, closed, within their deadline

A round is event time: round r holds the samples taken in [r*interval,
(r+1)*interval). Its leader computes it `round_lag` after it closes and waits
at most `round_deadline` for late members, so round r is **due** (must be
stored by now) once

    now > (r + 1) * interval + round_lag + round_deadline

A due round that is neither stored nor in a file the shutdown saved is a
stall: the check fails. Rounds closed but still within their deadline are
"not final yet": named, never a failure. Only rounds after the newest stored
row are looked at here (a hole between two rows is a gap, check.py's).

A cluster that has stopped owes every round its nodes published, the one
under way when they stopped included: a shutdown (Ctrl-C, SIGTERM, `stop`)
stores or saves every round up to the newest sample (`sampled_by(end)`, the
round of the newest sample its nodes logged), so a round published then and
found nowhere is a loss, whatever stopped the cluster.
"""

import math
from dataclasses import dataclass
from typing import AbstractSet, Any, Mapping, Optional

__all__ = ["Grid", "Lateness", "closed_by", "sampled_by", "grid_from_status", "lateness", "last_due"]


@dataclass(frozen=True)
class Grid:
    interval: float
    round_lag: float
    round_deadline: float
    source: str = ""        # where it came from, for people: "the cluster's rules", "status"

    @classmethod
    def from_rules(cls, rules: Any, source: str = "the cluster's rules") -> "Grid":
        """From a rules.ClusterRules (or anything with its three fields)."""
        return cls(float(rules.interval), float(rules.round_lag), float(rules.round_deadline), source)

    @property
    def due_after(self) -> float:
        """Seconds after a round opens until it is due."""
        return self.interval + self.round_lag + self.round_deadline

    def start(self, round_no: int) -> float:
        return round_no * self.interval


def grid_from_status(status: Mapping[str, Any]) -> Optional[Grid]:
    """The grid of a running cluster: its rules (`status --json`'s "rules"), else its interval
    and session timeout with the node's default lag and deadline; None when it says neither."""
    rules = status.get("rules")
    if isinstance(rules, dict):
        from cluster_sim.protocol.rules import ClusterRules, RulesError

        try:
            return Grid.from_rules(ClusterRules.from_json(rules))
        except RulesError:
            pass
    interval, timeout = status.get("interval"), status.get("session_timeout")
    if not (_positive(interval) and _positive(timeout)):
        return None
    assert interval is not None and timeout is not None
    from cluster_sim.node.settings import default_lag, default_round_deadline

    return Grid(float(interval), default_lag(float(interval)),
                default_round_deadline(float(interval), float(timeout)), "the cluster's status")


def _positive(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) and x > 0


def last_due(grid: Grid, now: float) -> int:
    """The newest round due at `now`: the largest r with now > (r+1)*interval + lag + deadline."""
    x = (now - grid.round_lag - grid.round_deadline) / grid.interval
    return math.ceil(x) - 2


def sampled_by(interval: float, end: float) -> int:
    """The round a sample taken at `end` belongs to: floor(end / interval)."""
    return math.floor(end / interval)


def closed_by(interval: float, end: float) -> int:
    """The newest round closed at `end`: the largest r with (r+1)*interval <= end."""
    return math.floor(end / interval) - 1


@dataclass(frozen=True)
class Lateness:
    cluster: str
    now: float
    last_due: int                      # rounds up to this one are owed
    due_unstored: int = 0              # due, not stored, not saved: a stall
    first_due: Optional[int] = None    # the first of them
    since: Optional[float] = None      # its time (round start, seconds since the epoch)
    newest_row_age: Optional[float] = None   # now - the newest row's store time
    saved: int = 0                     # due, not stored, in a saved file: accounted for
    not_final: int = 0                 # closed, not stored, still within their deadline
    first_not_final: Optional[int] = None
    newest_round: Optional[int] = None       # the newest stored round

    def age_text(self, base: Optional[int] = None) -> str:
        """'newest stored row 47 s ago', or what is known instead (a round counted from `base`)."""
        from cluster_sim.engine.round_count import shown

        if self.newest_row_age is not None:
            return f"newest stored row {self.newest_row_age:.0f} s ago"
        if self.newest_round is not None:
            return f"newest stored round {shown(self.newest_round, base)}"
        return "no row stored yet"

    @property
    def ok(self) -> bool:
        return self.due_unstored == 0

    def to_json(self) -> dict:
        return {"count": self.due_unstored, "first_round": self.first_due, "since": self.since,
                "newest_row_age_s": None if self.newest_row_age is None else round(self.newest_row_age, 3),
                "last_due_round": self.last_due, "now": self.now,
                "not_final": self.not_final, "first_not_final": self.first_not_final,
                "newest_round": self.newest_round}


def lateness(cluster: str, stored: AbstractSet[int], saved: AbstractSet[int], grid: Grid, now: float,
             start: Optional[int], newest_row_at: Optional[float]) -> Lateness:
    """What is owed after the newest stored round (or from `start`, the first round the cluster
    is known to have had, when nothing is stored) and is not there."""
    due = last_due(grid, now)
    age = None if newest_row_at is None else max(0.0, now - newest_row_at)
    after = max(stored) + 1 if stored else start
    if after is None:
        return Lateness(cluster, now, due, newest_row_age=age)
    newest = max(stored) if stored else None
    missing = [r for r in range(after, due + 1) if r not in stored and r not in saved]
    in_saved = sum(1 for r in range(after, due + 1) if r not in stored and r in saved)
    closed = closed_by(grid.interval, now)
    pending = [r for r in range(max(after, due + 1), closed + 1) if r not in stored and r not in saved]
    return Lateness(
        cluster, now, due, due_unstored=len(missing), first_due=missing[0] if missing else None,
        since=grid.start(missing[0]) if missing else None, newest_row_age=age, saved=in_saved,
        not_final=len(pending), first_not_final=pending[0] if pending else None, newest_round=newest,
    )
