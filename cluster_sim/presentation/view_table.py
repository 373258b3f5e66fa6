"""The live view's bottom: the node table, the event log and the footer.

    from cluster_sim.presentation.view_table import _events, _node_table
    _node_table(state, now, 15.0, Layout(width=80))     # a rich renderable

Pure functions of ClusterState, as the rest of the view (view.py fits them to a terminal).
"""

import math
from typing import Any, Iterable, List, Optional, Tuple

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from cluster_sim.engine.events import Event
from cluster_sim.words.labels import label, plural, word
from cluster_sim.presentation.status_view import fault_notes
from cluster_sim.engine.state import (
    CRASHED, FOLLOWER, LEADER, PAUSED, REMOTE, RUNNING, STARTING, STOPPED, ClusterState, NodeView, session_state,
)
from cluster_sim.presentation.wording import level
from cluster_sim.presentation.view_common import (
    CONNECTION_STYLES, CONTROL_HINTS, EVENT_STYLES, LEADER_MARK, NONE, STATE_STYLES, Layout, _finite, _lang, _measure,
    _num, _s, format_age, format_event,
)

# --------------------------------------------------------------------------- nodes

def _fault_notes(node: NodeView, lang: str) -> List[str]:
    """'cut off from zk', 'slow 300±50 ms': the node's network faults, in the state's language."""
    return [] if node.faults is None or node.faults.clear else fault_notes(node.faults.to_json(), lang)


def _notes(state: ClusterState, node: NodeView, original: bool = False, now: float = 0.0) -> Text:
    lang = _lang(state)
    parts: List[Text] = []
    if original:
        parts.append(Text(label("original", lang), style="yellow"))
    if node.host:
        parts.append(Text(str(node.host), style="cyan" if node.remote else ""))
    if node.remote and node.state != REMOTE:
        parts.append(Text(label("remote", lang), style="cyan"))
    if node.api_ok is False:
        parts.append(Text(label("no_api", lang), style="bold red"))
    # partition / slow: what the teacher did to it
    parts += [Text(f, style="bold magenta") for f in _fault_notes(node, lang)]
    if node is state.shadowed.get(node.id):
        holder = state.nodes.get(node.id)
        who = (label("holder", lang, pid=_s(holder.pid) or "?", host=_s(holder.host) or "?")
               if holder is not None and (holder.pid or holder.host) else label("another_process", lang))
        parts.append(Text(label("waits_for_id", lang, id=node.id, holder=who), style="yellow"))
    conn = _s(node.connection).upper()
    if conn and conn != "CONNECTED" and node.state not in (STOPPED, CRASHED):
        parts.append(Text(conn, style=CONNECTION_STYLES.get(conn, "yellow")))
    if node.garbage:
        parts.append(Text(plural("bad_readings", node.garbage, lang), style="red"))
    if node.exit_code is not None and node.state in (CRASHED, STOPPED):
        parts.append(Text(label("exit", lang, code=node.exit_code),
                          style="red" if node.state == CRASHED else "dim"))
    if node.state == CRASHED and node.role:
        parts.append(Text(label("session_open", lang), style="yellow"))
    if node.role == LEADER and node.id == state.leader and state.leader_state() == "holding":
        parts.append(Text(label("holding", lang), style="bold magenta"))
    left = state.countdown(node, now)
    if left is not None:
        parts.append(Text(label("expires_in", lang, time=f"{_num(left, 1, lang)} s"), style="bold red"))
    elif node.deposed and node.state not in (STOPPED, CRASHED):
        parts.append(Text(label("deposed", lang), style="bold red"))
    elif session_state(node) == "expired" and node.state not in (STOPPED, CRASHED):
        parts.append(Text(label("session_expired", lang), style="red"))
    return Text(" · ").join(parts)


def queue_text(state: ClusterState, node: NodeView) -> str:
    """'#0007 ← 1': the node's election znode (its sequence, last 4 digits) and the node it watches: its
    predecessor, or under the herd the leader (every candidate watches the one leader znode)."""
    for position, (candidate, seq) in enumerate(state.queue):
        if candidate == node.id:
            text = "#" + f"{seq:04d}"[-4:]
            if state.teaching:
                return text if node.id == state.leader or state.leader is None else f"{text} ← {state.leader}"
            return text if not position else f"{text} ← {state.queue[position - 1][0]}"
    return NONE


# the queue column takes 14 columns: narrower terminals keep the notes (its countdown) instead
QUEUE_MIN_WIDTH = 72
BIG_QUEUE_MIN_WIDTH = 100


def _node_row(state: ClusterState, node: NodeView, now: float, stale_after: float, with_queue: bool = False) -> list:
    original = state.leader_original and node.id == state.leader and node.role == LEADER
    lang = _lang(state)
    is_leader = node.role == LEADER
    id_text = Text(_s(node.id), style="bold yellow" if is_leader else "bold")
    state_name = _s(node.state) or "?"
    state_text = Text(word("state", state_name, lang), style=STATE_STYLES.get(state_name, ""))
    if is_leader:
        role_text = Text(LEADER_MARK + " " + word("role", LEADER, lang),
                         style="bold yellow" if node.state != CRASHED else "yellow")
    elif node.role == FOLLOWER:
        role_text = Text(word("role", FOLLOWER, lang), style="dim")
    else:
        role_text = Text(_s(node.role), style="dim")
    reading = Text(_num(node.value, lang=lang), style="bold yellow" if is_leader else "")
    age = node.age(now) if node.reading_ts is not None else None
    try:
        stale = age is not None and float(age) > float(stale_after)
    except (TypeError, ValueError):
        stale = False
    age_text = Text(format_age(age, lang), style="red" if stale else "")
    pid = Text(NONE if node.pid is None else str(node.pid), style="dim")
    cells = [id_text, pid, state_text, role_text, reading, age_text, _notes(state, node, original, now)]
    if with_queue:
        cells.insert(4, Text(queue_text(state, node), style="yellow" if is_leader else ""))
    return cells


