"""A chaos run's verdict: what was injected, what the cluster stored, and whether anything was lost.

    verdict = build_verdict(plan, executed, check_json, terms, rows, window=(t0, t1), settled=True)
    verdict.ok                        # nothing lost, wrong, duplicated or stale; the cluster recovered
    verdict.rounds.missing, verdict.longest_without_leader.seconds
    verdict.to_json()

Pure: it reads what the run gathered and computes, nothing else.

- `executed`: every step as it was played (`Executed`), with the node a
  LEADER step hit and the supervisor's answer;
- `check_json`: `clustersim check --json` of the API after the run
  (`check_view.as_json` of `check_judge.judge`, the check's own function),
  with the truth logs when there are any, judged up to the end of the run:
  a round due by then and not stored fails the run like a lost one;
- `terms`: the leadership seen during the run, (node, epoch, start, end)
  with end None for a term still running (the manager's `terms`);
- `rows`: the API's rows (`GET /listar`), for their store order and times;
- `window`: the run's start and end, wall-clock seconds.

A stale-epoch row is one stored after a row with a higher epoch was (by row
id, the API's store order): exactly what fencing exists to refuse.
"""

from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Dict, List, Optional, Sequence, Tuple

from cluster_sim.chaos.plan import Plan, Step

__all__ = ["Executed", "Span", "RoundFigures", "Verdict", "build_verdict", "leaderless", "quiet",
           "stale_rows"]


@dataclass(frozen=True)
class Executed:
    at: float                   # wall-clock time it was sent (or skipped)
    step: Step
    node: Optional[str] = None  # the node it acted on, LEADER resolved; None for cluster-wide steps
    ok: bool = True
    message: str = ""           # the supervisor's answer, or why it was not sent
    sent: bool = True           # False: skipped (no node to act on, the cluster stopping)


@dataclass(frozen=True)
class Span:
    seconds: float
    start: Optional[float] = None
    end: Optional[float] = None


@dataclass(frozen=True)
class RoundFigures:
    expected: int               # rounds between the first and the last stored one
    stored: int                 # distinct rounds stored
    missing: int                # rounds in that range with no row (unexplained gaps)
    duplicated: int             # rounds stored more than once
    partial: int                # rows that declare missing members (not a failure)
    empty: int                  # rows of a round nobody sampled (count 0)
    short: Optional[int]        # fewer readings than the truth, undeclared (None: no truth logs)
    wrong: Optional[int]        # as many readings, another mean
    lost: Optional[int]         # no row although samples were published
    due_unstored: Optional[int] = None   # due by the end of the run, neither stored nor saved (None: no grid)
    unverified: Optional[int] = None     # rows the truth logs here could not recompute (None: no truth)
    saved: int = 0                       # rounds in saved files, not stored yet


