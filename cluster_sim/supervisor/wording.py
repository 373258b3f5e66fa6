"""The one place an event becomes the words a person reads, in English or Spanish.

    from cluster_sim.supervisor.wording import describe, level

    describe(LeaderElected(ts=t, node="2", epoch=3, failover_ms=9, after="1", how="left"))
    # "leader elected: 2 (epoch 3, failover 9 ms after 1 left)"
    describe(LeaderElected(ts=t, node="2", epoch=3, failover_ms=9, after="1", how="left"), "es")
    # "líder elegido: 2 (época 3, relevo en 9 ms después de que 1 se fuera)"
    level(event)          # "leader": how the view colours it (info, leader, warn, error, narration)

`describe(event, lang)` takes the language a class chose (`--lang`): one
table per language below, one entry per kind of event; a kind missing from a
table falls back to English. Words come from the event's fields (a node's
step-down or warning carries a code; its own English sentence is only the
fallback), so nothing here parses text, and nothing may parse these words
back: every listener that needs data reads the event. Numbers in the event
log group no thousands (they are copied into scripts); decimals follow the
language (0.5 s, 0,5 s).
"""

from typing import Callable, Dict, Optional

from cluster_sim.lang import hhmmss as _clock
from cluster_sim.lang import listing as _list
from cluster_sim.lang import plural as _n
from cluster_sim.lang import seconds, span as _span
from cluster_sim.supervisor import events as ev
from cluster_sim.supervisor.wording_es import TABLE as _ES
from cluster_sim.supervisor.wording_es import why as _why_es

__all__ = ["describe", "level", "step_down_why", "LANGUAGES"]

LANGUAGES = ("en", "es")


def _g(x: Optional[float], lang: str = "en") -> str:
    return "?" if x is None else seconds(lang, x)


# --------------------------------------------------------------------------- English

def _the_leader(was_leader: bool) -> str:
    return " (the leader)" if was_leader else ""


def _stopped(e: ev.NodeStopped) -> str:
    if e.requested == "SIGKILL" or e.signal == "SIGKILL":
        return (f"node {e.node} is dead (SIGKILL): ZooKeeper notices when its session times out, "
                f"{_g(e.session_timeout)} s after its last heartbeat")
    if not e.crashed:
        return f"node {e.node} stopped (exit {e.exit})"
    return f"node {e.node} crashed (exit {e.exit}); its log: {e.log_path}"


def _elected(e: ev.LeaderElected) -> str:
    if e.original:
        return f"leader elected: {e.node} (a node of the original design: no fencing, no rounds)"
    text = f"leader elected: {e.node} (epoch {e.epoch}"
    if e.failover_ms is not None and e.after is not None:
        how = {"partitioned": "was cut off"}.get(e.how or "", e.how or "left")
        text += f", failover {e.failover_ms} ms after {e.after} {how}"
    return text + ")"


def _rounds(n: Optional[int]) -> str:
    return _n("{n} round", "{n} rounds", n)


def _drain_ended(e: ev.DrainEnded) -> str:
    if not e.rounds:
        return "outbox empty: every round delivered"
    if e.skipped:
        return f"not waiting any longer: {_rounds(e.rounds)} still in the outbox"
    return f"{_rounds(e.rounds)} still in the outbox after {_g(e.timeout)} s"


def _settle_ended(e: ev.SettleEnded) -> str:
    if e.why:
        return f"cannot tell whether every published round is computed ({e.why}): not waiting any longer"
    if not e.uncomputed:
        return ("every round the nodes published is computed: delivered or in the outbox"
                + (f" (the last: round {e.last})" if e.last is not None else ""))
    what = f"{_rounds(e.uncomputed)} the nodes published ({_span(e.first, e.last)})"
    if e.skipped:
        return f"not waiting any longer: {what} not computed yet"
    return f"{what} still not computed after {_g(e.timeout)} s"


def _uncomputed(e: ev.RoundsUncomputed) -> str:
    return (f"{_rounds(e.count)} the nodes published never computed ({_span(e.first, e.last)}): in neither "
            "the API nor a saved file; " + ("their readings are lost with the embedded ZooKeeper" if e.zk_embedded
                                            else f"their readings stay in ZooKeeper at {e.zk} for the next leader"))


