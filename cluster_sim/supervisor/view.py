"""The live view: a pure function from ClusterState to a rich renderable.

No I/O and no terminal needed; the printer puts the result on screen.

    from rich.console import Console
    from cluster_sim.supervisor.view import render, format_event

    console = Console()
    console.print(render(state, now=time.time()))                 # everything, as tall as it is
    console.print(render(state, now, width=80, height=24))        # laid out to fit an 80x24 terminal
    print(format_event(state.events[-1]))      # "14:02:07.315 leader elected: 3 (epoch 2)"

Events are worded by `wording.describe` in the state's language and coloured
by `wording.level`; every other word on screen is a label from labels.py.
Longer than 300 lines because it is the whole screen as one pure function:
its parts (narration, header, ensemble, nodes, events, footer) are small
functions, read top to bottom, and `_fit` chooses how they share a terminal
of a given size. Every piece of text that comes from the cluster (ids, hosts,
event text) is put in `Text` objects, never parsed as rich markup, so "[x]"
in an id is harmless.
"""

import io
import math
import re
import time
from dataclasses import dataclass, replace
from typing import Dict, Iterable, List, Optional

from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from cluster_sim.node.settings import default_lag

from .commands import hints
from .events import Event
from cluster_sim.lang import number

from .labels import label, plural, word
from .status_view import fault_notes
from .state import (
    CRASHED,
    FOLLOWER,
    LEADER,
    PAUSED,
    REMOTE,
    RUNNING,
    STARTING,
    STOPPED,
    ClusterState,
    NodeView,
)
from .wording import describe, level

__all__ = [
    "render",
    "format_event",
    "clock",
    "format_duration",
    "format_age",
    "round_text",
    "CONTROL_HINTS",
]

STATE_STYLES = {
    RUNNING: "green",
    PAUSED: "yellow",
    STOPPED: "dim",
    CRASHED: "bold red",
    REMOTE: "cyan",
    STARTING: "blue",
}

EVENT_STYLES = {
    "leader": "bold yellow",
    "warn": "yellow",
    "error": "red",
}

CONNECTION_STYLES = {
    "SUSPENDED": "yellow",
    "LOST": "bold red",
}

LEADER_MARK = "★"
NONE = "—"
ALIVE = (RUNNING, STARTING, PAUSED, REMOTE)

CONTROL_HINTS = hints()


# --------------------------------------------------------------------------- helpers

def clock(ts, millis: bool = True) -> str:
    """Local wall-clock time of `ts` (seconds since the epoch): "HH:MM:SS.mmm"."""
    try:
        seconds, ms = divmod(int(round(float(ts) * 1000)), 1000)
        base = time.strftime("%H:%M:%S", time.localtime(seconds))
    except (TypeError, ValueError, OverflowError, OSError):
        return "??:??:??.???" if millis else "??:??:??"
    return "%s.%03d" % (base, ms) if millis else base


def format_event(event: Event, lang: str = "en") -> str:
    """One plain line for an event: "HH:MM:SS.mmm text" (local time, no markup)."""
    text = describe(event, lang)
    text = "" if text is None else str(text)
    text = " ".join(text.splitlines()) if ("\n" in text or "\r" in text) else text
    return "%s %s" % (clock(getattr(event, "ts", None)), text)


