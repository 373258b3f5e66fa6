"""Recordings played back in the terminal: `clustersim replay FILE`.

There is one recording format: the web page `up --record` and `demo --record`
write (cluster_sim.web.recording, WebRecorder; it opens in any browser and
replays there). This module reads it back for the terminal, and also reads
the files of the terminal-frame format older versions wrote (FORMAT, a
`clustersim-recording` block of frames as text with colour spans): nothing
writes those any more, they still replay.

    data = load_any("class.html")    # either kind: {"frames": [...], "events": [...], "final_text", "results"}
    replay("class.html", speed=2.0, redraw=redraw)   # 0; RecordingError (one line) if unreadable

A frame of `load_any` is {"t", "state" (the status dict) and/or "text" and
"spans" (an old file's screen), "events" (how many events came by then)};
an event is {"ts", "text", "level"} and, from a web recording, the record's
kind and fields (the event spine's export schema). `redraw` (given by the
CLI: cluster_sim.presentation.redraw) draws a frame's status again for this
terminal; this module knows nothing of the supervisor.
"""

import io
import re
import sys
import time
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, TextIO, Tuple

from cluster_sim.base.userfile import embedded_json, read_text
from cluster_sim.web import recording as web
from cluster_sim.web.recording import RecordingError

__all__ = ["RecordingError", "replay", "load", "load_any", "FORMAT", "SPAN_STYLES", "Redraw"]

FORMAT = "clustersim-recording/1"     # the older terminal-frame format (read only)
WIDTH = 110                           # columns of a frame drawn as plain text
MAX_BYTES = 512 * 1024 * 1024
BLOCK_ID = "clustersim-recording"
# an old file's span class -> the rich style replay draws it with
SPAN_STYLES = {"lead": "bold yellow", "bad": "red", "note": "magenta", "ok": "green", "info": "cyan", "dim": "dim"}
_BLOCK = re.compile(
    r'<script type="application/json" id="' + BLOCK_ID + r'">(.*?)</script>', re.DOTALL)

Frame = Dict[str, Any]
# (frame, events, width, height) -> a rich renderable, or None to show the frame's text
Redraw = Callable[[Frame, List[Dict[str, Any]], int, int], Any]


# --------------------------------------------------------------------------- reading

def load(path: str) -> Dict[str, Any]:
    """The data of an old terminal-frame recording (RecordingError, one line, if it is none)."""
    data = embedded_json(path, _BLOCK, "a clustersim recording", RecordingError, max_bytes=MAX_BYTES)
    problem = _invalid(data)
    if problem:
        raise RecordingError(f"{path}: the recording is corrupt ({problem})")
    return data


def _invalid(data: Any) -> Optional[str]:
    if not isinstance(data, dict):
        return "not an object"
    if data.get("format") != FORMAT:
        return f"unknown format {str(data.get('format'))[:40]!r}"
    frames = data.get("frames")
    if not isinstance(frames, list):
        return "no frame list"
    last = None
    for n, frame in enumerate(frames):
        if not isinstance(frame, dict) or not isinstance(frame.get("text"), str):
            return f"frame {n + 1} has no text"
        t = frame.get("t")
        if isinstance(t, bool) or not isinstance(t, (int, float)) or t != t:
            return f"frame {n + 1} has no time"
        if last is not None and t < last:
            return f"frame {n + 1} goes back in time"
        if not isinstance(frame.get("spans", []), list):
            return f"frame {n + 1} has a bad colour list"
        last = t
    if not isinstance(data.get("events", []), list):
        return "no event list"
    final = data.get("final_text")
    if final is not None and not isinstance(final, str):
        return "the final text is not text"
    return None


def load_any(path: str) -> Dict[str, Any]:
    """A recording of either kind, in one shape (see the module's docstring): the web page
    `--record` writes, or an old terminal-frame file."""
    text = read_text(path, "a clustersim recording", RecordingError, max_bytes=MAX_BYTES)
    if 'id="' + web.BLOCK_ID + '"' not in text:
        return load(path)
    data = web.load(path)
    expanded = web.expand(data)
    # a record without its sentence is data only (e.g. a --step hint shown again, log=False):
    # no line of the log, live or replayed, so none here (its kind name was printed raw)
    events = [dict(e, text=str(e["text"]), level=e.get("level") or "info")
              for e in expanded["events"] if e.get("text")]
    frames = []
    for t, status in expanded["frames"]:
        shown = sum(1 for e in events if e["ts"] <= t)
        frames.append({"t": t, "state": status, "events": shown})
    return {"format": web.FORMAT, "frames": frames, "events": events, "final_text": data.get("final_text"),
            "results": data.get("results")}


# --------------------------------------------------------------------------- replay

