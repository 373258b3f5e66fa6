"""The live view: a pure function from ClusterState to a rich renderable.

No I/O and no terminal needed; the printer puts the result on screen.

    from rich.console import Console
    from cluster_sim.presentation.view import render, format_event

    console = Console()
    console.print(render(state, now=time.time()))                 # everything, as tall as it is
    console.print(render(state, now, width=80, height=24))        # laid out to fit an 80x24 terminal
    print(format_event(state.events[-1]))      # "14:02:07.315 leader elected: 3 (epoch 2)"

Events are worded by `wording.describe` in the state's language and coloured
by `wording.level`; every other word on screen is a label from the
catalogue (cluster_sim/words).
The parts (narration, header, ensemble: view_header.py; nodes, events,
footer: view_table.py) are small functions, read top to bottom; here `_fit`
chooses how they share a terminal of a given size. Every piece of text that
comes from the cluster (ids, hosts, event text) is put in `Text` objects,
never parsed as rich markup, so "[x]" in an id is harmless.
"""

from dataclasses import replace
from typing import Dict, Iterator, List, Optional, Tuple

from rich.console import Group, RenderableType

from cluster_sim.engine.state import ClusterState
from cluster_sim.presentation.view_common import (  # the helpers other modules take from the view
    CONTROL_HINTS, Layout, _lang, _measure, clock, format_age, format_duration, format_event, round_text,
)
from cluster_sim.presentation.view_header import _header, _narration, _zk_servers
from cluster_sim.presentation.view_table import _event_line, _events, _footer, _in_time_order, _node_table

__all__ = [
    "render",
    "format_event",
    "clock",
    "format_duration",
    "format_age",
    "round_text",
    "CONTROL_HINTS",
]


# --------------------------------------------------------------------------- fitting a terminal

def _height(renderable: RenderableType, width: int) -> int:
    console = _measure()
    return len(console.render_lines(renderable, console.options.update_width(max(1, width)), pad=False))


def _parts(state: ClusterState, now: float, stale_after: float,
           layout: Layout) -> Iterator[Tuple[tuple, RenderableType]]:
    """The parts of the screen top to bottom, as (key, renderable): a key names what a part's
    height depends on, so _fit measures each variant once."""
    narration = _narration(state, layout)
    if narration is not None:
        yield ("narration", layout.boxed_narration, layout.narration_lines), narration
    yield ("header", layout.compact_header), _header(state, now, layout)
    servers = _zk_servers(state)
    if servers is not None:
        yield ("servers",), servers
    yield ("nodes", layout.table_rule, layout.max_nodes), _node_table(state, now, stale_after, layout)
    yield ("events",), _events(state, layout)
    if layout.footer:
        yield ("footer",), _footer(state)


def _compose(state: ClusterState, now: float, stale_after: float, layout: Layout) -> List[RenderableType]:
    return [part for _, part in _parts(state, now, stale_after, layout)]