def _finite(value) -> Optional[float]:
    """`value` as a finite float, or None."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def format_duration(seconds) -> str:
    """12s, 3m05s, 2h07m."""
    seconds = _finite(seconds)
    if seconds is None:
        return "?"
    seconds = int(max(0.0, seconds))
    if seconds < 60:
        return "%ds" % seconds
    if seconds < 3600:
        return "%dm%02ds" % divmod(seconds, 60)
    hours, rest = divmod(seconds, 3600)
    return "%dh%02dm" % (hours, rest // 60)


def format_age(age, lang: str = "en") -> str:
    """0.4s, 12.0s, 3m05s (0,4s in Spanish)."""
    if age is None:
        return NONE
    age = _finite(age)
    if age is None:
        return "?"
    if age < 60:
        return number(lang, max(0.0, age), 1) + "s"
    return format_duration(age)


def round_text(state: ClusterState, round_no) -> str:
    """A round as the screen shows it: counted from the session's start ("12"), since a round's
    own number (seconds since 1970 over the interval) is ten digits nobody can read from the
    back of a room. `status --json` and the export keep the full number."""
    if round_no is None:
        return "?"
    base = state.round_base()
    try:
        return str(int(round_no) - base) if base is not None else str(round_no)
    except (TypeError, ValueError):
        return str(round_no)


def _num(value, digits: int = 2, lang: str = "en") -> str:
    """A reading or a mean in the language's notation (78.79, 78,79)."""
    if value is None:
        return NONE
    text = number(lang, value, digits)
    return str(value) if text == "?" else text


def _s(value) -> str:
    return "" if value is None else str(value)


def _lang(state: ClusterState) -> str:
    return getattr(state, "lang", "en") or "en"


def _lag(state: ClusterState) -> float:
    """How long a round normally takes to be computed and delivered (the node's own rule)."""
    interval = _finite(getattr(state, "interval", None))
    return default_lag(interval) if interval and interval > 0 else 1.0


# --------------------------------------------------------------------------- layout

@dataclass(frozen=True)
class Layout:
    """How the parts share the screen; _fit() picks the roomiest one that fits."""

    compact_header: bool = False     # no box, the uptime in the title line, no Join row
    boxed_events: bool = True
    boxed_narration: bool = True
    narration_lines: Optional[int] = None   # None: all of it
    table_rule: bool = True          # the line under the column headers
    max_nodes: Optional[int] = None
    max_events: int = 10
    event_lines: Optional[int] = None       # screen lines the events may use (None: max_events events)
    width: int = 80                  # the terminal's columns (what wrapped lines are counted at)

    @property
    def events_width(self) -> int:
        return max(10, self.width - 4 if self.boxed_events else self.width)

    @property
    def narration_width(self) -> int:
        return max(10, self.width - 4 if self.boxed_narration else self.width)


# --------------------------------------------------------------------------- narration

_SENTENCE_END = re.compile(r"[.:?!)»]$")


def _reflow(body: str) -> str:
    """Join lines broken in mid-sentence, so the terminal wraps them at its own width; a
    line that ends a sentence, and blank lines, stay."""
    out: List[str] = []
    for line in body.splitlines():
        line = line.rstrip()
        if out and out[-1] and line and not _SENTENCE_END.search(out[-1]):
            out[-1] += " " + line.lstrip()
        else:
            out.append(line)
    return "\n".join(out)


def _narration(state: ClusterState, layout: Layout) -> Optional[RenderableType]:
    """What a demo is showing right now: its title, its explanation, the question, the hint."""
    shown = state.narration
    if shown is None or not shown.title.strip():
        return None
    # Text, never markup: a "[x]" in a demo's text is shown as it is
    title = Text(shown.title.strip(), style="bold magenta")
    parts = [shown.body]
    if shown.question:
        parts.append(label("demo.ask", state.lang) + " " + shown.question)
    body = "\n".join(p for p in parts if p)
    if shown.hint:
        body = f"{body}\n\n{shown.hint}" if body else shown.hint
    body = _reflow(body.strip("\n"))
    text = Text(body, overflow="fold") if body else None
    if layout.narration_lines is not None and text is not None:
        text = _first_lines(text, layout.narration_lines, layout.narration_width)
    if layout.boxed_narration:
        content = Group(title, text) if text is not None else title
        return Panel(content, box=box.HEAVY, border_style="magenta", padding=(0, 1))
    rule = Rule(title, style="magenta", align="left", characters="━")
    return Group(rule, text) if text is not None else rule


def _first_lines(text: Text, lines: int, width: int) -> Optional[Text]:
    """`text` cut to its first `lines` lines as wrapped at `width`."""
    if lines <= 0:
        return None
    wrapped = text.wrap(_measure(), width)
    if len(wrapped) <= lines:
        return text
    kept = Text("\n").join(wrapped[:lines])
    kept.append(" …", style="dim")
    return kept


