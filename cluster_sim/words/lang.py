"""Numbers in the class's language (`--lang en|es`), and small helpers for the words around them.

    from cluster_sim.words.lang import number, whole, seconds

    whole("es", 3096)                      # "3.096"   (whole("en", 3096): "3,096")
    number("es", 78.794)                   # "78,79"
    seconds("es", 0.5)                     # "0,5"

The words themselves, and their one plural syntax, are in the catalogue
(cluster_sim/words); this module is the numbers'. Numbers follow the
language: thousands and decimals as a reader of it expects ("3,096.5" in
English, "3.096,5" in Spanish). The event log groups no thousands (a number
there is copied into scripts); exports carry plain numbers, never text.

Standard library only: control commands import it.
"""

import math
from typing import Any

__all__ = ["LANGUAGES", "number", "whole", "seconds", "span", "listing", "hhmmss"]

LANGUAGES = ("en", "es")


_SWAP = str.maketrans(",.", ".,")


def _swap(text: str) -> str:
    """English separators to Spanish ones: 3,096.5 -> 3.096,5."""
    return text.translate(_SWAP)


def _finite(x: Any) -> Any:
    try:
        value = float(x)
    except (TypeError, ValueError, OverflowError):
        return None
    return value if math.isfinite(value) else None


def whole(lang: str, n: Any, group: bool = True) -> str:
    """An integer with the language's thousands separator (none when not `group`)."""
    value = _finite(n)
    if value is None:
        return "?"
    text = f"{int(round(value)):,}" if group else str(int(round(value)))
    return _swap(text) if lang == "es" else text


def number(lang: str, x: Any, digits: int = 2, group: bool = True) -> str:
    """A decimal number with `digits` decimals in the language's notation."""
    value = _finite(x)
    if value is None:
        return "?"
    text = f"{value:,.{digits}f}" if group else f"{value:.{digits}f}"
    return _swap(text) if lang == "es" else text


def seconds(lang: str, x: Any) -> str:
    """A short number as typed (%g: 0.5, 2, 3.25) in the language's notation."""
    value = _finite(x)
    if value is None:
        return "?"
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "es" else text


def span(first: Any, last: Any) -> str:
    """"7" or "7..9"."""
    if first is None:
        return "?"
    return str(first) if last is None or last == first else f"{first}..{last}"


def listing(items: Any, limit: int = 10) -> str:
    items = [str(i) for i in items]
    return ", ".join(items[:limit]) + (", …" if len(items) > limit else "")


def hhmmss(ts: Any) -> str:
    """Local wall-clock time of `ts` (seconds since the epoch), "14:02:07"; "?" if it is none."""
    import time

    try:
        return time.strftime("%H:%M:%S", time.localtime(float(ts)))
    except (TypeError, ValueError, OverflowError, OSError):
        return "?"