def _saved(e: ev.RoundsSaved) -> str:
    what = f"{_rounds(e.count)} left undelivered ({e.reason})"
    if e.path is None:
        return (f"{what}: could not save them ({e.error})"
                + ("; they are lost with the embedded ZooKeeper" if e.zk_embedded
                   else f"; they stay in the outbox at {e.zk} for the next leader"))
    line = f"{what}: saved to {e.path}; send them later with: clustersim deliver {e.path}"
    if not e.zk_embedded:
        line += (f" (they also stay in the outbox at {e.zk}, so the next leader delivers them too: "
                 "the API stores each round once, a double send is harmless)")
    return line


_LINKS = {"zk": "ZooKeeper", "api": "the API", "all": "ZooKeeper and the API"}


def _partitioned(e: ev.Partitioned) -> str:
    text = f"node {e.node}{_the_leader(e.was_leader)} cut off from {_LINKS.get(e.target, e.target)}"
    if e.target == "zk":
        text += " (it still reaches the API)"
    elif e.target == "api":
        text += " (ZooKeeper still answers it)"
    if e.target != "api" and e.session_timeout:
        text += f": its session expires in {_g(e.session_timeout)} s unless healed"
    return text


def _slowed(e: ev.Slowed) -> str:
    jitter = f" ±{_g(e.jitter_ms)}" if e.jitter_ms else ""
    text = f"node {e.node}'s links to {_LINKS.get(e.target, e.target)} slowed: {_g(e.latency_ms)}{jitter} ms each way"
    if e.target != "api" and e.session_timeout:
        from cluster_sim.netfault.faults import zk_round_trip_limit

        trip, limit = 2 * (e.latency_ms + e.jitter_ms) / 1000, zk_round_trip_limit(e.session_timeout)
        if trip > limit:
            text += (f"; a round trip of up to {_g(trip)} s is more than a {_g(e.session_timeout)} s session "
                     f"tolerates ({_g(round(limit, 2))} s): its ZooKeeper connection will drop")
    return text


_WHY_EN = {
    "session_expired": "its ZooKeeper session expired",
    "fenced": "fenced (the epoch moved on, or its election znode is gone)",
}


def _why_en(e: ev.SteppedDown) -> str:
    if e.code == "error":
        return f"{e.error or 'an error'} talking to ZooKeeper"
    if e.code == "internal_error":
        return f"internal error {e.error} (trace in the node's log)"
    return _WHY_EN.get(e.code) or e.reason or "stepped down"


def _stepped_down(e: ev.SteppedDown) -> str:
    if not e.code and e.reason:
        return f"node {e.node} {e.reason}"          # a node that words it itself (an older version)
    return f"node {e.node} stepped down (epoch {e.epoch}): {_why_en(e)}"


def _dropped(e: ev.OutboxDropped) -> str:
    if not e.rounds:
        return f"node {e.node}: {e.message}"
    full = "outbox full" if e.bound is None else f"outbox full ({e.bound})"
    return (f"node {e.node}: {full}: dropped {_n('round', 'rounds', len(e.rounds))} "
            f"{_span(e.rounds[0], e.rounds[-1])}, {e.total} dropped in all")


_SAID_EN: Dict[str, Callable[[ev.NodeSaid], str]] = {
    "waiting_for_id": lambda e: f"node {e.node} waits for the previous session of its id to expire",
    "id_taken": lambda e: f"node {e.node} is already running in this cluster: pick another id",
    "no_auth": lambda e: (f"node {e.node}: ZooKeeper refused it: the cluster is protected, pass its secret "
                          "(--secret or CLUSTERSIM_SECRET)"),
    "election_interrupted": lambda e: f"node {e.node}: election interrupted ({e.error}); rejoining",
    "id_taken_over": lambda e: f"node {e.node}: its id was taken by another process",
    "publish_failed": lambda e: f"node {e.node}: publishing failed ({e.error})",
    "adopted": lambda e: (f"node {e.node} adopted "
                          + _n("{n} undelivered round", "{n} undelivered rounds", e.count) + " from the outbox"),
    "rounds_lost": lambda e: (f"node {e.node}: {_n('round', 'rounds', 1 if e.round == e.last else 2)} "
                              f"{_span(e.round, e.last)} beyond the readings' history: lost"),
    "unsafe": lambda e: f"node {e.node}: UNSAFE: leading without guard or fencing, as the original design",
    "reading_skipped": lambda e: f"node {e.node} skips node {e.member}'s reading: {e.error}",
    "round_partial": lambda e: (f"node {e.node}: round {e.round} stored partial: "
                                + _n("{n} member", "{n} members", len(e.members))
                                + f" had not caught up by its deadline ({_list(e.members)})"),
    "sender_error": lambda e: f"node {e.node}: sender: {e.error}",
    "token_refused": lambda e: f"node {e.node}: the API refused its token (401): is it the cluster's --secret?",
    "round_refused": lambda e: f"node {e.node}: the API refused round {e.round} ({e.error}): dropped",
    "plain_api": lambda e: (f"node {e.node}: the API does not answer in clustersim's JSON: "
                            "re-sent rounds may be stored twice"),
}