# --------------------------------------------------------------------------- header

def _leader_text(state: ClusterState, now: float) -> Text:
    lang = _lang(state)
    if state.leader is None:
        alive = any(n.state in ALIVE for n in state.sorted_nodes())
        return Text(label("no_leader" if alive or not state.nodes else "no_leader_no_node", lang),
                    style="bold red")
    if state.leader_original:
        text = Text.assemble((label("node", lang) + " ", "bold"), (_s(state.leader), "bold yellow"),
                             ("  " + label("original_leader", lang), "yellow"))
    else:
        epoch = "?" if state.epoch is None else str(state.epoch)
        text = Text.assemble(
            (label("node", lang) + " ", "bold"), (_s(state.leader), "bold yellow"),
            ("  " + label("epoch", lang) + " ", "bold"), (epoch, "bold")
        )
    if state.leader_since is not None:
        text.append("  " + label("leading_for", lang, duration=format_duration(now - state.leader_since)),
                    style="dim")
    return text


def _mean_text(state: ClusterState, now: float) -> Text:
    lang = _lang(state)
    text = Text()
    if state.last_mean is None and state.last_count != 0:
        text.append(label("no_round", lang), style="dim")
    else:
        text.append(_num(state.last_mean, lang=lang) if state.last_mean is not None else label("no_readings", lang),
                    style="bold")
        details = []
        if state.last_round is not None:
            details.append(label("round", lang, round=round_text(state, state.last_round)))
        elif state.last_row is not None:
            details.append(label("row", lang, row=state.last_row))
        if state.last_count:
            details.append(plural("readings", state.last_count, lang))
        if details:
            text.append("  (" + ", ".join(details) + ")")
    waiting = _waiting_text(state, now)
    if waiting is not None:
        text.append("  · ")
        text.append_text(waiting)
    return text


def _waiting_text(state: ClusterState, now: float) -> Optional[Text]:
    """"round 12 waits for node 3", once a round has waited longer than the round lag."""
    if state.waiting_round is None or not state.waiting_for:
        return None
    since = state.waiting_since
    if since is None or now - since <= _lag(state):
        return None
    lang = _lang(state)
    nodes = list(state.waiting_for)
    who = label("waits_node" if len(nodes) == 1 else "waits_nodes", lang, nodes=", ".join(nodes))
    return Text(label("waits_for", lang, round=round_text(state, state.waiting_round), who=who), style="yellow")


def _api_text(state: ClusterState) -> Text:
    lang = _lang(state)
    text = Text()
    if state.api_url:
        text.append(state.api_url + "  ")
    delivery = state.delivery
    if delivery is not None and delivery.ok is False:
        # never "OK" while the leader's own deliveries fail: name it and where it delivers
        since = clock(delivery.since, millis=False) if delivery.since is not None else "?"
        text.append(label("delivery_down", lang, node=delivery.leader, url=delivery.url or "?", time=since),
                    style="bold red")
    elif state.api_ok is True:
        text.append(label("api_ok", lang), style="green")
    elif state.api_ok is False:
        if state.api_down_since is not None:
            msg = label("api_down_since", lang, time=clock(state.api_down_since, millis=False))
        else:
            msg = label("api_down", lang)
        text.append(msg, style="bold red")
    else:
        text.append("?", style="dim")
    if state.rounds_stored is not None:
        unrounded = state.rows_unrounded or 0
        text.append("  · " + plural("rounds_stored", max(0, state.rounds_stored - unrounded), lang))
        if unrounded:
            text.append("  · " + plural("rows_unrounded", unrounded, lang), style="yellow")
    return text


