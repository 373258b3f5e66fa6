"""What `clustersim check` shows: a rich panel, or JSON for scripts. Pure functions.

    report = verify(rows); truth = verify_truth(rows, read_truth(d), plain=report)
    Console().print(render(report, truth))       # or render(report, None, note="no truth ...")
    json.dumps(as_json(report, truth))           # the same figures, per cluster
    exit_code(report, truth)                     # 0 sound, 1 a violation, a loss or a stall
    render(report, truth, horizon=judged.horizon)  # with what is late (check_judge.Horizon)
"""

import time
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Optional, Tuple

from cluster_sim.check import Report
from cluster_sim.check_truth import FAILURES, VERDICTS, TruthReport

if TYPE_CHECKING:  # rich is imported where a screen is drawn, not for --json
    from rich.console import RenderableType
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

LIMIT = 20  # lines of failures / notes shown; --json has them all


def exit_code(report: Report, truth: Optional[TruthReport], horizon: Any = None) -> int:
    """0 sound; 1 a violation, a loss or a stall; 2 the API could not be read and nothing
    the cluster itself knows of is late."""
    if horizon is not None and horizon.unreachable and horizon.ok:
        return 2
    return 0 if report.ok and (truth is None or truth.ok) and (horizon is None or horizon.ok) else 1


def clock(t: Optional[float]) -> str:
    """A moment as local wall-clock time, 14:02:07."""
    return "-" if t is None else time.strftime("%H:%M:%S", time.localtime(t))


def late_lines(horizon: Any, base: Optional[int] = None) -> Tuple[List[str], List[str]]:
    """(failures, notes) about rounds after the newest stored row (check_judge.Horizon), rounds
    counted from `base` (the running cluster's first round) when it is known."""
    from cluster_sim.engine.round_count import shown

    failures: List[str] = []
    notes: List[str] = []
    if horizon is None:
        return failures, notes
    if horizon.unknown:
        notes.append(horizon.unknown)
    if horizon.unreachable:
        failures.append(f"the API cannot be read ({horizon.unreachable}); "
                        "by the running cluster's own count of stored rounds:")
    for late in horizon.clusters.values():
        label = f"cluster {late.cluster}" if late.cluster else "the cluster"
        age = late.age_text(base)
        if late.due_unstored:
            failures.append(f"{label}: {_rounds(late.due_unstored)} due and not stored since "
                            f"{clock(late.since)} (round {shown(late.first_due, base)}; {age})")
        if late.saved:
            notes.append(f"{label}: {_rounds(late.saved)} due, not stored yet, saved at shutdown "
                         "(clustersim deliver FILE stores them)")
        if late.not_final:
            notes.append(f"{label}: {_rounds(late.not_final)} not final yet (from round {shown(late.first_not_final, base)}: "
                         "closed, still within their deadline)")
    if horizon.saved_files:
        notes.append(f"{horizon.saved} rounds in saved files, not stored yet: {', '.join(horizon.saved_files)}")
    return failures, notes


def _rounds(n: int) -> str:
    return f"{n} round" if n == 1 else f"{n} rounds"


