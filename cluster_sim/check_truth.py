"""Check the API's rows against the nodes' own logs of every sample they took.

    truth = read_truth(truth_dir("default"))     # cluster_sim.truth
    report = verify_truth(fetch_rows(url), truth)  # pure: no I/O
    report.ok, report.failures()                 # False, ["cluster ab12: round 17: 4 of 5 ..."]

A leader counts, per node, that node's last sample (by time) in the round, as
ZooKeeper held it; so the truth of round r is, per node whose log covers it,
its last *published* sample in r, and the true mean is round(sum/len, 6) of
those. Each round between a cluster's first and last stored round gets one
verdict per row (or one for having no row):

    ok          stored count and mean are the truth's
    partial     the row declares `missing` members, and matches the truth of
                the others (reported, no failure)
    uncovered   more readings stored than the truth knows: nodes whose logs
                are not here (remote, or of the original design); unverifiable
    explained   no row, but an original-design leader stored rows meanwhile
    short       fewer readings than the truth, undeclared: a loss (failure)
    wrong       as many readings, another mean (failure)
    lost        no row although nodes had published samples (failure)

Samples never published (the node stopped first) were never available to a
leader: they are listed per node, not as losses. Rounds after the newest
stored row are not judged (not finalized yet), nor rounds before the first.
"""

import math
from dataclasses import dataclass, field
from itertools import combinations
from typing import Dict, List, Optional, Tuple

from cluster_sim.check import Report, declared, verify, well_formed
from cluster_sim.truth import ClusterTruth, Truth, TruthSample

# means are stored rounded to 6 decimals; the extra 1e-9 absorbs float noise
# in a sum taken in another order
TOLERANCE = 1e-6
FAILURES = ("short", "wrong", "lost")
MAX_SUBSETS = 5000  # beyond this many candidate subsets, do not try to name nodes


@dataclass
class RoundTruth:
    round: int
    verdict: str
    stored_count: Optional[int]            # None: no row
    true_count: int
    stored_mean: Optional[float]
    true_mean: Optional[float]
    row_id: Optional[int] = None
    nodes: List[str] = field(default_factory=list)     # truth nodes with a published sample
    missing: List[str] = field(default_factory=list)   # declared missing by the row
    absent: List[str] = field(default_factory=list)    # truth nodes left out, when the values tell
    unmarked: List[str] = field(default_factory=list)  # counted samples whose publish mark the log lacks

    @property
    def failed(self) -> bool:
        return self.verdict in FAILURES


@dataclass
class NodeCoverage:
    node: str
    pids: List[int]
    samples: int
    published_seq: int
    unpublished: List[Tuple[int, int]] = field(default_factory=list)  # (seq, round), judged rounds only


@dataclass
class ClusterTruthReport:
    cluster: str
    nodes: Dict[str, NodeCoverage] = field(default_factory=dict)   # what the truth covers
    first: Optional[int] = None      # judged rounds: first..last stored round
    last: Optional[int] = None
    rounds: List[RoundTruth] = field(default_factory=list)
    earlier: int = 0                 # rounds with samples before the first stored round
    later: int = 0                   # ... after the last stored round: not finalized yet

    @property
    def label(self) -> str:
        return f"cluster {self.cluster}" if self.cluster else "no cluster"

    def count(self, verdict: str) -> int:
        return sum(1 for r in self.rounds if r.verdict == verdict)

    @property
    def ok(self) -> bool:
        return not any(r.failed for r in self.rounds)

    def failures(self) -> List[str]:
        return [f"{self.label}: round {r.round}: {describe(r)}" for r in self.rounds if r.failed]

    def notes(self) -> List[str]:
        lines = [f"{self.label}: round {r.round}: {describe(r)}" for r in self.rounds
                 if not r.failed and r.verdict != "ok"]
        for n in self.nodes.values():
            if n.unpublished:
                rounds = ", ".join(str(r) for _, r in n.unpublished[:6])
                more = f" (+{len(n.unpublished) - 6})" if len(n.unpublished) > 6 else ""
                lines.append(f"{self.label}: node {n.node}: {len(n.unpublished)} samples unpublished "
                             f"(the node stopped before it could publish), rounds {rounds}{more}")
        return lines


