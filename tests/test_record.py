"""Recordings: one format (the web page), frames at most twice a second, one self-contained HTML
file, replay in the terminal; and the older terminal-frame files still replay.

No cluster here: the recorder is fed typed events and a ClusterState by hand through the same Feed
the supervisor uses (a demo writes a real recording in test_demo.py). The old format's file is
tests/data/terminal-recording-v1.html, written by the recorder that used to write it.
"""

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cluster_sim import record as replaying
from cluster_sim.record import FORMAT, RecordingError, load, load_any, replay
from cluster_sim.engine.events import Notice, ReadingPublished
from cluster_sim.presentation.redraw import redraw
from cluster_sim.engine.state import CRASHED, FOLLOWER, LEADER, RUNNING, ClusterState, NodeView
from cluster_sim.presentation.wording import describe
from cluster_sim.web import Feed, WebRecorder
from cluster_sim.web import recording as web

T0 = 1_700_000_000.0
OLD = Path(__file__).parent / "data" / "terminal-recording-v1.html"
SPACING = 0.5          # the recorder keeps at most two frames a second


def state_at(**kw):
    state = ClusterState(name="rec", zk="127.0.0.1:2181", api_url="http://127.0.0.1:8000", zk_connected=True,
                         leader="1", epoch=2, leader_since=T0, started_at=T0, api_ok=True, **kw)
    state.nodes["1"] = NodeView("1", pid=11, state=RUNNING, role=LEADER, value=80.5, reading_ts=T0)
    state.nodes["2"] = NodeView("2", pid=12, state=RUNNING, role=FOLLOWER, value=79.5, reading_ts=T0)
    return state


def record(tmp_path, calls=20, period=0.25, final="Leadership timeline\n1 │e1████"):
    """A recording of `calls` refreshes `period` apart (a new reading each), one new event every 4th."""
    path = tmp_path / "session.html"
    recorder = WebRecorder(str(path), title="clustersim · rec", clock=lambda: T0)
    feed = Feed(recorder, describe=lambda e: describe(e, "en"))
    state = state_at()
    for i in range(calls):
        now = T0 + i * period
        if i % 4 == 0:
            feed.event(Notice(now, message=f"event {i // 4} </script><b>x</b>", level="warn"))
        state.nodes["1"].value, state.nodes["1"].reading_ts = 80.0 + i, now
        feed.event(ReadingPublished(now, "1", value=80.0 + i))          # data only: not in the log
        feed.frame(state, now)
    recorder.close(final_text=final)
    return path, recorder


def test_frames_at_most_twice_a_second_and_events_once(tmp_path):
    path, recorder = record(tmp_path, calls=20, period=0.25)   # 5 s of refreshes at 4 Hz
    frames = load_any(str(path))["frames"]
    times = [f["t"] for f in frames]
    assert 9 <= len(times) <= 11, times
    assert all(b - a >= SPACING for a, b in zip(times[:-1], times[1:-1]))
    assert times[-1] == T0 + 19 * 0.25          # the last refresh is stored on close, though it came early
    events = web.load(str(path))["events"]
    assert [e["text"].split()[1] for _, e in events] == ["0", "1", "2", "3", "4"]
    assert {e["kind"] for _, e in events} == {"notice"}
    first = frames[0]["state"]
    assert "events" not in first and first["leader"] == "1" and first["name"] == "rec"
    assert [n["value"] for n in frames[-1]["state"]["nodes"]] == [99.0, 79.5]


def test_one_self_contained_html_file(tmp_path):
    path, _ = record(tmp_path)
    html = path.read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert "http://" not in html and "https://" not in html
    assert not re.search(r"""<[a-z]+[^>]*\s(src|href)\s*=|<link|@import|url\(""", html, re.I)   # loads nothing
    assert html.count('<script type="application/json" id="cs-recording">') == 1
    assert "</script><b>" not in html                       # event text cannot end the data block
    assert [p for p in os.listdir(tmp_path) if p != "session.html"] == []   # no temp file left
    data = load_any(str(path))
    assert data["format"] == web.FORMAT and len(data["frames"]) >= 9
    assert data["frames"][0]["state"]["api_url"] == "http://127.0.0.1:8000"   # "\/" in the file, "/" read back
    assert data["events"][0]["text"].endswith("</script><b>x</b>")
    assert data["final_text"].startswith("Leadership timeline")


