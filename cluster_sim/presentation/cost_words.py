"""A failover's cost in words: the placeholders the event log's sentence, the live header's line,
`status` and the web page fill (words: events_herd.py, herd.py). Words only: `status` imports it.

    cost_line(status["failover_cost"], "es")   # "3 → 1: 7 notificaciones de watch, 41 peticiones ..."
    cost_fields(event, "en")                    # the placeholders of events.FailoverCost or its record
"""

from typing import Any, Dict, Mapping

from cluster_sim.words import has, lookup


def cost_fields(cost: Any, lang: str = "en") -> Dict[str, Any]:
    """A failover's cost (events.FailoverCost, or its record as `status --json` has it) as the
    words' placeholders."""
    def get(name: str) -> Any:
        return cost.get(name) if isinstance(cost, Mapping) else getattr(cost, name, None)

    def rounded(value: Any, digits: int) -> Any:
        return None if not isinstance(value, (int, float)) else round(float(value), digits)

    return {"node": get("node"), "after": get("after") or "?", "recipe": recipe_name(get("recipe"), lang),
            "woken": get("woken"),
            "notifications": get("notifications"), "requests": get("requests"),
            "window": rounded(get("window_s"), 2), "baseline": rounded(get("baseline_per_s"), 1),
            "nbaseline": rounded(get("notifications_baseline_per_s"), 1),
            "leader": get("leader_ms"), "avg": rounded(get("latency_avg_ms"), 2),
            "max": rounded(get("latency_max_ms"), 1)}


def cost_line(cost: Mapping[str, Any], lang: str) -> str:
    """The last failover's cost (ClusterState.failover_cost) in one line."""
    key = "failover_cost" if cost.get("source") == "mntr" else "failover_cost_nodes"
    return lookup(key, lang, **cost_fields(cost, lang))


def recipe_name(recipe: Any, lang: str) -> str:
    """"herd" / "manada": a recipe's name in the words (the flag's value stays --recipe herd)."""
    key = f"recipe_name.{recipe}"
    return lookup(key, lang) if has(key) else str(recipe)
