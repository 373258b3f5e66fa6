"""Recordings: a session saved as one self-contained HTML file, and played back.

`clustersim up --record FILE` and `clustersim demo ... --record FILE` put a
recorder (cluster_sim.supervisor.listeners.recorder) on the event stream;
when the cluster stops, it writes a single HTML file with `to_html`: the
frames (what the screen showed, as text with the view's own colours as
spans, plus the status data), the event log with times and the final text
(the leadership timeline). It opens in any browser, offline: inline CSS and a
small inline player (play/pause, a slider, speed), no external resource at
all. `clustersim replay FILE` plays the same frames back in the terminal.
This module is the file format only: it knows nothing of the supervisor.

    write_atomically("class.html", to_html(data))
    replay("class.html", speed=2.0)                   # 0; RecordingError if unreadable
    data = load("class.html")                          # {"frames": [...], "events": [...], ...}

A frame's spans are [line, start, end, class] (character offsets in that
line), class one of SPAN_STYLES: the player and replay colour with them and
never look at the words on screen.
"""

import html
import json
import os
import re
import sys
import tempfile
import time
from typing import Callable, Optional

from cluster_sim.userfile import embedded_json, read_text

__all__ = ["RecordingError", "replay", "load", "to_html", "write_atomically", "FORMAT", "MIN_SPACING",
           "SPAN_STYLES"]

FORMAT = "clustersim-recording/1"
MIN_SPACING = 0.45   # seconds between stored frames: at most ~2 frames a second
WIDTH = 110          # columns of the recorded screen
BLOCK_ID = "clustersim-recording"
# span class -> the rich style replay draws it with (the player's CSS has the same classes)
SPAN_STYLES = {"lead": "bold yellow", "bad": "red", "note": "magenta", "ok": "green", "info": "cyan", "dim": "dim"}
_BLOCK = re.compile(
    r'<script type="application/json" id="' + BLOCK_ID + r'">(.*?)</script>', re.DOTALL)


class RecordingError(Exception):
    """A recording cannot be read or written; the message is one line."""


# --------------------------------------------------------------------------- the file

def write_atomically(path: str, text: str) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".clustersim-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


# --------------------------------------------------------------------------- HTML

def _clean(obj):
    """JSON-safe: NaN and infinities become null (JSON has no word for them)."""
    if isinstance(obj, float):
        return obj if obj == obj and obj not in (float("inf"), float("-inf")) else None
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    return obj


