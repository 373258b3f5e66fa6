"""Verify the history an API holds: every round once, no gaps, epochs never going back.

    rows = fetch_rows("http://127.0.0.1:8080")   # GET /listar
    report = verify(rows)                        # pure: no I/O
    report.ok, report.violations()               # True, []
    run_check("http://127.0.0.1:8080")           # all of it, printed; 0 ok, 1 not, 2 unreachable

Only rows with a `round` are checked, per `cluster`; rows without one (what an
original leader sends) are just counted as `unrounded`. Violations:

    duplicate    a round stored more than once
    regression   a round whose epoch is lower than an earlier round's: a
                 deposed leader delivered after its successor
    gap          rounds missing between the first and the last
"""

import sys
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

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
    empty_rounds: List[int] = field(default_factory=list)                  # rounds with count == 0

    @property
    def label(self) -> str:
        return f"cluster {self.cluster}" if self.cluster else "no cluster"

    @property
    def ok(self) -> bool:
        return not (self.duplicates or self.regressions or self.gaps)

    def violations(self) -> List[str]:
        lines = [f"{self.label}: round {r} stored more than once" for r in self.duplicates]
        lines += [
            f"{self.label}: round {r} has epoch {e}, lower than epoch {high} of an earlier round"
            for r, e, high in self.regressions
        ]
        lines += [f"{self.label}: {_span('round', a, b)} missing" for a, b in self.gaps]
        return lines


@dataclass
class Report:
    clusters: Dict[str, ClusterReport] = field(default_factory=dict)
    total: int = 0                    # rows looked at
    unrounded: int = 0                # original-style rows: no round, not checked
    malformed: int = 0                # rows whose round or epoch is not an integer

    @property
    def ok(self) -> bool:
        return self.malformed == 0 and all(c.ok for c in self.clusters.values())

    def violations(self) -> List[str]:
        lines = [v for c in self.clusters.values() for v in c.violations()]
        if self.malformed:
            lines.append(f"{self.malformed} rows with a round or epoch that is not an integer")
        return lines


def verify(rows: List[dict]) -> Report:
    report = Report(total=len(rows))
    by_cluster: Dict[str, List[dict]] = {}
    for row in rows:
        if not isinstance(row, dict) or not _integer_or_none(row, "round", "epoch"):
            report.malformed += 1
        elif row.get("round") is None:
            report.unrounded += 1
        else:
            by_cluster.setdefault(str(row.get("cluster") or ""), []).append(row)
    for name in sorted(by_cluster):
        report.clusters[name] = _verify_cluster(name, by_cluster[name])
    return report


def _integer_or_none(row: dict, *names) -> bool:
    values = [row.get(n) for n in names]
    return all(v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in values)


def _verify_cluster(name: str, rows: List[dict]) -> ClusterReport:
    # delivery order does not matter: the promise is about round order
    rows = sorted(rows, key=lambda r: (r["round"], r.get("id") or 0))
    rounds = sorted({r["round"] for r in rows})
    out = ClusterReport(
        cluster=name, rows=len(rows), rounds=len(rounds), first=rounds[0], last=rounds[-1],
        epochs=sorted({r["epoch"] for r in rows if r.get("epoch") is not None}),
        gaps=[(a + 1, b - 1) for a, b in zip(rounds, rounds[1:]) if b > a + 1],
        empty_rounds=sorted({r["round"] for r in rows if r.get("count") == 0}),
    )
    seen = set()
    for r in rows:
        if r["round"] in seen and r["round"] not in out.duplicates:
            out.duplicates.append(r["round"])
        seen.add(r["round"])
        if r.get("leader") is not None:
            leaders = out.leaders.setdefault(r.get("epoch"), [])
            if str(r["leader"]) not in leaders:
                leaders.append(str(r["leader"]))
    out.regressions = _regressions(rows)
    return out


def _regressions(rows: List[dict]) -> List[Tuple[int, int, int]]:
    """Rows whose epoch is below the highest epoch of any strictly earlier round."""
    found, highest, current, highest_here = [], None, None, None
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


def _max(a, b):
    return b if a is None else a if b is None else max(a, b)


def _span(word: str, first: int, last: int) -> str:
    return f"{word} {first}" if first == last else f"{word}s {first}-{last}"


def _ranges(numbers, limit: int = 6) -> str:
    """[1, 2, 3, 5] -> '1-3, 5', cut after `limit` ranges."""
    spans: List[List[int]] = []
    for n in sorted(set(numbers)):
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    text = ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans[:limit])
    return text + (f", ... (+{len(spans) - limit})" if len(spans) > limit else "")


def _gaps(gaps: List[Tuple[int, int]], limit: int = 6) -> str:
    text = ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in gaps[:limit])
    return text + (f", ... (+{len(gaps) - limit})" if len(gaps) > limit else "")


def _leaders(leaders: Dict[Optional[int], List[str]], limit: int = 6) -> str:
    """One line per epoch, the latest `limit` epochs: 'e3: 2' (two names = two leaders)."""
    parts = [
        f"e{'?' if epoch is None else epoch}: {', '.join(names)}"
        for epoch, names in sorted(leaders.items(), key=lambda kv: (kv[0] is not None, kv[0] or 0))
    ]
    cut = [f"... (+{len(parts) - limit} epochs)"] if len(parts) > limit else []
    return "\n".join(cut + parts[-limit:]) or "-"


def render(report: Report):
    """A rich renderable of the report (a Panel); pure: prints nothing."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    table = Table(expand=False)
    for title in ("cluster", "rows", "rounds", "epochs", "leaders", "gaps", "dup", "regr", "empty"):
        table.add_column(title, justify="right" if title in ("rows", "dup", "regr", "empty") else "left")
    for c in report.clusters.values():
        # Text(), not str: ids and leader names come from the network, never markup
        table.add_row(
            Text(c.cluster or "(none)"), Text(str(c.rows)),
            Text(f"{c.rounds} ({c.first}-{c.last})"), Text(_ranges(c.epochs) or "-"),
            Text(_leaders(c.leaders)),
            Text(_gaps(c.gaps) or "-", style="red" if c.gaps else ""),
            Text(str(len(c.duplicates)), style="red" if c.duplicates else ""),
            Text(str(len(c.regressions)), style="red" if c.regressions else ""),
            Text(str(len(c.empty_rounds))),
        )
    parts = [table] if report.clusters else [Text("no rounds delivered yet")]
    parts.append(Text(f"{report.total} rows, {report.unrounded} without a round (not checked)", style="dim"))
    violations = report.violations()
    if report.ok:
        parts.append(Text("OK: every round once, no gaps, epochs never go back", style="bold green"))
    else:
        parts.append(Text(f"FAILED: {len(violations)} violations", style="bold red"))
        parts += [Text("  " + v) for v in violations[:20]]
        if len(violations) > 20:
            parts.append(Text(f"  ... and {len(violations) - 20} more"))
    return Panel(Group(*parts), title="clustersim check", expand=False,
                 border_style="green" if report.ok else "red")


def run_check(api_url: str) -> int:
    """Fetch, verify, print; 0 when the history is sound, 1 when not, 2 when unreachable."""
    try:
        rows = fetch_rows(api_url)
    except CheckError as e:
        print(f"clustersim check: {e}", file=sys.stderr)
        return 2
    from rich.console import Console

    report = verify(rows)
    Console().print(render(report))
    return 0 if report.ok else 1
