"""The one place an event becomes the words a person reads, in English or Spanish.

    from cluster_sim.presentation.wording import describe, level

    describe(LeaderElected(ts=t, node="2", epoch=3, failover_ms=9, after="1", how="left"))
    # "leader elected: 2 (epoch 3, failover 9 ms after 1 left)"
    describe(LeaderElected(ts=t, node="2", epoch=3, failover_ms=9, after="1", how="left"), "es")
    # "líder elegido: 2 (época 3, relevo en 9 ms después de que 1 se fuera)"
    level(event)          # "leader": how the view colours it (info, leader, warn, error, narration)

This module holds no words: for each kind of event it picks the catalogue's
entry ("ev.<kind>", cluster_sim/words/events.py) and fills it from the
event's typed fields; the language only chooses the entry's column. A node's
step-down or warning carries a code, a shutdown a StopWhy, saved rounds an
Unsaved: each is a key, never an English phrase looked up again. Nothing may
parse these words back: every listener that needs data reads the event.
Numbers in the event log group no thousands (they are copied into scripts);
decimals follow the language (0.5 s, 0,5 s).
"""

import dataclasses
from typing import Any, Callable, Dict, Optional, Tuple

from cluster_sim.words.lang import hhmmss, listing, number, seconds, span
from cluster_sim.engine import events as ev
from cluster_sim.words import has, lookup
from cluster_sim.presentation.cost_words import cost_fields, recipe_name

__all__ = ["describe", "level", "step_down_why", "LANGUAGES"]

LANGUAGES = ("en", "es")

Render = Callable[[Any, str], str]


def _leader(was_leader: bool, lang: str) -> str:
    return lookup("ev.the_leader", lang) if was_leader else ""


def _at(url: Optional[str], lang: str) -> str:
    return lookup("ev.at_url", lang, url=url) if url else ""


def _link(target: str, lang: str) -> str:
    key = f"ev.link.{target}"
    return lookup(key, lang) if has(key) else str(target)


def _code(value: Any) -> str:
    return str(getattr(value, "value", value))


def _stopped(e: ev.NodeStopped, lang: str) -> str:
    if e.requested == "SIGKILL" or e.signal == "SIGKILL":
        return lookup("ev.node_stopped.dead", lang, node=e.node, timeout=e.session_timeout)
    key = "ev.node_stopped.crashed" if e.crashed else "ev.node_stopped"
    return lookup(key, lang, node=e.node, exit=e.exit, log=e.log_path)


def _elected(e: ev.LeaderElected, lang: str) -> str:
    if e.original:
        return lookup("ev.leader_elected.original", lang, node=e.node)
    if e.failover_ms is None or e.after is None:
        return lookup("ev.leader_elected", lang, node=e.node, epoch=e.epoch)
    how = f"ev.how.{e.how or 'left'}"
    return lookup("ev.leader_elected.after", lang, node=e.node, epoch=e.epoch, ms=str(e.failover_ms), after=e.after,
                  how=lookup(how, lang) if has(how) else e.how)


def _drain_ended(e: ev.DrainEnded, lang: str) -> str:
    if not e.rounds:
        return lookup("ev.drain_ended.empty", lang)
    key = "ev.drain_ended.skipped" if e.skipped else "ev.drain_ended"
    return lookup(key, lang, count=e.rounds, timeout=e.timeout)


def _settle_ended(e: ev.SettleEnded, lang: str) -> str:
    if e.why:
        return lookup("ev.settle_ended.unknown", lang, why=e.why)
    if not e.uncomputed:
        return lookup("ev.settle_ended.done", lang) + (
            "" if e.last is None else lookup("ev.settle_ended.last", lang, last=e.last))
    key = "ev.settle_ended.skipped" if e.skipped else "ev.settle_ended"
    return lookup(key, lang, count=e.uncomputed, span=span(e.first, e.last), timeout=e.timeout)


def _uncomputed(e: ev.RoundsUncomputed, lang: str) -> str:
    return (lookup("ev.rounds_uncomputed", lang, count=e.count, span=span(e.first, e.last))
            + lookup("ev.rounds_uncomputed.lost" if e.zk_embedded else "ev.rounds_uncomputed.stay", lang, zk=e.zk))