def _outbox_text(state: ClusterState, now: float) -> Optional[Text]:
    """Shown when a round waits in the outbox longer than the round lag, or rounds were dropped:
    the round in flight every interval is normal, and would only flash."""
    lang = _lang(state)
    depth = state.outbox_depth or 0
    dropped = state.outbox_dropped or 0
    since = state.outbox_since
    waiting = depth > 0 and since is not None and now - since > _lag(state)
    if not waiting and dropped <= 0:
        return None
    text = Text()
    if waiting:
        text.append(plural("pending", depth, lang), style="yellow")
        if state.outbox_oldest is not None:
            text.append(" " + label("oldest_round", lang, round=round_text(state, state.outbox_oldest),
                                    duration=format_duration(now - since)))
    if dropped:
        text.append(("  · " if waiting else "") + plural("dropped", dropped, lang), style="red")
    return text


def _zk_text(state: ClusterState) -> Text:
    lang = _lang(state)
    text = Text(state.zk or "?")
    if state.zk_connected:
        text.append("  " + label("connected", lang), style="green")
    else:
        text.append("  " + label("not_connected", lang), style="bold red")
    return text


def _header(state: ClusterState, now: float, layout: Layout) -> RenderableType:
    lang = _lang(state)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(label("leader", lang), _leader_text(state, now))
    grid.add_row(label("mean", lang), _mean_text(state, now))
    grid.add_row(label("zookeeper", lang), _zk_text(state))
    grid.add_row(label("api", lang), _api_text(state))
    outbox = _outbox_text(state, now)
    if outbox is not None:
        grid.add_row(label("outbox", lang), outbox)
    title = Text.assemble((label("title", lang), "bold"), " · ", (_s(state.name) or "default", "bold cyan"))
    if layout.compact_header:
        if state.started_at:
            title.append(" · " + label("up_for", lang, duration=format_duration(now - state.started_at)),
                         style="dim")
        return Group(Rule(title, align="left", style="dim"), grid)
    if state.started_at:
        grid.add_row(label("uptime", lang), format_duration(now - state.started_at))
    if state.join_command:
        grid.add_row(label("join", lang), Text(str(state.join_command), style="bold cyan"))
    return Panel(grid, title=title, title_align="left", box=box.ROUNDED)


# --------------------------------------------------------------------------- zk servers

def _zk_servers(state: ClusterState) -> Optional[Text]:
    servers = list(state.zk_servers or [])
    if len(servers) <= 1:
        return None
    lang = _lang(state)
    text = Text()
    text.append(label("ensemble", lang), style="bold")
    for server in servers:
        mode = _s(server.mode) or "?"
        style = {"leader": "bold", "follower": "", "standalone": "", "down": "bold red",
                 "no quorum": "bold yellow"}.get(mode, "")
        text.append("   ")
        text.append("#%s " % server.index, style="dim")
        text.append(_s(server.address) + " ")
        text.append(word("mode", mode, lang), style=style)
        if state.leader_zk and state.leader_zk == server.address:
            text.append(" " + label("leaders_session", lang), style="yellow")
    if not any(s.mode in ("leader", "follower", "observer", "standalone") for s in servers):
        text.append("   " + label("no_quorum", lang), style="bold red")
    return text


# --------------------------------------------------------------------------- nodes

def _fault_notes(node: NodeView, lang: str) -> List[str]:
    """'cut off from zk', 'slow 300±50 ms': the node's network faults, in the state's language."""
    return [] if node.faults is None or node.faults.clear else fault_notes(node.faults.to_json(), lang)


def _notes(state: ClusterState, node: NodeView, original: bool = False) -> Text:
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
    return Text(" · ").join(parts)


def _node_row(state: ClusterState, node: NodeView, now: float, stale_after: float) -> list:
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
    return [id_text, pid, state_text, role_text, reading, age_text, _notes(state, node, original)]


STATES = (RUNNING, STARTING, PAUSED, STOPPED, CRASHED, REMOTE)


def _widest(kind: str, values, lang: str) -> int:
    return max(len(word(kind, v, lang)) for v in values)


