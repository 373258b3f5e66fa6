"""Putting the view on screen: a live table on a terminal, plain event lines otherwise.

    from cluster_sim.presentation.listeners.printers import choose_printer

    printer = choose_printer()              # LivePrinter on a TTY, else PlainPrinter
    manager.listeners.append(printer)       # frame() at ~4 Hz, event() for each event
    ...
    printer.stop(final_renderable=timeline)

Both are listeners (listeners/__init__.py). LivePrinter redraws the whole
view on each frame (rich.live.Live, no auto refresh), laid out for the
terminal's size, with the keyboard quiet meanwhile (QuietKeyboard: a key
typed, an Enter for a demo's next step, must not echo into the frame and
shift it). PlainPrinter prints each event a person reads as it arrives, one
"HH:MM:SS.mmm text" line, with no escape codes (for pipes, logs and CI).
"""

import atexit
import sys
import termios
from typing import Any, List, Optional, TextIO, Tuple, Union

from rich.console import Console, RenderableType
from rich.errors import ConsoleError
from rich.live import Live
from rich.text import Text

from cluster_sim.engine.round_count import round_base
from cluster_sim.engine.events import ClusterStarted, Event, JoinCommand, WebViewStarted
from cluster_sim.words.labels import label
from cluster_sim.presentation.listeners import Listener
from cluster_sim.engine.state import ClusterState
from cluster_sim.presentation.view import fit, fit_key, format_event, render
from cluster_sim.presentation.view_common import Layout
from cluster_sim.presentation.wording import describe

__all__ = ["LivePrinter", "PlainPrinter", "QuietKeyboard", "choose_printer"]


class QuietKeyboard:
    """While the live view owns the terminal, keys are neither echoed nor held for a whole line.

        keyboard = QuietKeyboard(sys.stdin).start()    # nothing happens when stdin is no terminal
        ...
        keyboard.stop()                                # as it was; keys typed meanwhile are dropped

    Echo would print the key (an Enter: a new line) where the cursor is, inside
    the frame, and the next frame would be drawn one line lower each time.
    Ctrl-C still interrupts (ISIG stays). The terminal is given back by stop(),
    which the printer calls on every way out, and at exit as a last resort; a
    SIGKILLed supervisor's reaper gives it back too (reaper.py).
    """

    def __init__(self, stream: Optional[TextIO] = None) -> None:
        self.stream = stream if stream is not None else sys.stdin
        self._fd: Optional[int] = None
        self._saved: Optional[List[Any]] = None

    def start(self) -> "QuietKeyboard":
        try:
            fd = self.stream.fileno()
            if not self.stream.isatty():
                return self
            saved = termios.tcgetattr(fd)
            quiet = termios.tcgetattr(fd)
            quiet[3] &= ~(termios.ECHO | termios.ICANON)
            quiet[6][termios.VMIN], quiet[6][termios.VTIME] = 1, 0
            termios.tcsetattr(fd, termios.TCSANOW, quiet)
        except (AttributeError, OSError, ValueError, termios.error):  # no terminal: nothing to quiet
            return self
        self._fd, self._saved = fd, saved
        atexit.register(self.stop)
        return self

    def stop(self) -> None:
        """Give the terminal back as it was. Idempotent."""
        fd, saved = self._fd, self._saved
        self._fd = self._saved = None
        if fd is None or saved is None:
            return
        try:
            # TCSAFLUSH: keys typed at the live view are dropped, not run by the shell afterwards
            termios.tcsetattr(fd, termios.TCSAFLUSH, saved)
        except (OSError, ValueError, termios.error):  # the terminal is gone: nothing to give back
            pass
        atexit.unregister(self.stop)