def _fit(state: ClusterState, now: float, stale_after: float, width: int, height: int,
         max_events: int, footer: bool = True) -> Layout:
    """The roomiest layout whose parts fit `height` lines of `width` columns, in this order of
    what matters: the footer, the header, every node of a small cluster, the narration, the newest
    events (at least two lines of them). Failing that, the narration is cut, then the node rows."""
    event_need = 2 if len(state.events) > 1 else 1
    measured: Dict[tuple, int] = {}

    def room(layout: Layout) -> int:
        """Screen lines left for event lines once everything else is laid out."""
        fixed = 0
        for key, part in _parts(state, now, stale_after, replace(layout, event_lines=0)):
            if key[0] == "events":
                continue
            if key not in measured:
                measured[key] = _height(part, width)
            fixed += measured[key]
        return height - fixed - (2 if layout.boxed_events else 1)

    base = Layout(max_events=max_events, width=width, footer=footer)
    steps = [base,
             replace(base, compact_header=True),
             replace(base, compact_header=True, boxed_events=False, boxed_narration=False),
             replace(base, compact_header=True, boxed_events=False, boxed_narration=False, table_rule=False)]
    nodes = len(state.nodes) + len(state.shadowed)
    for step in (steps if nodes < height else ()):  # a row a node: more nodes than lines never fit
        left = room(step)
        if left >= event_need:
            return replace(step, event_lines=min(left, _lines_wanted(state, step)))
    # still too tall: cut the narration down, then the node rows
    layout = steps[-1]
    narration = state.narration is not None
    for lines in ((6, 4, 2, 1) if narration and nodes < height else ()):
        left = room(replace(layout, narration_lines=lines))
        if left >= event_need:
            return replace(layout, narration_lines=lines, event_lines=left)
    layout = replace(layout, narration_lines=1 if narration else None)
    # The most node rows that fit. A table of 3 rows says how many lines are left; a row
    # takes a line (or more: then a table short of d lines fits with d rows fewer). Two or
    # three tables measured, not one per row: this runs four times a second, and 100 nodes
    # on 50 lines measured row by row took 2 s a frame.
    rows = min(nodes - 1, 3 + max(0, room(replace(layout, max_nodes=3)) - event_need))
    while rows >= 3:
        left = room(replace(layout, max_nodes=rows))
        if left >= event_need:
            return replace(layout, max_nodes=rows, event_lines=left)
        rows -= event_need - left
    return replace(layout, max_nodes=min(nodes, 3), event_lines=1)


def _lines_wanted(state: ClusterState, layout: Layout) -> int:
    """Screen lines the newest `max_events` events take."""
    lang = _lang(state)
    newest = _in_time_order(state.events)[-layout.max_events:] if layout.max_events > 0 else []
    console = _measure()
    return max(1, sum(len(_event_line(e, lang).wrap(console, layout.events_width)) for e in newest))


# --------------------------------------------------------------------------- render

def fit_key(state: ClusterState, width: int, height: int) -> tuple:
    """What a layout chosen by fit() depends on, but for values that change every second
    (readings, ages): a printer may keep a layout while this key holds, for a second or so,
    instead of fitting every frame."""
    newest = state.events[-1] if state.events else None
    return (width, height, len(state.nodes), len(state.shadowed), state.narration, len(state.events),
            getattr(newest, "ts", None), len(state.zk_servers or []))


def fit(state: ClusterState, now: float, width: int, height: int, *, max_events: int = 10,
        stale_after: float = 15.0) -> Layout:
    """The layout render() would choose for a `width` x `height` terminal (see _fit)."""
    return _fit(state, now, stale_after, int(width), int(height), max_events)


def render(
    state: ClusterState,
    now: float,
    *,
    max_events: int = 10,
    stale_after: float = 15.0,
    max_nodes: Optional[int] = None,
    width: Optional[int] = None,
    height: Optional[int] = None,
    layout: Optional[Layout] = None,
    footer: bool = True,
) -> Group:
    """The whole screen for `state` at wall-clock `now`.

    max_events: how many of the latest events the log shows (at most).
    stale_after: a reading older than this many seconds has its age in red.
    max_nodes: show at most this many node rows (the leader's always among them)
        and a "… N more" line; None shows them all.
    width, height: the terminal's size; with both, the screen is laid out to fit it
        (see _fit), else every part is drawn as tall as it is.
    layout: a layout fit() chose for this size (a printer keeps one across frames).
    footer: the command hints at the bottom (a replay has none: nothing there can be run).
    """
    if width is not None and height is not None and width > 0 and height > 0:
        if layout is None:
            layout = _fit(state, now, stale_after, int(width), int(height), max_events, footer)
        if max_nodes is not None:
            layout = replace(layout, max_nodes=min(max_nodes, layout.max_nodes or max_nodes))
    else:
        layout = Layout(max_events=max_events, max_nodes=max_nodes, width=width or 80, footer=footer)
    return Group(*_compose(state, now, stale_after, layout))
