"""The table's rows for measurement 10, what a failover costs ZooKeeper under each recipe
(measures/failover_cost.py): per recipe, each figure at every size measured, medians over the kills.

    rows = cost_rows(results["failover_cost"], results)

The judged rows are the lesson's two halves: the election wakes one candidate whatever the size
(its successor), the herd wakes them all, so its cost grows with N. A figure of the server's
(notifications, requests) is given above its baseline: every round's publishes notify watches too.
"""

import statistics
from typing import Any, Dict, List, Optional, Sequence

from cluster_sim.bench.row_cells import DASH, TableRow, ms, name as _name, row as _row

ELECTION_WAKES_AT_MOST = 2   # its successor, and on a loaded machine a second whose watch fired as the first left


def median(values: Sequence[Optional[float]]) -> Optional[float]:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def above(kill: Dict[str, Any], total: str, rate: str) -> Optional[float]:
    """What is above the baseline in the window: the failover's own part of a server figure."""
    value, per_s, window = kill.get(total), kill.get(rate), kill.get("window_s")
    if value is None or per_s is None or window is None:
        return None
    return value - per_s * window


def _count(value: Optional[float]) -> str:
    return DASH if value is None else f"{value:,.0f}"


def _by_size(runs: Dict[str, Any], figure: Any, shown: Any = _count) -> str:
    """'100: a · 1,000: b' over the sizes measured (medians over each size's kills)."""
    parts = []
    for size, run in sorted(runs.items(), key=lambda kv: int(kv[0])):
        kills = run.get("kills") or []
        value = median([figure(k) for k in kills]) if kills else None
        parts.append(f"{int(size):,}: {shown(value)}" + ("" if kills else " (no kill measured)"))
    return " · ".join(parts) if parts else DASH


def _woken(runs: Dict[str, Any]) -> Dict[int, float]:
    out = {}
    for size, run in runs.items():
        value = median([k.get("woken") for k in run.get("kills") or []])
        if value is not None:
            out[int(size)] = value
    return out


def cost_rows(res: Dict[str, Any], _: Dict[str, Any]) -> List[TableRow]:
    p = res["params"]
    runs = res.get("runs") or {}
    rows: List[TableRow] = []
    kills = f"{p['kills']} kill(s) of the leader (SIGTERM) per cluster, medians"
    for recipe in p["recipes"]:
        by_size = runs.get(recipe) or {}
        woken = _woken(by_size)
        sizes = sorted(woken)
        if recipe == "election":
            target = f"≤ {ELECTION_WAKES_AT_MOST} at every size"
            met = None if not woken else max(woken.values()) <= ELECTION_WAKES_AT_MOST
        else:
            target = "grows with N" if len(sizes) > 1 else DASH
            met = None if len(sizes) < 2 else woken[sizes[-1]] > 2 * woken[sizes[0]]
        rows.append(_row("10a" if recipe == "election" else "10b", _name("10woken", recipe=recipe),
                         _by_size(by_size, lambda k: k.get("woken")), DASH, target, met,
                         detail=f"`up -n N --recipe {recipe}`: candidates the recipe woke (the nodes' own count); {kills}"))
    for id_, key, total, rate, what in (
            ("10c", "10notifications", "notifications", "notifications_baseline_per_s",
             "watch notifications the server delivered in the window (mntr: the `zk_sum_node_*_watch_count` counters), above the same "
             "window of an earlier round"),
            ("10d", "10requests", "requests", "baseline_per_s",
             "requests the server received in the window (mntr: `zk_packets_received`), above the same window of an "
             "earlier round")):
        for recipe in p["recipes"]:
            rows.append(_row(id_, _name(key, recipe=recipe),
                             _by_size(runs.get(recipe) or {}, lambda k, t=total, r=rate: above(k, t, r)), DASH,
                             detail=f"{what}; {kills}"))
    for recipe in p["recipes"]:
        rows.append(_row("10e", _name("10leader", recipe=recipe),
                         _by_size(runs.get(recipe) or {}, lambda k: k.get("leader_ms"), ms), DASH,
                         detail=f"the leader's leaving → the new leader elected (`failover_ms`); {kills}"))
    for recipe, by_size in runs.items():
        for size, run in by_size.items():
            if run.get("error"):
                rows.append(_row("10", _name("10error", recipe=recipe, nodes=int(size)), f"error: {run['error']}"))
    return rows


def cost_note(res: Dict[str, Any]) -> str:
    """Measurement 10's note: how the figures were taken."""
    p = res["params"]
    sizes = " and ".join(f"{n:,}" for n in p["sizes"])
    text = (f"**10. What a failover costs ZooKeeper.** For each recipe and size ({sizes} nodes): `clustersim up -n N "
            f"--recipe R --interval {p['interval_s']:g} --session-timeout {p['session_timeout_s']:g}` on its own "
            f"embedded ZooKeeper (clusters above {p['relays_up_to']} nodes with `--no-relays`: a thousand relayed "
            "connections would load the supervisor the figures are read from), then, once every node runs and "
            f"queues in the election, {p['kills']} kill(s) of the leader with SIGTERM late in a round, the leader "
            "started again and two quiet rounds between kills. Each figure is the `failover_cost` event the "
            "supervisor computes from the server's `mntr`, sampled every 0.25 s: the window runs from the sample "
            "before the leader left to a second after; notifications and requests are given above the same "
            "window of an earlier round (each round's publishes notify the leader's and the supervisor's watches "
            "too). Under the election, each candidate watches only its predecessor, so a failover wakes the one "
            "successor at any size; under the herd, every candidate watches the one leader znode, so each "
            "failover wakes all N - 1 and each races to create it.")
    if res.get("error"):
        text += f" **Failed clusters:** {res['error']}."
    return text