class LivePrinter(Listener):
    """The live terminal view. `console` is for tests (e.g. Console(file=StringIO()));
    `keyboard` the input stream to keep quiet meanwhile (choose_printer passes stdin)."""

    def __init__(
        self,
        console: Optional[Console] = None,
        *,
        max_events: int = 10,
        stale_after: float = 15.0,
        fit_height: bool = True,
        keyboard: Any = None,
        lang: str = "en",
    ) -> None:
        self.console = console if console is not None else Console()
        self.lang = lang               # for its own lines (the join line, a view error); the view reads the state's
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
        self._fitted: Optional[Tuple[tuple, Layout, float]] = None  # (fit_key, layout, when): the layout kept across frames
        self.keyboard = QuietKeyboard(keyboard) if keyboard is not None else None

    # -- lifecycle

    def start(self) -> "LivePrinter":
        if not self._started:
            self._started = True
            if self.keyboard is not None:
                self.keyboard.start()
            self._live.start()
        return self

    def stop(self, final_renderable: Any = None) -> None:
        """Leave the last frame on screen, print `final_renderable` below it, stop. Idempotent."""
        if self._stopped:
            return
        self._stopped = True
        try:
            if self._started:
                self._live.stop()
        finally:
            if self.keyboard is not None:
                self.keyboard.stop()
        if final_renderable is not None:
            self.console.print(final_renderable)

    def __enter__(self) -> "LivePrinter":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- frames

    def _size(self) -> Tuple[Optional[int], Optional[int]]:
        """The terminal's (columns, lines), or (None, None): then every part is drawn whole."""
        if not self.fit_height:
            return None, None
        try:
            size = self.console.size
        except (OSError, ValueError, ConsoleError):  # no terminal size to be had: show everything
            return None, None
        return size.width, size.height

    def renderable(self, state: ClusterState, now: float) -> RenderableType:
        """What frame() would draw (the view, or a red error line if rendering failed)."""
        width, height = self._size()
        try:
            return render(state, now, max_events=self.max_events, stale_after=self.stale_after,
                          width=width, height=height, layout=self._layout(state, now, width, height))
        except Exception as exc:  # a view bug must not take the supervisor down
            return Text(label("view_error", self.lang, error=repr(exc)), style="bold red")

    def _layout(self, state: ClusterState, now: float, width: Optional[int],
                height: Optional[int]) -> Optional[Layout]:
        """The layout for this frame: fitting measures parts of the screen (a big cluster's
        table among them), so a layout is kept while what it depends on holds, and fitted
        again at least every REFIT seconds (values change widths only now and then)."""
        if not width or not height:
            return None
        key = fit_key(state, width, height)
        kept = self._fitted
        if kept is None or kept[0] != key or not 0 <= now - kept[2] < REFIT:
            self._fitted = kept = (key, fit(state, now, width, height, max_events=self.max_events,
                                            stale_after=self.stale_after), now)
        return kept[1]

    def event(self, event: Event) -> None:
        """The join command also goes above the live view, once, as one plain line a teacher can
        copy (in the view's header it is boxed and wrapped)."""
        if isinstance(event, JoinCommand) and event.command and not self._stopped:
            self.console.print(label("join_line", self.lang), style="bold", highlight=False)
            self.console.print(Text(event.command), soft_wrap=True, highlight=False)
        elif isinstance(event, WebViewStarted) and not self._stopped:
            line = describe(event)
            assert line is not None  # WebViewStarted has a sentence (wording.py)
            self.console.print(Text(line), soft_wrap=True, highlight=False)

    def frame(self, state: ClusterState, now: float) -> None:
        if self._stopped:
            return
        if not self._started:
            self.start()
        self._live.update(self.renderable(state, now), refresh=True)


REFIT = 1.0  # seconds a layout is kept for while the screen's shape holds


class PlainPrinter(Listener):
    """Event lines only, each printed once as it happens, for when stdout is not a terminal."""

    def __init__(self, stream: Optional[TextIO] = None, lang: str = "en") -> None:
        self._stream = stream
        self.lang = lang
        self._base: Optional[int] = None   # the cluster's first round (ClusterStarted)
        self._stopped = False

    @property
    def stream(self) -> TextIO:
        return self._stream if self._stream is not None else sys.stdout

    def start(self) -> "PlainPrinter":
        return self

    def __enter__(self) -> "PlainPrinter":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def event(self, event: Event) -> None:
        if self._stopped or not event.logged:
            return
        if isinstance(event, ClusterStarted):
            self._base = round_base(event.ts, event.interval)   # rounds are counted from the cluster's start
        stream = self.stream
        stream.write(format_event(event, self.lang, self._base) + "\n")
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


def choose_printer(stream: Optional[TextIO] = None, **live_options: Any) -> Union[LivePrinter, PlainPrinter]:
    """LivePrinter when `stream` (default sys.stdout) is a terminal, else PlainPrinter."""
    stream = stream if stream is not None else sys.stdout
    try:
        tty = bool(stream.isatty())
    except (AttributeError, OSError, ValueError):  # no isatty, or a closed stream: not a terminal
        tty = False
    if tty:
        live_options.setdefault("keyboard", sys.stdin)
        return LivePrinter(Console(file=stream), **live_options)
    return PlainPrinter(stream)
