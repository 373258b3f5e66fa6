"""What the measurements put in their results: an error's text, megabytes, what a run's rows say.

    error(exc)                              # "TimeoutError: no leader within 10 s"
    rounds_report(rows)                     # {"rounds": 40, "lost": 0, "missing": [], ...}
    first_row_predicate("clustersim", "2", t_new)(t, row)   # the new leader's first row?
"""

from typing import Any, Callable, Dict, List, Optional

from cluster_sim.bench.support import Row

Result = Dict[str, Any]                  # what a measurement returns: plain, JSON-ready
Log = Callable[[str], None]              # where a measurement says what it does


def error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def mb(value: Optional[float]) -> Optional[float]:
    return None if value is None else round(value / (1024 * 1024), 1)


def first_row_predicate(system: str, new_leader: Optional[str],
                        t_new: float) -> Callable[[float, Dict[str, Any]], bool]:
    if system == "clustersim":
        return lambda t, row: row.get("leader") == new_leader
    # the original's rows say nothing about who sent them: the first row after
    # the new leader showed up in the election (5 ms allowance for our watch)
    return lambda t, row: t >= t_new - 0.005


def rounds_report(rows: List[Row]) -> Result:
    """Whether a clustersim run lost rounds: the rows' rounds must be contiguous."""
    rounds = sorted({row["round"] for _, row in rows if row.get("round") is not None})
    if not rounds:
        return {"rounds": 0, "lost": None, "missing": [], "empty": 0}
    missing = sorted(set(range(rounds[0], rounds[-1] + 1)) - set(rounds))
    empty = sum(1 for _, row in rows if row.get("round") is not None and not row.get("count"))
    return {"rounds": len(rounds), "first": rounds[0], "last": rounds[-1], "lost": len(missing),
            "missing": missing[:50], "empty": empty}


def original_rows_report(rows: List[Row], interval: float) -> Result:
    if len(rows) < 2:
        return {"rows": len(rows)}
    span = rows[-1][0] - rows[0][0]
    gaps = [b[0] - a[0] for a, b in zip(rows, rows[1:])]
    return {"rows": len(rows), "span_s": round(span, 2),
            "intervals": round(span / interval, 1),
            "shortest_gap_ms": round(min(gaps) * 1000, 1), "longest_gap_ms": round(max(gaps) * 1000, 1)}
