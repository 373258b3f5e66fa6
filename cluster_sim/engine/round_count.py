"""Rounds as a person reads them: counted from the cluster's start, not from 1970.

    base = round_base(started_at=1796524842.4, interval=1.0)   # 1796524842
    shown(1796524904, base)                                    # "62"
    shown(1796524904, None)                                    # "1796524904" (no start known)

A round's own number is seconds since 1970 over the interval: ten digits
nobody reads from the back of a room. Every screen, the event log, the demo's
results and `check`'s table show the number counted from the round under way
when the cluster (its `up`, demo or chaos session) started; `status --json`,
the export, the API and `check --json` keep the round's own number.
"""

import math
from typing import Any, Optional

__all__ = ["round_base", "shown"]


def round_base(started_at: Any, interval: Any) -> Optional[int]:
    """The round under way at `started_at` (wall-clock seconds), or None when either is unknown."""
    ok = all(isinstance(x, (int, float)) and not isinstance(x, bool) and x > 0 for x in (started_at, interval))
    if not ok or not math.isfinite(started_at / interval):
        return None
    return int(math.floor(started_at / interval))


def shown(round_no: Any, base: Optional[int]) -> str:
    """`round_no` counted from `base` ("62"); as it is without a base, "?" when there is none."""
    if round_no is None:
        return "?"
    try:
        return str(int(round_no) - base) if base is not None else str(round_no)
    except (TypeError, ValueError):
        return str(round_no)