def replay(path: str, speed: float = 1.0, *, out: Optional[TextIO] = None,
           sleep: Callable[[float], None] = time.sleep, live: Optional[bool] = None,
           redraw: Optional[Redraw] = None) -> int:
    """Play a recording in the terminal, with its original spacing divided by `speed`.

    A live screen on a terminal; elsewhere each frame's text, separated by a
    rule. `sleep` is the timing function (tests pass one that does not sleep);
    `live` forces one mode or the other. `redraw(frame, events, width, height)`
    draws a frame again from its status for this terminal's size; without it,
    or when it returns None, an old frame's recorded text is shown, cropped.
    Returns 0 (130 on Ctrl-C).
    """
    if not speed or speed <= 0:
        raise RecordingError(f"speed must be positive (got {speed!r})")
    data = load_any(path)
    stream: TextIO = out if out is not None else sys.stdout
    if live is None:
        try:
            live = bool(stream.isatty())
        except (AttributeError, OSError, ValueError):  # no isatty, or a closed stream: not a terminal
            live = False
    frames: List[Frame] = data["frames"]
    events: List[Dict[str, Any]] = data.get("events") or []
    try:
        if live:
            _play_live(frames, speed, stream, sleep, events, redraw)
        else:
            _play_plain(frames, speed, stream, sleep, events, redraw)
    except KeyboardInterrupt:
        stream.write("\nreplay interrupted\n")
        stream.flush()
        return 130
    if not frames:
        stream.write("(no frames recorded)\n")
    final = data.get("final_text")
    if final:
        stream.write(final.rstrip("\n") + "\n")
    stream.write(_results_text(data.get("results")))
    stream.flush()
    return 0


def _results_text(results: Any) -> str:
    """A demo's measured results (recorded with it), as plain lines; "" if none."""
    if not isinstance(results, dict) or not isinstance(results.get("rows"), list):
        return ""
    rows = [r for r in results["rows"] if isinstance(r, (list, tuple)) and len(r) == 2]
    width = max((len(str(label)) for label, _ in rows), default=0)
    lines = [str(results.get("title") or "")] + [f"  {str(label):<{width}}  {value}" for label, value in rows]
    lines += [f"  {note}" for note in results.get("notes") or [] if isinstance(note, str)]
    return "\n" + "\n".join(lines) + "\n"


def _gaps(frames: Sequence[Frame], speed: float) -> Iterator[Tuple[Frame, float]]:
    previous = None
    for frame in frames:
        yield frame, (0.0 if previous is None else max(0.0, (frame["t"] - previous) / speed))
        previous = frame["t"]


def _play_plain(frames: Sequence[Frame], speed: float, out: TextIO, sleep: Callable[[float], None],
                events: List[Dict[str, Any]], redraw: Optional[Redraw]) -> None:
    total = len(frames)
    start = frames[0]["t"] if frames else 0.0
    for n, (frame, gap) in enumerate(_gaps(frames, speed), 1):
        if gap:
            sleep(gap)
        out.write(f"──── frame {n}/{total}  +{frame['t'] - start:.1f} s " + "─" * 40 + "\n")
        out.write(_frame_text(frame, events, redraw).rstrip("\n") + "\n")
        out.flush()


def _frame_text(frame: Frame, events: List[Dict[str, Any]], redraw: Optional[Redraw]) -> str:
    """A frame as plain text: as an old file recorded it, or drawn from its status."""
    if isinstance(frame.get("text"), str):
        return str(frame["text"])
    if redraw is None:
        return ""
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(width=WIDTH, file=buffer, color_system=None, force_terminal=False)
    console.print(redraw(frame, list(events), WIDTH, 200))
    return buffer.getvalue()


def _styled(frame: Frame) -> Any:
    """An old frame's text with its recorded colours (spans), as a rich Text."""
    from rich.text import Text

    lines = str(frame.get("text") or "").split("\n")
    starts, at = [], 0
    for line in lines:
        starts.append(at)
        at += len(line) + 1
    styled = Text("\n".join(lines), no_wrap=True, overflow="crop")  # a narrower terminal crops, never re-wraps
    for span in frame.get("spans") or []:
        try:
            line_no, start, end, cls = span
            styled.stylize(SPAN_STYLES.get(cls, ""), starts[line_no] + start, starts[line_no] + end)
        except (TypeError, ValueError, IndexError):
            continue  # a damaged span loses its colour, not the frame
    return styled


def _play_live(frames: Sequence[Frame], speed: float, out: TextIO, sleep: Callable[[float], None],
               events: List[Dict[str, Any]], redraw: Optional[Redraw]) -> None:
    from rich.console import Console
    from rich.live import Live

    console = Console(file=out)
    with Live(console=console, auto_refresh=False, transient=False) as screen:
        for frame, gap in _gaps(frames, speed):
            if gap:
                sleep(gap)
            drawn = None
            if redraw is not None:
                size = console.size
                try:
                    drawn = redraw(frame, events, size.width, size.height)
                except (TypeError, ValueError, KeyError, AttributeError):  # a frame it cannot read: its text
                    drawn = None
            screen.update(drawn if drawn is not None else _styled(frame), refresh=True)