@dataclass(frozen=True)
class Verdict:
    seed: int
    fingerprint: str
    duration: float
    window: Tuple[float, float]
    faults: Dict[str, int]               # injected, by kind
    refused: Dict[str, int]              # injections refused or skipped, by kind
    rounds: RoundFigures
    stale_epoch_accepted: int
    epoch_regressions: int               # rounds whose epoch is below an earlier round's
    longest_without_leader: Span
    longest_without_round: Span
    settled: bool                        # after the last heal: a leader, every node back, rounds flowing
    truth: bool                          # rounds judged against the nodes' truth logs
    problems: Tuple[str, ...] = ()
    notes: Tuple[str, ...] = ()
    steps: Tuple[Executed, ...] = field(default=(), repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict:
        return {
            "ok": self.ok, "seed": self.seed, "plan": self.fingerprint, "duration": self.duration,
            "window": {"start": self.window[0], "end": self.window[1]},
            "faults": dict(self.faults), "refused": dict(self.refused),
            "rounds": asdict(self.rounds),
            "stale_epoch_accepted": self.stale_epoch_accepted, "epoch_regressions": self.epoch_regressions,
            "longest_without_leader": asdict(self.longest_without_leader),
            "longest_without_round": asdict(self.longest_without_round),
            "settled": self.settled, "truth": self.truth,
            "problems": list(self.problems), "notes": list(self.notes),
            "steps": [{"at": e.at, "fault": e.step.fault, "kind": e.step.kind, "action": e.step.action,
                       "node": e.node, "index": e.step.index, "sent": e.sent, "ok": e.ok, "message": e.message}
                      for e in self.steps],
        }


# --------------------------------------------------------------------------- pure figures

def row_time(row: dict) -> Optional[float]:
    """The row's store time (its `at`, ISO 8601; a bare time is UTC) in seconds, or None."""
    try:
        moment = datetime.fromisoformat(str(row.get("at")))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def stale_rows(rows: Sequence[dict]) -> List[dict]:
    """Rows stored after a row of a higher epoch of the same cluster (store order: id, else time)."""
    def order(row: dict) -> Tuple[int, int, float]:
        rid = row.get("id")
        return (0, rid, 0.0) if isinstance(rid, int) else (1, 0, row_time(row) or 0.0)

    highest: Dict[str, int] = {}
    found = []
    for row in sorted(rows, key=order):
        epoch = row.get("epoch")
        if isinstance(epoch, bool) or not isinstance(epoch, int) or row.get("round") is None:
            continue
        cluster = str(row.get("cluster") or "")
        if epoch < highest.get(cluster, epoch):
            found.append(row)
        highest[cluster] = max(highest.get(cluster, epoch), epoch)
    return found


def leaderless(terms: Sequence[Sequence], window: Tuple[float, float]) -> Span:
    """The longest stretch of the window that no leadership term covers."""
    start, end = window
    covered = sorted((max(start, t[2]), min(end, t[3] if t[3] is not None else end))
                     for t in terms if t[2] is not None)
    best, at = Span(0.0), start
    for a, b in covered + [(end, end)]:
        if b < a:
            continue
        if a > at and a - at > best.seconds:
            best = Span(round(a - at, 3), at, a)
        at = max(at, b)
    return best


def quiet(times: Sequence[float], window: Tuple[float, float]) -> Span:
    """The longest stretch of the window with no row stored."""
    start, end = window
    inside = sorted(t for t in times if start <= t <= end)
    best, at = Span(0.0), start
    for t in inside + [end]:
        if t - at > best.seconds:
            best = Span(round(t - at, 3), at, t)
        at = max(at, t)
    return best


def _rounds(check: dict, cluster: Optional[str]) -> Tuple[RoundFigures, int, bool]:
    clusters = {k: v for k, v in (check.get("clusters") or {}).items() if cluster is None or k == cluster}
    expected = stored = missing = duplicated = partial = empty = regressions = 0
    short = wrong = lost = 0
    undeclared = 0
    truth = bool(clusters) and all(c.get("truth") for c in clusters.values())
    for c in clusters.values():
        if c.get("first") is not None and c.get("last") is not None:
            expected += c["last"] - c["first"] + 1
        stored += c.get("rounds") or 0
        missing += sum(b - a + 1 for a, b in c.get("gaps") or [])
        duplicated += len(c.get("duplicates") or [])
        partial += len(c.get("partial") or [])
        empty += len(c.get("empty_rounds") or [])
        regressions += len(c.get("regressions") or [])
        undeclared += len(c.get("undeclared_short") or [])
        verdicts = (c.get("truth") or {}).get("verdicts") or {}
        short += verdicts.get("short", 0)
        wrong += verdicts.get("wrong", 0)
        lost += verdicts.get("lost", 0)
    due = check.get("due_unstored") or None
    unverified = check.get("unverified") or None
    figures = RoundFigures(expected=expected, stored=stored, missing=missing, duplicated=duplicated,
                           partial=partial, empty=empty,
                           # without truth, only a row's own admission shows it short
                           short=short if truth else undeclared,
                           wrong=wrong if truth else None, lost=lost if truth else None,
                           due_unstored=due.get("count") if isinstance(due, dict) else None,
                           unverified=unverified.get("count") if isinstance(unverified, dict) else None,
                           saved=int(check.get("saved") or 0))
    return figures, regressions, truth


def build_verdict(plan: Plan, executed: Sequence[Executed], check: dict, terms: Sequence[Sequence],
                  rows: Sequence[dict], window: Tuple[float, float], settled: bool,
                  cluster: Optional[str] = None, unsettled: str = "") -> Verdict:
    """The verdict (see the module docstring). `cluster` limits it to one cluster id's rows;
    `unsettled` says why the cluster did not settle."""
    mine = [r for r in rows if cluster is None or str(r.get("cluster") or "") == cluster]
    figures, regressions, truth = _rounds(check, cluster)
    stale = stale_rows(mine)
    injected: Dict[str, int] = {k: 0 for k in plan.kinds}
    refused: Dict[str, int] = {}
    problems: List[str] = []
    notes: List[str] = []
    first_of: Dict[int, Executed] = {}
    for e in executed:
        if e.step.injects:
            if e.step.fault in first_of:
                continue  # a quorum loss is two zk-kills: one fault
            first_of[e.step.fault] = e
            if e.sent and e.ok:
                injected[e.step.kind] = injected.get(e.step.kind, 0) + 1
            else:
                refused[e.step.kind] = refused.get(e.step.kind, 0) + 1
                notes.append(f"fault {e.step.fault} ({e.step.kind}) not injected: {e.message or 'refused'}")
        elif e.sent and not e.ok:
            began = first_of.get(e.step.fault)
            if began is not None and began.sent and began.ok:
                problems.append(f"fault {e.step.fault} ({e.step.kind}): {e.step.action} refused: "
                                f"{e.message or 'no reason given'}")
    if not check.get("ok", False):
        problems += [str(v) for v in check.get("violations") or []] or ["clustersim check failed"]
    if stale:
        problems.append(f"{len(stale)} rows stored with an epoch older than one already accepted "
                        f"(rounds {', '.join(str(r.get('round')) for r in stale[:10])})")
    if figures.stored == 0:
        problems.append("no round was stored")
    if not settled:
        problems.append("the cluster did not settle after the last heal: "
                        + (unsettled or "no leader, a node not back, or rounds not flowing"))
    if not truth:
        notes.append("no truth logs: readings missing inside a row cannot be seen, "
                     "only rounds missing and rows that admit it")
    if figures.unverified:
        notes.append(f"{figures.unverified} rows could not be verified against the truth logs here")
    if figures.due_unstored is None:
        notes.append(str(check.get("lateness_unknown") or "which rounds were late could not be judged"))
    notes += [str(n) for n in check.get("notes") or []]
    times = [t for t in (row_time(r) for r in mine) if t is not None]
    return Verdict(
        seed=plan.seed, fingerprint=plan.fingerprint(), duration=plan.duration, window=window,
        faults=injected, refused=refused, rounds=figures, stale_epoch_accepted=len(stale),
        epoch_regressions=regressions, longest_without_leader=leaderless(terms, window),
        longest_without_round=quiet(times, window), settled=settled, truth=truth,
        problems=tuple(dict.fromkeys(problems)), notes=tuple(dict.fromkeys(notes)), steps=tuple(executed),
    )