def _json_for_script(data) -> str:
    """JSON that cannot end the <script> block, and has no literal URL in it.

    "/" is written "\\/" (valid JSON): "</script>" cannot appear, and neither
    can "http://", so the file never looks like it links anywhere.
    """
    text = json.dumps(_clean(data), ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=str)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("/", "\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _h(text) -> str:
    """Text for the HTML body: escaped, and "/" as an entity (no literal URLs either)."""
    return html.escape("" if text is None else str(text), quote=True).replace("/", "&#47;")


def _clock(ts: float) -> str:
    seconds, ms = divmod(int(round(ts * 1000)), 1000)
    return time.strftime("%H:%M:%S", time.localtime(seconds)) + ".%03d" % ms


_CSS = """
:root { color-scheme: dark; }
body { background: #15171c; color: #d8dbe2; margin: 0; padding: 1.2em 2em;
       font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
h1 { font-size: 1.3em; margin: 0 0 .2em; }
h2 { font-size: 1.05em; margin: 1.6em 0 .5em; color: #9aa3b5; }
.sub { color: #8a92a3; margin-bottom: 1em; }
pre { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13px; line-height: 1.25;
      background: #0d0e11; border: 1px solid #2b2f38; border-radius: 6px; padding: .8em 1em;
      overflow-x: auto; white-space: pre; margin: 0; }
#screen { min-height: 30em; }
.controls { display: flex; gap: .8em; align-items: center; margin: .6em 0; flex-wrap: wrap; }
button, select { background: #262a33; color: #e8eaf0; border: 1px solid #3a404c; border-radius: 4px;
                 padding: .3em .9em; font-size: 1em; cursor: pointer; }
input[type=range] { flex: 1; min-width: 14em; }
#pos { font-variant-numeric: tabular-nums; color: #9aa3b5; min-width: 12em; }
table.events { border-collapse: collapse; font-family: monospace; font-size: 13px; }
table.events td { padding: .1em .8em .1em 0; vertical-align: top; }
table.events td.t { color: #8a92a3; white-space: nowrap; }
tr.leader td.x { color: #f2c94c; font-weight: bold; }
tr.warn td.x { color: #e5b567; }
tr.error td.x { color: #ef6b6b; }
tr.narration td.x { color: #d48cf0; font-weight: bold; }
.lead { color: #f2c94c; font-weight: bold; }
.bad { color: #ef6b6b; }
.note { color: #d48cf0; }
.ok { color: #6fcf97; }
.info { color: #56ccf2; }
.dim { color: #8a92a3; }
noscript p { color: #e5b567; }
"""

_JS = r"""
(function () {
  var data = JSON.parse(document.getElementById("clustersim-recording").textContent);
  var frames = data.frames || [];
  var screen = document.getElementById("screen");
  var slider = document.getElementById("slider");
  var play = document.getElementById("play");
  var speed = document.getElementById("speed");
  var pos = document.getElementById("pos");
  var i = 0, timer = null;
  function esc(s) {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
  function paint(frame) {
    var lines = (frame.text || "").split("\n"), byLine = {};
    (frame.spans || []).forEach(function (s) { (byLine[s[0]] = byLine[s[0]] || []).push(s); });
    return lines.map(function (line, n) {
      var out = "", at = 0;
      (byLine[n] || []).forEach(function (s) {
        out += esc(line.slice(at, s[1])) + '<span class="' + s[3] + '">' + esc(line.slice(s[1], s[2])) + "</span>";
        at = s[2];
      });
      return out + esc(line.slice(at));
    }).join("\n");
  }
  function show(k) {
    if (!frames.length) { screen.textContent = "(no frames recorded)"; return; }
    i = Math.max(0, Math.min(frames.length - 1, k));
    screen.innerHTML = paint(frames[i]);
    slider.value = i;
    var t = frames[i].t - frames[0].t;
    pos.textContent = "frame " + (i + 1) + "/" + frames.length + "  +" + t.toFixed(1) + " s";
  }
  function stop() { if (timer) { clearTimeout(timer); timer = null; } play.textContent = "\u25b6 play"; }
  function tick() {
    if (i >= frames.length - 1) { stop(); return; }
    var gap = (frames[i + 1].t - frames[i].t) / parseFloat(speed.value);
    timer = setTimeout(function () { show(i + 1); tick(); }, Math.max(0, gap * 1000));
  }
  play.addEventListener("click", function () {
    if (timer) { stop(); return; }
    if (i >= frames.length - 1) show(0);
    play.textContent = "\u275a\u275a pause";
    tick();
  });
  slider.max = Math.max(0, frames.length - 1);
  slider.addEventListener("input", function () { var was = !!timer; stop(); show(parseInt(slider.value, 10));
                                                 if (was) { play.textContent = "\u275a\u275a pause"; tick(); } });
  speed.addEventListener("change", function () { if (timer) { clearTimeout(timer); tick(); } });
  document.addEventListener("keydown", function (ev) {
    if (ev.target && ev.target.tagName === "SELECT") return;
    if (ev.key === " ") { ev.preventDefault(); play.click(); }
    else if (ev.key === "ArrowRight") { stop(); show(i + 1); }
    else if (ev.key === "ArrowLeft") { stop(); show(i - 1); }
  });
  show(0);
})();
"""


def to_html(data: dict) -> str:
    frames = data.get("frames") or []
    events = data.get("events") or []
    start = frames[0]["t"] if frames else data.get("created") or 0.0
    end = frames[-1]["t"] if frames else start
    first_text = frames[0]["text"] if frames else "(no frames recorded)"
    rows = "\n".join(
        '<tr class="%s"><td class="t">%s</td><td class="t">+%.1f s</td><td class="x">%s</td></tr>'
        % (_h(e.get("level")), _clock(e["ts"]), max(0.0, e["ts"] - start), _h(e.get("text")))
        for e in events
    ) or '<tr><td class="x">no events</td></tr>'
    final = data.get("final_text")
    final_html = "<h2>At the end</h2>\n<pre>%s</pre>" % _h(final) if final else ""
    created = time.strftime("%Y-%m-%d %H:%M", time.localtime(data.get("created") or start))
    return """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<h1>{title}</h1>
<div class="sub">recorded {created} · {n} frames over {span:.0f} s · replay in a terminal with
<code>clustersim replay FILE</code></div>
<div class="controls">
<button id="play" type="button">&#9654; play</button>
<input id="slider" type="range" min="0" max="0" value="0" aria-label="position">
<label>speed <select id="speed">
<option value="0.5">0.5×</option><option value="1" selected>1×</option><option value="2">2×</option>
<option value="4">4×</option><option value="8">8×</option><option value="16">16×</option>
</select></label>
<span id="pos"></span>
</div>
<pre id="screen">{first}</pre>
<noscript><p>The player needs JavaScript; the event log and the final text below do not.</p></noscript>
{final}
<h2>Events</h2>
<table class="events">
{rows}
</table>
<script type="application/json" id="{block}">{json}</script>
<script>{js}</script>
</body>
</html>
""".format(title=_h(data.get("title") or "clustersim"), css=_CSS, created=_h(created), n=len(frames),
           span=max(0.0, end - start), first=_h(first_text), final=final_html, rows=rows, block=BLOCK_ID,
           json=_json_for_script(data), js=_JS)


# --------------------------------------------------------------------------- reading back

def load(path: str) -> dict:
    """The recording's data from an HTML file written by Recorder.close()."""
    data = embedded_json(path, _BLOCK, "a clustersim recording", RecordingError, max_bytes=512 * 1024 * 1024)
    problem = _invalid(data)
    if problem:
        raise RecordingError(f"{path}: the recording is corrupt ({problem})")
    return data


def _invalid(data) -> Optional[str]:
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


# --------------------------------------------------------------------------- replay

def replay(path: str, speed: float = 1.0, *, out=None, sleep: Callable[[float], None] = time.sleep,
           live: Optional[bool] = None, redraw: Optional[Callable] = None) -> int:
    """Play a recording in the terminal, with its original spacing divided by `speed`.

    A live screen on a terminal; elsewhere each frame's text, separated by a
    rule. `sleep` is the timing function (tests pass one that does not sleep);
    `live` forces one mode or the other. `redraw(frame, events, width, height)`
    draws a frame again from its data for this terminal's size (the live view's
    own layout, see listeners/recorder.py); without it, or when it returns
    None, the recorded text is shown, cropped. Returns 0 (130 on Ctrl-C).
    """
    if not speed or speed <= 0:
        raise RecordingError(f"speed must be positive (got {speed!r})")
    data = load_any(path)
    out = out if out is not None else sys.stdout
    if live is None:
        try:
            live = bool(out.isatty())
        except (AttributeError, OSError, ValueError):  # no isatty, or a closed stream: not a terminal
            live = False
    frames = data["frames"]
    try:
        if live:
            _play_live(frames, speed, out, sleep, data.get("events") or [], redraw)
        else:
            _play_plain(frames, speed, out, sleep, data.get("events") or [], redraw)
    except KeyboardInterrupt:
        out.write("\nreplay interrupted\n")
        out.flush()
        return 130
    if not frames:
        out.write("(no frames recorded)\n")
    final = data.get("final_text")
    if final:
        out.write(final.rstrip("\n") + "\n")
    out.write(_results_text(data.get("results")))
    out.flush()
    return 0


def _results_text(results) -> str:
    """A demo's measured results (recorded with it), as plain lines; "" if none."""
    if not isinstance(results, dict) or not isinstance(results.get("rows"), list):
        return ""
    rows = [r for r in results["rows"] if isinstance(r, (list, tuple)) and len(r) == 2]
    width = max((len(str(label)) for label, _ in rows), default=0)
    lines = [str(results.get("title") or "")] + [f"  {str(label):<{width}}  {value}" for label, value in rows]
    lines += [f"  {note}" for note in results.get("notes") or [] if isinstance(note, str)]
    return "\n" + "\n".join(lines) + "\n"


def load_any(path: str) -> dict:
    """A recording of either kind, in this module's shape (frames with `t`, and
    `state` and/or `text`; events with `ts`, `text`, `level`): the web page
    `--record` writes today, or an older terminal-frame recording."""
    from cluster_sim.web import recording as web

    text = read_text(path, "a clustersim recording", RecordingError, max_bytes=512 * 1024 * 1024)
    if 'id="' + web.BLOCK_ID + '"' not in text:
        return load(path)
    expanded = web.expand(web.load(path))
    data = web.load(path)
    events = [{"ts": e["ts"], "text": str(e.get("text") or e.get("kind") or ""), "level": e.get("level") or "info"}
              for e in expanded["events"]]
    frames = []
    for t, status in expanded["frames"]:
        shown = sum(1 for e in events if e["ts"] <= t)
        frames.append({"t": t, "state": status, "events": shown})
    return {"format": FORMAT, "frames": frames, "events": events, "final_text": data.get("final_text"),
            "results": data.get("results")}


def _gaps(frames, speed):
    previous = None
    for frame in frames:
        yield frame, (0.0 if previous is None else max(0.0, (frame["t"] - previous) / speed))
        previous = frame["t"]


def _play_plain(frames, speed, out, sleep, events=(), redraw=None):
    total = len(frames)
    start = frames[0]["t"] if frames else 0.0
    for n, (frame, gap) in enumerate(_gaps(frames, speed), 1):
        if gap:
            sleep(gap)
        out.write(f"──── frame {n}/{total}  +{frame['t'] - start:.1f} s " + "─" * 40 + "\n")
        out.write(_frame_text(frame, events, redraw).rstrip("\n") + "\n")
        out.flush()


def _frame_text(frame, events, redraw) -> str:
    """A frame as plain text: as recorded, or drawn from its status data (web recordings)."""
    if isinstance(frame.get("text"), str):
        return frame["text"]
    if redraw is None:
        return ""
    import io

    from rich.console import Console

    console = Console(width=WIDTH, file=io.StringIO(), color_system=None, force_terminal=False)
    console.print(redraw(frame, list(events), WIDTH, 200))
    return console.file.getvalue()


def _styled(frame):
    """A frame's text with its recorded colours (spans), as a rich Text."""
    from rich.text import Text

    lines = (frame.get("text") or "").split("\n")
    starts, at = [], 0
    for line in lines:
        starts.append(at)
        at += len(line) + 1
    styled = Text("\n".join(lines), no_wrap=True, overflow="crop")  # a narrower terminal crops, never re-wraps
    for span in frame.get("spans") or []:
        try:
            line, start, end, cls = span
            styled.stylize(SPAN_STYLES.get(cls, ""), starts[line] + start, starts[line] + end)
        except (TypeError, ValueError, IndexError):
            continue  # a damaged span loses its colour, not the frame
    return styled


def _play_live(frames, speed, out, sleep, events, redraw):
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
