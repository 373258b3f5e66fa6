"""Check the API's rows against the nodes' own logs of every sample they took.

    truth = read_truth(truth_dir("default"))     # cluster_sim.protocol.truth
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
    saved       no row, but the round is in a file the shutdown saved
                (saved_rounds.py): accounted for, not stored yet
    short       fewer readings than the truth, undeclared: a loss (failure)
    wrong       as many readings, another mean (failure)
    lost        no row although nodes had published samples (failure)

Samples never published (the node stopped first) were never available to a
leader: they are listed per node, not as losses. Rounds before the first
stored row are not judged. Rounds after the newest are judged only up to
`owed` (the caller's: the last round due now on a running cluster, the
round of a stopped cluster's newest sample; check_due.py): there, a
round that every node that sampled it had published, and that nobody stored
or saved, is lost. Without `owed`, rounds after the newest row are not judged.

An "uncovered" row could not be recomputed: it is counted as unverified,
with the nodes whose logs are not here when the rows or the caller name them,
and never as matching.
"""

import math
from dataclasses import dataclass, field
from itertools import combinations
from typing import AbstractSet, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from cluster_sim.check import Report, declared, verify, well_formed
from cluster_sim.protocol.truth import ClusterTruth, Truth, TruthSample

# means are stored rounded to 6 decimals; the extra 1e-9 absorbs float noise
# in a sum taken in another order
TOLERANCE = 1e-6
FAILURES = ("short", "wrong", "lost")
VERDICTS = ("ok", "partial", "uncovered", "explained", "saved", *FAILURES)
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
    later: int = 0                   # ... after the last judged round: not owed yet
    owed: Optional[int] = None       # rounds were judged up to here (None: up to the last stored)
    foreign: List[str] = field(default_factory=list)  # nodes of these rows whose logs are not here

    @property
    def unverified(self) -> int:
        """Rows that could not be recomputed from the logs here."""
        return self.count("uncovered")

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
                 if not r.failed and r.verdict not in ("ok", "uncovered")]
        uncovered = [r.round for r in self.rounds if r.verdict == "uncovered"]
        if uncovered:  # one line, not one per row: the rows are in --json
            shown = ", ".join(str(r) for r in uncovered[:6]) + (f" (+{len(uncovered) - 6})" if len(uncovered) > 6
                                                                else "")
            lines.append(f"{self.label}: {len(uncovered)} rows unverified (rounds {shown}): more readings "
                         "than the logs here know, not covered by the truth (nodes without a log here)")
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
    rows_without_truth: int = 0                              # their rows: none verified
    bad_lines: int = 0
    partial_lines: int = 0
    unreadable: List[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.clusters.values())

    def failures(self) -> List[str]:
        return [f for c in self.clusters.values() for f in c.failures()]

    @property
    def unverified(self) -> int:
        return self.rows_without_truth + sum(c.unverified for c in self.clusters.values())

    @property
    def unverified_nodes(self) -> List[str]:
        return sorted({n for c in self.clusters.values() if c.unverified for n in c.foreign}, key=_node_order)

    def unverified_line(self, total_rows: int) -> str:
        """'98 of 110 rows could not be verified: node 18's truth log is not here; ...', or ''."""
        if not self.unverified:
            return ""
        nodes = self.unverified_nodes
        if nodes:
            who = (f"node {nodes[0]}'s truth log is" if len(nodes) == 1
                   else f"the truth logs of nodes {', '.join(nodes)} are")
        else:
            who = "the truth logs of some members are"
        return (f"{self.unverified} of {total_rows} rows could not be verified: {who} not here; "
                f"collect {'it' if len(nodes) == 1 else 'them'} and pass --truth DIR (several allowed)")

    def notes(self) -> List[str]:
        lines = [n for c in self.clusters.values() for n in c.notes()]
        if self.bad_lines or self.partial_lines:
            lines.append(f"truth logs: {self.bad_lines} bad lines and {self.partial_lines} cut-off "
                         "last lines skipped")
        if self.unreadable:
            lines.append(f"truth logs not readable: {', '.join(self.unreadable)}")
        lines += [f"cluster {c}: no truth log covers it (its rows are not verified)" for c in self.without_truth]
        lines += [f"cluster {c}: truth logs, but no rows in the API" for c in self.without_rows]
        return lines


def describe(r: RoundTruth) -> str:
    """One line about a round's verdict, for people."""
    stored = f"{r.stored_count} readings, mean {_num(r.stored_mean)}"
    truth = f"truth {r.true_count}, mean {_num(r.true_mean)}"
    if r.verdict == "lost":
        return f"no row, though node(s) {_ids(r.nodes)} published a sample"
    if r.verdict == "saved":
        return f"not stored yet: in a file of rounds saved at shutdown (truth {r.true_count} readings)"
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
        return (f"unverified: {r.stored_count} readings stored, the truth knows {r.true_count}: "
                "not covered by the truth (nodes without a log here)")
    if r.unmarked:
        return f"ok, counting node(s) {_ids(r.unmarked)} whose log missed the publish mark"
    return "ok"


def _ids(ids: List[str]) -> str:
    return ", ".join(ids) or "-"


def _num(x: Optional[float]) -> str:
    return "-" if x is None else str(x)  # all 6 decimals: a wrong mean may differ in the last


def _node_order(node: str) -> Tuple[int, int, str]:
    return (0, int(node), "") if node.isdigit() else (1, 0, node)


