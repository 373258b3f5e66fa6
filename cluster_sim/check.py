"""Verify the history an API holds: every round once, no gaps, epochs never going back.

    rows = fetch_rows("http://127.0.0.1:8080")   # GET /listar
    report = verify(rows)                        # pure: no I/O
    report.ok, report.violations()               # True, []
    # judged with the truth logs: check_judge.judge; printed: check_command.run_check

Only rows with a `round` are checked, per `cluster`; rows without one (what a
leader of the original design sends) are counted, with their time span.
Violations:

    duplicate    a round stored more than once
    regression   a round whose epoch is lower than an earlier round's: a
                 deposed leader delivered after its successor
    gap          rounds missing between the first and the last, unless rows
                 of an original-design leader were stored in that time (then
                 the gap is listed as explained, not a violation)
    undeclared   a row with fewer readings (`count`) than members it expected
                 (`expected`) that does not say who was missing (`missing`)

A partial row (one that lists `missing` members: finalized at its deadline)
is reported, not a violation. With the nodes' truth logs, check_truth.py
recomputes every round and finds losses no row admits to; check_due.py finds
the rounds owed by now that are not stored (a stall).
"""

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Dict, List, Optional, Set, Tuple

import requests

class CheckError(Exception):
    """The history could not be fetched; the message is one line."""


def fetch_rows(api_url: str, timeout: float = 5) -> List[dict]:
    url = api_url.rstrip("/") + "/listar"
    try:
        answer = requests.get(url, timeout=timeout)
    except requests.RequestException as e:
        raise CheckError(f"cannot reach {url}: {type(e).__name__}") from None
    if answer.status_code != 200:
        raise CheckError(f"{url} answered HTTP {answer.status_code}")
    try:
        rows = answer.json()
    except ValueError:
        raise CheckError(f"{url} did not answer JSON") from None
    if not isinstance(rows, list):
        raise CheckError(f"{url} did not answer a JSON list of rows")
    return rows


@dataclass
class ClusterReport:
    cluster: str                      # "" for rows that carry no cluster id
    rows: int = 0                     # rows with a round
    rounds: int = 0                   # distinct rounds
    first: Optional[int] = None
    last: Optional[int] = None
    epochs: List[int] = field(default_factory=list)
    leaders: Dict[Optional[int], List[str]] = field(default_factory=dict)  # epoch -> leaders
    duplicates: List[int] = field(default_factory=list)                    # rounds
    regressions: List[Tuple[int, int, int]] = field(default_factory=list)  # (round, epoch, earlier epoch)
    gaps: List[Tuple[int, int]] = field(default_factory=list)              # (first, last) missing
    explained: List[Tuple[int, int, int]] = field(default_factory=list)    # (first, last, original rows)
    empty_rounds: List[int] = field(default_factory=list)                  # rounds with count == 0
    partial: List[Tuple[int, List[str]]] = field(default_factory=list)     # (round, missing ids)
    undeclared: List[Tuple[int, int, int]] = field(default_factory=list)   # (round, count, expected)

    @property
    def label(self) -> str:
        return f"cluster {self.cluster}" if self.cluster else "no cluster"

    @property
    def unexplained_gaps(self) -> List[Tuple[int, int]]:
        covered = {(a, b) for a, b, _ in self.explained}
        return [g for g in self.gaps if g not in covered]

    @property
    def ok(self) -> bool:
        return not (self.duplicates or self.regressions or self.unexplained_gaps or self.undeclared)

    def violations(self, base: Optional[int] = None) -> List[str]:
        """The violations in words; rounds counted from `base` (the cluster's first round) if given."""
        from cluster_sim.engine.round_count import shown

        lines = [f"{self.label}: round {shown(r, base)} stored more than once" for r in self.duplicates]
        lines += [
            f"{self.label}: round {shown(r, base)} has epoch {e}, lower than epoch {high} of an earlier round"
            for r, e, high in self.regressions
        ]
        lines += [f"{self.label}: {_span('round', a, b, base)} missing" for a, b in self.unexplained_gaps]
        lines += [
            f"{self.label}: round {shown(r, base)} stored {count} of {expected} readings without saying who is "
            "missing"
            for r, count, expected in self.undeclared
        ]
        return lines

    def notes(self, base: Optional[int] = None) -> List[str]:
        """What is reported but is no violation: explained gaps, partial rows."""
        from cluster_sim.engine.round_count import shown

        lines = [
            f"{self.label}: {_span('round', a, b, base)} missing, covered by {n} rows of an original-design leader"
            for a, b, n in self.explained
        ]
        lines += [
            f"{self.label}: round {shown(r, base)} partial: missing {', '.join(ids)} (declared)"
            for r, ids in self.partial
        ]
        return lines


@dataclass
class Report:
    clusters: Dict[str, ClusterReport] = field(default_factory=dict)
    total: int = 0                    # rows looked at
    unrounded: int = 0                # an original-design leader's rows: no round
    unrounded_span: Optional[Tuple[str, str]] = None   # their first and last `at`
    malformed: int = 0                # rows with a field that does not parse

    @property
    def ok(self) -> bool:
        return self.malformed == 0 and all(c.ok for c in self.clusters.values())

    def violations(self, base: Optional[int] = None) -> List[str]:
        lines = [v for c in self.clusters.values() for v in c.violations(base)]
        if self.malformed:
            lines.append(f"{self.malformed} rows with a round, epoch, count, expected or missing "
                         "that does not parse")
        return lines

    def notes(self, base: Optional[int] = None) -> List[str]:
        lines = []
        if self.unrounded:
            first, last = self.unrounded_span or ("?", "?")
            lines.append(f"{self.unrounded} rows without a round (an original-design leader's), "
                         f"stored {first} .. {last}")
        return lines + [n for c in self.clusters.values() for n in c.notes(base)]


