"""A control command's answer in words: what the supervisor sends back over the socket.

    from cluster_sim.presentation.answers import status_json, worded

    answer = by_name("kill").handler(manager, {"cmd": "kill", "id": "3"})
    # {"ok": True, "events": (NodeKilled(...),)}: the engine's answer carries the typed events
    worded(answer, manager.state, manager.clock())
    # {"ok": True, "message": "node 3 killed (SIGTERM)"}
    status_json(state, now)     # `status --json`: the state's data, each event of its log worded

A handler (engine, control) says what it did with typed values: the events it
caused (`events`, and `then`, words of its own said after them) and, for
`status`, the ClusterState itself. They are worded here, in the cluster's
language, by the one who sends the answer (the manager's loop, or the thread
a remote node's answer is waited on): a JSON object of plain values.
"""

from typing import Any, Dict, Mapping, Optional

from cluster_sim.engine.events import to_record
from cluster_sim.presentation.wording import describe, level

__all__ = ["status_json", "worded"]


def status_json(state: Any, now: float, log: bool = True) -> Dict[str, Any]:
    """The status (`status --json`): ClusterState.to_json with each event of the log (its record:
    kind and fields) given its sentence and level, so a view attached from outside shows them;
    a large cluster's digest as "summary" (engine/digest.py)."""
    from cluster_sim.engine.digest import status

    data = status(state, now, log=False)
    if log:
        base = state.round_base()
        data["events"] = [dict(to_record(e), text=describe(e, state.lang, base), level=level(e))
                          for e in state.shown_events()]
        data["events_total"] = state.events_total
    return data


def worded(answer: Mapping[str, Any], state: Any, now: Optional[float] = None) -> Dict[str, Any]:
    """`answer` as it is sent: its `events` become its `message` (each event's sentence, "; "
    between them, `then` after them) and a ClusterState in `status` its status_json."""
    out = dict(answer)
    events = out.pop("events", None)
    then = out.pop("then", None)
    if events is not None:
        lang = str(getattr(state, "lang", "en") or "en")
        said = "; ".join(describe(e, lang) or "" for e in events)
        out["message"] = f"{said} {then}" if then else said
    status = out.get("status")
    if status is not None and not isinstance(status, dict):
        out["status"] = status_json(status, now if now is not None else 0.0)
    return out
