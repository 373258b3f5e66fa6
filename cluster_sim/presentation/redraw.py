"""A recorded frame drawn again as the live view, for the terminal it is replayed on.

    from cluster_sim.record import replay
    from cluster_sim.presentation.redraw import redraw

    replay("class.html", redraw=redraw)     # each frame laid out for this terminal's size

A frame carries the status (ClusterState.to_json) it was recorded with, and
how many of the recording's events had come by then. The view is rebuilt
from both: the state from the status, the event log from the event records
(typed again with events.from_record, so the view words and colours them as
it does live; an old file's lines, which are only text, as Notices).
"""

from collections import deque
from dataclasses import replace
from typing import Any, Dict, List, Optional

from cluster_sim.engine.events import Event, Notice, from_record
from cluster_sim.engine.state import ClusterState
from cluster_sim.presentation.view import render

__all__ = ["redraw"]


def _float(x: Any) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return 0.0


def _event(record: Dict[str, Any]) -> Event:
    if record.get("kind") not in (None, "notice", "log"):
        try:
            return from_record(dict(record, ts=_float(record.get("ts"))))
        except ValueError:   # a kind this version does not know: its words, as recorded
            pass
    return Notice(_float(record.get("ts")), message=str(record.get("text") or ""),
                  level=str(record.get("level") or "info"))


def redraw(frame: Dict[str, Any], events: List[Dict[str, Any]], width: int, height: int) -> Optional[Any]:
    """`frame` drawn for a terminal of `width` x `height`: the view rebuilt from the frame's status
    and the events recorded up to it, laid out as the live view would be there. None when the
    frame has no status."""
    data, now = frame.get("state"), frame.get("t")
    if not isinstance(data, dict) or isinstance(now, bool) or not isinstance(now, (int, float)):
        return None
    state = ClusterState.from_json(data, float(now))
    count = frame.get("events") if isinstance(frame.get("events"), int) else len(events)
    state.events = deque((_event(e) for e in events[:count] if isinstance(e, dict)), maxlen=200)
    if state.narration is not None and state.narration.hint:
        state.narration = replace(state.narration, hint="")    # "press Enter": nothing to press in a replay
    # as the live view shows it, but for what belonged to the live session only
    return render(state, float(now), width=width, height=height, footer=False)
