"""herd: the same kill of the leader under kazoo's Election and under the herd, side by side.

The recipe is a rule of the cluster, so the scenario runs twice (runner.py, RECIPES): a cluster of
NODES nodes (`--nodes N`) under `--recipe election`, stopped, then a fresh one under `--recipe herd`
(for teaching: every screen marks it). In each the leader is stopped (SIGTERM) between two
publishes, and the supervisor measures what the failover cost ZooKeeper from the server's own
figures (events.FailoverCost: candidates woken, watch notifications and requests in the second
after against the usual rate, the time to the new leader, the server's latency). The results put
both recipes' figures side by side; the last step asks the class why one grows with N.

    run_demo("herd", yes=True, nodes=6, interval=0.5, session_timeout=2.0, plain=True)
    rows, notes = figures({"election": cost_e, "herd": cost_h}, nodes=100, lang="es")
"""

from dataclasses import replace
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, Optional, Tuple

from cluster_sim.adapters.zk_cost import WINDOW
from cluster_sim.engine import events as ev
from cluster_sim.presentation.cost_words import recipe_name
from cluster_sim.words import narration

if TYPE_CHECKING:
    from cluster_sim.demo.stage import Demo
    from cluster_sim.demo.summary import Summary

NODES = 100
INTERVAL = 3.0      # its own pace (unless --interval): a failover's measured second fits between two publishes
ZK_SERVERS = 1
RECIPES = ("election", "herd")
RELAYS = False      # only kills here: the nodes go straight to ZooKeeper (no fault relays to start)
COSTS = "failover_cost"     # summary.measured[COSTS][recipe]: each run's FailoverCost, as a record
# the cost window (adapters/zk_cost.py: from the poll before the leader left, one or two polls of
# 0.25 s, to the first poll a second after, plus its own time) and how long a round's burst of
# publishes takes to reach the server on a loaded machine, in seconds
PERIOD = 0.25       # CostSampler's poll (its default)
BEFORE, AFTER, BURST = 2 * PERIOD, WINDOW + 2 * PERIOD, 0.5


def run(demo: "Demo", summary: "Summary", recipe: str) -> None:
    nodes = demo.nodes or NODES
    ready_within = 60.0 + 0.3 * nodes
    if recipe == RECIPES[0]:
        demo.narrate("hd_intro", nodes=nodes)
        demo.pause()
        demo.narrate("start", nodes=nodes)
        status = demo.wait_ready(nodes, rounds=2, timeout=ready_within)
        demo.narrate("leader_up", leader=status["leader"], epoch=status["epoch"], interval=demo.interval)
        demo.pause()
    else:
        demo.narrate("hd_herd_start", nodes=nodes)
        demo.wait_ready(nodes, rounds=2, timeout=ready_within)
    status = demo.wait_for(lambda s: _queued(s, nodes, recipe), ready_within, demo.say("w_queued", nodes=nodes))
    leader = str(status["leader"])
    watchers = [str(n["id"]) for n in status["nodes"] if n["election"]["watches"] == leader]
    if recipe == "herd":
        demo.narrate("hd_herd_leader", leader=leader, epoch=status["epoch"], watchers=len(watchers))
    else:
        demo.narrate("hd_watch_election", nodes=nodes, leader=leader, watcher=watchers[0])
    demo.pause()

    cost = _kill_and_measure(demo, leader, recipe)
    summary.measured.setdefault(COSTS, {})[recipe] = {k: v for k, v in ev.to_record(cost).items() if k != "kind"}
    demo.narrate("hd_cost", **_cost_values(cost, demo.lang))
    demo.wait_stored(2, timeout=10 * demo.interval + 15)      # the rounds go on under the new leader
    demo.pause()

    costs = costs_of(summary)
    rows, notes = figures(costs, nodes, demo.lang)
    summary.rows.clear()
    summary.verdicts.clear()
    summary.notes.clear()
    for label, value in rows:
        summary.add(label, value)
    summary.notes.extend(notes)
    if recipe == RECIPES[-1] and all(r in costs for r in RECIPES):
        demo.narrate("hd_compare", **compare_values(costs["election"], costs["herd"], nodes))
        demo.pause()


def _queued(status: Dict[str, Any], nodes: int, recipe: str) -> Optional[Dict[str, Any]]:
    """The status once every node is a candidate and the watches are the recipe's: one on the
    leader (its successor's), or, under the herd, every other candidate's."""
    leader = status.get("leader")
    seated = [n for n in status["nodes"] if n["election"]["position"] is not None]
    if not leader or len(seated) < nodes:
        return None
    on_leader = sum(1 for n in seated if n["election"]["watches"] == leader)
    return status if on_leader == (len(seated) - 1 if recipe == "herd" else 1) else None


def _kill_and_measure(demo: "Demo", leader: str, recipe: str) -> ev.FailoverCost:
    """Stop the leader between two publishes; its failover's cost once the supervisor measured it."""
    demo.narrate("hd_kill", leader=leader, recipe=recipe_name(recipe, demo.lang))
    demo.pause()
    demo.act_now()                                   # --step: the press first, then the moment is chosen
    demo.sleep(until_kill(demo.clock(), demo.interval))
    since = len(demo.events)
    sent = demo.clock()
    demo.request("kill", id=leader, hard=False)
    _, took_ms = demo.handover(leader, sent, timeout=demo.session_timeout + 20, since=since)
    cost: ev.FailoverCost = demo.wait_for(lambda s: demo.find(ev.FailoverCost, since, after=leader),
                                          30 + demo.session_timeout, demo.say("w_cost", old=leader))
    return cost if cost.leader_ms is not None else replace(cost, leader_ms=took_ms)


