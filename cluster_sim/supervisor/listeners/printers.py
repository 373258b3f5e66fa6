"""Putting the view on screen: a live table on a terminal, plain event lines otherwise.

    from cluster_sim.supervisor.listeners.printers import choose_printer

    printer = choose_printer()              # LivePrinter on a TTY, else PlainPrinter
    manager.listeners.append(printer)       # frame() at ~4 Hz, event() for each event
    ...
    printer.stop(final_renderable=timeline)

Both are listeners (listeners/__init__.py). LivePrinter redraws the whole
view on each frame (rich.live.Live, no auto refresh). PlainPrinter prints each
event a person reads as it arrives, one "HH:MM:SS.mmm text" line, with no
escape codes (for pipes, logs and CI).
"""

import sys
from typing import Any, Optional

from rich.console import Console
from rich.errors import ConsoleError
from rich.live import Live
from rich.text import Text

from cluster_sim.supervisor.events import Event
from cluster_sim.supervisor.listeners import Listener
from cluster_sim.supervisor.state import ClusterState
from cluster_sim.supervisor.view import format_event, render

__all__ = ["LivePrinter", "PlainPrinter", "choose_printer"]


class LivePrinter(Listener):
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
        except (OSError, ValueError, ConsoleError):  # no terminal size to be had: show every row
            return None
        if len(state.nodes) + 24 <= height:
            return None
        # measure everything but the node rows once, then give the rows what is left
        bare = render(state, now, max_events=self.max_events, stale_after=self.stale_after, max_nodes=0)
        overhead = len(self.console.render_lines(bare, self.console.options, pad=False))
        room = height - overhead - 1
        return None if room >= len(state.nodes) else max(3, room)

    def renderable(self, state: ClusterState, now: float):
        """What frame() would draw (the view, or a red error line if rendering failed)."""
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

    def frame(self, state: ClusterState, now: float) -> None:
        if self._stopped:
            return
        if not self._started:
            self.start()
        self._live.update(self.renderable(state, now), refresh=True)


class PlainPrinter(Listener):
    """Event lines only, each printed once as it happens, for when stdout is not a terminal."""

    def __init__(self, stream=None, lang: str = "en"):
        self._stream = stream
        self.lang = lang
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

    def event(self, event: Event) -> None:
        if self._stopped or not event.logged:
            return
        stream = self.stream
        stream.write(format_event(event, self.lang) + "\n")
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


def choose_printer(stream=None, **live_options):
    """LivePrinter when `stream` (default sys.stdout) is a terminal, else PlainPrinter."""
    stream = stream if stream is not None else sys.stdout
    try:
        tty = bool(stream.isatty())
    except (AttributeError, OSError, ValueError):  # no isatty, or a closed stream: not a terminal
        tty = False
    if tty:
        return LivePrinter(Console(file=stream), **live_options)
    return PlainPrinter(stream)
