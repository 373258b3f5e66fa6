"""Every label the screen shows (the live view, `clustersim status`), in one table.

    from cluster_sim.supervisor.labels import label

    label("leader")                              # "Leader"
    label("readings", n=4)                       # "4 readings"
    label("round", round=12)                     # "round 12"

Events are worded by wording.py; this is the rest: row titles, column
headers, states, notes. `label(key, lang, **values)` looks the key up in the
language's table, falling back to English, and fills in `values`. Plain
strings and the standard library only: `clustersim status` imports it and
must stay fast.
"""

from typing import Any, Dict

__all__ = ["LABELS", "TABLES", "label", "plural"]

LABELS: Dict[str, str] = {
    # header rows
    "leader": "Leader",
    "mean": "Mean",
    "zookeeper": "ZooKeeper",
    "api": "API",
    "outbox": "Outbox",
    "uptime": "Uptime",
    "join": "Join",
    "join_line": "Students join with:",
    "title": "clustersim",
    "up_for": "up {duration}",
    # the leader
    "no_leader": "none — election in progress",
    "no_leader_no_node": "none — no node is running",
    "node": "node",
    "epoch": "epoch",
    "leading_for": "(for {duration})",
    "original_leader": "original design: unfenced, no rounds",
    # the mean
    "no_round": "no round delivered yet",
    "round": "round {round}",
    "readings": "{n} readings",
    "readings_1": "1 reading",
    "no_readings": "no readings",
    "row": "row {row}",
    "waits_for": "round {round} waits for {who}",
    "waits_node": "node {nodes}",
    "waits_nodes": "nodes {nodes}",
    # ZooKeeper, the API, the outbox
    "connected": "connected",
    "not_connected": "not connected",
    "api_ok": "OK",
    "api_down": "UNREACHABLE",
    "api_down_since": "UNREACHABLE since {time}",
    "rounds_stored": "{n} rounds stored",
    "rounds_stored_1": "1 round stored",
    "rows_unrounded": "{n} rows without a round",
    "rows_unrounded_1": "1 row without a round",
    "pending": "{n} pending",
    "oldest_round": "(oldest: round {round}, waiting {duration})",
    "dropped": "{n} dropped",
    "ensemble": "ZooKeeper ensemble:",
    "leaders_session": "← leader's session",
    "no_quorum": "→ no quorum: nobody can read or write, every session waits",
    # the node table
    "col_id": "id",
    "col_pid": "pid",
    "col_state": "state",
    "col_role": "role",
    "col_reading": "reading",
    "col_age": "age",
    "col_notes": "host / notes",
    "no_nodes": "no nodes",
    "more_nodes": "… {n} more (clustersim status)",
    "remote": "remote",
    "bad_readings": "{n} bad",
    "exit": "exit {code}",
    "session_open": "session still open",
    "waits_for_id": "waits for id {id} (held by {holder})",
    "holder": "pid {pid} on {host}",
    "another_process": "another process",
    "original": "original design",
    # the event log
    "events": "events",
    "no_events": "no events yet",
    # `clustersim status`
    "status_cluster": "cluster {name}",
    "status_nodes": "Nodes",
}

TABLES: Dict[str, Dict[str, str]] = {"en": LABELS}


def label(key: str, lang: str = "en", **values: Any) -> str:
    """The label `key` in `lang` (English when that language has none), filled in with `values`."""
    text = TABLES.get(lang, LABELS).get(key) or LABELS.get(key) or key
    return text.format(**values) if values else text


def plural(key: str, n: Any, lang: str = "en", **values: Any) -> str:
    """`key` for a count: the `key_1` label when n is 1, else `key` with n filled in."""
    if n == 1 and (key + "_1") in LABELS:
        return label(key + "_1", lang, n=n, **values)
    return label(key, lang, n=n, **values)