def as_json(report: Report, truth: Optional[TruthReport], note: str = "", horizon: Any = None) -> dict:
    clusters = {}
    for name, c in report.clusters.items():
        t = truth.clusters.get(name) if truth is not None else None
        clusters[name] = {
            "ok": c.ok and (t is None or t.ok),
            "rows": c.rows, "rounds": c.rounds, "first": c.first, "last": c.last,
            "epochs": c.epochs,
            "leaders": {("?" if e is None else str(e)): names for e, names in c.leaders.items()},
            "duplicates": c.duplicates,
            "regressions": [{"round": r, "epoch": e, "earlier_epoch": h} for r, e, h in c.regressions],
            "gaps": [[a, b] for a, b in c.unexplained_gaps],
            "explained_gaps": [{"first": a, "last": b, "original_rows": n} for a, b, n in c.explained],
            "empty_rounds": c.empty_rounds,
            "partial": [{"round": r, "missing": ids} for r, ids in c.partial],
            "undeclared_short": [{"round": r, "count": n, "expected": e} for r, n, e in c.undeclared],
            "due_unstored": (horizon.clusters[name].to_json()
                             if horizon is not None and name in horizon.clusters else None),
            "truth": None if t is None else {
                "ok": t.ok, "first": t.first, "last": t.last,
                "nodes": {n: asdict(cov) for n, cov in t.nodes.items()},
                "verdicts": {v: t.count(v) for v in VERDICTS},
                "rounds_before_first": t.earlier, "rounds_after_last": t.later, "owed_until": t.owed,
                "unverified": {"count": t.unverified, "nodes": t.foreign if t.unverified else []},
                "rounds": [asdict(r) for r in t.rounds],
            },
        }
    late_failures, late_notes = late_lines(horizon)
    lates = list(horizon.clusters.values()) if horizon is not None else []
    first = min((l for l in lates if l.due_unstored), key=lambda l: l.since or 0.0, default=None)
    ages = [l.newest_row_age for l in lates if l.newest_row_age is not None]
    out = {
        "ok": exit_code(report, truth, horizon) == 0,
        "rows": report.total,
        "malformed": report.malformed,
        "unrounded": {"rows": report.unrounded,
                      "first_at": report.unrounded_span[0] if report.unrounded_span else None,
                      "last_at": report.unrounded_span[1] if report.unrounded_span else None},
        "clusters": clusters,
        # rounds due (closed more than the round deadline ago) and not stored, nor saved
        "due_unstored": None if not lates else {
            "count": sum(l.due_unstored for l in lates),
            "first_round": first.first_due if first else None, "since": first.since if first else None,
            "newest_row_age_s": round(min(ages), 3) if ages else None,
            "not_final": sum(l.not_final for l in lates),
        },
        "lateness_unknown": horizon.unknown if horizon is not None and horizon.unknown else None,
        "now": horizon.now if horizon is not None else None,
        "unverified": None if truth is None else {"count": truth.unverified, "nodes": truth.unverified_nodes},
        "saved": horizon.saved if horizon is not None else 0,
        "api_unreachable": horizon.unreachable if horizon is not None and horizon.unreachable else None,
        "truth": None,
        "violations": late_failures + report.violations() + (truth.failures() if truth is not None else []),
        "notes": late_notes + report.notes() + (truth.notes() if truth is not None else []),
    }
    if truth is not None:
        out["truth"] = {"dir": truth.directory, "bad_lines": truth.bad_lines,
                        "partial_lines": truth.partial_lines, "unreadable": truth.unreadable,
                        "clusters_without_rows": truth.without_rows,
                        "clusters_without_truth": truth.without_truth}
    elif note:
        out["truth_note"] = note
    return out


def _ranges(numbers: Iterable[int], limit: int = 6) -> str:
    """[1, 2, 3, 5] -> '1-3, 5', cut after `limit` ranges."""
    spans: List[List[int]] = []
    for n in sorted(set(numbers)):
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    text = ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans[:limit])
    return text + (f", ... (+{len(spans) - limit})" if len(spans) > limit else "")


def _gaps(gaps: List[Tuple[int, int]], limit: int = 6, base: Optional[int] = None) -> str:
    from cluster_sim.engine.round_count import shown

    text = ", ".join(shown(a, base) if a == b else f"{shown(a, base)}-{shown(b, base)}" for a, b in gaps[:limit])
    return text + (f", ... (+{len(gaps) - limit})" if len(gaps) > limit else "")


def _leaders(leaders: Dict[Optional[int], List[str]], limit: int = 6) -> str:
    """One line per epoch, the latest `limit` epochs: 'e3: 2' (two names = two leaders)."""
    parts = [
        f"e{'?' if epoch is None else epoch}: {', '.join(names)}"
        for epoch, names in sorted(leaders.items(), key=lambda kv: (kv[0] is not None, kv[0] or 0))
    ]
    cut = [f"... (+{len(parts) - limit} epochs)"] if len(parts) > limit else []
    return "\n".join(cut + parts[-limit:]) or "-"


def _lines(title: str, lines: List[str], style: str) -> List["Text"]:
    from rich.text import Text

    out = [Text(title, style=style)] if lines else []
    out += [Text("  " + line) for line in lines[:LIMIT]]
    if len(lines) > LIMIT:
        out.append(Text(f"  ... and {len(lines) - LIMIT} more (--json has them all)"))
    return out


def _truth_table(truth: TruthReport) -> "Table":
    from rich.table import Table
    from rich.text import Text

    table = Table(expand=False, title="ground truth: " + truth.directory, title_justify="left")
    columns = ("cluster", "nodes covered", "judged", "ok", "partial", "unverified", "explained", "saved",
               "short", "wrong", "lost", "unpublished")
    for title in columns:
        table.add_column(title, justify="left" if title in columns[:3] else "right")
    for c in truth.clusters.values():
        cells = [Text(c.cluster or "(none)"), Text(", ".join(c.nodes) or "-"),
                 Text(f"{c.first}-{max(c.last or 0, c.owed or 0) if c.owed is not None else c.last}")]
        for verdict in columns[3:11]:
            n = c.count("uncovered" if verdict == "unverified" else verdict)
            cells.append(Text(str(n), style="red" if n and verdict in FAILURES else ""))
        cells.append(Text(str(sum(len(n.unpublished) for n in c.nodes.values()))))
        table.add_row(*cells)
    return table


