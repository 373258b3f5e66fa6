"""Recordings: frames at most twice a second, one self-contained HTML file, replay.

No cluster here: the recorder is fed events and a ClusterState by hand (a
demo writes a real recording in test_demo.py).
"""

import io
import json
import os
import re
import subprocess
import sys

import pytest

from cluster_sim.record import FORMAT, MIN_SPACING, RecordingError, load, replay
from cluster_sim.supervisor.events import Notice, ReadingPublished
from cluster_sim.supervisor.listeners.recorder import Recorder
from cluster_sim.supervisor.state import CRASHED, FOLLOWER, LEADER, RUNNING, ClusterState, NodeView
from cluster_sim.supervisor.state import Shown

T0 = 1_700_000_000.0


def state_at(**kw):
    state = ClusterState(name="rec", zk="127.0.0.1:2181", api_url="http://127.0.0.1:8000", zk_connected=True,
                         leader="1", epoch=2, leader_since=T0, started_at=T0, api_ok=True, **kw)
    state.nodes["1"] = NodeView("1", pid=11, state=RUNNING, role=LEADER, value=80.5, reading_ts=T0)
    state.nodes["2"] = NodeView("2", pid=12, state=RUNNING, role=FOLLOWER, value=79.5, reading_ts=T0)
    return state


def record(tmp_path, calls=20, period=0.25, final="Leadership timeline\n1 │e1████"):
    """A recording of `calls` refreshes `period` apart, one new event every 4th."""
    path = tmp_path / "session.html"
    recorder = Recorder(str(path), title="clustersim · rec")
    state = state_at()
    for i in range(calls):
        if i % 4 == 0:
            event = Notice(T0 + i * period, f"event {i // 4} </script><b>x</b>", "warn")
            state.events.append(event)
            recorder.event(event)
        recorder.event(ReadingPublished(T0 + i * period, "1", value=80.0))   # data only: not in the log
        recorder.frame(state, T0 + i * period)
    recorder.close(final_text=final)
    return path, recorder


def test_frames_at_most_twice_a_second_and_events_once(tmp_path):
    path, recorder = record(tmp_path, calls=20, period=0.25)   # 5 s of refreshes at 4 Hz
    times = [f["t"] for f in recorder.frames]
    assert 9 <= len(times) <= 11, times
    assert all(b - a >= MIN_SPACING for a, b in zip(times[:-1], times[1:-1]))
    assert times[-1] == T0 + 19 * 0.25          # the last refresh is stored on close, though it came early
    assert [e["text"].split()[1] for e in recorder.events] == ["0", "1", "2", "3", "4"]
    assert {e["kind"] for e in recorder.events} == {"notice"}
    frame = recorder.frames[0]
    assert "events" not in frame["state"] and frame["state"]["leader"] == "1"
    assert "LEADER" in frame["text"] and "rec" in frame["text"]
    assert max(len(line) for line in frame["text"].splitlines()) <= 110


def test_one_self_contained_html_file(tmp_path):
    path, _ = record(tmp_path)
    html = path.read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert "http://" not in html and "https://" not in html
    assert not re.search(r"""(src|href)\s*=|@import|url\(""", html, re.I)
    assert html.count("</script>") == 2          # the data block and the player; event text cannot end them
    assert '<script type="application/json" id="clustersim-recording">' in html
    for word in ("play", "slider", "speed", "Events", "Leadership timeline"):
        assert word in html
    assert "&lt;&#47;script&gt;&lt;b&gt;x&lt;&#47;b&gt;" in html   # the event log, escaped
    assert [p for p in os.listdir(tmp_path) if p != "session.html"] == []   # no temp file left
    data = load(str(path))
    assert data["format"] == FORMAT and len(data["frames"]) >= 9
    assert data["frames"][0]["state"]["api_url"] == "http://127.0.0.1:8000"   # "\/" in the file, "/" read back
    assert data["events"][0]["text"].endswith("</script><b>x</b>")


def test_replay_keeps_the_spacing_divided_by_speed(tmp_path):
    path, recorder = record(tmp_path)
    slept, out = [], io.StringIO()
    assert replay(str(path), speed=2.0, out=out, sleep=slept.append) == 0
    text = out.getvalue()
    expected = [(b["t"] - a["t"]) / 2.0 for a, b in zip(recorder.frames, recorder.frames[1:])]
    assert slept == pytest.approx(expected)
    assert text.count("──── frame ") == len(recorder.frames)
    assert text.rstrip().endswith("1 │e1████")            # the final text comes last


