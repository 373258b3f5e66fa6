"""The recorder: a listener that keeps frames and events, and writes a recording when the cluster stops.

    recorder = Recorder("class.html", title="clustersim · default")
    recorder.terms = model.terms        # the leadership timeline, drawn again by the player
    manager.listeners.append(recorder)  # frame() ~4 times a second, event() for each event
    ...
    recorder.close(final_text="Leadership timeline\\n...")

Frames are stored at most every MIN_SPACING seconds: the screen as text, the
view's colours as spans taken from the rich styles it was drawn with (never
from the words on screen), and the status data. Events a person reads are
kept once each, with their sentence and level. The file format, the HTML
player and replay are in cluster_sim.record.
"""

import io
import threading
import time
from typing import Any, Callable, List, Optional, Tuple

from rich.console import Console
from rich.style import Style

from cluster_sim.record import FORMAT, MIN_SPACING, WIDTH, RecordingError, to_html, write_atomically
from cluster_sim.supervisor.events import Event
from cluster_sim.supervisor.listeners import Listener
from cluster_sim.supervisor.view import render
from cluster_sim.supervisor.wording import describe, level

__all__ = ["Recorder", "screen", "redraw"]

Span = Tuple[int, int, int, str]


def _float(x: Any) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return 0.0


def _span_class(style: Optional[Style]) -> str:
    """The player's colour class for a rich style (see record.SPAN_STYLES)."""
    if style is None:
        return ""
    color = style.color.name if style.color is not None else ""
    for part, cls in (("yellow", "lead"), ("red", "bad"), ("magenta", "note"), ("green", "ok"),
                      ("cyan", "info"), ("blue", "info")):
        if part in color:
            return cls
    return "dim" if style.dim else ""


def screen(state, now: float, width: int = WIDTH) -> Tuple[str, List[Span]]:
    """The live view of `state` as plain text `width` columns wide, and its colours as spans."""
    console = Console(width=width, file=io.StringIO(), color_system=None, force_terminal=False,
                      force_jupyter=False, legacy_windows=False)
    lines, spans = [], []
    for n, segments in enumerate(console.render_lines(render(state, now), console.options, pad=False)):
        text, at = "", 0
        for segment in segments:
            if segment.control:
                continue
            cls = _span_class(segment.style)
            end = at + len(segment.text)
            if cls and segment.text.strip():
                # a column's padding is not part of the word: the span covers the word only
                start = at + len(segment.text) - len(segment.text.lstrip())
                stop = at + len(segment.text.rstrip())
                if spans and spans[-1][0] == n and spans[-1][2] == at and spans[-1][3] == cls:
                    spans[-1] = (n, spans[-1][1], stop, cls)
                else:
                    spans.append((n, start, stop, cls))
            text += segment.text
            at = end
        lines.append(text.rstrip())
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines), [s for s in spans if s[0] < len(lines) and s[1] < len(lines[s[0]])]


def redraw(frame: dict, events: List[dict], width: int, height: int):
    """A recorded frame drawn again for a terminal of `width` x `height` (clustersim replay): the
    view rebuilt from the frame's status data and the event lines recorded up to it, laid out as
    the live view would be on that terminal. None when the frame has no status data."""
    from collections import deque

    from cluster_sim.supervisor.events import Notice
    from cluster_sim.supervisor.state import ClusterState

    data, now = frame.get("state"), frame.get("t")
    if not isinstance(data, dict) or not isinstance(now, (int, float)):
        return None
    state = ClusterState.from_json(data, float(now))
    count = frame.get("events") if isinstance(frame.get("events"), int) else len(events)
    state.events = deque((Notice(_float(e.get("ts")), str(e.get("text") or ""), str(e.get("level") or "info"))
                          for e in events[:count] if isinstance(e, dict)), maxlen=200)
    return render(state, float(now), width=width, height=height)


class Recorder(Listener):
    """Collects frames and events while a cluster runs; close() writes the HTML file.

    frame() and event() run on the manager's loop: they never raise (a
    recording problem must not take the cluster down); the first error is
    kept in `error`.
    """

    def __init__(self, path: str, title: str = "clustersim", clock: Callable[[], float] = time.time,
                 lang: str = "en"):
        self.path = str(path)
        self.title = str(title)
        self.lang = lang
        self.frames: List[dict] = []
        self.events: List[dict] = []
        self.terms: Optional[list] = None   # the model's timeline.Term list, read at close()
        self.meta: dict = {}                # optional extra facts (a demo's name, language, ...)
        self.error: Optional[str] = None
        self.created = clock()
        self._skipped = None                # (state, now) of the newest frame not stored
        self._lock = threading.Lock()
        self._closed = False

    def event(self, event: Event) -> None:
        if not event.logged:
            return
        with self._lock:
            if not self._closed:
                self.events.append({"ts": _float(event.ts), "kind": event.kind,
                                    "text": describe(event, self.lang) or "", "level": level(event)})

    def frame(self, state, now: float) -> None:
        """Offer the screen at `now`; stored when MIN_SPACING has passed since the last one."""
        try:
            with self._lock:
                if self._closed:
                    return
                if self.frames and now - self.frames[-1]["t"] < MIN_SPACING:
                    self._skipped = (state, now)
                    return
                self._store(state, now)
        except Exception as exc:  # whatever went wrong, the manager's loop must go on: keep the first error
            if self.error is None:
                self.error = f"{type(exc).__name__}: {exc}"

    def _store(self, state, now):
        data = state.to_json(now)
        data.pop("events", None)   # the event log is kept once, below
        text, spans = screen(state, now)
        self.frames.append({"t": float(now), "state": data, "text": text, "spans": [list(s) for s in spans],
                            "events": len(self.events)})
        self._skipped = None

    def close(self, final_text: Optional[str] = None) -> str:
        """Write the HTML file (atomically) and return its path. Idempotent."""
        with self._lock:
            if self._closed:
                return self.path
            self._closed = True
            if self._skipped is not None:
                try:
                    self._store(*self._skipped)
                except Exception as exc:  # as in frame(): the file is still written, without that frame
                    self.error = self.error or f"{type(exc).__name__}: {exc}"
        terms = [[t.node_id, t.epoch, t.start, t.end] for t in (self.terms or [])]
        data = {
            "format": FORMAT,
            "title": self.title,
            "created": self.created,
            "width": WIDTH,
            "frames": self.frames,
            "events": self.events,
            "final_text": final_text,
            "terms": terms,
            "meta": self.meta,
        }
        try:
            write_atomically(self.path, to_html(data))
        except OSError as exc:
            raise RecordingError(f"cannot write {self.path}: {exc.strerror or exc}") from None
        return self.path
