"""Putting the view on screen: a live table on a terminal, plain event lines otherwise.

    from cluster_sim.supervisor.printer import choose_printer

    with choose_printer() as printer:          # LivePrinter on a TTY, else PlainPrinter
        while running:
            printer.update(state, time.time())  # call at >= 4 Hz
            time.sleep(0.25)
    # or printer.start() ... printer.stop(final_renderable=render(state, now))

LivePrinter redraws the whole view (rich.live.Live, no auto refresh: each
update() is one frame). PlainPrinter prints only the events it has not printed
before, one "HH:MM:SS.mmm text" line each, with no escape codes (for pipes,
logs and CI).
"""

import sys
from typing import Any, List, Optional

from rich.console import Console
from rich.live import Live
from rich.text import Text

from .state import ClusterState, Event
from .view import format_event, render

__all__ = ["LivePrinter", "PlainPrinter", "choose_printer"]


class LivePrinter:
    """The live terminal view. `console` is for tests (e.g. Console(file=StringIO()))."""

    def __init__(
        self,
        console: Optional[Console] = None,
        *,
        max_events: int = 10,
        stale_after: float = 15.0,
        fit_height: bool = True,
    ):
        self.console = console if console is not None else Console()
        self.max_events = max_events
        self.stale_after = stale_after
        self.fit_height = fit_height
        self._live = Live(
            Text(""),
            console=self.console,
            auto_refresh=False,
            screen=False,
            transient=False,
            redirect_stdout=False,
        )
        self._started = False
        self._stopped = False

    # -- lifecycle

    def start(self) -> "LivePrinter":
        if not self._started:
            self._started = True
            self._live.start()
        return self

    def stop(self, final_renderable: Any = None) -> None:
        """Leave the last frame on screen, print `final_renderable` below it, stop. Idempotent."""
        if self._stopped:
            return
        self._stopped = True
        if self._started:
            self._live.stop()
        if final_renderable is not None:
            self.console.print(final_renderable)

    def __enter__(self) -> "LivePrinter":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- frames

    def _max_nodes(self, state: ClusterState, now: float) -> Optional[int]:
        """How many node rows fit on the terminal (None: all of them)."""
        if not self.fit_height:
            return None
        try:
            height = self.console.size.height
        except Exception:
            return None
        if len(state.nodes) + 24 <= height:
            return None
        # measure everything but the node rows once, then give the rows what is left
        bare = render(state, now, max_events=self.max_events, stale_after=self.stale_after, max_nodes=0)
        overhead = len(self.console.render_lines(bare, self.console.options, pad=False))
        room = height - overhead - 1
        return None if room >= len(state.nodes) else max(3, room)

    def renderable(self, state: ClusterState, now: float):
        """What update() would draw (the view, or a red error line if rendering failed)."""
        try:
            return render(
                state,
                now,
                max_events=self.max_events,
                stale_after=self.stale_after,
                max_nodes=self._max_nodes(state, now),
            )
        except Exception as exc:  # a view bug must not take the supervisor down
            return Text("view error: %r" % (exc,), style="bold red")

    def update(self, state: ClusterState, now: float) -> None:
        if self._stopped:
            return
        if not self._started:
            self.start()
        self._live.update(self.renderable(state, now), refresh=True)


class PlainPrinter:
    """Event lines only, each printed once, for when stdout is not a terminal."""

    def __init__(self, stream=None):
        self._stream = stream
        self._last: Optional[Event] = None   # the newest event already printed
        self._stopped = False

    @property
    def stream(self):
        return self._stream if self._stream is not None else sys.stdout

    def start(self) -> "PlainPrinter":
        return self

    def __enter__(self) -> "PlainPrinter":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _new_events(self, events: List[Event]) -> List[Event]:
        last = self._last
        if last is None:
            return events
        # events are appended only, never modified: find the last printed one by identity
        for i in range(len(events) - 1, -1, -1):
            if events[i] is last:
                return events[i + 1:]
        # not found: it fell off the bounded deque (or the state was copied)
        for i in range(len(events) - 1, -1, -1):
            if events[i] == last:
                return events[i + 1:]
        return [e for e in events if _ts(e) >= _ts(last)]

    def update(self, state: ClusterState, now: float = 0.0) -> None:
        events = list(state.events or [])
        new = self._new_events(events)
        if not new:
            return
        stream = self.stream
        for event in new:
            stream.write(format_event(event) + "\n")
        self._last = new[-1]
        stream.flush()

    def stop(self, final_renderable: Any = None) -> None:
        """Print `final_renderable` (e.g. a summary table) as plain text. Idempotent."""
        if self._stopped:
            return
        self._stopped = True
        if final_renderable is None:
            return
        stream = self.stream
        if isinstance(final_renderable, str):
            stream.write(final_renderable if final_renderable.endswith("\n") else final_renderable + "\n")
        else:
            console = Console(
                file=stream,
                force_terminal=False,
                force_jupyter=False,
                force_interactive=False,
                color_system=None,
                no_color=True,
                highlight=False,
                emoji=False,
            )
            console.print(final_renderable)
        stream.flush()


def _ts(event) -> float:
    try:
        return float(event.ts)
    except (TypeError, ValueError, AttributeError):
        return float("-inf")


def choose_printer(stream=None, **live_options):
    """LivePrinter when `stream` (default sys.stdout) is a terminal, else PlainPrinter."""
    stream = stream if stream is not None else sys.stdout
    try:
        tty = bool(stream.isatty())
    except Exception:
        tty = False
    if tty:
        return LivePrinter(Console(file=stream), **live_options)
    return PlainPrinter(stream)
