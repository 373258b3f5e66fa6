"""The live view: a pure function from ClusterState to a rich renderable.

No I/O and no terminal needed; the printer puts the result on screen.

    from rich.console import Console
    from cluster_sim.supervisor.view import render, format_event

    console = Console()
    console.print(render(state, now=time.time()))
    print(format_event(state.events[-1]))      # "14:02:07.315 leader elected: 3 (epoch 2)"

Events are worded by `wording.describe` in the state's language and coloured
by `wording.level`. Longer than 300 lines because it is the whole screen as
one pure function: its parts (narration, header, ensemble, nodes, events,
footer) are small functions, read top to bottom. Every piece of text that comes from the cluster (ids,
hosts, event text) is put in `Text` objects, never parsed as rich markup, so
"[x]" in an id is harmless.
"""

import math
import time
from typing import Iterable, List, Optional

from rich import box
from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from cluster_sim.netfault.faults import label as fault_label

from .commands import hints
from .events import Event
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


def format_age(age) -> str:
    """0.4s, 12.0s, 3m05s."""
    if age is None:
        return NONE
    age = _finite(age)
    if age is None:
        return "?"
    if age < 60:
        return "%.1fs" % max(0.0, age)
    return format_duration(age)


def _num(value, digits: int = 2) -> str:
    if value is None:
        return NONE
    try:
        return "%.*f" % (digits, float(value))
    except (TypeError, ValueError, OverflowError):
        return str(value)


def _s(value) -> str:
    return "" if value is None else str(value)


# --------------------------------------------------------------------------- narration

def _narration(state: ClusterState) -> Optional[Panel]:
    """What a demo is showing right now: first line the title, the rest the explanation."""
    narration = getattr(state, "narration", None)
    if narration is None:
        return None
    lines = str(narration).splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        return None
    # Text, never markup: a "[x]" in a demo's text is shown as it is
    title = Text(lines[0].strip(), style="bold magenta")
    body = "\n".join(lines[1:]).strip("\n")
    content = Group(title, Text(body)) if body else title
    return Panel(content, box=box.HEAVY, border_style="magenta", padding=(0, 1))


# --------------------------------------------------------------------------- header

def _leader_text(state: ClusterState, now: float) -> Text:
    if state.leader is None:
        return Text("none — election in progress", style="bold red")
    if state.leader_original:
        text = Text.assemble(("node ", "bold"), (_s(state.leader), "bold yellow"),
                             ("  original design: unfenced, no rounds", "yellow"))
    else:
        epoch = "?" if state.epoch is None else str(state.epoch)
        text = Text.assemble(
            ("node ", "bold"), (_s(state.leader), "bold yellow"), ("  epoch ", "bold"), (epoch, "bold")
        )
    if state.leader_since is not None:
        text.append("  (for %s)" % format_duration(now - state.leader_since), style="dim")
    return text


def _mean_text(state: ClusterState) -> Text:
    if state.last_mean is None:
        return Text("no round delivered yet", style="dim")
    text = Text()
    text.append(_num(state.last_mean), style="bold")
    details = []
    if state.last_round is not None:
        details.append("round %s" % state.last_round)
    if state.last_count is not None:
        details.append("%s reading%s" % (state.last_count, "" if state.last_count == 1 else "s"))
    if details:
        text.append("  (" + ", ".join(details) + ")")
    return text


def _api_text(state: ClusterState) -> Text:
    text = Text()
    if state.api_url:
        text.append(state.api_url + "  ")
    if state.api_ok is True:
        text.append("OK", style="green")
    elif state.api_ok is False:
        msg = "UNREACHABLE"
        if state.api_down_since is not None:
            msg += " since " + clock(state.api_down_since, millis=False)
        text.append(msg, style="bold red")
    else:
        text.append("?", style="dim")
    if state.rounds_stored is not None:
        text.append("  · %s rounds stored" % state.rounds_stored)
    return text


def _outbox_text(state: ClusterState) -> Optional[Text]:
    depth = state.outbox_depth or 0
    dropped = state.outbox_dropped or 0
    if depth <= 0 and dropped <= 0:
        return None
    text = Text()
    text.append("%s pending" % depth, style="yellow" if depth else "")
    if depth and state.outbox_oldest is not None:
        text.append(" (oldest round %s)" % state.outbox_oldest)
    if dropped:
        text.append("  · %s dropped" % dropped, style="red")
    return text


def _zk_text(state: ClusterState) -> Text:
    text = Text(state.zk or "?")
    if state.zk_connected:
        text.append("  connected", style="green")
    else:
        text.append("  not connected", style="bold red")
    return text


def _header(state: ClusterState, now: float) -> Panel:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row("Leader", _leader_text(state, now))
    grid.add_row("Mean", _mean_text(state))
    grid.add_row("ZooKeeper", _zk_text(state))
    grid.add_row("API", _api_text(state))
    outbox = _outbox_text(state)
    if outbox is not None:
        grid.add_row("Outbox", outbox)
    if state.started_at:
        grid.add_row("Uptime", format_duration(now - state.started_at))
    if state.join_command:
        grid.add_row("Join", Text(str(state.join_command), style="bold cyan"))
    title = Text.assemble(("clustersim", "bold"), " · ", (_s(state.name) or "default", "bold cyan"))
    return Panel(grid, title=title, title_align="left", box=box.ROUNDED)


# --------------------------------------------------------------------------- zk servers

