"""The one place an event becomes the words a person reads.

    from cluster_sim.supervisor.wording import describe, level

    describe(LeaderElected(ts=t, node="2", epoch=3, failover_ms=9, after="1", how="left"))
    # "leader elected: 2 (epoch 3, failover 9 ms after 1 left)"
    level(event)          # "leader": how the view colours it (info, leader, warn, error, narration)

`describe(event, lang)` takes the language a class chose (`--lang`); only
English is written so far, and any other language falls back to it, so a
translation is one more table here and nothing else changes. Nothing may
parse these words back: every listener that needs data reads the event.
"""

import time
from typing import Callable, Dict, Optional

from cluster_sim.supervisor import events as ev

__all__ = ["describe", "level", "LANGUAGES"]

LANGUAGES = ("en",)


def _clock(ts: Optional[float]) -> str:
    try:
        return time.strftime("%H:%M:%S", time.localtime(float(ts)))  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError, OSError):
        return "?"


def _g(x: Optional[float]) -> str:
    return "?" if x is None else f"{x:g}"


def _the_leader(was_leader: bool) -> str:
    return " (the leader)" if was_leader else ""


def _stopped(e: ev.NodeStopped) -> str:
    if e.requested == "SIGKILL" or e.signal == "SIGKILL":
        return (f"node {e.node} is dead (SIGKILL): ZooKeeper notices when its session times out "
                f"({_g(e.session_timeout)} s)")
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


def _rounds(n: int) -> str:
    return f"{n} round" if n == 1 else f"{n} rounds"


def _drain_ended(e: ev.DrainEnded) -> str:
    if not e.rounds:
        return "outbox empty: every round delivered"
    if e.skipped:
        return f"not waiting any longer: {_rounds(e.rounds)} still in the outbox"
    return f"{_rounds(e.rounds)} still in the outbox after {e.timeout:g} s"


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
        trip = 2 * (e.latency_ms + e.jitter_ms) / 1000
        from cluster_sim.netfault.faults import zk_round_trip_limit

        limit = zk_round_trip_limit(e.session_timeout)
        if trip > limit:
            text += (f"; a round trip of up to {trip:g} s is more than a {_g(e.session_timeout)} s session "
                     f"tolerates ({limit:.2g} s): its ZooKeeper connection will drop")
    return text


def _narration(e: ev.Narration) -> str:
    return e.title


_EN: Dict[type, Callable] = {
    ev.NodeStarted: lambda e: (f"node {e.node} started (pid {e.pid})"
                               + (f"; it waits up to {_g(e.waits)} s for the old session of id {e.node} to end"
                                  if e.waits else "")),
    ev.NodeKilled: lambda e: (f"node {e.node}{_the_leader(e.was_leader)} killed "
                              f"({'SIGKILL' if e.hard else 'SIGTERM'})"),
    ev.NodePaused: lambda e: (f"node {e.node}{_the_leader(e.was_leader)} paused (SIGSTOP): "
                              f"its session expires in {_g(e.session_timeout)} s"),
    ev.NodeResumed: lambda e: f"node {e.node} resumed (SIGCONT)",
    ev.NodeStopped: _stopped,
    ev.Suspended: lambda e: f"node {e.node}: ZooKeeper connection SUSPENDED",
    ev.SessionExpired: lambda e: f"node {e.node}: ZooKeeper connection LOST (its session expired)",
    ev.Reconnected: lambda e: (f"node {e.node}: ZooKeeper connection back"
                               + ("" if e.same_session else " (a new session)")),
    ev.SteppedDown: lambda e: f"node {e.node} {e.reason}",
    ev.Fenced: lambda e: f"node {e.node} {e.reason}; stepping down",
    ev.OutboxDropped: lambda e: f"node {e.node}: {e.message}",
    ev.ApiDown: lambda e: (f"API unreachable since {_clock(e.since or e.ts)} ({e.error}): "
                           "rounds wait in the outbox"),
    ev.ApiBack: lambda e: f"API back: {e.delivered} rounds delivered",
    ev.NodeSaid: lambda e: f"node {e.node}: {e.message}",
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
                                  f"interval {e.interval:g} s, session timeout {e.session_timeout:g} s"),
    ev.ClusterOpen: lambda e: ("no --secret: the cluster is open, as the original (anyone who reaches "
                               "ZooKeeper can change it)"),
    ev.JoinCommand: lambda e: f"students join with: {e.command}",
    ev.WebViewStarted: lambda e: f"web view (read-only, for the projector and the students): {e.url}",
    ev.RecordingWritten: lambda e: f"recording written: {e.path} ({e.size / 1e6:.1f} MB; open it in a browser, "
                                   f"or clustersim replay {e.path})",
    ev.ShuttingDown: lambda e: f"shutting down ({e.why})",
    ev.DrainStarted: lambda e: (f"delivering {_rounds(e.rounds)} left in the outbox (up to {e.timeout:g} s; "
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

_TABLES = {"en": _EN}

_LEVELS: Dict[type, str] = {
    ev.NodeKilled: "warn", ev.NodePaused: "warn", ev.Suspended: "warn", ev.SessionExpired: "warn",
    ev.SteppedDown: "warn", ev.Fenced: "error", ev.OutboxDropped: "warn", ev.ApiDown: "warn",
    ev.UnreadableReading: "warn", ev.LeaderElected: "leader", ev.LeaderLost: "warn", ev.SplitBrain: "error",
    ev.Partitioned: "warn", ev.Slowed: "warn", ev.ZkServerPaused: "warn", ev.ApiStopped: "warn", ev.ZkServerStopped: "warn", ev.ClusterOpen: "warn",
    ev.ShuttingDown: "warn", ev.Narration: "narration", ev.ListenerFailed: "error", ev.DrainStarted: "warn",
    ev.OutboxUncounted: "warn", ev.OutboxUnread: "error",
}


def describe(event: ev.Event, lang: str = "en") -> Optional[str]:
    """The sentence for `event` in `lang` (English when there is no translation); None for an
    event with no sentence of its own (a reading, a role change: data for the table and exports)."""
    render = _TABLES.get(lang, _EN).get(type(event)) or _EN.get(type(event))
    return None if render is None else render(event)


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
    if isinstance(event, ev.RoundsSaved):
        return "warn" if event.path else "error"
    return _LEVELS.get(type(event), "info")
