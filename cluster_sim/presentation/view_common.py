"""The live view's shared pieces: styles, time and number formats, and the Layout the parts are drawn with.

    from cluster_sim.presentation.view_common import clock, format_event, Layout
    clock(1_700_000_000.0)                   # "23:13:20.000" (local time)
    Layout(width=80).events_width            # 76: the events' box takes 4 columns

Split from view.py by job (issue 23): view_header.py and view_table.py draw the
parts, view.py fits them to a terminal.
"""

import io
import math
import time
from dataclasses import dataclass
from typing import Any, Optional

from rich.console import Console

from cluster_sim.node.settings import default_lag
from cluster_sim.words.lang import number
from cluster_sim.control.commands import hints
from cluster_sim.engine.events import Event
from cluster_sim.engine.state import CRASHED, PAUSED, REMOTE, RUNNING, STARTING, STOPPED, ClusterState
from cluster_sim.presentation.wording import describe

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

def clock(ts: Any, millis: bool = True) -> str:
    """Local wall-clock time of `ts` (seconds since the epoch): "HH:MM:SS.mmm"."""
    try:
        seconds, ms = divmod(int(round(float(ts) * 1000)), 1000)
        base = time.strftime("%H:%M:%S", time.localtime(seconds))
    except (TypeError, ValueError, OverflowError, OSError):
        return "??:??:??.???" if millis else "??:??:??"
    return "%s.%03d" % (base, ms) if millis else base


def format_event(event: Event, lang: str = "en", base: Optional[int] = None) -> str:
    """One plain line for an event: "HH:MM:SS.mmm text" (local time, no markup); rounds counted
    from `base`, the cluster's first round, when it is known."""
    text = describe(event, lang, base)
    text = "" if text is None else str(text)
    text = " ".join(text.splitlines()) if ("\n" in text or "\r" in text) else text
    return "%s %s" % (clock(getattr(event, "ts", None)), text)


def _finite(value: Any) -> Optional[float]:
    """`value` as a finite float, or None."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def format_duration(seconds: Any) -> str:
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


def format_age(age: Any, lang: str = "en") -> str:
    """0.4s, 12.0s, 3m05s (0,4s in Spanish)."""
    if age is None:
        return NONE
    age = _finite(age)
    if age is None:
        return "?"
    if age < 60:
        return number(lang, max(0.0, age), 1) + "s"
    return format_duration(age)


def round_text(state: ClusterState, round_no: Any) -> str:
    """A round as the screen shows it: counted from the session's start ("12"), since a round's
    own number (seconds since 1970 over the interval) is ten digits nobody can read from the
    back of a room. `status --json` and the export keep the full number."""
    from cluster_sim.engine.round_count import shown

    return shown(round_no, state.round_base())


def _num(value: Any, digits: int = 2, lang: str = "en") -> str:
    """A reading or a mean in the language's notation (78.79, 78,79)."""
    if value is None:
        return NONE
    text = number(lang, value, digits)
    return str(value) if text == "?" else text


def _s(value: Any) -> str:
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
    footer: bool = True              # the command hints: off in a replay, where nothing can be run

    @property
    def events_width(self) -> int:
        return max(10, self.width - 4 if self.boxed_events else self.width)

    @property
    def narration_width(self) -> int:
        return max(10, self.width - 4 if self.boxed_narration else self.width)


def _measure() -> Console:
    """A console to measure with: it writes to a string buffer, never to a terminal."""
    return Console(width=80, file=io.StringIO(), color_system=None, force_terminal=False,
                   force_jupyter=False, legacy_windows=False)