STATES = (RUNNING, STARTING, PAUSED, STOPPED, CRASHED, REMOTE)


def _widest(kind: str, values: Iterable[Any], lang: str) -> int:
    return max(len(word(kind, v, lang)) for v in values)


def _pick_nodes(nodes: List[NodeView], leader: Optional[str],
                max_nodes: Optional[int]) -> Tuple[List[NodeView], int]:
    """The rows to show when only `max_nodes` fit; the leader's row always stays."""
    if max_nodes is None or len(nodes) <= max_nodes:
        return nodes, 0
    max_nodes = max(0, int(max_nodes))
    shown = nodes[:max_nodes]
    leaders = [n for n in nodes if n.role == LEADER or (leader is not None and n.id == leader)]
    if max_nodes and leaders and leaders[0] not in shown:
        shown = shown[:-1] + [leaders[0]]
    return shown, len(nodes) - len(shown)


def _node_table(state: ClusterState, now: float, stale_after: float, layout: Layout,
                rows: Optional[List[NodeView]] = None, more: str = "more_nodes") -> RenderableType:
    """Every row (or `rows`: a large cluster's not-fine ones), as many as the layout fits and a
    line (`more`, a key of the catalogue) saying how many are left out."""
    lang = _lang(state)
    if rows is not None:
        nodes = rows
    else:
        nodes = state.sorted_nodes() if (state.nodes or state.shadowed) else []
    shown, hidden = _pick_nodes(nodes, state.leader, layout.max_nodes)
    table = Table(box=box.SIMPLE_HEAD if layout.table_rule else None, expand=False, pad_edge=False,
                  show_edge=False, header_style="bold" if layout.table_rule else "bold underline")
    # minimum widths: a column must not shift when an age reaches 10 s or a node starts
    table.add_column(label("col_id", lang), overflow="fold", max_width=32, min_width=2)
    table.add_column(label("col_pid", lang), justify="right", no_wrap=True, min_width=7)
    # as wide as the language's longest state and role: a column must not shift when a node starts
    table.add_column(label("col_state", lang), no_wrap=True, min_width=_widest("state", STATES, lang))
    role_width = max(len(LEADER_MARK + " " + word("role", LEADER, lang)), len(word("role", FOLLOWER, lang)))
    table.add_column(label("col_role", lang), no_wrap=True, min_width=role_width)
    # a large cluster's not-fine rows say what is wrong in their notes: those keep the room
    with_queue = bool(state.queue) and layout.width >= (QUEUE_MIN_WIDTH if rows is None else BIG_QUEUE_MIN_WIDTH)
    if with_queue:
        table.add_column(label("col_queue", lang), no_wrap=True, min_width=5)
    table.add_column(label("col_reading", lang), justify="right", no_wrap=True, min_width=7)
    table.add_column(label("col_age", lang), justify="right", no_wrap=True, min_width=6)
    table.add_column(label("col_notes", lang), overflow="fold")
    for node in shown:
        table.add_row(*_node_row(state, node, now, stale_after, with_queue))
    if not nodes and rows is None:
        table.add_row(Text(label("no_nodes", lang), style="dim"), *([""] * (7 if with_queue else 6)))
    if not hidden:
        return table
    # below the table, not in it: a long line in the id column would widen it
    return Group(table, Text(label(more, lang, n=hidden), style="dim"))


# --------------------------------------------------------------------------- events

def _event_line(event: Event, lang: str, base: Optional[int] = None) -> Text:
    return Text(format_event(event, lang, base), style=EVENT_STYLES.get(level(event), ""))


def _in_time_order(events: Iterable[Event]) -> List[Event]:
    """The log in the order things happened (reports from nodes can arrive after the supervisor's
    own events of a later moment); equal times keep their arrival order."""
    def when(event: Event) -> float:
        ts = _finite(getattr(event, "ts", None))
        return ts if ts is not None else -math.inf
    return sorted(list(events or []), key=when)


def _events(state: ClusterState, layout: Layout) -> RenderableType:
    lang = _lang(state)
    events = _in_time_order(state.events)
    if layout.event_lines is not None:
        lines = _newest_lines(events, layout.event_lines, lang, layout.events_width, state.round_base())
    else:
        last = events[-layout.max_events:] if layout.max_events > 0 else []
        lines = [_event_line(e, lang, state.round_base()) for e in last]
    body: RenderableType = Group(*lines) if lines else Text(label("no_events", lang), style="dim")
    if layout.boxed_events:
        return Panel(body, title=label("events", lang), title_align="left", box=box.ROUNDED)
    return Group(Rule(Text(label("events", lang)), align="left", style="dim"), body)


def _newest_lines(events: List[Event], room: int, lang: str, width: int,
                  base: Optional[int] = None) -> List[Text]:
    """The newest events that fit in `room` screen lines of `width` columns, wrapped lines
    counted; when even the newest one alone does not fit, it is cut to what does."""
    shown: List[Text] = []
    used = 0
    console = _measure()
    for event in reversed(events):
        line = _event_line(event, lang, base)
        height = len(line.wrap(console, width))
        if used + height > room:
            if not shown and room > 0:
                line.truncate(width * room - 1)
                line.append("…")
                shown.append(line)
            break
        shown.append(line)
        used += height
    return list(reversed(shown))


def _footer(state: ClusterState) -> Text:
    text = Text(CONTROL_HINTS, style="dim")
    if state.name and state.name != "default":
        text.append("   (--name %s)" % state.name, style="dim")
    return text
