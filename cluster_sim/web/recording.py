"""Recordings as the web view's own page: the session's changes inline in one offline HTML file.

    recorder = WebRecorder("class.html", title="clustersim · default", lang="es")
    # on the thread that owns the state, as often as it likes (kept at most snapshot_hz):
    if recorder.wants_snapshot(now):
        recorder.offer_snapshot(state.to_json(now), now)
    recorder.publish(event)                # a dict in the export schema, or a typed event
    ...
    recorder.close(results={"title": "Results", "rows": [["hard kill", "3,020 ms"]]})

    data = load("class.html")              # the recording's data (RecordingError if unreadable)
    for t, state in expand(data)["frames"]: ...   # every stored snapshot back, as to_json dicts

Opening the file replays the session in the same picture as the live page
(play, pause, seek, speed) and shows the results at the end.

Small by design: a frame stores what changed since the previous one, never
the whole state again. A patch is a dict: top-level keys that changed, with
their new value; "-": keys that went away; "O": the node ids in order, when
they changed; "N": {id: {field: value}} node fields that changed; "R":
{id: value or [value, age]} new readings, or "V" when most nodes have one:
the same entries as a list in node order, "" for a node without a new one. A reading's age is not stored
again every frame: the player ages it from the time it changed (stored
explicitly when it is already older than AGE_FRESH, or has drifted by more
than AGE_DRIFT). Readings and means are kept to 2 decimals, as the screen
shows them; `refresh_hz` (how fast the terminal redrew) is not recorded.
Events are kept once, without the data-only kinds (readings, rounds: the
frames carry them). A 45-minute class of 30 nodes, a reading a second each,
comes to about a megabyte whatever the interval: the recorder keeps at most
two frames a second, so a node adds at most two readings a second
(tests/test_web_recording.py measures it).
"""

import re
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

from cluster_sim.web.adapt import worded_in, DATA_KINDS, event_record, snapshot_record

__all__ = ["WebRecorder", "RecordingError", "FORMAT", "load", "expand", "encode_patch", "apply_patch"]

FORMAT = "clustersim-web-recording/1"
BLOCK_ID = "cs-recording"
AGE_FRESH = 0.3       # s: a reading younger than this when first seen is stored without its age
AGE_DRIFT = 0.5       # s: a stored age is corrected when the player's estimate is off by more
SKIP_KEYS = frozenset({"refresh_hz"})
ROUNDED = {"value": 2, "last_mean": 2}
_READING = ("value", "age_s")          # not node fields of a patch's "N": readings go in "R" / "V"
WAITING_KEY = "#waiting"               # a row's key: its id, and this for a process waiting for its id
                                       # (the status has two rows with that id: one process each)
_NONE = object()
_SPECIAL = ("N", "R", "V", "O", "-")
_BLOCK = re.compile(r'<script type="application/json" id="' + BLOCK_ID + r'">(.*?)</script>', re.DOTALL)


class RecordingError(Exception):
    """A recording cannot be read or written; the message is one line."""


def _round(key: str, value: Any) -> Any:
    if key in ROUNDED and isinstance(value, float):
        return round(value, ROUNDED[key])
    return value


def _ms(t: float, t0: float) -> int:
    return int(round((t - t0) * 1000))


# --------------------------------------------------------------------------- patches

def row_key(node: Dict[str, Any]) -> str:
    """What a node's row is known by in a patch (play.js rowKey is the same)."""
    return str(node["id"]) + (WAITING_KEY if node.get("waiting") is True else "")


class _Model:
    """What the player knows after applying every patch so far: the state and each reading's time."""

    def __init__(self) -> None:
        self.top: Dict[str, Any] = {}
        self.order: List[str] = []
        self.nodes: Dict[str, Dict[str, Any]] = {}
        self.reading_t: Dict[str, Optional[float]] = {}

    def state(self, t: float) -> Dict[str, Any]:
        """The snapshot at `t`, with each reading's age computed as the player does."""
        state = dict(self.top)
        nodes = []
        for node_id in self.order:
            node = dict(self.nodes[node_id])
            rt = self.reading_t.get(node_id)
            node["age_s"] = None if rt is None else round(max(0.0, t - rt), 3)
            nodes.append(node)
        state["nodes"] = nodes
        return state


