"""`clustersim status` as text: the header and the table of the live view, once, without rich.

    from cluster_sim.presentation.status_view import status_text

    status = control.send("default", {"cmd": "status"})["status"]     # ClusterState.to_json(now)
    print(status_text(status))

A pure function of the status dict (what `status --json` prints); standard
library only, so the control command stays fast. The labels are the live
view's (the catalogue's), rounds are counted from the session's start as on
screen (the full numbers are in --json).
"""

from typing import Any, Dict, List, Optional

from cluster_sim.words.lang import hhmmss, number
from cluster_sim.words.labels import label, plural, word
from cluster_sim.presentation.cost_words import cost_line, recipe_name

__all__ = ["status_text", "fault_notes"]


def _round(status: Dict[str, Any], round_no: Any) -> str:
    from cluster_sim.engine.round_count import round_base, shown

    return shown(round_no, round_base(status.get("started_at"), status.get("interval")))


def _num(value: Any, lang: str = "en", digits: int = 2) -> str:
    return "—" if not isinstance(value, (int, float)) or isinstance(value, bool) else number(lang, value, digits)


def status_text(status: Dict[str, Any], lang: Optional[str] = None) -> str:
    """The cluster's state as a few aligned lines: leader, mean, ZooKeeper, API, outbox, nodes."""
    lang = lang or status.get("lang") or "en"
    rows: List[List[str]] = []
    leader = status.get("leader")
    if leader is None:
        rows.append([label("leader", lang), label("no_leader", lang)])
    else:
        epoch = status.get("epoch")
        rows.append([label("leader", lang), "%s %s" % (label("node", lang), leader)
                     + ("  %s %s" % (label("epoch", lang), epoch) if epoch is not None else "")])
    if status.get("last_mean") is None:
        mean = label("no_round", lang)
    else:
        details = []
        if status.get("last_round") is not None:
            details.append(label("round", lang, round=_round(status, status["last_round"])))
        if status.get("last_count"):
            details.append(plural("readings", status["last_count"], lang))
        mean = _num(status["last_mean"], lang) + ("  (%s)" % ", ".join(details) if details else "")
    computed: Dict[str, Any] = status["computed"] if isinstance(status.get("computed"), dict) else {}
    held, last = computed.get("round"), status.get("last_round")
    depth = (status.get("outbox") or {}).get("depth") if isinstance(status.get("outbox"), dict) else 0
    if isinstance(held, int) and depth and (not isinstance(last, int) or held > last):
        # as the view's Mean line: the newest computed round, not stored yet, next to the last stored
        details = [label("round", lang, round=_round(status, held))]
        if computed.get("count"):
            details.append(plural("readings", computed["count"], lang))
        value = computed.get("mean")
        mean = ((_num(value, lang) if value is not None else label("no_readings", lang))
                + "  (%s)  " % ", ".join(details) + label("mean_held", lang) + "  · "
                + (label("mean_stored", lang, round=_round(status, last)) if isinstance(last, int)
                   else label("mean_none_stored", lang)))
    waiting = status.get("waiting") or {}
    if isinstance(waiting, dict) and waiting.get("round") is not None and waiting.get("for"):
        nodes = [str(n) for n in waiting["for"]]
        who = label("waits_node" if len(nodes) == 1 else "waits_nodes", lang, nodes=", ".join(nodes))
        mean += "  · " + label("waits_for", lang, round=_round(status, waiting["round"]), who=who)
    rows.append([label("mean", lang), mean])
    rows.append([label("zookeeper", lang), "%s  %s" % (status.get("zk") or "?", label(
        "connected" if status.get("zk_connected") else "not_connected", lang))])
    api = status.get("api_url") or "?"
    ok = status.get("api_ok")
    delivery = status["delivery"] if isinstance(status.get("delivery"), dict) else {}
    if delivery.get("ok") is False:
        since = delivery.get("since")
        api += "  " + label("delivery_down", lang, node=delivery.get("leader"), url=delivery.get("url") or "?",
                            time=hhmmss(since) if isinstance(since, (int, float)) else "?")
    else:
        api += "  " + (label("api_ok", lang) if ok is True else label("api_down", lang) if ok is False else "?")
    stored = status.get("rounds_stored")
    if isinstance(stored, int):
        unrounded = status.get("rows_unrounded") or 0
        api += "  · " + plural("rounds_stored", max(0, stored - unrounded), lang)
        if unrounded:
            api += "  · " + plural("rows_unrounded", unrounded, lang)
    rows.append([label("api", lang), api])
    outbox = status.get("outbox") or {}
    depth, dropped = outbox.get("depth") or 0, outbox.get("dropped") or 0
    box = plural("pending", depth, lang)
    if depth and outbox.get("oldest_round") is not None:
        box += " (%s)" % label("round", lang, round=_round(status, outbox["oldest_round"]))
    if dropped:
        box += "  · " + plural("dropped", dropped, lang)
    rows.append([label("outbox", lang), box])
    if status.get("recipe_teaching"):
        rows.append([label("recipe", lang), label("recipe_teaching", lang, recipe=recipe_name(status.get("recipe"), lang))])
    if isinstance(status.get("failover_cost"), dict):
        rows.append([label("failover", lang), cost_line(status["failover_cost"], lang)])
    width = max(len(r[0]) for r in rows)
    lines = [label("status_cluster", lang, name=status.get("name") or "default")]
    lines += ["  %s  %s" % (title.ljust(width), value) for title, value in rows]
    lines.append("")
    lines += _nodes(status, lang)
    return "\n".join(lines)


def _nodes(status: Dict[str, Any], lang: str) -> List[str]:
    heads = [label(k, lang) for k in ("col_id", "col_pid", "col_state", "col_role", "col_reading", "col_age",
                                     "col_notes")]
    table = [heads]
    for n in status.get("nodes") or []:
        age = n.get("age_s")
        notes = [str(n["host"])] if n.get("host") else []
        if n.get("remote"):
            notes.append(label("remote", lang))
        if n.get("exit_code") is not None and n.get("state") in ("stopped", "crashed"):
            notes.append(label("exit", lang, code=n["exit_code"]))
        if n.get("api_ok") is False:
            notes.append(label("no_api", lang))
        notes += fault_notes(n.get("faults"), lang)
        role = n.get("role") or ""
        table.append([str(n.get("id")), str(n.get("pid") or "—"), word("state", n.get("state") or "?", lang),
                      ("★ " if role == "LEADER" else "") + word("role", role, lang),
                      _num(n.get("value"), lang), "—" if age is None else _num(age, lang, 1) + "s",
                      " · ".join(notes)])
    widths = [max(len(row[i]) for row in table) for i in range(len(heads))]
    right = {1, 4, 5}
    return ["  " + "  ".join(cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
                             for i, cell in enumerate(row)).rstrip() for row in table]



def fault_notes(faults: Any, lang: str) -> List[str]:
    """'cut off from zk', 'slow 300±50 ms': a node's network faults, from the `faults` of its
    status (NodeFaults.to_json()), in `lang`. The live view's notes and `status` alike; each
    fault kind words its own (cluster_sim.faults.registry)."""
    from cluster_sim.faults.registry import fault_notes as notes

    return notes(faults, lang)