def _said_en(e: ev.NodeSaid) -> str:
    render = _SAID_EN.get(e.code)
    return render(e) if render is not None else f"node {e.node}: {e.message}"


def _narration(e: ev.Narration) -> str:
    return e.title


_EN: Dict[type, Callable] = {
    ev.NodeStarted: lambda e: (f"node {e.node} started (pid {e.pid})"
                               + (f"; it waits up to {_g(e.waits)} s for the old session of id {e.node} to end"
                                  if e.waits else "")),
    ev.NodeKilled: lambda e: (f"node {e.node}{_the_leader(e.was_leader)} killed "
                              f"({'SIGKILL' if e.hard else 'SIGTERM'})"),
    ev.NodePaused: lambda e: (f"node {e.node}{_the_leader(e.was_leader)} paused (SIGSTOP): "
                              f"its session expires {_g(e.session_timeout)} s after its last heartbeat"),
    ev.NodeResumed: lambda e: f"node {e.node} resumed (SIGCONT)",
    ev.NodeStopped: _stopped,
    ev.Suspended: lambda e: f"node {e.node}: ZooKeeper connection SUSPENDED",
    ev.SessionExpired: lambda e: f"node {e.node}: ZooKeeper connection LOST (its session expired)",
    ev.Reconnected: lambda e: (f"node {e.node}: ZooKeeper connection back"
                               + ("" if e.same_session else " (a new session)")),
    ev.SteppedDown: _stepped_down,
    ev.Fenced: lambda e: f"node {e.node} fenced by the API: its epoch {e.epoch} refused (409); stepping down",
    ev.OutboxDropped: _dropped,
    ev.ApiDown: lambda e: (f"leader {e.node} cannot reach the API" + (f" at {e.url}" if e.url else "")
                           + f" since {_clock(e.since or e.ts)}" + (f" ({e.error})" if e.error else "")
                           + "; rounds wait in its outbox"),
    ev.ApiBack: lambda e: (f"API back: {_rounds(e.delivered)} delivered" if e.delivered is not None
                           else f"leader {e.node} reaches the API" + (f" at {e.url}" if e.url else "")
                           + " again: its outbox drains"),
    ev.NodeSaid: _said_en,
    ev.ZkConnection: lambda e: ("supervisor connected to ZooKeeper" if e.connected
                                else "supervisor lost its ZooKeeper connection"),
    ev.RemoteJoined: lambda e: f"remote node {e.node} joined" + (f" from {e.host}" if e.host else ""),
    ev.RemoteLeft: lambda e: f"remote node {e.node} left",
    ev.UnreadableReading: lambda e: f"node {e.node} publishes an unreadable reading ({e.why}): skipped",
    ev.LeaderElected: _elected,
    ev.LeaderLost: lambda e: f"no leader: {e.node} is gone, election in progress",
    ev.SplitBrain: lambda e: f"two leaders acting at once: {' and '.join(e.nodes)}",
    ev.Partitioned: _partitioned,
    ev.Healed: lambda e: f"node {e.node} healed: it reaches {_LINKS.get(e.target, e.target)} again",
    ev.Slowed: _slowed,
    ev.ApiStopped: lambda e: "API stopped",
    ev.ApiStarted: lambda e: "API started",
    ev.ZkServerStopped: lambda e: f"ZooKeeper server {e.index} stopped",
    ev.ZkServerStarting: lambda e: f"ZooKeeper server {e.index} starting",
    ev.ZkServerPaused: lambda e: (f"ZooKeeper server {e.index} frozen (SIGSTOP): it hangs, "
                                  "its clients' connections stay open"),
    ev.ZkServerResumed: lambda e: f"ZooKeeper server {e.index} resumed (SIGCONT)",
    ev.ClusterStarted: lambda e: (f"cluster {e.name!r}: ZooKeeper {e.zk}, API {e.api_url}, {e.nodes} nodes, "
                                  f"interval {_g(e.interval)} s, session timeout {_g(e.session_timeout)} s"),
    ev.ClusterOpen: lambda e: ("no --secret: the cluster is open, as the original (anyone who reaches "
                               "ZooKeeper can change it)"),
    ev.JoinCommand: lambda e: f"students join with: {e.command}",
    ev.WebViewStarted: lambda e: f"web view (read-only, for the projector and the students): {e.url}",
    ev.RecordingWritten: lambda e: f"recording written: {e.path} ({e.size / 1e6:.1f} MB; open it in a browser, "
                                   f"or clustersim replay {e.path})",
    ev.ShuttingDown: lambda e: f"shutting down ({e.why})",
    ev.SettleStarted: lambda e: (_n("{n} node", "{n} nodes", e.count) + " stopped sampling; the leader computes "
                                 f"every round they published (up to {_g(e.timeout)} s; Ctrl-C again to skip)..."),
    ev.SettleEnded: _settle_ended,
    ev.RoundsUncomputed: _uncomputed,
    ev.DrainStarted: lambda e: (f"delivering {_rounds(e.rounds)} left in the outbox (up to {_g(e.timeout)} s; "
                                "Ctrl-C again to skip)..."),
    ev.DrainEnded: _drain_ended,
    ev.OutboxUncounted: lambda e: (f"cannot count the outbox ({e.why}): "
                                   + ("not waiting any longer" if e.draining else "not waiting for deliveries")),
    ev.RoundsSaved: _saved,
    ev.OutboxUnread: lambda e: (f"could not read the outbox to save undelivered rounds: {e.why}"
                                + ("; any rounds in it are lost with the embedded ZooKeeper" if e.zk_embedded
                                   else f"; any rounds in it stay at {e.zk} for the next leader")),
    ev.Narration: _narration,
    ev.ListenerFailed: lambda e: f"{e.listener} failed: {e.error}",
    ev.Notice: lambda e: "" if e.message is None else str(e.message),
}