def render(report: Report, truth: Optional[TruthReport] = None, note: str = "", horizon: Any = None,
           base: Optional[int] = None) -> "Panel":
    """A rich renderable of the report (a Panel); pure: prints nothing. `base`: the running
    cluster's first round: the table counts rounds from it, as its live view does."""
    from cluster_sim.engine.round_count import shown

    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    table = Table(expand=False)
    for title in ("cluster", "rows", "rounds", "epochs", "leaders", "gaps", "dup", "regr", "empty",
                  "partial", "undeclared"):
        table.add_column(title, justify="left" if title in ("cluster", "rounds", "epochs", "leaders", "gaps")
                         else "right")
    for c in report.clusters.values():
        # Text(), not str: ids and leader names come from the network, never markup
        gaps = _gaps(c.gaps, base=base) or "-"
        if c.explained:
            gaps += f" ({len(c.explained)} explained)"
        table.add_row(
            Text(c.cluster or "(none)"), Text(str(c.rows)),
            Text(f"{c.rounds} ({shown(c.first, base)}-{shown(c.last, base)})"), Text(_ranges(c.epochs) or "-"),
            Text(_leaders(c.leaders)),
            Text(gaps, style="red" if c.unexplained_gaps else ""),
            Text(str(len(c.duplicates)), style="red" if c.duplicates else ""),
            Text(str(len(c.regressions)), style="red" if c.regressions else ""),
            Text(str(len(c.empty_rounds))),
            Text(str(len(c.partial)), style="yellow" if c.partial else ""),
            Text(str(len(c.undeclared)), style="red" if c.undeclared else ""),
        )
    parts: List[RenderableType] = ([table] if report.clusters else
             [Text("the API's rows could not be read" if horizon is not None and horizon.unreachable
                   else "no rounds delivered yet")])
    parts.append(Text(f"{report.total} rows, {report.unrounded} without a round", style="dim"))
    if base is not None:
        parts.append(Text(f"rounds counted from the running cluster's start, as its view counts them: round 1 of "
                          f"this cluster is round {base + 1} (--json gives each round's own number)", style="dim"))
    if truth is not None:
        parts.append(_truth_table(truth) if truth.clusters else
                     Text(f"ground truth: {truth.directory} covers none of these clusters"))
    elif note:
        parts.append(Text(note, style="dim"))
    late_failures, late_notes = late_lines(horizon, base)
    failures = late_failures + report.violations(base) + (truth.failures() if truth is not None else [])
    notes = late_notes + report.notes(base) + (truth.notes() if truth is not None else [])
    unverified = truth.unverified_line(report.total) if truth is not None else ""
    parts += _lines("reported (not failures):", notes, "yellow")
    if unverified:
        parts.append(Text(unverified, style="bold yellow"))
    ok = exit_code(report, truth, horizon) == 0
    if ok:
        parts.append(Text(_summary(report, truth, horizon), style="bold yellow" if unverified else "bold green"))
    else:
        parts += _lines(f"FAILED: {len(failures)} violations", failures, "bold red")
    return Panel(Group(*parts), title="clustersim check", expand=False, border_style="green" if ok else "red")


def _summary(report: Report, truth: Optional[TruthReport], horizon: Any) -> str:
    """The OK line, claiming only what was checked."""
    text = "OK: every round once, no gaps, epochs never go back"
    if horizon is not None and horizon.clusters and not horizon.unknown:
        text += ", nothing due is missing" + (f" (up to {clock(horizon.now)})" if not horizon.running else "")
    if truth is not None and truth.clusters:
        if truth.unverified:
            verified = report.total - report.unrounded - report.malformed - truth.unverified
            text += f"; {verified} stored rows match the nodes' logs, {truth.unverified} could not be verified"
        else:
            text += "; every stored round matches the nodes' logs"
        owed = [c.owed for c in truth.clusters.values() if c.owed is not None and c.owed > (c.last or 0)]
        if owed:
            text += f"; every round all its nodes published is stored or saved, up to round {max(owed)}"
    elif truth is not None and truth.unverified:
        text += f"; {truth.unverified} rows could not be verified (no truth log covers their cluster)"
    return text