@dataclass
class TruthReport:
    directory: str
    clusters: Dict[str, ClusterTruthReport] = field(default_factory=dict)
    without_rows: List[str] = field(default_factory=list)    # truth clusters the API has no rows of
    without_truth: List[str] = field(default_factory=list)   # row clusters no log covers
    bad_lines: int = 0
    partial_lines: int = 0
    unreadable: List[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.clusters.values())

    def failures(self) -> List[str]:
        return [f for c in self.clusters.values() for f in c.failures()]

    def notes(self) -> List[str]:
        lines = [n for c in self.clusters.values() for n in c.notes()]
        if self.bad_lines or self.partial_lines:
            lines.append(f"truth logs: {self.bad_lines} bad lines and {self.partial_lines} cut-off "
                         "last lines skipped")
        if self.unreadable:
            lines.append(f"truth logs not readable: {', '.join(self.unreadable)}")
        lines += [f"cluster {c}: no truth log covers it" for c in self.without_truth]
        lines += [f"cluster {c}: truth logs, but no rows in the API" for c in self.without_rows]
        return lines


def describe(r: RoundTruth) -> str:
    """One line about a round's verdict, for people."""
    stored = f"{r.stored_count} readings, mean {_num(r.stored_mean)}"
    truth = f"truth {r.true_count}, mean {_num(r.true_mean)}"
    if r.verdict == "lost":
        return f"no row, though node(s) {_ids(r.nodes)} published a sample"
    if r.verdict == "explained":
        return f"no row; an original-design leader stored rows meanwhile (truth {r.true_count} readings)"
    if r.verdict == "short":
        who = (f"missing node(s) {_ids(r.absent)}" if r.absent
               else f"which are missing the values do not tell; node(s) {_ids(r.nodes)} had samples")
        declared_too = f" besides the declared missing {_ids(r.missing)}" if r.missing else ""
        return f"short: {stored}, {truth}: {who}{declared_too}"
    if r.verdict == "wrong":
        return f"wrong mean: {stored}, {truth}"
    if r.verdict == "partial":
        return f"partial: missing {_ids(r.missing)} (declared); the other {r.stored_count} match the truth"
    if r.verdict == "uncovered":
        return (f"{r.stored_count} readings stored, the truth knows {r.true_count}: "
                "not covered by the truth (nodes without a log here)")
    if r.unmarked:
        return f"ok, counting node(s) {_ids(r.unmarked)} whose log missed the publish mark"
    return "ok"


def _ids(ids: List[str]) -> str:
    return ", ".join(ids) or "-"


def _num(x: Optional[float]) -> str:
    return "-" if x is None else str(x)  # all 6 decimals: a wrong mean may differ in the last


def verify_truth(rows: List[dict], truth: Truth, plain: Optional[Report] = None) -> TruthReport:
    """Judge every stored round of every cluster the truth covers. Pure."""
    plain = plain if plain is not None else verify(rows)
    by_cluster: Dict[str, List[dict]] = {}
    for row in rows:
        if well_formed(row) and row.get("round") is not None:
            by_cluster.setdefault(str(row.get("cluster") or ""), []).append(row)
    out = TruthReport(directory=truth.directory, bad_lines=truth.bad_lines,
                      partial_lines=truth.partial_lines, unreadable=list(truth.unreadable))
    out.without_rows = sorted(c for c in truth.clusters if c not in by_cluster)
    out.without_truth = sorted(c for c in by_cluster if c not in truth.clusters)
    for name in sorted(by_cluster):
        if name in truth.clusters:
            explained = plain.clusters[name].explained if name in plain.clusters else []
            out.clusters[name] = _verify_cluster(truth.clusters[name], by_cluster[name], explained)
    return out


def _verify_cluster(truth: ClusterTruth, rows: List[dict], explained) -> ClusterTruthReport:
    rows = sorted(rows, key=lambda r: (r["round"], r.get("id") or 0))
    first, last = rows[0]["round"], rows[-1]["round"]
    out = ClusterTruthReport(cluster=truth.cluster, first=first, last=last)
    published: Dict[int, Dict[str, TruthSample]] = {}   # round -> node -> the sample a leader counts
    unpublished: Dict[int, Dict[str, TruthSample]] = {}
    for node_id, node in sorted(truth.nodes.items()):
        for s in node.samples:  # ts order: the last one of a round wins, as in the leader
            (published if s.published else unpublished).setdefault(s.round, {})[node_id] = s
        out.nodes[node_id] = NodeCoverage(
            node=node_id, pids=list(node.pids), samples=len(node.samples), published_seq=node.published_seq,
            unpublished=[(s.seq, s.round) for s in node.unpublished if s.round <= last],
        )
    out.earlier = sum(1 for r in published if r < first)
    out.later = sum(1 for r in published if r > last)
    stored: Dict[int, List[dict]] = {}
    for row in rows:
        stored.setdefault(row["round"], []).append(row)
    covered = {n for a, b, _ in explained for n in range(a, b + 1)}
    for round_no in sorted(set(stored) | {r for r in published if first <= r <= last}):
        truth_here = {n: s.value for n, s in published.get(round_no, {}).items()}
        others = {n: s.value for n, s in unpublished.get(round_no, {}).items() if n not in truth_here}
        if round_no not in stored:
            out.rounds.append(RoundTruth(
                round=round_no, verdict="explained" if round_no in covered else "lost",
                stored_count=None, true_count=len(truth_here), stored_mean=None,
                true_mean=_mean(truth_here.values()), nodes=sorted(truth_here),
            ))
            continue
        for row in stored[round_no]:
            out.rounds.append(judge(row, truth_here, others))
    return out