def declared(row: dict) -> Tuple[Optional[int], List[str]]:
    """A row's (expected, missing ids). The API keeps extra fields as the text
    it was given, so both may come back as strings. ValueError if unparsable."""
    expected, missing = row.get("expected"), row.get("missing")
    if expected is not None:
        if isinstance(expected, bool) or not isinstance(expected, (int, str)):
            raise ValueError("expected")
        expected = int(expected)
        if expected < 0:
            raise ValueError("expected")
    if missing is None:
        return expected, []
    if isinstance(missing, str):
        return expected, [m.strip() for m in missing.split(",") if m.strip()]
    if isinstance(missing, list) and all(isinstance(m, (str, int)) for m in missing):
        return expected, [str(m) for m in missing]
    raise ValueError("missing")


def well_formed(row: object) -> bool:
    """A row the check can read: integer round, epoch and count (or none), parsable extras."""
    if not isinstance(row, dict) or not _integer_or_none(row, "round", "epoch", "count"):
        return False
    try:
        declared(row)
    except ValueError:
        return False
    return True


def verify(rows: List[dict]) -> Report:
    report = Report(total=len(rows))
    by_cluster: Dict[str, List[dict]] = {}
    unrounded: List[dict] = []
    for row in rows:
        if not well_formed(row):
            report.malformed += 1
        elif row.get("round") is None:
            unrounded.append(row)
        else:
            by_cluster.setdefault(str(row.get("cluster") or ""), []).append(row)
    report.unrounded = len(unrounded)
    times = sorted(str(r.get("at")) for r in unrounded if r.get("at") is not None)
    if times:
        report.unrounded_span = (times[0], times[-1])
    for name in sorted(by_cluster):
        report.clusters[name] = _verify_cluster(name, by_cluster[name], unrounded)
    return report


def _integer_or_none(row: dict, *names: str) -> bool:
    values = [row.get(n) for n in names]
    return all(v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in values)


def _verify_cluster(name: str, rows: List[dict], unrounded: List[dict]) -> ClusterReport:
    # delivery order does not matter: the promise is about round order
    rows = sorted(rows, key=lambda r: (r["round"], r.get("id") or 0))
    rounds = sorted({r["round"] for r in rows})
    out = ClusterReport(
        cluster=name, rows=len(rows), rounds=len(rounds), first=rounds[0], last=rounds[-1],
        epochs=sorted({r["epoch"] for r in rows if r.get("epoch") is not None}),
        gaps=[(a + 1, b - 1) for a, b in zip(rounds, rounds[1:]) if b > a + 1],
        empty_rounds=sorted({r["round"] for r in rows if r.get("count") == 0}),
    )
    seen: Set[int] = set()
    for r in rows:
        if r["round"] in seen and r["round"] not in out.duplicates:
            out.duplicates.append(r["round"])
        seen.add(r["round"])
        if r.get("leader") is not None:
            leaders = out.leaders.setdefault(r.get("epoch"), [])
            if str(r["leader"]) not in leaders:
                leaders.append(str(r["leader"]))
        expected, missing = declared(r)
        if missing:
            out.partial.append((r["round"], missing))
        elif expected is not None and r.get("count") is not None and r["count"] < expected:
            out.undeclared.append((r["round"], r["count"], expected))
    out.regressions = _regressions(rows)
    out.explained = _explained(name, rows, out.gaps, unrounded)
    return out


def _explained(cluster: str, rows: List[dict], gaps: List[Tuple[int, int]],
               unrounded: List[dict]) -> List[Tuple[int, int, int]]:
    """Gaps during which an original-design leader stored rows (it sends no
    round): stored after the round before the gap, before the round after it."""
    times = sorted(t for t in (_time(r) for r in unrounded if str(r.get("cluster") or cluster) == cluster)
                   if t is not None)
    if not times:
        return []
    stored: Dict[int, Optional[datetime]] = {}
    for r in rows:  # sorted by (round, id): the first delivery of each round
        stored.setdefault(r["round"], _time(r))
    found: List[Tuple[int, int, int]] = []
    for a, b in gaps:
        before, after = stored.get(a - 1), stored.get(b + 1)
        if before is None or after is None:
            continue
        n = sum(1 for t in times if before < t < after)
        if n:
            found.append((a, b, n))
    return found


def _time(row: dict) -> Optional[datetime]:
    try:
        moment = datetime.fromisoformat(str(row.get("at")))
    except ValueError:
        return None
    # clustersim's API writes UTC with an offset; take a bare time as UTC too
    # (naive and aware times do not compare)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def _regressions(rows: List[dict]) -> List[Tuple[int, int, int]]:
    """Rows whose epoch is below the highest epoch of any strictly earlier round."""
    found: List[Tuple[int, int, int]] = []
    highest: Optional[int] = None
    current: Optional[int] = None
    highest_here: Optional[int] = None
    for r in rows:  # sorted by round
        if r["round"] != current:  # a new round: fold the previous one in
            highest = _max(highest, highest_here)
            current, highest_here = r["round"], None
        epoch = r.get("epoch")
        if epoch is None:
            continue
        if highest is not None and epoch < highest:
            found.append((r["round"], epoch, highest))
        highest_here = _max(highest_here, epoch)
    return found


def _max(a: Optional[int], b: Optional[int]) -> Optional[int]:
    return b if a is None else a if b is None else max(a, b)


def _span(word: str, first: int, last: int, base: Optional[int] = None) -> str:
    from cluster_sim.engine.round_count import shown

    a, b = shown(first, base), shown(last, base)
    return f"{word} {a}" if first == last else f"{word}s {a}-{b}"
