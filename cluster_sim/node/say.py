"""A node's own reports as the lines a student reads in its plain output (not a terminal).

    line("api_down", {"url": "http://localhost:8080", "since": t, "error": "ConnectionError"}, "es")
    # "no se puede acceder a la API en http://localhost:8080 desde las 14:02:07 (ConnectionError); ..."
    line("warn", {"text": "..."})           # None: no sentence of its own (the caller prints its text)

Words come from the catalogue (cluster_sim/words/screen.py), in the cluster's language (rules.lang). The
original design's "I'm the leader" / "Media:" lines are not here: they stay as they were.
"""

from typing import Any, Mapping, Optional

from cluster_sim.words.lang import hhmmss
from cluster_sim.node.stopping import Stop
from cluster_sim.words import has, label, plural


def line(kind: str, fields: Mapping[str, Any], lang: str = "en") -> Optional[str]:
    """The sentence for a report of `kind`, or None when it has none here."""
    url = str(fields.get("url") or "?")
    if kind == "api_down":
        return label("say_api_down", lang, url=url, time=hhmmss(fields.get("since")),
                     error=str(fields.get("error") or "?"))
    if kind == "api_back":
        return label("say_api_back", lang, url=url, rounds=plural("say_rounds", fields.get("delivered"), lang))
    if kind == "started":
        return label("say_started", lang, host=fields.get("host") or "?", zk=fields.get("zk") or "?")
    if kind == "connection":
        return label("say_connection", lang, state=fields.get("state") or "?")
    if kind == "leader":
        return label("say_leader", lang, epoch=fields.get("epoch"))
    if kind == "stopped":
        reason = str(fields.get("reason") or Stop.STOP.value)
        key = f"say_stop.{reason}"
        return label("say_stopped", lang, reason=label(key, lang) if has(key) else reason)
    if kind == "listening":     # node/requests.py: the teacher's commands reach this node
        return label("say_listening", lang)
    if kind == "request":
        return label("say_request", lang, cmd=" ".join(str(part) for part in fields.get("words") or ()) or "?")
    return None


def prefix(node_id: str, lang: str = "en") -> str:
    """"[node 7]": what starts each of a node's own lines."""
    return label("say_node", lang, id=node_id)