def _zk_servers(state: ClusterState) -> Optional[Text]:
    servers = list(state.zk_servers or [])
    if len(servers) <= 1:
        return None
    text = Text()
    text.append("ZooKeeper ensemble:", style="bold")
    for server in servers:
        mode = _s(server.mode) or "?"
        style = {"leader": "bold", "follower": "", "standalone": "", "down": "bold red",
                 "no quorum": "bold yellow"}.get(mode, "")
        text.append("   ")
        text.append("#%s " % server.index, style="dim")
        text.append(_s(server.address) + " ")
        text.append(mode, style=style)
        if state.leader_zk and state.leader_zk == server.address:
            text.append(" ← leader's session", style="yellow")
    if not any(s.mode in ("leader", "follower", "observer", "standalone") for s in servers):
        text.append("   → no quorum: nobody can read or write, every session waits", style="bold red")
    return text


# --------------------------------------------------------------------------- nodes

def _notes(node: NodeView, original: bool = False) -> Text:
    parts: List[Text] = []
    if original:
        parts.append(Text("original design", style="yellow"))
    if node.host:
        parts.append(Text(str(node.host), style="cyan" if node.remote else ""))
    if node.remote and node.state != REMOTE:
        parts.append(Text("remote", style="cyan"))
    fault = fault_label(node.faults) if node.faults is not None else ""
    if fault:
        parts.append(Text(fault, style="bold magenta"))   # partition / slow: what the teacher did to it
    conn = _s(node.connection).upper()
    if conn and conn != "CONNECTED":
        parts.append(Text(conn, style=CONNECTION_STYLES.get(conn, "yellow")))
    if node.garbage:
        parts.append(Text("%s bad" % node.garbage, style="red"))
    if node.exit_code is not None and node.state in (CRASHED, STOPPED):
        parts.append(Text("exit %s" % node.exit_code, style="red" if node.state == CRASHED else "dim"))
    return Text(" · ").join(parts)


def _node_row(node: NodeView, now: float, stale_after: float, original: bool = False) -> list:
    is_leader = node.role == LEADER
    id_text = Text(_s(node.id), style="bold yellow" if is_leader else "bold")
    state = _s(node.state) or "?"
    state_text = Text(state, style=STATE_STYLES.get(state, ""))
    if is_leader:
        role_text = Text(LEADER_MARK + " " + LEADER, style="bold yellow")
    elif node.role == FOLLOWER:
        role_text = Text(FOLLOWER, style="dim")
    else:
        role_text = Text(_s(node.role), style="dim")
    reading = Text(_num(node.value), style="bold yellow" if is_leader else "")
    age = node.age(now) if node.reading_ts is not None else None
    try:
        stale = age is not None and float(age) > float(stale_after)
    except (TypeError, ValueError):
        stale = False
    age_text = Text(format_age(age), style="red" if stale else "")
    pid = Text(NONE if node.pid is None else str(node.pid), style="dim")
    return [id_text, pid, state_text, role_text, reading, age_text, _notes(node, original and is_leader)]


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


def _node_table(state: ClusterState, now: float, stale_after: float, max_nodes: Optional[int]) -> Table:
    nodes = state.sorted_nodes() if state.nodes else []
    shown, hidden = _pick_nodes(nodes, state.leader, max_nodes)
    table = Table(box=box.SIMPLE_HEAD, expand=False, pad_edge=False, show_edge=False)
    table.add_column("id", overflow="fold", max_width=32)
    table.add_column("pid", justify="right", no_wrap=True)
    table.add_column("state", no_wrap=True)
    table.add_column("role", no_wrap=True)
    table.add_column("reading", justify="right", no_wrap=True)
    table.add_column("age", justify="right", no_wrap=True)
    table.add_column("host / notes", overflow="fold")
    for node in shown:
        original = state.leader_original and node.id == state.leader
        table.add_row(*_node_row(node, now, stale_after, original))
    if not nodes:
        table.add_row(Text("no nodes", style="dim"), "", "", "", "", "", "")
    if hidden:
        table.add_row(Text("… %d more (clustersim status)" % hidden, style="dim"), "", "", "", "", "", "")
    return table


# --------------------------------------------------------------------------- events

def _event_line(event: Event, lang: str) -> Text:
    return Text(format_event(event, lang), style=EVENT_STYLES.get(level(event), ""))


def _events(events: Iterable[Event], max_events: int, lang: str = "en") -> Panel:
    events = list(events or [])
    last = events[-max_events:] if max_events > 0 else []
    if last:
        body = Group(*[_event_line(e, lang) for e in last])
    else:
        body = Text("no events yet", style="dim")
    return Panel(body, title="events", title_align="left", box=box.ROUNDED)


def _footer(state: ClusterState) -> Text:
    text = Text(CONTROL_HINTS, style="dim")
    if state.name and state.name != "default":
        text.append("   (--name %s)" % state.name, style="dim")
    return text


# --------------------------------------------------------------------------- render

def render(
    state: ClusterState,
    now: float,
    *,
    max_events: int = 10,
    stale_after: float = 15.0,
    max_nodes: Optional[int] = None,
) -> Group:
    """The whole screen for `state` at wall-clock `now`.

    max_events: how many of the latest events the log shows.
    stale_after: a reading older than this many seconds has its age in red.
    max_nodes: show at most this many node rows (the leader's always among them)
        and a "… N more" row; None shows them all.
    """
    parts = []
    narration = _narration(state)
    if narration is not None:
        parts.append(narration)
    parts.append(_header(state, now))
    servers = _zk_servers(state)
    if servers is not None:
        parts.append(servers)
    parts.append(_node_table(state, now, stale_after, max_nodes))
    parts.append(_events(state.events, max_events, getattr(state, "lang", "en") or "en"))
    parts.append(_footer(state))
    return Group(*parts)