def verify_truth(rows: List[dict], truth: Truth, plain: Optional[Report] = None,
                 owed: Optional[Mapping[str, int]] = None, saved: Optional[Mapping[str, AbstractSet[int]]] = None,
                 known_nodes: Sequence[str] = ()) -> TruthReport:
    """Judge every stored round of every cluster the truth covers, and the rounds after the
    newest row up to `owed[cluster]`; `saved`: cluster -> rounds in saved files; `known_nodes`:
    members the caller knows of (a running cluster's, remote ones too), to name whose logs
    are missing. Pure."""
    plain = plain if plain is not None else verify(rows)
    by_cluster: Dict[str, List[dict]] = {}
    for row in rows:
        if well_formed(row) and row.get("round") is not None:
            by_cluster.setdefault(str(row.get("cluster") or ""), []).append(row)
    out = TruthReport(directory=truth.directory, bad_lines=truth.bad_lines,
                      partial_lines=truth.partial_lines, unreadable=list(truth.unreadable))
    out.without_rows = sorted(c for c in truth.clusters if c not in by_cluster)
    out.without_truth = sorted(c for c in by_cluster if c not in truth.clusters)
    out.rows_without_truth = sum(len(by_cluster[c]) for c in out.without_truth)
    for name in sorted(by_cluster):
        if name in truth.clusters:
            explained = plain.clusters[name].explained if name in plain.clusters else []
            out.clusters[name] = _verify_cluster(truth.clusters[name], by_cluster[name], explained,
                                                 (owed or {}).get(name), (saved or {}).get(name, set()))
            out.clusters[name].foreign = _foreign(by_cluster[name], truth.clusters[name], known_nodes)
    return out


def _foreign(rows: List[dict], truth: ClusterTruth, known_nodes: Sequence[str]) -> List[str]:
    """Members these rows or the caller name (leaders, declared missing, a running cluster's
    nodes) whose truth log is not among the logs read."""
    named = {str(n) for n in known_nodes}
    for row in rows:
        if row.get("leader") is not None:
            named.add(str(row["leader"]))
        named.update(declared(row)[1])
    return sorted((n for n in named if n not in truth.nodes), key=_node_order)


def _verify_cluster(truth: ClusterTruth, rows: List[dict], explained: List[Tuple[int, int, int]],
                    owed: Optional[int] = None, saved: AbstractSet[int] = frozenset()) -> ClusterTruthReport:
    rows = sorted(rows, key=lambda r: (r["round"], r.get("id") or 0))
    first, last = rows[0]["round"], rows[-1]["round"]
    out = ClusterTruthReport(cluster=truth.cluster, first=first, last=last, owed=owed)
    published: Dict[int, Dict[str, TruthSample]] = {}   # round -> node -> the sample a leader counts
    unpublished: Dict[int, Dict[str, TruthSample]] = {}
    for node_id, node in sorted(truth.nodes.items()):
        for s in node.samples:  # ts order: the last one of a round wins, as in the leader
            (published if s.published else unpublished).setdefault(s.round, {})[node_id] = s
        out.nodes[node_id] = NodeCoverage(
            node=node_id, pids=list(node.pids), samples=len(node.samples), published_seq=node.published_seq,
            unpublished=[(s.seq, s.round) for s in node.unpublished if s.round <= max(last, owed or last)],
        )
    # after the newest row, a round is owed when every node that sampled it had published it
    # (a leader had all it needed); one a node took but never published may rightly be missing
    after = {r for r in published if last < r <= (owed if owed is not None else last)
             and not (set(unpublished.get(r, {})) - set(published[r]))}
    out.earlier = sum(1 for r in published if r < first)
    out.later = sum(1 for r in published if r > last and r not in after)
    stored: Dict[int, List[dict]] = {}
    for row in rows:
        stored.setdefault(row["round"], []).append(row)
    covered = {n for a, b, _ in explained for n in range(a, b + 1)}
    for round_no in sorted(set(stored) | {r for r in published if first <= r <= last} | after):
        truth_here = {n: s.value for n, s in published.get(round_no, {}).items()}
        others = {n: s.value for n, s in unpublished.get(round_no, {}).items() if n not in truth_here}
        if round_no not in stored:
            verdict = "explained" if round_no in covered else "saved" if round_no in saved else "lost"
            out.rounds.append(RoundTruth(
                round=round_no, verdict=verdict,
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


def _mean(values: Iterable[float]) -> Optional[float]:
    numbers = list(values)
    return round(sum(numbers) / len(numbers), 6) if numbers else None


def _same(a: Optional[float], b: Optional[float]) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isfinite(a) and abs(a - b) <= TOLERANCE + 1e-9


def _fits(values: List[float], mean: Optional[float], low: Optional[float], high: Optional[float]) -> bool:
    if not values:
        return mean is None
    return (_same(mean, _mean(values)) and (low is None or _same(low, min(values)))
            and (high is None or _same(high, max(values))))


def _left_out(considered: Dict[str, float], count: int, mean: Optional[float], low: Optional[float],
              high: Optional[float]) -> Optional[List[str]]:
    """The nodes a short row left out, if exactly one choice gives its mean."""
    names = sorted(considered)
    drop = len(names) - count
    if math.comb(len(names), drop) > MAX_SUBSETS:
        return None
    total = sum(considered.values())
    found: List[List[str]] = []
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
                mean: Optional[float], low: Optional[float], high: Optional[float]) -> Optional[List[str]]:
    """The unmarked samples that, added, give the row's mean (one choice only)."""
    if extra > len(others) or math.comb(len(others), extra) > MAX_SUBSETS:
        return None
    names, total, count = sorted(others), sum(considered.values()), len(considered) + extra
    found: List[List[str]] = []
    for chosen in combinations(names, extra):
        if mean is not None and not _same(mean, round((total + sum(others[n] for n in chosen)) / count, 6)):
            continue
        if _fits([*considered.values(), *(others[n] for n in chosen)], mean, low, high):
            found.append(list(chosen))
            if len(found) > 1:
                return None
    return found[0] if found else None
