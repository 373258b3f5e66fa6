"""Web recordings: changes only, played back exactly; a 45-minute class stays under 2 MB; bad files
say so in one line. And the adapter that turns whatever the supervisor hands over into records."""

import dataclasses
import math
import os
from typing import ClassVar, Optional

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cluster_sim.web.adapt import event_record, snapshot_record
from cluster_sim.web.recording import AGE_DRIFT, RecordingError, WebRecorder, expand, load
from cluster_sim.web.synthetic import record

T0 = 1_700_000_000.0
MB = 1024 * 1024

# --------------------------------------------------------------------------- the adapter


@dataclasses.dataclass(frozen=True)
class LeaderElected:          # the shape of the event spine's typed events
    ts: float
    node: str
    epoch: Optional[int] = None
    after: Optional[tuple] = None
    kind: ClassVar[str] = "leader_elected"
    logged: ClassVar[bool] = True


def test_the_adapter_takes_dicts_typed_events_and_text_events():
    assert event_record({"kind": "x", "ts": 1.0, "v": float("nan"), "nested": {"a": (1, 2)}}) == {
        "kind": "x", "ts": 1.0, "v": None, "nested": {"a": [1, 2]}}
    typed = event_record(LeaderElected(ts=2.0, node="3", epoch=4, after=("1",)),
                         describe=lambda e: f"leader elected: {e.node}")
    assert typed == {"ts": 2.0, "kind": "leader_elected", "node": "3", "epoch": 4, "after": ["1"],
                     "text": "leader elected: 3"}
    class TextEvent:                  # an event that is only words (the supervisor's before the spine)
        ts, text, level = 3.0, "API stopped", "warn"

    assert event_record(TextEvent()) == {
        "ts": 3.0, "kind": "log", "text": "API stopped", "level": "warn"}
    assert event_record({"kind": "x"}, now=lambda: 9.0)["ts"] == 9.0      # no time: now
    for junk in (None, 3, "text", {"ts": 1.0}, {"kind": 5, "ts": 1.0}, {"kind": "", "ts": 1}):
        assert event_record(junk) is None
    assert snapshot_record({"leader": "1", "events": [1, 2]}) == {"leader": "1"}
    assert snapshot_record([1]) is None


# --------------------------------------------------------------------------- patches

node_ids = st.sampled_from(["1", "2", "3", "10", "a-b"])
readings = st.one_of(st.none(), st.floats(min_value=-100, max_value=200, allow_nan=False).map(lambda x: round(x, 2)))
nodes = st.lists(st.fixed_dictionaries({
    "id": node_ids, "state": st.sampled_from(["running", "paused", "crashed", "stopped"]),
    "role": st.sampled_from(["LEADER", "follower", ""]), "value": readings,
    "age_s": st.one_of(st.none(), st.floats(min_value=0, max_value=20).map(lambda x: round(x, 3))),
    "pid": st.integers(1, 5),
    "waiting": st.booleans(),          # a process waiting for an id another holds: a second row, same id
}), max_size=5, unique_by=lambda n: (n["id"], n["waiting"]))
statuses = st.fixed_dictionaries({
    "leader": st.one_of(st.none(), node_ids), "epoch": st.one_of(st.none(), st.integers(0, 9)),
    "last_mean": readings, "api_ok": st.booleans(), "narration": st.one_of(st.none(), st.text(max_size=5)),
    "nodes": nodes,
})


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.floats(min_value=0.5, max_value=3), statuses), min_size=1, max_size=8))
def test_a_recording_gives_back_every_frame_it_stored(steps):
    clock = [T0]
    recorder = WebRecorder("unused.html", clock=lambda: clock[0])
    stored = []
    for gap, status in steps:
        clock[0] += gap
        recorder.offer_snapshot(status, clock[0])
        stored.append((clock[0], status))
    frames = expand(recorder.data())["frames"]
    # a frame that changed nothing is not stored: the player holds the previous one
    assert len(frames) <= len(stored)
    t0 = recorder.t0
    by_time = {round((t - t0) * 1000): state for t, state in frames}   # times are kept to the millisecond
    held = None
    for t, status in stored:
        held = by_time.get(round((t - t0) * 1000), held)
        assert held is not None
        assert {k: v for k, v in held.items() if k != "nodes"} == {k: v for k, v in status.items() if k != "nodes"}
        assert [n["id"] for n in held["nodes"]] == [n["id"] for n in status["nodes"]]
        for got, want in zip(held["nodes"], status["nodes"]):
            assert {k: v for k, v in got.items() if k != "age_s"} == {k: v for k, v in want.items() if k != "age_s"}
            if want["age_s"] is None:
                assert got["age_s"] is None
            else:   # ages are aged by the player, corrected when off by more than AGE_DRIFT
                assert got["age_s"] is not None and abs(got["age_s"] - want["age_s"]) <= AGE_DRIFT + 0.051