def _pick_nodes(nodes: List[NodeView], leader: Optional[str], max_nodes: Optional[int]):
    """The rows to show when only `max_nodes` fit; the leader's row always stays."""
    if max_nodes is None or len(nodes) <= max_nodes:
        return nodes, 0
    max_nodes = max(0, int(max_nodes))
    shown = nodes[:max_nodes]
    leaders = [n for n in nodes if n.role == LEADER or (leader is not None and n.id == leader)]
    if max_nodes and leaders and leaders[0] not in shown:
        shown = shown[:-1] + [leaders[0]]
    return shown, len(nodes) - len(shown)


def _node_table(state: ClusterState, now: float, stale_after: float, layout: Layout) -> RenderableType:
    lang = _lang(state)
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
    table.add_column(label("col_reading", lang), justify="right", no_wrap=True, min_width=7)
    table.add_column(label("col_age", lang), justify="right", no_wrap=True, min_width=6)
    table.add_column(label("col_notes", lang), overflow="fold")
    for node in shown:
        table.add_row(*_node_row(state, node, now, stale_after))
    if not nodes:
        table.add_row(Text(label("no_nodes", lang), style="dim"), "", "", "", "", "", "")
    if not hidden:
        return table
    # below the table, not in it: a long line in the id column would widen it
    return Group(table, Text(label("more_nodes", lang, n=hidden), style="dim"))


# --------------------------------------------------------------------------- events

def _event_line(event: Event, lang: str) -> Text:
    return Text(format_event(event, lang), style=EVENT_STYLES.get(level(event), ""))


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
        lines = _newest_lines(events, layout.event_lines, lang, layout.events_width)
    else:
        last = events[-layout.max_events:] if layout.max_events > 0 else []
        lines = [_event_line(e, lang) for e in last]
    body: RenderableType = Group(*lines) if lines else Text(label("no_events", lang), style="dim")
    if layout.boxed_events:
        return Panel(body, title=label("events", lang), title_align="left", box=box.ROUNDED)
    return Group(Rule(Text(label("events", lang)), align="left", style="dim"), body)


def _newest_lines(events: List[Event], room: int, lang: str, width: int) -> List[Text]:
    """The newest events that fit in `room` screen lines of `width` columns, wrapped lines
    counted; when even the newest one alone does not fit, it is cut to what does."""
    shown: List[Text] = []
    used = 0
    console = _measure()
    for event in reversed(events):
        line = _event_line(event, lang)
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


# --------------------------------------------------------------------------- fitting a terminal

def _measure() -> Console:
    """A console to measure with: it writes to a string buffer, never to a terminal."""
    return Console(width=80, file=io.StringIO(), color_system=None, force_terminal=False,
                   force_jupyter=False, legacy_windows=False)


def _height(renderable: RenderableType, width: int) -> int:
    console = _measure()
    return len(console.render_lines(renderable, console.options.update_width(max(1, width)), pad=False))


def _parts(state: ClusterState, now: float, stale_after: float, layout: Layout):
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
    yield ("footer",), _footer(state)


def _compose(state: ClusterState, now: float, stale_after: float, layout: Layout) -> List[RenderableType]:
    return [part for _, part in _parts(state, now, stale_after, layout)]


def _fit(state: ClusterState, now: float, stale_after: float, width: int, height: int,
         max_events: int) -> Layout:
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

    base = Layout(max_events=max_events, width=width)
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
) -> Group:
    """The whole screen for `state` at wall-clock `now`.

    max_events: how many of the latest events the log shows (at most).
    stale_after: a reading older than this many seconds has its age in red.
    max_nodes: show at most this many node rows (the leader's always among them)
        and a "… N more" line; None shows them all.
    width, height: the terminal's size; with both, the screen is laid out to fit it
        (see _fit), else every part is drawn as tall as it is.
    layout: a layout fit() chose for this size (a printer keeps one across frames).
    """
    if width is not None and height is not None and width > 0 and height > 0:
        if layout is None:
            layout = _fit(state, now, stale_after, int(width), int(height), max_events)
        if max_nodes is not None:
            layout = replace(layout, max_nodes=min(max_nodes, layout.max_nodes or max_nodes))
    else:
        layout = Layout(max_events=max_events, max_nodes=max_nodes, width=width or 80)
    return Group(*_compose(state, now, stale_after, layout))
