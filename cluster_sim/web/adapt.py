"""The one place where whatever the supervisor hands the web view becomes what the page reads.

    from cluster_sim.web.adapt import event_record, snapshot_record

    event_record({"kind": "leader_elected", "ts": 1.5, "node": "2", "epoch": 3})
    event_record(LeaderElected(ts=1.5, node="2", epoch=3), describe=lambda e: wording.describe(e, "es"))
    event_record(state.Event(ts=1.5, text="API stopped", level="warn"))   # today's text events
    snapshot_record(state.to_json(now))    # the status dict, without its copy of the event log

An event record follows the event spine's export schema (issue 11,
`presentation/listeners/exporter.py`): `{"ts", "kind", <the event's own
fields>, "text"}`, where `text` is the sentence a person reads (None for
events that are data only: readings, rounds, role changes). The adapter is
tolerant: it takes such a dict, a typed event (a dataclass with a `kind`),
or today's `state.Event` (ts, text, level: kind "log"); it drops what JSON
cannot carry (NaN, infinities, objects) and returns None for something that
is not an event at all. The page (words.js, `normEvent`) is tolerant the same
way: unknown kinds and unknown fields are shown plainly, never fatal.
"""

import dataclasses
import math
import time
from typing import Any, Callable, Dict, Optional

__all__ = ["event_record", "snapshot_record", "live_snapshot", "clean", "worded_in", "DATA_KINDS", "MAX_TEXT"]

MAX_TEXT = 2000          # characters of one text field (a narration is the longest)
# deep enough for a recording's page data: frames > a frame > its patch > "N" > a node > its faults
# > a link (at 6, every node's faults, election and session, and a summary's not-fine rows, came
# out of a recording as null)
MAX_DEPTH = 10

# Events that are data for the picture, not lines of the event log: high-rate,
# and not kept for late joiners (the snapshot carries their latest value).
DATA_KINDS = frozenset({
    "reading_published", "round_computed", "round_stored", "role_changed", "outbox_changed",
    "api_status", "zk_server_changed", "host_known", "node_running", "connected",
    "last_round_known", "computed_known", "leader_zk_server", "split_brain_ended",
})


def clean(value: Any, depth: int = 0) -> Any:
    """`value` as plain JSON data: finite numbers, strings (cut at MAX_TEXT), lists, dicts."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return value if len(value) <= MAX_TEXT else value[:MAX_TEXT - 1] + "…"
    if depth >= MAX_DEPTH:
        return None
    if isinstance(value, dict):
        return {str(k): clean(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [clean(v, depth + 1) for v in value]
    return clean(str(value), depth + 1)


def _typed(event: Any) -> Dict[str, Any]:
    record: Dict[str, Any] = {"ts": getattr(event, "ts", None), "kind": getattr(event, "kind", None)}
    for f in dataclasses.fields(event):
        if f.name != "ts":
            record[f.name] = getattr(event, f.name)
    return record


def worded_in(lang: str) -> Callable[[Any], Optional[str]]:
    """The supervisor's wording in `lang` (imported when first used: the event classes cost time)."""
    def describe(event: Any) -> Optional[str]:
        from cluster_sim.presentation.wording import describe as words

        return words(event, lang)
    return describe


def event_record(event: Any, describe: Optional[Callable[[Any], Optional[str]]] = None,
                 now: Callable[[], float] = time.time) -> Optional[Dict[str, Any]]:
    """The page's record of `event`, or None when it is not an event.

    `describe(event)` gives the sentence for a typed event (the spine's
    `wording.describe` in the class's language); it is only asked when the
    event says it belongs in the log (`event.logged`, true when absent). With
    it, a typed event's record is the exporter's (`record_of`) line for line.
    """
    if isinstance(event, dict):
        record = dict(event)
        if describe is not None and "text" not in record:
            _word(record, describe)     # a record derived from status polls: worded as the supervisor would
    elif dataclasses.is_dataclass(event) and not isinstance(event, type) and hasattr(event, "kind"):
        record = _typed(event)
        if describe is not None:
            # as the exporter writes it: "text" is the sentence a person reads (None: data only),
            # even for the few kinds with a field of that name (a narration's explanation)
            try:
                record["text"] = describe(event) if getattr(event, "logged", True) else None
            except Exception:  # a wording bug must not cost the event: the page words it itself
                pass
    elif hasattr(event, "ts") and hasattr(event, "text"):
        record = {"ts": event.ts, "kind": "log", "text": event.text, "level": getattr(event, "level", None)}
    else:
        return None
    kind = record.get("kind")
    if not isinstance(kind, str) or not kind:
        return None
    ts = record.get("ts")
    if isinstance(ts, bool) or not isinstance(ts, (int, float)) or not math.isfinite(ts):
        record["ts"] = now()
    return clean(record)


def _word(record: Dict[str, Any], describe: Callable[[Any], Optional[str]]) -> None:
    from cluster_sim.engine.events import from_record

    try:
        event = from_record(record)
    except ValueError:
        return                          # a kind this version does not know: the page shows it plainly
    try:
        record["text"] = describe(event) if event.logged else None
    except Exception:  # a wording bug must not cost the event
        pass


def snapshot_record(snapshot: Any) -> Optional[Dict[str, Any]]:
    """The status dict (ClusterState.to_json) as the page reads it, or None if it is none.

    Its `events` (the last lines of today's text log) are left out: the page
    takes events from the event stream, once each.
    """
    if not isinstance(snapshot, dict):
        return None
    return clean({k: v for k, v in snapshot.items() if k != "events"})


def live_snapshot(snapshot: Any) -> Optional[Dict[str, Any]]:
    """snapshot_record for the live page: a large cluster's snapshot (one with a "summary",
    engine/digest.py) carries only the rows the page draws (the leader, the next in line, the
    nodes not fine), not 1,000 rows (600 KB) four times a second to every student's laptop. A
    recording keeps every row (snapshot_record): a replay in the terminal counts them again."""
    if not isinstance(snapshot, dict) or not isinstance(snapshot.get("summary"), dict):
        return snapshot_record(snapshot)
    summary = snapshot["summary"]
    keep = {str(snapshot.get("leader"))} | {str(n) for n in summary.get("next_in_line") or []}
    keep |= {str(x.get("id")) for x in summary.get("not_fine") or [] if isinstance(x, dict)}
    nodes = [n for n in snapshot.get("nodes") or [] if isinstance(n, dict) and str(n.get("id")) in keep]
    return snapshot_record(dict(snapshot, nodes=nodes))
