"""`clustersim status` as text: the header and the table of the live view, once, without rich.

    from cluster_sim.presentation.status_view import status_text

    status = control.send("default", {"cmd": "status"})["status"]     # ClusterState.to_json(now)
    print(status_text(status))

A pure function of the status dict (what `status --json` prints); standard
library only, so the control command stays fast. The labels are the live
view's (the catalogue's), rounds are counted from the session's start as on
screen (the full numbers are in --json).
"""

from typing import Any, Dict, List, Optional, Sequence, Tuple

from cluster_sim.words.lang import hhmmss, number, whole
from cluster_sim.words.labels import label, plural, word
from cluster_sim.presentation.cost_words import cost_line, recipe_name

__all__ = ["status_text", "fault_notes", "histogram", "next_line", "count_parts", "spread_line"]


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
    summary = status.get("summary") if isinstance(status.get("summary"), dict) else None
    if summary is not None:
        rows += _summary_rows(summary, None if leader is None else str(leader), lang)
    width = max(len(r[0]) for r in rows)
    lines = [label("status_cluster", lang, name=status.get("name") or "default")]
    lines += ["  %s  %s" % (title.ljust(width), value) for title, value in rows]
    lines.append("")
    if summary is None:
        lines += _nodes(status.get("nodes") or [], lang)
        return "\n".join(lines)
    # a large cluster (engine/digest.py): its nodes not fine, every one of them (--json has all)
    trouble = _not_fine_rows(status, summary)
    total = summary.get("nodes") if isinstance(summary.get("nodes"), int) else len(status.get("nodes") or [])
    if not trouble:
        lines.append(label("big.all_fine", lang))
    else:
        lines.append(label("big.not_fine", lang, n=len(trouble), total=whole(lang, total)))
        lines += _nodes(trouble, lang)
    return "\n".join(lines)


# --------------------------------------------------------------------------- a large cluster

BLOCKS = " ▁▂▃▄▅▆▇█"


def histogram(bins: Sequence[int]) -> str:
    """One block a bin, as tall as its count against the fullest (a bin with any count shows)."""
    top = max(bins) if bins else 0
    if top <= 0:
        return ""
    steps = len(BLOCKS) - 1
    return "".join(BLOCKS[0 if not n else max(1, round(n * steps / top))] for n in bins)


def next_line(leader: Optional[str], next_in_line: Sequence[str], candidates: int, lang: str) -> Optional[str]:
    """"1 ★ → 2 → 3 → 4 → …   (998 in the election)"; None when nobody waits in line."""
    if not next_in_line:
        return None
    chain = " → ".join(([leader + " ★"] if leader else []) + [str(n) for n in next_in_line])
    if candidates > len(next_in_line) + 1:
        chain += " → …"
    return label("big.next_value", lang, nodes=chain, n=candidates)


def count_parts(counts: Sequence[Tuple[str, int]], lang: str) -> List[Tuple[str, str]]:
    """(condition, "990 publishing") for each condition counted: the fine first, the worst last."""
    return [(condition, label("big.cond." + condition, lang, n=n)) for condition, n in reversed(list(counts))]


def spread_line(count: int, low: float, median: float, high: float, lang: str) -> str:
    return label("big.spread", lang, n=count, low=_num(low, lang), median=_num(median, lang),
                 high=_num(high, lang))


def _summary_rows(summary: Dict[str, Any], leader: Optional[str], lang: str) -> List[List[str]]:
    after = [str(n) for n in summary.get("next_in_line") or []]
    candidates: int = summary["candidates"] if isinstance(summary.get("candidates"), int) else 0
    rows = [[label("big.next", lang), next_line(leader, after, candidates, lang) or label("big.next_none", lang)]]
    counts: Dict[str, Any] = summary["counts"] if isinstance(summary.get("counts"), dict) else {}
    total = summary.get("nodes") if isinstance(summary.get("nodes"), int) else 0
    parts = [text for _, text in count_parts([(str(k), v) for k, v in counts.items() if isinstance(v, int)], lang)]
    rows.append([label("big.nodes", lang), label("big.total", lang, n=total) + ": " + " · ".join(parts)])
    r = summary.get("readings") if isinstance(summary.get("readings"), dict) else None
    values = [r.get(k) for k in ("count", "min", "median", "max")] if r else []
    if r and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        rows.append([label("big.readings", lang), spread_line(int(values[0]), values[1], values[2], values[3], lang)])
        bins = [b for b in r.get("bins") or [] if isinstance(b, int)]
        if values[0] > 1 and bins:
            rows.append(["", "%s %s %s" % (number(lang, values[1], 1), histogram(bins), number(lang, values[3], 1))])
    else:
        rows.append([label("big.readings", lang), label("big.no_readings", lang)])
    return rows


def _not_fine_rows(status: Dict[str, Any], summary: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The status's rows of the nodes the summary names not fine, in its order (worst first)."""
    rows = {(str(n.get("id")), n.get("waiting") is True): n for n in status.get("nodes") or [] if isinstance(n, dict)}
    out = []
    for entry in summary.get("not_fine") or []:
        if isinstance(entry, dict):
            why: List[Any] = entry["why"] if isinstance(entry.get("why"), list) else []
            row = rows.get((str(entry.get("id")), "waiting" in why))
            if row is not None:
                out.append(row)
    return out


def _nodes(nodes: List[Dict[str, Any]], lang: str) -> List[str]:
    heads = [label(k, lang) for k in ("col_id", "col_pid", "col_state", "col_role", "col_reading", "col_age",
                                     "col_notes")]
    table = [heads]
    for n in nodes:
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