def test_replay_on_a_live_screen(tmp_path):
    path, recorder = record(tmp_path, calls=6)
    out = io.StringIO()
    assert replay(str(path), speed=100, out=out, sleep=lambda s: None, live=True) == 0
    assert "LEADER" in out.getvalue() and "Leadership timeline" in out.getvalue()


def test_recorder_never_breaks_the_manager_loop(tmp_path):
    recorder = Recorder(str(tmp_path / "r.html"))
    recorder.frame(object(), T0)        # not a state at all
    assert recorder.error
    recorder.frame(state_at(narration=Shown("Step 1", "kill the leader")), T0 + 1)
    assert "Step 1" in recorder.frames[-1]["text"]
    assert recorder.close() == str(tmp_path / "r.html")
    assert recorder.close() == str(tmp_path / "r.html")    # idempotent
    assert load(str(tmp_path / "r.html"))["final_text"] is None


def test_nan_and_empty_recordings_still_write_valid_files(tmp_path):
    recorder = Recorder(str(tmp_path / "empty.html"))
    recorder.close()
    out = io.StringIO()
    assert replay(str(tmp_path / "empty.html"), out=out, sleep=lambda s: None) == 0
    assert "no frames" in out.getvalue()
    state = state_at()
    state.nodes["1"].value = float("nan")
    recorder = Recorder(str(tmp_path / "nan.html"))
    recorder.frame(state, T0)
    recorder.close()
    assert load(str(tmp_path / "nan.html"))["frames"][0]["state"]["nodes"][0]["value"] is None


def test_unwritable_target_is_a_one_line_error(tmp_path):
    recorder = Recorder(str(tmp_path / "missing-dir" / "r.html"))
    with pytest.raises(RecordingError) as info:
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
])
def test_replay_of_a_bad_file_is_a_one_line_error(tmp_path, content, why):
    path = tmp_path / "bad.html"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(RecordingError) as info:
        replay(str(path), out=io.StringIO(), sleep=lambda s: None)
    assert why in str(info.value) and "\n" not in str(info.value)


def test_a_truncated_recording_is_corrupt(tmp_path):
    path, _ = record(tmp_path)
    html = path.read_text()
    cut = html.index('id="clustersim-recording">') + 200
    path.write_text(html[:cut] + html[html.index("</script>", cut):])
    with pytest.raises(RecordingError, match="corrupt"):
        load(str(path))


def test_cli_replay_plain_and_its_errors(tmp_path):
    path, recorder = record(tmp_path, calls=4)
    done = subprocess.run([sys.executable, "-m", "cluster_sim", "replay", str(path), "--speed", "1000"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("──── frame ") == len(recorder.frames)
    assert "Leadership timeline" in done.stdout
    (tmp_path / "junk.html").write_text("<html>nothing</html>")
    bad = subprocess.run([sys.executable, "-m", "cluster_sim", "replay", str(tmp_path / "junk.html")],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


def test_recorded_state_is_json(tmp_path):
    path, _ = record(tmp_path, calls=3)
    block = re.search(r'id="clustersim-recording">(.*?)</script>', path.read_text(), re.S).group(1)
    assert "http://" not in block and "<" not in block
    assert json.loads(block)["title"] == "clustersim · rec"


def _spans(frame, cls):
    lines = frame["text"].split("\n")
    return [lines[n][a:b] for n, a, b, c in frame["spans"] if c == cls]


def test_colours_come_from_the_view_not_from_the_words(tmp_path):
    state = state_at()
    state.nodes["3"] = NodeView("3", pid=13, state=CRASHED, exit_code=-9)
    recorder = Recorder(str(tmp_path / "c.html"))
    recorder.frame(state, T0)
    recorder.close()
    frame = load(str(tmp_path / "c.html"))["frames"][0]
    assert "★ LEADER" in _spans(frame, "lead") and "crashed" in _spans(frame, "bad")
    # a node whose id is a word the old player looked for is not coloured for it
    state = state_at()
    state.nodes["LEADER"] = NodeView("LEADER", pid=14, state=RUNNING, role=FOLLOWER)
    recorder = Recorder(str(tmp_path / "d.html"))
    recorder.frame(state, T0)
    recorder.close()
    frame = load(str(tmp_path / "d.html"))["frames"][0]
    row = next(line for line in frame["text"].split("\n") if line.startswith("LEADER"))
    assert "★" not in row and "LEADER" not in _spans(frame, "lead")
    out = io.StringIO()
    assert replay(str(tmp_path / "c.html"), out=out, sleep=lambda s: None, live=True) == 0