def test_replay_keeps_the_spacing_divided_by_speed(tmp_path):
    path, _ = record(tmp_path)
    frames = load_any(str(path))["frames"]
    slept, out = [], io.StringIO()
    assert replay(str(path), speed=2.0, out=out, sleep=slept.append, redraw=redraw) == 0
    text = out.getvalue()
    assert slept == pytest.approx([(b["t"] - a["t"]) / 2.0 for a, b in zip(frames, frames[1:])])
    assert text.count("──── frame ") == len(frames)
    assert "★ LEADER" in text and "event 4 </script><b>x</b>" in text    # each frame drawn from its status
    assert text.rstrip().endswith("1 │e1████")            # the final text comes last


def test_replay_on_a_live_screen(tmp_path):
    path, _ = record(tmp_path, calls=6)
    out = io.StringIO()
    assert replay(str(path), speed=100, out=out, sleep=lambda s: None, live=True, redraw=redraw) == 0
    assert "LEADER" in out.getvalue() and "Leadership timeline" in out.getvalue()


def test_an_old_terminal_frame_recording_still_replays(tmp_path):
    data = load(str(OLD))
    assert data["format"] == FORMAT and len(data["frames"]) == 4
    assert load_any(str(OLD))["frames"] == data["frames"]
    for drawn in (None, redraw):     # as recorded, and drawn again from each frame's status
        out = io.StringIO()
        slept = []
        assert replay(str(OLD), speed=2.0, out=out, sleep=slept.append, redraw=drawn) == 0
        text = out.getvalue()
        assert slept == pytest.approx([0.25, 0.25, 0.25])
        assert text.count("──── frame ") == 4 and "83.50" in text and "event 3 </script><b>x</b>" in text
        assert text.rstrip().endswith("1 │e1████")
    out = io.StringIO()
    assert replay(str(OLD), speed=100, out=out, sleep=lambda s: None, live=True) == 0
    assert "LEADER" in out.getvalue() and "crashed" in out.getvalue()


def _spans(frame, cls):
    lines = frame["text"].split("\n")
    return [lines[n][a:b] for n, a, b, c in frame["spans"] if c == cls]


def test_an_old_recordings_colours_come_from_its_spans():
    frame = load(str(OLD))["frames"][0]
    assert "★ LEADER" in _spans(frame, "lead") and "crashed" in _spans(frame, "bad")
    styled = replaying._styled(frame)
    leader = frame["text"].index("★ LEADER")
    assert any(s.start <= leader < s.end and "yellow" in str(s.style) for s in styled.spans)


def test_nan_and_empty_recordings_still_write_valid_files(tmp_path):
    WebRecorder(str(tmp_path / "empty.html")).close()
    out = io.StringIO()
    assert replay(str(tmp_path / "empty.html"), out=out, sleep=lambda s: None, redraw=redraw) == 0
    assert "no frames" in out.getvalue()
    state = state_at()
    state.nodes["1"].value = float("nan")
    recorder = WebRecorder(str(tmp_path / "nan.html"))
    Feed(recorder).frame(state, T0)
    recorder.close()
    assert load_any(str(tmp_path / "nan.html"))["frames"][0]["state"]["nodes"][0]["value"] is None


def test_unwritable_target_is_a_one_line_error(tmp_path):
    recorder = WebRecorder(str(tmp_path / "missing-dir" / "r.html"))
    with pytest.raises(RecordingError) as info:      # one error class for writing and for replay
        recorder.close()
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("content, why", [
    (None, "no such file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not a clustersim recording"),
    (b"just some text, not html", "not a clustersim recording"),
    (b"<!DOCTYPE html><html><body>hello</body></html>", "no recording data"),
    (b'<html><script type="application/json" id="clustersim-recording">{"format": "clustersim-rec'
     b'</script></html>', "corrupt"),
    (b'<html><script type="application/json" id="clustersim-recording">[1, 2]</script></html>', "corrupt"),
    (b'<html><script type="application/json" id="clustersim-recording">{"format": "clustersim-recording/1",'
     b' "frames": [{"t": 2, "text": "a"}, {"t": 1, "text": "b"}]}</script></html>', "back in time"),
    (b'<html><script type="application/json" id="cs-recording">{"format": "clustersim-web-rec'
     b'</script></html>', "corrupt"),
    (b'<html><script type="application/json" id="cs-recording">{"format": "x"}</script></html>', "unknown"),
])
def test_replay_of_a_bad_file_is_a_one_line_error(tmp_path, content, why):
    path = tmp_path / "bad.html"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(RecordingError) as info:
        replay(str(path), out=io.StringIO(), sleep=lambda s: None)
    assert why in str(info.value) and "\n" not in str(info.value)