def _saved(e: ev.RoundsSaved, lang: str) -> str:
    reason = f"ev.unsaved.{_code(e.reason)}"
    what = lookup("ev.rounds_saved", lang, count=e.count,
                  reason=lookup(reason, lang) if has(reason) else _code(e.reason))
    if e.path is None:
        return (lookup("ev.rounds_saved.failed", lang, what=what, error=e.error)
                + lookup("ev.rounds_saved.lost" if e.zk_embedded else "ev.rounds_saved.stay", lang, zk=e.zk))
    line = lookup("ev.rounds_saved.saved", lang, what=what, path=e.path)
    return line + ("" if e.zk_embedded else lookup("ev.rounds_saved.also", lang, zk=e.zk))


def _partitioned(e: ev.Partitioned, lang: str) -> str:
    text = lookup("ev.partitioned", lang, node=e.node, leader=_leader(e.was_leader, lang), link=_link(e.target, lang))
    if e.target in ("zk", "api"):
        text += lookup(f"ev.partitioned.{e.target}", lang)
    if e.target != "api" and e.session_timeout:
        text += lookup("ev.partitioned.expires", lang, timeout=e.session_timeout)
    return text


def _slowed(e: ev.Slowed, lang: str) -> str:
    jitter = f" ±{seconds(lang, e.jitter_ms)}" if e.jitter_ms else ""
    text = lookup("ev.slowed", lang, node=e.node, link=_link(e.target, lang), latency=e.latency_ms, jitter=jitter)
    if e.target != "api" and e.session_timeout:
        from cluster_sim.netfault.faults import zk_round_trip_limit

        trip, limit = 2 * (e.latency_ms + e.jitter_ms) / 1000, zk_round_trip_limit(e.session_timeout)
        if trip > limit:
            text += lookup("ev.slowed.drops", lang, trip=float(trip), timeout=e.session_timeout,
                           limit=float(round(limit, 2)))
    return text


def _fault_changed(e: ev.FaultChanged, lang: str) -> str:
    """A kind declared only in the fault registry: the sentence its Words name (`said`), filled
    with the event's node, link, leader, timeout and params."""
    from cluster_sim.faults.registry import said_key

    key = said_key(e.cmd) or "ev.fault_changed"
    params = {name: value for name, value in e.params}
    return lookup(key, lang, **dict(params, cmd=e.cmd, node=e.node, link=_link(e.target, lang),
                                     leader=_leader(e.was_leader, lang), timeout=e.session_timeout))


def step_down_why(e: ev.SteppedDown, lang: str = "en") -> str:
    """Why a leader stepped down, as a phrase ("its ZooKeeper session expired"), for the results."""
    if e.code == "error":
        return lookup("ev.why.error", lang, error=e.error or lookup("ev.why.an_error", lang))
    if e.code == "internal_error":
        return lookup("ev.why.internal_error", lang, error=e.error)
    key = f"ev.why.{e.code}"
    return lookup(key if e.code and has(key) else "ev.why.other", lang)


def _stepped_down(e: ev.SteppedDown, lang: str) -> str:
    if not e.code and e.reason:
        return lookup("ev.stepped_down.own", lang, node=e.node, reason=e.reason)   # a node of an older version
    return lookup("ev.stepped_down", lang, node=e.node, epoch=e.epoch, why=step_down_why(e, lang))


def _dropped(e: ev.OutboxDropped, lang: str) -> str:
    full = lookup("ev.outbox_full", lang) if e.bound is None else lookup("ev.outbox_full.bound", lang, bound=e.bound)
    if not e.rounds:
        return lookup("ev.outbox_dropped.none", lang, node=e.node, full=full, total=e.total)
    return lookup("ev.outbox_dropped", lang, node=e.node, full=full, count=len(e.rounds),
                  span=span(e.rounds[0], e.rounds[-1]), total=e.total)


def _said(e: ev.NodeSaid, lang: str) -> str:
    key = f"ev.said.{e.code}"
    if not e.code or not has(key):
        return lookup("ev.said", lang, node=e.node, message=e.message)
    count: Any = e.count
    if e.code == "rounds_lost":
        count = 1 if e.round == e.last else 2
    elif e.code == "round_partial":
        count = len(e.members)
    return lookup(key, lang, node=e.node, error=e.error, count=count, round=e.round, member=e.member,
                  span=span(e.round, e.last), members=listing(e.members))


def _api_down(e: ev.ApiDown, lang: str) -> str:
    return lookup("ev.api_down", lang, node=e.node, at=_at(e.url, lang), time=hhmmss(e.since or e.ts),
                  error=f" ({e.error})" if e.error else "")


def _api_back(e: ev.ApiBack, lang: str) -> str:
    if e.delivered is not None:
        return lookup("ev.api_back", lang, count=e.delivered)
    return lookup("ev.api_back.leader", lang, node=e.node, at=_at(e.url, lang))


