"""The words and numbers of the screen in the class's language (`--lang en|es`).

    from cluster_sim.lang import label, number, whole, seconds

    label("es", "rounds_stored", n=1)      # "1 ronda guardada"
    label("en", "rounds_stored", n=3)      # "3 rounds stored"
    whole("es", 3096)                      # "3.096"   (whole("en", 3096): "3,096")
    number("es", 78.794)                   # "78,79"
    seconds("es", 0.5)                     # "0,5"

Events become sentences in supervisor/wording.py and the demos' narration is
in demo/narration.py; everything else a class reads (the header, the table,
the ensemble row, the footer, the timeline, `status`) takes its words from
LABELS here. Numbers follow the language: thousands and decimals as a reader
of it expects ("3,096.5" in English, "3.096,5" in Spanish). The event log
groups no thousands (a number there is copied into scripts); exports carry
plain numbers and never these texts' data.

Standard library only: control commands import it.
"""

import math
from typing import Any, Dict

__all__ = ["LANGUAGES", "LABELS", "label", "number", "whole", "seconds", "checked", "plural", "span", "listing",
           "hhmmss"]

LANGUAGES = ("en", "es")


def checked(lang: Any) -> str:
    """`lang` if it is one of LANGUAGES, else English."""
    return lang if lang in LANGUAGES else "en"


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


def _plural(n: Any, one: str, many: str) -> str:
    return one if n == 1 else many


def plural(one: str, many: str, n: Any) -> str:
    """"1 round" / "3 rounds": `one` and `many` hold {n}."""
    return (one if n == 1 else many).format(n="?" if n is None else n)


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


# key -> {lang: template}. A template is a str.format string, or a function of the values
# (for plurals). Values that are numbers are formatted by the caller (whole, number, seconds).
LABELS: Dict[str, Dict[str, Any]] = {
    # -- the header
    "title": {"en": "clustersim", "es": "clustersim"},
    "leader": {"en": "Leader", "es": "Líder"},
    "mean": {"en": "Mean", "es": "Media"},
    "zookeeper": {"en": "ZooKeeper", "es": "ZooKeeper"},
    "api": {"en": "API", "es": "API"},
    "outbox": {"en": "Outbox", "es": "Bandeja"},
    "uptime": {"en": "Uptime", "es": "En marcha"},
    "join": {"en": "Join", "es": "Unirse"},
    "no_leader": {"en": "none — election in progress", "es": "ninguno — elección en curso"},
    "no_leader_no_nodes": {"en": "none — no node is running", "es": "ninguno — no hay ningún nodo en marcha"},
    "node": {"en": "node {id}", "es": "nodo {id}"},
    "epoch": {"en": "epoch {epoch}", "es": "época {epoch}"},
    "for": {"en": "(for {duration})", "es": "(desde hace {duration})"},
    "original_leader": {"en": "original design: unfenced, no rounds", "es": "diseño original: sin fencing, sin rondas"},
    "no_round": {"en": "no round delivered yet", "es": "aún no se ha entregado ninguna ronda"},
    "round": {"en": "round {round}", "es": "ronda {round}"},
    "readings": {"en": lambda n, **_: _plural(n, f"{n} reading", f"{n} readings"),
                 "es": lambda n, **_: _plural(n, f"{n} lectura", f"{n} lecturas")},
    "api_ok": {"en": "OK", "es": "OK"},
    "api_down": {"en": "UNREACHABLE", "es": "INACCESIBLE"},
    "api_down_since": {"en": "UNREACHABLE since {time}", "es": "INACCESIBLE desde las {time}"},
    "rounds_stored": {"en": lambda n, **_: _plural(n, f"{n} round stored", f"{n} rounds stored"),
                      "es": lambda n, **_: _plural(n, f"{n} ronda guardada", f"{n} rondas guardadas")},
    "pending": {"en": "{n} pending", "es": lambda n, **_: _plural(n, f"{n} pendiente", f"{n} pendientes")},
    "oldest": {"en": "(oldest round {round})", "es": "(la más antigua, ronda {round})"},
    "dropped": {"en": "{n} dropped", "es": lambda n, **_: _plural(n, f"{n} descartada", f"{n} descartadas")},
    "connected": {"en": "connected", "es": "conectado"},
    "not_connected": {"en": "not connected", "es": "sin conexión"},
    # -- the ZooKeeper ensemble row
    "ensemble": {"en": "ZooKeeper ensemble:", "es": "Ensemble de ZooKeeper:"},
    "mode_leader": {"en": "leader", "es": "líder"},
    "mode_follower": {"en": "follower", "es": "seguidor"},
    "mode_observer": {"en": "observer", "es": "observador"},
    "mode_standalone": {"en": "standalone", "es": "autónomo"},
    "mode_down": {"en": "down", "es": "parado"},
    "mode_no quorum": {"en": "no quorum", "es": "sin quórum"},
    "leaders_session": {"en": "← leader's session", "es": "← sesión del líder"},
    "no_quorum": {"en": "→ no quorum: nobody can read or write, every session waits",
                  "es": "→ sin quórum: nadie puede leer ni escribir, todas las sesiones esperan"},
    # -- the node table
    "col_id": {"en": "id", "es": "id"},
    "col_pid": {"en": "pid", "es": "pid"},
    "col_state": {"en": "state", "es": "estado"},
    "col_role": {"en": "role", "es": "papel"},
    "col_reading": {"en": "reading", "es": "lectura"},
    "col_age": {"en": "age", "es": "edad"},
    "col_notes": {"en": "host / notes", "es": "host / notas"},
    "state_running": {"en": "running", "es": "en marcha"},
    "state_starting": {"en": "starting", "es": "arrancando"},
    "state_paused": {"en": "paused", "es": "congelado"},
    "state_stopped": {"en": "stopped", "es": "parado"},
    "state_crashed": {"en": "crashed", "es": "caído"},
    "state_remote": {"en": "remote", "es": "remoto"},
    "role_LEADER": {"en": "LEADER", "es": "LÍDER"},
    "role_follower": {"en": "follower", "es": "seguidor"},
    "original": {"en": "original design", "es": "diseño original"},
    "remote": {"en": "remote", "es": "remoto"},
    "bad": {"en": "{n} bad", "es": lambda n, **_: _plural(n, f"{n} ilegible", f"{n} ilegibles")},
    "exit": {"en": "exit {code}", "es": "salida {code}"},
    "no_nodes": {"en": "no nodes", "es": "ningún nodo"},
    "more": {"en": "… {n} more (clustersim status)", "es": "… {n} más (clustersim status)"},
    # -- the event log and the footer
    "events": {"en": "events", "es": "eventos"},
    "no_events": {"en": "no events yet", "es": "aún no hay eventos"},
    "footer_name": {"en": "(--name {name})", "es": "(--name {name})"},
    # -- after the cluster stops
    "timeline": {"en": "Leadership timeline", "es": "Cronología del liderazgo"},
    "no_leader_yet": {"en": "no leader yet", "es": "todavía sin líder"},
    "view_error": {"en": "view error: {error}", "es": "error de la vista: {error}"},
}


def label(lang: str, key: str, **values: Any) -> str:
    """The words for `key` in `lang` (English when missing), filled with `values`."""
    entry = LABELS[key]
    template = entry.get(lang) or entry["en"]
    if callable(template):
        return str(template(**values))
    return template.format(**values) if values else template