def test_a_truncated_recording_is_corrupt(tmp_path):
    web_path, _ = record(tmp_path)
    old_path = tmp_path / "old.html"
    shutil.copy(OLD, old_path)
    for path, block in ((web_path, 'id="cs-recording">'), (old_path, 'id="clustersim-recording">')):
        html = path.read_text()
        cut = html.index(block) + 200
        path.write_text(html[:cut] + html[html.index("</script>", cut):])
        with pytest.raises(RecordingError, match="corrupt"):
            load_any(str(path))


def test_cli_replay_plain_and_its_errors(tmp_path):
    path, _ = record(tmp_path, calls=4)
    for recording, frames in ((path, len(load_any(str(path))["frames"])), (OLD, 4)):
        done = subprocess.run([sys.executable, "-m", "cluster_sim", "replay", str(recording), "--speed", "1000"],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert done.stdout.count("──── frame ") == frames and "★ LEADER" in done.stdout
        assert "Leadership timeline" in done.stdout
    (tmp_path / "junk.html").write_text("<html>nothing</html>")
    (tmp_path / "cut.html").write_text('<html><script type="application/json" id="cs-recording">{"fra'
                                       '</script></html>')
    for junk in ("junk.html", "cut.html"):
        bad = subprocess.run([sys.executable, "-m", "cluster_sim", "replay", str(tmp_path / junk)],
                             capture_output=True, text=True, timeout=60)
        assert bad.returncode == 2 and "Traceback" not in bad.stderr
        assert len(bad.stderr.strip().splitlines()) == 1


def test_recorded_state_is_json(tmp_path):
    path, _ = record(tmp_path, calls=3)
    block = re.search(r'id="cs-recording">(.*?)</script>', path.read_text(), re.S).group(1)
    assert "http://" not in block and "<" not in block
    assert json.loads(block)["title"] == "clustersim · rec"


def test_a_replay_shows_a_demos_narration_as_the_live_view_and_nothing_of_the_live_session(tmp_path):
    """A --step demo's recording: the narration as the live view shows it (title, explanation,
    question); its "press Enter" hint, shown again without a log line, and the command hints are
    the live session's: not in a replay, and no raw `narration` line either."""
    from cluster_sim.engine.events import Narration
    from cluster_sim.engine.state import Shown
    from cluster_sim.presentation.view import CONTROL_HINTS
    from cluster_sim.words import narration

    told = narration.told("en", "fo_kill_soft", leader="1", timeout=2.0)
    hint = narration.say("en", "step_hint", title=told.title)
    path = tmp_path / "demo.html"
    recorder = WebRecorder(str(path), title="clustersim · rec", clock=lambda: T0)
    feed = Feed(recorder, describe=lambda e: describe(e, "en"))
    state = state_at()
    for i in range(4):
        now = T0 + i
        if i == 1:
            feed.event(Narration(now, title=told.title, body=told.body, question=told.question, lang="en"))
            state.narration = Shown(told.title, told.body, told.question)
        if i == 2:       # the stage shows the hint: the same narration again, no log line
            feed.event(Narration(now, title=told.title, body=told.body, question=told.question, hint=hint,
                                 log=False, lang="en"))
            state.narration = Shown(told.title, told.body, told.question, hint=hint)
        feed.frame(state, now)
    recorder.close(final_text="Leadership timeline")
    out = io.StringIO()
    assert replay(str(path), speed=100, out=out, sleep=lambda s: None, redraw=redraw) == 0
    played = out.getvalue()
    last = played.rsplit("──── frame ", 1)[1]
    flat = " ".join(last.replace("┃", " ").replace("│", " ").split())
    assert told.title in flat and told.body.split()[0] in flat
    assert f"Ask the class: {told.question.split()[0]}" in flat
    assert "Press Enter" not in played and "⏎" not in played
    assert CONTROL_HINTS not in played
    assert not re.search(r"\bnarration\b", played)
    assert last.count(told.title) == 2          # the panel's title and one line in the log, not two
