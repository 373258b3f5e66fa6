"""Every label the screen shows (the live view, `clustersim status`), in one table.

    from cluster_sim.supervisor.labels import label

    label("leader")                              # "Leader"
    label("readings", n=4)                       # "4 readings"
    label("round", round=12)                     # "round 12"

Events are worded by wording.py and the demos by demo/narration.py; this
is the rest: row titles, column headers, states, roles, notes, the
timeline's words. `label(key, lang, **values)` looks the key up in the
language's table (Spanish: labels_es.py), falling back to English, and fills
in `values`; a count `n` takes the language's thousands separator, other
numbers are put as given (the caller formats them with cluster_sim.lang). Plain strings and the standard
library only: `clustersim status` imports it and must stay fast.
"""

from typing import Any, Dict

from cluster_sim.lang import whole
from cluster_sim.supervisor.labels_es import ES

__all__ = ["LABELS", "TABLES", "label", "plural", "word"]

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
    "picked_id": "took id {id}: the lowest free one in this cluster",
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
    # the leader's own deliveries fail (the API may answer the supervisor all the same)
    "delivery_down": "leader {node} cannot reach the API at {url} since {time}; rounds wait in its outbox",
    "no_api": "cannot reach the API",
    # a student's terminal (clustersim node in the foreground): node/screen.py
    "me_title": "clustersim · node {id}",
    "me_you": "This node",
    "me_leader_you": "LEADER (epoch {epoch})",
    "me_follower": "follower",
    "me_candidate": "not in the election yet",
    "me_reading": "reading {value}",
    "me_no_reading": "no reading yet",
    "me_leader_is": "node {id} (epoch {epoch})",
    "me_last_round": "Last stored",
    "me_delivers": "the leader delivers to {url}",
    "me_delivers_wait": "the leader has not delivered yet ({url})",
    "me_own_api": "this node cannot reach the API at {url}",
    "me_no_zk": "not connected to ZooKeeper: waiting",
    # a student's plain output (not a terminal): node/say.py
    "say_api_down": "cannot reach the API at {url} since {time} ({error}); rounds wait in the outbox",
    "say_api_back": "the API at {url} answers again: {rounds} delivered",
    "say_rounds": "{n} rounds",
    "say_node": "[node {id}]",
    "say_started": "started on {host}, ZooKeeper {zk}",
    "say_connection": "ZooKeeper connection {state}",
    "say_leader": "leader, epoch {epoch}",
    "say_stopped": "stopped ({reason})",
    "say_rounds_1": "1 round",
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
    # a node's network faults (clustersim partition / slow), in its row's notes
    "fault_cut_zk": "cut off from zk",
    "fault_cut_api": "cut off from api",
    "fault_cut_all": "cut off from zk+api",
    "fault_slow": "slow {delay} ms",
    "fault_slow_zk": "slow {delay} ms (zk)",
    "fault_slow_api": "slow {delay} ms (api)",
    "fault_short_partitioned": "cut off",      # the page's word for a node's fault
    "fault_short_slow": "slow",
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
    # a node's process state and role, a ZooKeeper server's mode (as the state holds them: the key's end)
    "state_running": "running",
    "state_starting": "starting",
    "state_paused": "paused",
    "state_stopped": "stopped",
    "state_crashed": "crashed",
    "state_remote": "remote",
    "role_LEADER": "LEADER",
    "role_follower": "follower",
    "mode_leader": "leader",
    "mode_follower": "follower",
    "mode_observer": "observer",
    "mode_standalone": "standalone",
    "mode_down": "down",
    "mode_no quorum": "no quorum",
    # after the cluster stops
    "timeline": "Leadership timeline",
    "no_leader_yet": "no leader yet",
    "view_error": "view error: {error}",
    # a control command's answer when it refuses (commands.py)
    "answer_remote": "node {id} is remote ({host}): stop it where it runs",
    "answer_not_running": "node {id} is not running ({state})",
    "answer_no_node": "no node {id} in cluster {name!r}",
    "answer_paused": "node {id} is already paused",
    "answer_not_paused": "node {id} is not paused",
    "answer_running": "node {id} is already running (pid {pid})",
    "answer_held": "node {id} is held by another process ({holder}): stop that one first",
    "answer_holder": "pid {pid} on {host}",
    "answer_unknown_host": "unknown host",
    "answer_no_log": "no log for node {id}: this supervisor did not start it",
    "answer_external_api": "the API is external (--api-url): control it where it runs",
    "answer_no_ensemble": "no embedded ensemble: start one with clustersim up --zk-servers 3",
    "answer_no_server": "no ZooKeeper server {index} (1-{count})",
    "answer_stopping": "stopping cluster {name!r}",
    "answer_remote_network": "node {id} runs elsewhere on {host}, not under this supervisor: its network cannot "
                             "be cut from here",
    "answer_no_relays": "this cluster runs without relays (up --no-relays): its network cannot be cut",
    "answer_not_a_link": "{target!r} is not a link: choose zk, api or all",
    "answer_already_cut_zk": "node {id} is already cut off from ZooKeeper",
    "answer_already_cut_api": "node {id} is already cut off from the API",
    "answer_already_cut_all": "node {id} is already cut off from ZooKeeper and the API",
    "answer_how_slow": "say how slow: --latency MS",
    "answer_heal_which": "say which node to heal (heal ID), or heal them all (heal --all)",
    "answer_no_fault": "node {id} has no network fault to heal",
    "answer_nothing_to_heal": "no network fault to heal",
    "answer_external_zk": "ZooKeeper is external (--zk): freeze it where it runs",
    "answer_zk_frozen": "ZooKeeper server {index} is already frozen",
    "answer_zk_not_frozen": "ZooKeeper server {index} is not frozen",
    "answer_zk_not_running": "ZooKeeper server {index} is not running",
    # issue 21: commands through ZooKeeper to a node on another machine (faults/remote.py)
    "answer_remote_how_long": "node {id} runs on another machine ({host}): say how long (pause {id} --for S); "
                              "it comes back by itself",
    "answer_remote_gone": "node {id} is not in the cluster now",
    "answer_remote_cannot": "node {id} on {host} cannot take requests: a node of the original design "
                            "(or of an older clustersim)",
    "answer_remote_not_listening": "node {id} on {host} does not listen for requests (it is just starting, "
                                   "or an older clustersim runs it)",
    "answer_remote_no_relays": "node {id} on {host} has no relays of its own: its network cannot be cut",
    "answer_remote_no_auth": "ZooKeeper refused the request: this supervisor does not hold the cluster's secret",
    "answer_remote_no_answer": "node {id} on {host} did not answer within {duration} (asleep, frozen or cut off?)",
    "answer_remote_failed": "node {id} on {host} could not do it: {error}",
    "answer_remote_where": "(on {host}, through ZooKeeper)",
    # a student's node, on its own screen (node/say.py)
    "say_listening": "the teacher can stop, pause, cut off or slow this node from their machine",
    "say_request": "the teacher asked: {cmd}",
    # end issue 21
}

TABLES: Dict[str, Dict[str, str]] = {"en": LABELS, "es": ES}


def label(key: str, lang: str = "en", **values: Any) -> str:
    """The label `key` in `lang` (English when that language has none), filled in with `values`;
    a count `n` with the language's thousands separator (1,233 / 1.233)."""
    text = TABLES.get(lang, LABELS).get(key) or LABELS.get(key) or key
    if isinstance(values.get("n"), int) and not isinstance(values["n"], bool):
        values["n"] = whole(lang, values["n"])
    return text.format(**values) if values else text


def plural(key: str, n: Any, lang: str = "en", **values: Any) -> str:
    """`key` for a count: the `key_1` label when n is 1 (in that language's table, or English's),
    else `key` with n filled in."""
    if n == 1 and ((key + "_1") in TABLES.get(lang, LABELS) or (key + "_1") in LABELS):
        return label(key + "_1", lang, n=n, **values)
    return label(key, lang, n=n, **values)


def word(kind: str, value: Any, lang: str = "en") -> str:
    """A state's value in words: word("state", "crashed", "es") -> "caído"; unknown values as they are."""
    key = f"{kind}_{value}"
    return label(key, lang) if key in LABELS else ("" if value is None else str(value))
