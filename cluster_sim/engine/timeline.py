"""Leadership timeline: who led when, as a Gantt chart in the terminal.

    from cluster_sim.engine.timeline import Term, render_timeline, timeline_text

    terms = [Term("1", 1, start=t0, end=t0 + 30), Term("2", 2, start=t0 + 30, end=None)]
    console.print(render_timeline(terms, ["1", "2", "3"], start=t0, end=t0 + 60))
    print(timeline_text(terms, ["1", "2", "3"], start=t0, end=t0 + 60, width=40))

    1 │e1██████████████████····················
    2 │····················e2██████████████████
    3 │········································
       0s                                   60s

Each node gets one line; the bar covers [start, end] in `width` cells; a cell is
"█" when the node led at some moment inside it, "·" otherwise; a term is
labelled with its epoch ("e2") where it has room. A term with end=None is still
running and is drawn up to `end`. `lang` words the axis and "no leader yet"
(cluster_sim.words.lang). Pure functions, no I/O.
"""

import math
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from rich.console import Group, RenderableType
from rich.text import Text

from cluster_sim.words.lang import seconds
from cluster_sim.words import label

__all__ = ["Term", "render_timeline", "timeline_text", "BLOCK", "IDLE", "NO_LEADER"]

BLOCK = "█"
IDLE = "·"
NO_LEADER = label("no_leader_yet")   # the English words, from the catalogue
LABEL_MAX = 12                      # node labels longer than this are cut with "…"
GUTTER = " │"

# cell kinds
_IDLE, _BLOCK, _LABEL = 0, 1, 2


@dataclass
class Term:
    """One leadership term: `node_id` led with `epoch` from `start` to `end` (None: still)."""

    node_id: str
    epoch: int
    start: float
    end: Optional[float] = None


@dataclass
class _Row:
    label: str
    cells: List[Tuple[str, int]]      # (character, kind)


def _label(node_id: object) -> str:
    text = str(node_id)
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"


def _seconds(x: float, lang: str = "en") -> str:
    if abs(x - round(x)) < 1e-9 or abs(x) >= 100:
        return "%ds" % int(round(x))
    return seconds(lang, round(x, 1)) + "s"


def _float(x: Any, default: float) -> float:
    try:
        x = float(x)
    except (TypeError, ValueError):
        return default
    return default if math.isnan(x) else x


def _layout(terms: Iterable[Term], node_ids: Sequence[str], start: float, end: float,
            width: int) -> Optional[Tuple[List[_Row], float, int]]:
    """Rows of (char, kind) cells, or None when there is no term at all."""
    given = [t for t in (terms or []) if t is not None]
    if not given:
        return None
    width = max(1, int(width))
    start = _float(start, 0.0)
    end = _float(end, start)
    span = end - start
    if not span > 0:
        span = 1.0                      # a zero-length window: draw whatever touches `start`
        end = start + span
    cell = span / width

    order: List[str] = []
    for node_id in list(node_ids or []) + [t.node_id for t in given]:
        key = str(node_id)
        if key not in order:
            order.append(key)
    grid: Dict[str, List[Tuple[str, int]]] = {k: [(IDLE, _IDLE)] * width for k in order}

    for term in sorted(given, key=lambda t: _float(t.start, start)):
        t0 = _float(term.start, start)
        t1 = end if term.end is None else _float(term.end, end)
        if t1 < t0:
            t1 = t0
        if t1 < start or t0 > end:
            continue                    # entirely outside the window
        a, b = max(t0, start), min(t1, end)
        c0 = min(width - 1, max(0, int(math.floor((a - start) / cell))))
        c1 = min(width, max(c0 + 1, int(math.ceil((b - start) / cell - 1e-9))))
        cells = grid[str(term.node_id)]
        # a term that continues a bar already drawn (the same node acting on, --unsafe) is not labelled again
        continues = cells[c0][1] != _IDLE or (c0 > 0 and cells[c0 - 1][1] != _IDLE)
        for c in range(c0, c1):
            if cells[c][1] == _IDLE:
                cells[c] = (BLOCK, _BLOCK)
        label = "e%s" % term.epoch
        if c1 - c0 >= len(label) + 1 and not continues:
            for i, ch in enumerate(label):
                cells[c0 + i] = (ch, _LABEL)

    rows = [_Row(_label(k), grid[k]) for k in order]
    return rows, span, width


def _axis(pad: int, span: float, width: int, lang: str = "en") -> str:
    left, right = "0s", _seconds(span, lang)
    gap = max(1, width - len(left) - len(right))
    return " " * pad + " " * len(GUTTER) + left + " " * gap + right


def timeline_text(
    terms: Iterable[Term],
    node_ids: Sequence[str],
    start: float,
    end: float,
    width: int = 60,
    lang: str = "en",
) -> str:
    """The chart as plain text: one line per node, then the axis (no trailing newline)."""
    laid = _layout(terms, node_ids, start, end, width)
    if laid is None:
        return label("no_leader_yet", lang)
    rows, span, width = laid
    pad = max(len(r.label) for r in rows)
    lines = [r.label.rjust(pad) + GUTTER + "".join(ch for ch, _ in r.cells) for r in rows]
    lines.append(_axis(pad, span, width, lang))
    return "\n".join(lines)


_STYLES = {_IDLE: "dim", _BLOCK: "bold yellow", _LABEL: "bold black on yellow"}


def render_timeline(
    terms: Iterable[Term],
    node_ids: Sequence[str],
    start: float,
    end: float,
    width: int = 60,
    lang: str = "en",
) -> RenderableType:
    """The same chart as timeline_text(), coloured, as a rich renderable."""
    laid = _layout(terms, node_ids, start, end, width)
    if laid is None:
        return Text(label("no_leader_yet", lang), style="dim")
    rows, span, width = laid
    pad = max(len(r.label) for r in rows)
    lines: List[Text] = []
    for r in rows:
        line = Text(no_wrap=True, overflow="crop")
        line.append(r.label.rjust(pad), style="bold")
        line.append(GUTTER, style="dim")
        run_kind: Optional[int] = None
        run: List[str] = []
        for ch, kind in r.cells + [("", -1)]:
            if kind != run_kind and run:
                assert run_kind is not None  # a run has a kind
                line.append("".join(run), style=_STYLES[run_kind])
                run = []
            run_kind = kind
            run.append(ch)
        lines.append(line)
    lines.append(Text(_axis(pad, span, width, lang), style="dim", no_wrap=True, overflow="crop"))
    return Group(*lines)