_TABLES = {"en": _EN, "es": _ES}

_LEVELS: Dict[type, str] = {
    ev.NodeKilled: "warn", ev.NodePaused: "warn", ev.Suspended: "warn", ev.SessionExpired: "warn",
    ev.SteppedDown: "warn", ev.Fenced: "error", ev.OutboxDropped: "warn", ev.ApiDown: "warn",
    ev.UnreadableReading: "warn", ev.LeaderElected: "leader", ev.LeaderLost: "warn", ev.SplitBrain: "error",
    ev.Partitioned: "warn", ev.Slowed: "warn", ev.ZkServerPaused: "warn", ev.ApiStopped: "warn",
    ev.ZkServerStopped: "warn", ev.ClusterOpen: "warn",
    ev.ShuttingDown: "warn", ev.Narration: "narration", ev.ListenerFailed: "error", ev.DrainStarted: "warn",
    ev.OutboxUncounted: "warn", ev.OutboxUnread: "error", ev.SettleStarted: "warn", ev.RoundsUncomputed: "error",
}


def describe(event: ev.Event, lang: str = "en") -> Optional[str]:
    """The sentence for `event` in `lang` (English when there is no translation); None for an
    event with no sentence of its own (a reading, a role change: data for the table and exports)."""
    render = _TABLES.get(lang, _EN).get(type(event)) or _EN.get(type(event))
    return None if render is None else render(event)


def step_down_why(event: ev.SteppedDown, lang: str = "en") -> str:
    """Why a leader stepped down, as a phrase ("its ZooKeeper session expired"), for the results."""
    return _why_es(event) if lang == "es" else _why_en(event)


def level(event: ev.Event) -> str:
    """How the view colours the line: info, leader, warn, error or narration."""
    if isinstance(event, (ev.NodeSaid, ev.Notice)):
        return str(event.level or "info")
    if isinstance(event, ev.NodeStopped):
        if event.requested == "SIGKILL" or event.signal == "SIGKILL":
            return "warn"
        return "error" if event.crashed else "info"
    if isinstance(event, ev.ZkConnection):
        return "info" if event.connected else "warn"
    if isinstance(event, ev.DrainEnded):
        return "info" if not event.rounds else "warn"
    if isinstance(event, ev.SettleEnded):
        return "info" if not (event.uncomputed or event.why) else "warn"
    if isinstance(event, ev.RoundsSaved):
        return "warn" if event.path else "error"
    return _LEVELS.get(type(event), "info")
