"""What `clustersim chaos` shows at the end: the verdict as a rich panel. Pure.

    Console().print(render(verdict))
    lines(verdict)                 # the (label, value, bad) rows it shows

Everything shown comes from the Verdict's fields; nothing here computes a figure.
"""

from typing import TYPE_CHECKING, List, Optional, Tuple

from cluster_sim.chaos.verdict import Span, Verdict

if TYPE_CHECKING:
    from rich.console import RenderableType

__all__ = ["render", "lines"]

LIMIT = 15  # problems / notes shown; --json has them all


def _span(span: Span, start: float) -> str:
    if not span.seconds or span.start is None:
        return "0 s"
    return f"{span.seconds:.1f} s (from +{span.start - start:.1f} s)"


def _count(value: Optional[int]) -> str:
    return "-" if value is None else str(value)


def lines(verdict: Verdict) -> List[Tuple[str, str, bool]]:
    """(label, value, bad) rows of the table, in order."""
    r = verdict.rounds
    start = verdict.window[0]
    injected = " · ".join(f"{k} {n}" for k, n in verdict.faults.items() if n) or "none"
    rows = [
        ("faults injected", f"{sum(verdict.faults.values())}: {injected}", False),
    ]
    if verdict.refused:
        rows.append(("not injected", " · ".join(f"{k} {n}" for k, n in verdict.refused.items()), False))
    rows += [
        ("rounds expected", str(r.expected), False),
        ("rounds stored", str(r.stored), r.stored == 0),
        ("missing", str(r.missing), bool(r.missing)),
        ("duplicated", str(r.duplicated), bool(r.duplicated)),
        ("partial (declared)", str(r.partial), False),
        ("short (undeclared)", _count(r.short), bool(r.short)),
        ("wrong mean", _count(r.wrong), bool(r.wrong)),
        ("lost", _count(r.lost), bool(r.lost)),
        ("due, not stored nor saved", _count(r.due_unstored), bool(r.due_unstored)),
        ("rows not verifiable here", _count(r.unverified), False),
        ("stale-epoch rows accepted", str(verdict.stale_epoch_accepted), bool(verdict.stale_epoch_accepted)),
        ("epoch regressions", str(verdict.epoch_regressions), bool(verdict.epoch_regressions)),
        ("longest without a leader", _span(verdict.longest_without_leader, start), False),
        ("longest without a stored round", _span(verdict.longest_without_round, start), False),
        ("settled after the last heal", "yes" if verdict.settled else "no", not verdict.settled),
        ("checked against", "the nodes' truth logs" if verdict.truth else "the API's rows only", False),
    ]
    return rows


def render(verdict: Verdict) -> "RenderableType":
    """A rich Panel; prints nothing."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column(justify="left", style="bold")
    table.add_column(justify="left")
    for label, value, bad in lines(verdict):
        table.add_row(Text(label), Text(value, style="red" if bad else ""))
    parts: List["RenderableType"] = [table]
    if verdict.notes:
        parts.append(Text("reported (not failures):", style="yellow"))
        parts += [Text("  " + n) for n in verdict.notes[:LIMIT]]
        if len(verdict.notes) > LIMIT:
            parts.append(Text(f"  ... and {len(verdict.notes) - LIMIT} more (--json has them all)"))
    if verdict.ok:
        parts.append(Text("OK: nothing lost, wrong, duplicated or stale; the cluster recovered",
                          style="bold green"))
    else:
        parts.append(Text(f"FAILED: {len(verdict.problems)} problems", style="bold red"))
        parts += [Text("  " + p) for p in verdict.problems[:LIMIT]]
        if len(verdict.problems) > LIMIT:
            parts.append(Text(f"  ... and {len(verdict.problems) - LIMIT} more (--json has them all)"))
    title = f"clustersim chaos · seed {verdict.seed} · plan {verdict.fingerprint} · {verdict.duration:g} s"
    return Panel(Group(*parts), title=title, expand=False, border_style="green" if verdict.ok else "red")
