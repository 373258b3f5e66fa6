"""What a demo measured, and how it is shown at the end (a rich panel, or plain text).

    summary = Summary(title="Results: failover")
    summary.add("Handover", "41 ms", verdict="ok")
    add_check(demo, summary, rows)           # rounds delivered and missed, `clustersim check`'s verdict
    print_summary(summary, plain=True, out=sys.stdout)
"""

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from cluster_sim.words import narration


@dataclass
class Summary:
    """What a scenario measured: (label, value) rows and notes, printed at the end.

    A row's `verdict` ("ok" or "bad") colours it; the words are the language's.
    """

    title: str
    rows: List[Tuple[str, str]] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)
    measured: Dict[str, Any] = field(default_factory=dict)   # raw numbers (ms, counts) for tests and recordings
    verdicts: Dict[int, str] = field(default_factory=dict)   # row index -> "ok" / "bad"

    def add(self, label: str, value: Any, verdict: Optional[str] = None) -> None:
        if verdict:
            self.verdicts[len(self.rows)] = verdict
        self.rows.append((label, str(value)))

    def extend(self, other: "Summary") -> None:
        """`other`'s rows (with their verdicts), notes and measured numbers after these."""
        for n, (label, value) in enumerate(other.rows):
            self.add(label, value, other.verdicts.get(n))
        self.notes.extend(other.notes)
        self.measured.update(other.measured)


def add_check(demo: Any, summary: Summary, rows: Optional[List[dict]], error: Optional[str] = None,
              scope: str = "", under: str = "") -> None:
    """Rounds delivered and missed, and the verdict of `clustersim check`, on `rows`. `scope`
    (worded): whose rows they are, put after each label, when a demo ran more than one cluster;
    `under`: the measured numbers go in summary.measured[under] rather than at its top."""
    from cluster_sim.check import verify

    lang = demo.lang
    labels = {"rounds", "unrounded", "check"}

    def say(key: str, **kw: Any) -> str:
        text = narration.say(lang, key, **kw)
        return narration.say(lang, "scoped", label=text, scope=scope) if scope and key in labels else text

    if rows is None:
        summary.add(say("check"), say("check_unreachable", error=error or "?"))
        return
    report = verify(rows)
    clusters = list(report.clusters.values())
    rounds = sum(c.rounds for c in clusters)
    missed = sum(b - a + 1 for c in clusters for a, b in c.gaps)
    empty = sum(len(c.empty_rounds) for c in clusters)
    from cluster_sim.engine.round_count import round_base, shown

    # rounds counted from the cluster's start, as the live table counts them
    status = getattr(demo, "last_status", None) or {}
    base = round_base(status.get("started_at"), status.get("interval"))
    if clusters:
        first = min(c.first for c in clusters if c.first is not None)
        last = max(c.last for c in clusters if c.last is not None)
        summary.add(say("rounds"), say("rounds_v" if base is not None else "rounds_v.own", rounds=rounds,
                                       first=shown(first, base), last=shown(last, base), missed=missed,
                                       empty=empty))
    else:
        summary.add(say("rounds"), say("rounds_none"))
    if report.unrounded:
        summary.add(say("unrounded"), say("unrounded_v", n=report.unrounded))
    violations = report.violations(base)
    if report.ok and not clusters and report.unrounded:
        summary.add(say("check"), say("check_nothing"))
    elif report.ok:
        summary.add(say("check"), say("check_ok"), verdict="ok")
    else:
        summary.add(say("check"), say("check_failed", n=len(violations)), verdict="bad")
        summary.notes.extend("  " + v for v in violations[:5])
        if len(violations) > 5:
            summary.notes.append(f"  ... (+{len(violations) - 5})")
    measured = dict(rounds=rounds, missed=missed, empty=empty, unrounded=report.unrounded,
                    check_ok=report.ok, violations=len(violations))
    if under:
        summary.measured.setdefault(under, {}).update(measured)
    else:
        summary.measured.update(measured)


def render_summary(summary: Summary, plain: bool) -> Any:
    """A rich Panel, or plain text when `plain`."""
    if plain:
        width = max((len(label) for label, _ in summary.rows), default=0)
        lines = [summary.title, "=" * len(summary.title)]
        for label, value in summary.rows:
            value_lines = value.splitlines() or [""]
            lines.append(f"{label.ljust(width)}  {value_lines[0]}")
            lines += [" " * (width + 2) + v for v in value_lines[1:]]
        if summary.notes:
            lines.append("")
            lines += summary.notes      # whole sentences: the terminal wraps them, not us
        return "\n".join(lines)
    from rich import box
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    styles = {"ok": "bold green", "bad": "bold red"}
    for n, (label, value) in enumerate(summary.rows):
        grid.add_row(Text(label), Text(value, style=styles.get(summary.verdicts.get(n, ""), "")))
    parts: List[Any] = [grid]
    if summary.notes:
        parts.append(Text(""))
        parts += [Text(note) for note in summary.notes]
    return Panel(Group(*parts), title=Text(summary.title, style="bold"), title_align="left",
                 box=box.ROUNDED, border_style="cyan", expand=False)


def is_terminal(out: Any) -> bool:
    try:
        return bool(out.isatty())
    except (AttributeError, OSError, ValueError):  # no isatty, or a closed stream: not a terminal
        return False


def print_summary(summary: Summary, plain: bool, out: Any) -> None:
    rendered = render_summary(summary, plain)
    if isinstance(rendered, str):
        out.write("\n" + rendered + "\n")
        out.flush()
        return
    from rich.console import Console

    Console(file=out).print(rendered)
