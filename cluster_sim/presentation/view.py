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

from cluster_sim.engine.digest import Digest, digest, is_big
from cluster_sim.engine.state import RUNNING, ClusterState
from cluster_sim.presentation.view_common import (  # the helpers other modules take from the view
    CONTROL_HINTS, Layout, _lang, _measure, clock, format_age, format_duration, format_event, round_text,
)
from cluster_sim.presentation.view_big import not_fine_title, summary_rows
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


def _digest(state: ClusterState, now: float, stale_after: float) -> Optional[Digest]:
    """A large cluster's digest (None for a small one: every node gets its row)."""
    return digest(state, now, stale_after) if is_big(state) else None


def _nodes_part(state: ClusterState, now: float, stale_after: float, layout: Layout,
                big: Optional[Digest]) -> RenderableType:
    """The node table; for a large cluster (its summary is in the header) the rows of the nodes
    not fine only."""
    if big is None:
        return _node_table(state, now, stale_after, layout)
    title = not_fine_title(big, _lang(state))
    if not big.rows:
        return title
    return Group(title, _node_table(state, now, stale_after, layout, rows=list(big.rows), more="big.more"))


def _parts(state: ClusterState, now: float, stale_after: float,
           layout: Layout, big: Optional[Digest] = None) -> Iterator[Tuple[tuple, RenderableType]]:
    """The parts of the screen top to bottom, as (key, renderable): a key names what a part's
    height depends on, so _fit measures each variant once. `big`: a large cluster's digest."""
    narration = _narration(state, layout)
    if narration is not None:
        yield ("narration", layout.boxed_narration, layout.narration_lines), narration
    yield ("header", layout.compact_header), _header(state, now, layout, () if big is None else summary_rows(state, big))
    servers = _zk_servers(state)
    if servers is not None:
        yield ("servers",), servers
    yield ("nodes", layout.table_rule, layout.max_nodes), _nodes_part(state, now, stale_after, layout, big)
    yield ("events",), _events(state, layout)
    if layout.footer:
        yield ("footer",), _footer(state)


def _compose(state: ClusterState, now: float, stale_after: float, layout: Layout,
             big: Optional[Digest] = None) -> List[RenderableType]:
    return [part for _, part in _parts(state, now, stale_after, layout, big)]


def _fit(state: ClusterState, now: float, stale_after: float, width: int, height: int,
         max_events: int, footer: bool = True, big: Optional[Digest] = None) -> Layout:
    """The roomiest layout whose parts fit `height` lines of `width` columns, in this order of
    what matters: the footer, the header, every node of a small cluster (of a large one, its
    summary and every node not fine), the narration, the newest events (at least two lines of
    them). Failing that, the narration is cut, then the node rows."""
    event_need = 2 if len(state.events) > 1 else 1
    measured: Dict[tuple, int] = {}

    def room(layout: Layout) -> int:
        """Screen lines left for event lines once everything else is laid out."""
        fixed = 0
        for key, part in _parts(state, now, stale_after, replace(layout, event_lines=0), big):
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
    nodes = len(big.rows) if big is not None else len(state.nodes) + len(state.shadowed)
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
    # A large cluster's rows are its nodes not fine: one of them beats none.
    least = 1 if big is not None else 3
    rows = min(nodes - 1, least + max(0, room(replace(layout, max_nodes=least)) - event_need))
    while rows >= least:
        left = room(replace(layout, max_nodes=rows))
        if left >= event_need:
            return replace(layout, max_nodes=rows, event_lines=left)
        rows -= event_need - left
    return replace(layout, max_nodes=min(nodes, 0 if big is not None else 3), event_lines=1)


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
    key: tuple = (width, height, len(state.nodes), len(state.shadowed), state.narration, len(state.events),
           getattr(newest, "ts", None), len(state.zk_servers or []))
    if is_big(state):
        # how many rows a large cluster's not-fine table has changes with any node's trouble:
        # a cheap count of what moves it (a reading going stale is caught at the next refit)
        key += (sum(1 for n in state.nodes.values()
                    if n.state != RUNNING or n.faults is not None and not n.faults.clear
                    or n.connection not in ("", "CONNECTED") or n.api_ok is False or n.silent_since is not None),)
    return key


def fit(state: ClusterState, now: float, width: int, height: int, *, max_events: int = 10,
        stale_after: float = 15.0) -> Layout:
    """The layout render() would choose for a `width` x `height` terminal (see _fit)."""
    return _fit(state, now, stale_after, int(width), int(height), max_events,
                big=_digest(state, now, stale_after))


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
        and a "… N more" line; None shows them all. A cluster of more than digest.BIG
        rows is summarised (view_big.py): only its nodes not fine get rows.
    width, height: the terminal's size; with both, the screen is laid out to fit it
        (see _fit), else every part is drawn as tall as it is.
    layout: a layout fit() chose for this size (a printer keeps one across frames).
    footer: the command hints at the bottom (a replay has none: nothing there can be run).
    """
    big = _digest(state, now, stale_after)
    if width is not None and height is not None and width > 0 and height > 0:
        if layout is None:
            layout = _fit(state, now, stale_after, int(width), int(height), max_events, footer, big)
        if max_nodes is not None:
            layout = replace(layout, max_nodes=min(max_nodes, layout.max_nodes or max_nodes))
    else:
        layout = Layout(max_events=max_events, max_nodes=max_nodes, width=width or 80, footer=footer)
    return Group(*_compose(state, now, stale_after, layout, big))