def apply_patch(model: _Model, patch: Dict[str, Any], t: float) -> None:
    """The player's rule (play.js applyPatch does the same)."""
    for key, value in patch.items():
        if key not in _SPECIAL:
            model.top[key] = value
    for key in patch.get("-", ()):
        model.top.pop(key, None)
    if "O" in patch:
        model.order = [str(i) for i in patch["O"]]
        model.nodes = {i: model.nodes.get(i, {"id": i}) for i in model.order}
        model.reading_t = {i: model.reading_t.get(i) for i in model.order}
    for node_id, fields in (patch.get("N") or {}).items():
        model.nodes.setdefault(node_id, {"id": node_id}).update(fields)
    readings = dict(patch.get("R") or {})
    readings.update((node_id, entry) for node_id, entry in zip(model.order, patch.get("V") or ())
                    if entry != "")
    for node_id, entry in readings.items():
        value, age = (entry[0], entry[1]) if isinstance(entry, list) else (entry, 0.0)
        model.nodes.setdefault(node_id, {"id": node_id})["value"] = value
        model.reading_t[node_id] = None if age is None else t - age


def encode_patch(model: _Model, state: Dict[str, Any], t: float) -> Dict[str, Any]:
    """The patch that takes the player from `model` to `state` at `t`; applies it to `model` too."""
    patch: Dict[str, Any] = {}
    for key, value in state.items():
        if key == "nodes" or key in SKIP_KEYS:
            continue
        value = _round(key, value)
        if key not in model.top or model.top[key] != value:
            patch[key] = value
    gone = [k for k in model.top if k not in state]
    if gone:
        patch["-"] = gone
    nodes = [n for n in (state.get("nodes") or []) if isinstance(n, dict) and n.get("id") is not None]
    order = [row_key(n) for n in nodes]
    if order != model.order:
        patch["O"] = order
    changed: Dict[str, Dict[str, Any]] = {}
    readings: Dict[str, Any] = {}
    for node in nodes:
        node_id = row_key(node)
        new = node_id not in model.nodes
        known = model.nodes.get(node_id) or {"id": node_id}
        fields = {k: v for k, v in node.items() if k not in _READING and known.get(k, _NONE) != v}
        fields.update({k: None for k in known if k not in _READING and k not in node and known[k] is not None})
        if fields or new:
            changed[node_id] = fields
        value, age = _round("value", node.get("value")), node.get("age_s")
        age = None if not isinstance(age, (int, float)) or isinstance(age, bool) else float(age)
        rt = model.reading_t.get(node_id)
        guess = None if rt is None else t - rt
        fresh = new or known.get("value") != value or (age is None) != (guess is None)
        if fresh or (age is not None and guess is not None and abs(guess - age) > AGE_DRIFT):
            readings[node_id] = value if (age is not None and age <= AGE_FRESH) else [
                value, None if age is None else round(age, 1)]
    if changed:
        patch["N"] = changed
    if readings and 2 * len(readings) > len(order):
        # most nodes have a new reading (every interval, they do): a list in node order, without ids
        patch["V"] = [readings.get(node_id, "") for node_id in order]
    elif readings:
        patch["R"] = readings
    apply_patch(model, patch, t)
    return patch


# --------------------------------------------------------------------------- recording