def test_a_narrated_step_shorter_than_a_frame_still_has_its_frame():
    # three steps 0.1 s apart, within one frame period (0.5 s): each is in the recording
    clock = [T0]
    recorder = WebRecorder("unused.html", clock=lambda: clock[0])
    steps = ["1. the API goes away", "2. rounds wait", "3. the API is back", "3. the API is back"]
    for i, title in enumerate(steps):
        clock[0] = T0 + 0.1 * i
        recorder.offer_snapshot({"leader": "1", "nodes": [], "narration": {"title": title}}, clock[0])
    recorder.offer_snapshot({"leader": "1", "nodes": [], "narration": {"title": "3. the API is back"}}, T0 + 2)
    shown = [state["narration"]["title"] for _, state in expand(recorder.data())["frames"]]
    assert [t for i, t in enumerate(shown) if i == 0 or t != shown[i - 1]] == steps[:3]


def test_a_step_whose_frame_was_held_back_is_kept_when_frames_come_late():
    # a busy machine: the step's one frame came within the period (held back), and the next frame
    # only after the step was over; the recording still shows it
    recorder = WebRecorder("unused.html", clock=lambda: T0)
    offered = [(T0, "1. the API goes away"), (T0 + 0.3, "2. rounds wait"), (T0 + 1.2, "3. the API is back")]
    for t, title in offered:
        recorder.offer_snapshot({"leader": "1", "nodes": [], "narration": {"title": title}}, t)
    shown = [state["narration"]["title"] for _, state in expand(recorder.data())["frames"]]
    assert [t for i, t in enumerate(shown) if i == 0 or t != shown[i - 1]] == [title for _, title in offered]


@pytest.mark.parametrize("nodes,interval", [(5, 1.0), (30, 1.0), (30, 0.25)])
def test_a_45_minute_class_is_under_2_mb(tmp_path, nodes, interval):
    path = tmp_path / "class.html"
    session, recorder = record(str(path), 45, nodes, interval)   # a frame offered four times a second
    size = os.path.getsize(path)
    print(f"45 min, {nodes} nodes, a reading every {interval:g} s: {size / MB:.2f} MB, "
          f"{len(recorder.frames)} frames, {len(recorder.events)} events")
    assert size < 2 * MB
    data = load(str(path))
    # a frame when something changed (every reading round at least), never more than two a second
    assert 45 * 60 * 0.9 <= len(data["frames"]) == len(recorder.frames) <= 45 * 60 * 2 + 1
    last_t, last = expand(data)["frames"][-1]
    assert last["leader"] == session.state.leader
    assert last["rounds_stored"] == session.state.rounds_stored
    assert [n["state"] for n in last["nodes"]] == [n.state for n in session.state.sorted_nodes()]
    kinds = {record["kind"] for _, record in data["events"]}
    assert {"leader_elected", "node_stopped", "node_paused", "partitioned"} <= kinds
    assert not kinds & {"reading_published", "round_stored"}          # the frames carry those


def test_the_recorder_never_raises_and_bad_files_say_so_in_one_line(tmp_path):
    recorder = WebRecorder(str(tmp_path / "r.html"), clock=lambda: T0)
    recorder.offer_snapshot(["not", "a", "status"], T0)
    recorder.offer_snapshot({"nodes": [{"id": "1", "value": math.inf, "age_s": "old"}]}, T0 + 1)
    recorder.publish(object())
    recorder.publish({"kind": "leader_elected", "ts": T0 + 2, "node": "1"})
    path = recorder.close()
    assert recorder.close() == path                                     # idempotent
    data = load(path)
    # after the first frame; worded by the catalogue as it is recorded (the page holds no phrases)
    assert data["events"] == [[1000, {"kind": "leader_elected", "node": "1", "text": "leader elected: 1 (epoch ?)"}]]
    (t, state), = expand(data)["frames"]
    assert state["nodes"] == [{"id": "1", "value": None, "age_s": None}]
    html = open(path, encoding="utf-8").read()
    for needle in ("<link", " src=", "https:", "url("):
        assert needle not in html
    (tmp_path / "text.txt").write_text("hello")
    (tmp_path / "other.html").write_text('<html><script type="application/json" id="cs-recording">'
                                         '{"format": "x"}</script></html>')
    for name, message in (("missing.html", "no such file"), ("text.txt", "not a clustersim web recording"),
                          ("other.html", "unknown recording format")):
        with pytest.raises(RecordingError, match=message) as err:
            load(str(tmp_path / name))
        assert "\n" not in str(err.value)
    with pytest.raises(RecordingError, match="cannot write"):
        WebRecorder(str(tmp_path / "no" / "dir" / "r.html")).close()


def test_a_typed_event_becomes_the_exporters_record_line_for_line():
    from cluster_sim.engine.events import KINDS, typed_from
    from cluster_sim.presentation.listeners.exporter import record_of
    from cluster_sim.presentation.wording import describe

    fields = {"node": "3", "epoch": 2, "nodes": ["1", "2"], "reason": "stepped down", "message": "said",
              "title": "Step 1", "body": "Watch the timeline.", "value": 81.5, "round": 7, "index": 2, "command": "clustersim node 9"}
    for kind, cls in KINDS.items():
        event = typed_from(cls, fields, ts=1.5)
        for lang in ("en", "es"):
            assert event_record(event, describe=lambda e: describe(e, lang)) == record_of(event, lang), kind