def _node(key: str) -> Render:
    """An entry filled with the event's node only."""
    return lambda e, lang: lookup(key, lang, node=e.node)


def _server(key: str) -> Render:
    return lambda e, lang: lookup(key, lang, index=e.index)


_RENDER: Dict[type, Render] = {
    ev.NodeStarted: lambda e, lang: lookup("ev.node_started.waits" if e.waits else "ev.node_started", lang,
                                           node=e.node, pid=str(e.pid), waits=e.waits),
    ev.NodeKilled: lambda e, lang: lookup("ev.node_killed.hard" if e.hard else "ev.node_killed.soft", lang,
                                          node=e.node, leader=_leader(e.was_leader, lang)),
    ev.NodePaused: lambda e, lang: lookup("ev.node_paused", lang, node=e.node, leader=_leader(e.was_leader, lang),
                                          timeout=e.session_timeout),
    ev.NodeResumed: _node("ev.node_resumed"),
    ev.NodeStopped: _stopped,
    ev.Suspended: _node("ev.suspended"),
    ev.SessionExpired: lambda e, lang: lookup("ev.session_expired.zookeeper" if e.by == "zookeeper"
                                              else "ev.session_expired", lang, node=e.node),
    ev.TakesOver: lambda e, lang: (lookup("ev.takes_over.herd", lang, node=e.node, racers=e.racers)
                                   if e.recipe == "herd" else
                                   lookup("ev.takes_over" if e.watched else "ev.takes_over.first", lang,
                                          node=e.node, seq="?" if e.seq is None else f"{e.seq:04d}"[-4:],
                                          watched=e.watched)),
    ev.RecipeForTeaching: lambda e, lang: lookup("ev.recipe_for_teaching", lang, recipe=recipe_name(e.recipe, lang)),
    ev.FailoverCost: lambda e, lang: lookup("ev.failover_cost" if e.source == "mntr" else "ev.failover_cost.nodes",
                                            lang, **cost_fields(e, lang)),
    ev.Reconnected: lambda e, lang: lookup("ev.reconnected" if e.same_session else "ev.reconnected.new", lang,
                                           node=e.node),
    ev.SteppedDown: _stepped_down,
    ev.Fenced: lambda e, lang: lookup("ev.fenced", lang, node=e.node, epoch=e.epoch),
    ev.OutboxDropped: _dropped,
    ev.ApiDown: _api_down,
    ev.ApiBack: _api_back,
    ev.NodeSaid: _said,
    ev.ZkConnection: lambda e, lang: lookup("ev.zk_connection.up" if e.connected else "ev.zk_connection.down", lang),
    ev.RemoteJoined: lambda e, lang: lookup("ev.remote_joined.from" if e.host else "ev.remote_joined", lang,
                                            node=e.node, host=e.host),
    ev.RemoteLeft: _node("ev.remote_left"),
    ev.UnreadableReading: lambda e, lang: lookup("ev.unreadable_reading", lang, node=e.node, why=e.why),
    ev.LeaderElected: _elected,
    ev.LeaderLost: _node("ev.leader_lost"),
    ev.SplitBrain: lambda e, lang: lookup("ev.split_brain", lang, nodes=lookup("ev.and", lang).join(e.nodes)),
    ev.Partitioned: _partitioned,
    ev.Healed: lambda e, lang: lookup("ev.healed", lang, node=e.node, link=_link(e.target, lang)),
    ev.Slowed: _slowed,
    ev.FaultChanged: _fault_changed,
    ev.ApiStopped: lambda e, lang: lookup("ev.api_stopped", lang),
    ev.ApiStarted: lambda e, lang: lookup("ev.api_started", lang),
    ev.ZkServerStopped: _server("ev.zk_server_stopped"),
    ev.ZkServerStarting: _server("ev.zk_server_starting"),
    ev.ZkServerPaused: _server("ev.zk_server_paused"),
    ev.ZkServerResumed: _server("ev.zk_server_resumed"),
    ev.ClusterStarted: lambda e, lang: lookup("ev.cluster_started", lang, name=e.name, zk=e.zk, api=e.api_url,
                                              count=e.nodes, interval=e.interval, timeout=e.session_timeout),
    ev.ClusterOpen: lambda e, lang: lookup("ev.cluster_open", lang),
    ev.JoinCommand: lambda e, lang: lookup("ev.join_command", lang, command=e.command),
    ev.WebViewStarted: lambda e, lang: lookup("ev.web_view_started", lang, url=e.url),
    ev.CommandVia: lambda e, lang: lookup(f"ev.command_via.{e.via}" if has(f"ev.command_via.{e.via}")
                                          else "ev.command_via", lang, cmd=e.cmd, target=e.target, via=e.via),
    ev.RecordingWritten: lambda e, lang: lookup("ev.recording_written", lang, path=e.path,
                                                size=number(lang, e.size / 1e6, 1)),
    ev.ShuttingDown: lambda e, lang: lookup("ev.shutting_down", lang, why=_stop_why(e.why, lang)),
    ev.SettleStarted: lambda e, lang: lookup("ev.settle_started", lang, count=e.count, timeout=e.timeout),
    ev.SettleEnded: _settle_ended,
    ev.RoundsUncomputed: _uncomputed,
    ev.DrainStarted: lambda e, lang: lookup("ev.drain_started", lang, count=e.rounds, timeout=e.timeout),
    ev.DrainEnded: _drain_ended,
    ev.OutboxUncounted: lambda e, lang: lookup("ev.outbox_uncounted.draining" if e.draining
                                               else "ev.outbox_uncounted", lang, why=e.why),
    ev.RoundsSaved: _saved,
    ev.OutboxUnread: lambda e, lang: (lookup("ev.outbox_unread", lang, why=e.why)
                                      + lookup("ev.outbox_unread.lost" if e.zk_embedded else "ev.outbox_unread.stay",
                                               lang, zk=e.zk)),
    ev.Narration: lambda e, lang: e.title,
    ev.ListenerFailed: lambda e, lang: lookup("ev.listener_failed", lang, listener=e.listener, error=e.error),
    ev.Notice: lambda e, lang: "" if e.message is None else str(e.message),
}