class WebRecorder:
    """Keeps the session's changes; close() writes the page. Thread-safe, never raises while recording.

    The same feeding interface as WebView (publish, wants_snapshot,
    offer_snapshot), so one listener feeds both. The first error while
    recording is kept in `error`; close() raises RecordingError (one line)
    only when the file cannot be written.
    """

    def __init__(self, path: str, title: str = "clustersim", lang: str = "en", *, snapshot_hz: float = 2.0,
                 describe: Optional[Callable] = None, clock: Callable[[], float] = time.time):
        self.path = str(path)
        self.title, self.lang = str(title), str(lang)
        # the page holds no phrases: every event reaches it worded, in the page's language
        self.describe = describe or worded_in(self.lang)
        self.clock = clock
        self.period = 1.0 / snapshot_hz
        self.frames: List[list] = []
        self.events: List[list] = []
        self.meta: Dict[str, Any] = {}
        self.error: Optional[str] = None
        self.t0: Optional[float] = None
        self._model = _Model()
        self._last_offer = float("-inf")
        self._pending: Optional[Tuple[float, dict]] = None   # newest snapshot not stored (too soon)
        self._lock = threading.Lock()
        self._closed = False

    def _start(self, t: float) -> float:
        if self.t0 is None:
            self.t0 = t
        return self.t0

    def wants_snapshot(self, now: Optional[float] = None) -> bool:
        """Always, while recording: frames are thinned here, and the newest one not stored is kept
        for close(), so the file ends with the state the session ended in."""
        return not self._closed

    def offer_snapshot(self, snapshot: Any, now: Optional[float] = None) -> None:
        now = self.clock() if now is None else now
        try:
            with self._lock:
                if self._closed:
                    return
                if now - self._last_offer < self.period:
                    if self._pending is not None and _step(self._pending[1]) != _step(snapshot):
                        # a narrated step shorter than a frame period still gets its frame: a
                        # recording never skips what the class was told
                        self._store(*self._pending)
                        self._last_offer = now - self.period   # the new step gets the next frame too
                    self._pending = (now, snapshot)   # the last state before close() is not lost
                    return
                if self._pending is not None and _step(self._pending[1]) != _step(snapshot):
                    # the step held back is over before the next frame came (frames come late on a
                    # busy machine): it is stored first, or the recording would skip it
                    self._store(*self._pending)
                self._store(now, snapshot)
        except Exception as exc:  # a recording problem must not take the cluster down: keep the first
            self.error = self.error or f"{type(exc).__name__}: {exc}"

    def _store(self, now: float, snapshot: Any) -> None:
        self._last_offer = now
        self._pending = None
        state = snapshot_record(snapshot)
        if state is None:
            return
        t0 = self._start(now)
        patch = encode_patch(self._model, state, now)
        if patch or not self.frames:
            self.frames.append([_ms(now, t0), patch])

    def publish(self, event: Any) -> None:
        try:
            kind = event.get("kind") if isinstance(event, dict) else getattr(event, "kind", None)
            if kind in DATA_KINDS:
                return                    # the frames carry them: not worth making a record of
            record = event_record(event, self.describe, self.clock)
            if record is None or record["kind"] in DATA_KINDS:
                return
            with self._lock:
                if self._closed:
                    return
                ts = record.pop("ts")
                t0 = self._start(ts)
                # keep what says something: no nulls, no empty lists, no false flags
                self.events.append([_ms(ts, t0), {k: v for k, v in record.items()
                                                  if v is not None and v != [] and v is not False}])
        except Exception as exc:  # as in offer_snapshot
            self.error = self.error or f"{type(exc).__name__}: {exc}"

    def data(self, results: Any = None, final_text: Optional[str] = None) -> Dict[str, Any]:
        """The recording as written: events sorted by time (they may arrive a little out of order)."""
        with self._lock:
            events = sorted(self.events, key=lambda e: e[0])
            t0 = self.t0 if self.t0 is not None else self.clock()
            # an event before the first frame has a negative offset: the player starts there
            return {"format": FORMAT, "title": self.title, "lang": self.lang, "t0": t0,
                    "frames": list(self.frames), "events": events, "results": results,
                    "final_text": final_text, "meta": dict(self.meta)}

    def close(self, results: Any = None, final_text: Optional[str] = None) -> str:
        """Write the page (atomically) and return its path. Idempotent; RecordingError if it cannot."""
        with self._lock:
            if self._closed:
                return self.path
            if self._pending is not None:
                try:
                    self._store(*self._pending)
                except Exception as exc:  # the file is still written, without that frame
                    self.error = self.error or f"{type(exc).__name__}: {exc}"
            self._closed = True
        data = self.data(results, final_text)
        from cluster_sim.base.userfile import write_atomically
        from cluster_sim.web.page import render_page

        page = render_page({"title": self.title, "lang": self.lang, "mode": "replay"}, recording=data)
        try:
            write_atomically(self.path, page)
        except OSError as exc:
            raise RecordingError(f"cannot write {self.path}: {exc.strerror or exc}") from None
        return self.path


# --------------------------------------------------------------------------- reading back

def load(path: str) -> Dict[str, Any]:
    """The data of a recording written by WebRecorder.close(); RecordingError (one line) if it is none."""
    from cluster_sim.base.userfile import embedded_json

    data = embedded_json(path, _BLOCK, "a clustersim web recording", RecordingError, max_bytes=256 * 1024 * 1024)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RecordingError(f"{path}: unknown recording format {str(data.get('format') if isinstance(data, dict) else None)[:40]!r}")
    if not isinstance(data.get("frames"), list) or not isinstance(data.get("events"), list):
        raise RecordingError(f"{path}: the recording is corrupt (no frame or event list)")
    return data


def expand(data: Dict[str, Any]) -> Dict[str, Any]:
    """Every frame back as (t, status dict) and every event with its `ts`, as they were recorded."""
    t0 = float(data.get("t0") or 0.0)
    model = _Model()
    frames = []
    for ms, patch in data.get("frames") or []:
        t = t0 + ms / 1000.0
        apply_patch(model, patch, t)
        frames.append((t, model.state(t)))
    events = [dict(record, ts=t0 + ms / 1000.0) for ms, record in data.get("events") or []]
    return {"frames": frames, "events": events}


def _step(snapshot: Any) -> Any:
    """The narration a status snapshot shows (its title), or None."""
    narration = snapshot.get("narration") if isinstance(snapshot, dict) else None
    return narration.get("title") if isinstance(narration, dict) else narration