def kill_phase(interval: float) -> float:
    """When in a round (seconds after its boundary, where every node publishes) to stop the leader:
    so that the window the cost is measured over (from up to BEFORE s before the leader leaves to up
    to AFTER s after) falls between two bursts of publishes, with room on both sides; when it cannot
    fit, mid-round. The baseline is the same moment of an earlier round: it falls there too."""
    gap = interval - BURST
    room = gap - BEFORE - AFTER
    return interval / 2 if room <= 0 else BURST + BEFORE + room / 2


def until_kill(now: float, interval: float) -> float:
    """Seconds to wait from `now` until the round's kill_phase."""
    return (kill_phase(interval) - now % interval) % interval


def costs_of(summary: "Summary") -> Dict[str, ev.FailoverCost]:
    """Each recipe's FailoverCost the runs so far measured (in the order they ran)."""
    records: Mapping[str, Mapping[str, Any]] = summary.measured.get(COSTS) or {}
    return {recipe: ev.typed_from(ev.FailoverCost, record, ts=float(record.get("ts") or 0.0))
            for recipe, record in records.items()}


def above_usual(total: Optional[int], rate: Optional[float], window: Optional[float]) -> Optional[int]:
    """What a failover added to a server figure: its total in the window less the usual rate's share."""
    if total is None or rate is None or window is None:
        return None
    return max(0, int(round(total - rate * window)))


def _cost_values(cost: ev.FailoverCost, lang: str) -> Dict[str, Any]:
    return {"recipe": recipe_name(cost.recipe, lang), "node": cost.node, "after": cost.after or "?",
            "woken": cost.woken, "notifications": cost.notifications, "requests": cost.requests,
            "window": _rounded(cost.window_s, 2), "nbaseline": _rounded(cost.notifications_baseline_per_s, 1),
            "baseline": _rounded(cost.baseline_per_s, 1), "leader": cost.leader_ms,
            "avg": _rounded(cost.latency_avg_ms, 2), "max": _rounded(cost.latency_max_ms, 1)}


def compare_values(election: ev.FailoverCost, herd: ev.FailoverCost, nodes: int) -> Dict[str, Any]:
    """The last step's placeholders: both recipes' figures, and what each added to the usual traffic."""
    def extra(c: ev.FailoverCost) -> Tuple[Optional[int], Optional[int]]:
        return (above_usual(c.notifications, c.notifications_baseline_per_s, c.window_s),
                above_usual(c.requests, c.baseline_per_s, c.window_s))
    (e_extra, e_rextra), (h_extra, h_rextra) = extra(election), extra(herd)
    return dict(nodes=nodes, e_woken=election.woken, h_woken=herd.woken, h_watchers=nodes - 1,
                e_extra=e_extra, e_rextra=e_rextra, h_extra=h_extra, h_rextra=h_rextra,
                e_ms=election.leader_ms, h_ms=herd.leader_ms)


def figures(costs: Mapping[str, ev.FailoverCost], nodes: int, lang: str) -> Tuple[List[Tuple[str, str]], List[str]]:
    """The results' rows (each recipe's figure side by side, " · " between) and notes, in `lang`."""
    def say(key: str, **values: Any) -> str:
        return narration.say(lang, key, **values)

    def side(key: str, values: Callable[[ev.FailoverCost], Dict[str, Any]]) -> str:
        return " · ".join(say(key, recipe=recipe_name(recipe, lang), **values(cost)) for recipe, cost in costs.items())

    rows = [
        (say("hd_nodes"), say("hd_nodes_v", nodes=nodes, left=nodes - 1)),
        (say("hd_woken"), side("hd_v", lambda c: {"value": c.woken})),
        (say("hd_notifications"), side("hd_v_window", lambda c: {
            "value": c.notifications, "window": _rounded(c.window_s, 2),
            "usual": _usual(c.notifications_baseline_per_s, c.window_s)})),
        (say("hd_requests"), side("hd_v_window", lambda c: {
            "value": c.requests, "window": _rounded(c.window_s, 2), "usual": _usual(c.baseline_per_s, c.window_s)})),
        (say("hd_leader"), side("hd_v_ms", lambda c: {"value": c.leader_ms})),
        (say("hd_latency"), side("hd_v_latency", lambda c: {
            "avg": _rounded(c.latency_avg_ms, 2), "max": _rounded(c.latency_max_ms, 1)})),
    ]
    notes = [say(f"hd_why_{recipe}", woken=cost.woken) for recipe, cost in costs.items()]
    notes.append(say("hd_usual"))
    if any(cost.source != "mntr" for cost in costs.values()):
        notes.append(say("hd_no_mntr"))
    return rows, notes


def _usual(rate: Optional[float], window: Optional[float]) -> Optional[int]:
    """What the usual rate gives in the window: the figure to set the window's count against."""
    return None if rate is None or window is None else int(round(rate * window))


def _rounded(value: Optional[float], digits: int) -> Optional[float]:
    return None if value is None else round(float(value), digits)