WORDED = tuple(_RENDER)          # the kinds of event a person reads a sentence for


def _stop_why(why: Any, lang: str) -> str:
    key = f"ev.stop.{_code(why)}"
    return lookup(key, lang) if has(key) else _code(why)


_LEVELS: Dict[type, str] = {
    ev.NodeKilled: "warn", ev.NodePaused: "warn", ev.Suspended: "warn", ev.SessionExpired: "warn",
    ev.SteppedDown: "warn", ev.Fenced: "error", ev.OutboxDropped: "warn", ev.ApiDown: "warn",
    ev.UnreadableReading: "warn", ev.LeaderElected: "leader", ev.TakesOver: "leader", ev.LeaderLost: "warn", ev.SplitBrain: "error",
    ev.Partitioned: "warn", ev.Slowed: "warn", ev.FaultChanged: "warn", ev.ZkServerPaused: "warn", ev.ApiStopped: "warn",
    ev.ZkServerStopped: "warn", ev.ClusterOpen: "warn", ev.RecipeForTeaching: "warn",
    ev.ShuttingDown: "warn", ev.Narration: "narration", ev.ListenerFailed: "error", ev.DrainStarted: "warn",
    ev.OutboxUncounted: "warn", ev.OutboxUnread: "error", ev.SettleStarted: "warn", ev.RoundsUncomputed: "error",
}


# the fields of a worded event that hold a round's own number (a count of rounds is not one)
_ROUND_FIELDS: Dict[type, Tuple[str, ...]] = {
    ev.OutboxDropped: ("rounds",), ev.NodeSaid: ("round", "last"), ev.SettleEnded: ("first", "last"),
    ev.RoundsUncomputed: ("first", "last"),
}


def _counted(event: ev.Event, base: int) -> ev.Event:
    """`event` with its rounds counted from `base` (the cluster's first round), as screens show them."""
    def shift(value: Any) -> Any:
        if isinstance(value, tuple):
            return tuple(shift(v) for v in value)
        return value - base if isinstance(value, int) and not isinstance(value, bool) else value
    fields = _ROUND_FIELDS.get(type(event), ())
    return dataclasses.replace(event, **{f: shift(getattr(event, f)) for f in fields}) if fields else event


def describe(event: ev.Event, lang: str = "en", base: Optional[int] = None) -> Optional[str]:
    """The sentence for `event` in `lang` (English where the catalogue has none); None for an
    event with no sentence of its own (a reading, a role change: data for the table and exports).
    `base`: the cluster's first round (round_count.round_base): rounds are counted from it."""
    render = _RENDER.get(type(event))
    if render is None:
        return None
    return render(_counted(event, base) if base is not None else event, lang)


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