def judge(row: dict, truth_here: Dict[str, float], others: Dict[str, float]) -> RoundTruth:
    """One row against the truth of its round: node -> value counted, and
    node -> value of samples the log has taken but not marked published."""
    _, missing = declared(row)
    considered = {n: v for n, v in truth_here.items() if n not in missing}
    count, mean = row.get("count"), row.get("dato")
    true_mean = _mean(considered.values())
    out = RoundTruth(round=row["round"], verdict="ok", stored_count=count, true_count=len(considered),
                     stored_mean=mean, true_mean=true_mean, row_id=row.get("id"),
                     nodes=sorted(truth_here), missing=missing)
    low, high = row.get("min"), row.get("max")
    if count is None:
        out.verdict = "uncovered"  # a row that does not say how many readings it has
    elif count == len(considered):
        out.verdict = ("partial" if missing else "ok") if _same(mean, true_mean) else "wrong"
    elif count < len(considered):
        out.verdict = "short"
        left_out = _left_out(considered, count, mean, low, high)
        out.absent = left_out if left_out is not None else []
    else:
        # a node killed between its publish and the mark in its log: the
        # leader counted a sample the log calls unpublished; the values tell
        extra = _explaining(considered, {n: v for n, v in others.items() if n not in missing},
                            count - len(considered), mean, low, high)
        if extra is None:
            out.verdict = "uncovered"
        else:
            out.verdict = "partial" if missing else "ok"
            out.unmarked = extra
            out.true_count = count
            out.true_mean = _mean([*considered.values(), *(others[n] for n in extra)])
    return out


def _mean(values) -> Optional[float]:
    values = list(values)
    return round(sum(values) / len(values), 6) if values else None


def _same(a: Optional[float], b: Optional[float]) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isfinite(a) and abs(a - b) <= TOLERANCE + 1e-9


def _fits(values: List[float], mean, low, high) -> bool:
    if not values:
        return mean is None
    return (_same(mean, _mean(values)) and (low is None or _same(low, min(values)))
            and (high is None or _same(high, max(values))))


def _left_out(considered: Dict[str, float], count: int, mean, low, high) -> Optional[List[str]]:
    """The nodes a short row left out, if exactly one choice gives its mean."""
    names = sorted(considered)
    drop = len(names) - count
    if math.comb(len(names), drop) > MAX_SUBSETS:
        return None
    total = sum(considered.values())
    found = []
    for gone in combinations(names, drop):
        # the sum first (cheap), the whole fit only for a candidate
        if count and mean is not None and not _same(mean, round((total - sum(considered[n] for n in gone))
                                                                 / count, 6)):
            continue
        if _fits([considered[n] for n in names if n not in gone], mean, low, high):
            found.append(list(gone))
            if len(found) > 1:
                return None
    return found[0] if found else None


def _explaining(considered: Dict[str, float], others: Dict[str, float], extra: int,
                mean, low, high) -> Optional[List[str]]:
    """The unmarked samples that, added, give the row's mean (one choice only)."""
    if extra > len(others) or math.comb(len(others), extra) > MAX_SUBSETS:
        return None
    names, total, count = sorted(others), sum(considered.values()), len(considered) + extra
    found = []
    for chosen in combinations(names, extra):
        if mean is not None and not _same(mean, round((total + sum(others[n] for n in chosen)) / count, 6)):
            continue
        if _fits([*considered.values(), *(others[n] for n in chosen)], mean, low, high):
            found.append(list(chosen))
            if len(found) > 1:
                return None
    return found[0] if found else None
