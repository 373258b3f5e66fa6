"""What each fault command does: its handler on the supervisor, and its relay action.

    from cluster_sim.faults.actions import partition, cut_link   # cut_link: netfault/faults.py's

    answer = partition(supervisor, {"cmd": "partition", "id": "3", "from": "zk"})
    cut_link(LinkFault(), Partitioned(ts, "3", target="zk"))    # LinkFault(partitioned=True)

A handler runs on the manager's loop with the supervisor as `ctx`
(command_kit.Supervisor): it checks the request against the state, acts on
the processes, the API, the ZooKeeper servers or the relays, and emits the
event that says what it did. A relay action is a pure function (the link's
fault, the event) -> the link's fault after it: the relays apply it when the
command runs (NetFaults.change), and the model applies the same function to
the same event to know what the relays do (netfault.with_fault). The
registry (registry.py) says which command, event and relay action belong to
which fault kind. Standard library only at import time.
"""

from typing import Any, Callable, Dict, Mapping, Optional, Tuple

from cluster_sim.netfault.faults import clear_link, cut_link, slow_link
from cluster_sim.engine.command_kit import (
    Answer, Handler, Supervisor, fail, node_id_of, ok, refuse, running, told, words,
)

__all__ = ["kill", "pause", "resume", "start", "api_switch", "zk_switch", "zk_freeze", "partition", "slow", "heal",
           "on_links", "cut_link", "slow_link", "clear_link"]


# --------------------------------------------------------------------------- node processes

def kill(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
    from cluster_sim.engine import events as ev

    node_id, proc, error = running(ctx, request)
    if error is not None or node_id is None:
        return error or fail("no node")
    hard = bool(request.get("hard"))
    # the time is taken before the signal: the next leader may be elected before we look again
    event = ev.NodeKilled(ctx.clock(), node_id, hard=hard, was_leader=ctx.state.leader == node_id)
    proc.kill() if hard else proc.terminate()
    return ok(ctx, event)


def pause(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
    from cluster_sim.engine import events as ev

    node_id, proc, error = running(ctx, request)
    if error is not None or node_id is None:
        return error or fail("no node")
    if proc.paused:
        return refuse(ctx, "paused", id=node_id)
    event = ev.NodePaused(ctx.clock(), node_id, was_leader=ctx.state.leader == node_id,
                          session_timeout=ctx.session_timeout)
    proc.pause()
    seconds = request.get("for")
    if seconds:
        # back by itself, as a remote node's helper wakes it: a resume asked of ourselves in time
        import queue
        import threading

        timer = threading.Timer(float(seconds), ctx.submit_request, ({"cmd": "resume", "id": node_id},
                                                                      queue.Queue(1)))
        timer.daemon = True
        timer.start()
    return ok(ctx, event)


def resume(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
    from cluster_sim.engine import events as ev

    node_id, proc, error = running(ctx, request)
    if error is not None or node_id is None:
        return error or fail("no node")
    if not proc.paused:
        return refuse(ctx, "not_paused", id=node_id)
    proc.resume()
    return ok(ctx, ev.NodeResumed(ctx.clock(), node_id))


def start(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
    node_id, error = node_id_of(request)
    if node_id is None:
        return error or fail("no node")
    if node_id in ctx.procs:
        return refuse(ctx, "running", id=node_id, pid=ctx.procs[node_id].pid)
    view = ctx.state.nodes.get(node_id)
    if view is not None and view.remote:
        holder = (words(ctx, "holder", pid=view.pid, host=view.host) if view.pid and view.host
                  else (view.host or words(ctx, "unknown_host")))
        return refuse(ctx, "held", id=node_id, holder=holder)
    # a node killed hard leaves its znode until its session expires: wait for it
    wait = 2 * ctx.session_timeout + 2.0 if view is not None else 0.0
    started = ctx.start_node(node_id, wait_for_id=wait, requested=True)
    return told(started, pid=started.pid)


# --------------------------------------------------------------------------- the API and ZooKeeper servers

def api_switch(on: bool) -> Handler:
    """api-start (on) / api-stop: the embedded API."""
    def handler(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
        from cluster_sim.engine import events as ev

        if ctx.api is None:
            return refuse(ctx, "external_api")
        if on:
            ctx.api.start()
            return ok(ctx, ev.ApiStarted(ctx.clock()))
        ctx.api.stop()
        return ok(ctx, ev.ApiStopped(ctx.clock()))
    return handler


def _server(ctx: Supervisor, ensemble: Any, request: Mapping[str, Any]) -> Tuple[int, Optional[Answer]]:
    raw = request.get("index")
    try:
        index = int(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0, fail(f"ZooKeeper server index {raw!r} is not a number")
    if not 1 <= index <= len(ensemble.servers):
        return 0, refuse(ctx, "no_server", index=index, count=len(ensemble.servers))
    return index, None


def zk_switch(on: bool) -> Handler:
    """zk-start (on) / zk-kill: one server of an embedded ensemble."""
    def handler(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
        from cluster_sim.engine import events as ev

        ensemble = ctx.zk     # an embedded ensemble; None for a lone or external server
        if ensemble is None:
            return refuse(ctx, "no_ensemble")
        index, error = _server(ctx, ensemble, request)
        if error is not None:
            return error
        if on:
            from cluster_sim.zk.cluster import AlreadyRunning

            try:
                ensemble.start_server(index, wait=False)
            except AlreadyRunning as exc:
                return fail(str(exc))
            return ok(ctx, ev.ZkServerStarting(ctx.clock(), index=index))
        ensemble.stop_server(index)
        return ok(ctx, ev.ZkServerStopped(ctx.clock(), index=index))
    return handler


def zk_freeze(thaw: bool) -> Handler:
    """zk-pause / zk-resume (thaw): SIGSTOP / SIGCONT an embedded server."""
    def handler(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
        from cluster_sim.engine import events as ev

        embedded = ctx.embedded_zk
        if embedded is None:
            return refuse(ctx, "external_zk")
        index, error = _server(ctx, embedded, request)
        if error is not None:
            return error
        if thaw:
            if not embedded.resume_server(index):
                return refuse(ctx, "zk_not_frozen", index=index)
            return ok(ctx, ev.ZkServerResumed(ctx.clock(), index=index))
        if not embedded.pause_server(index):
            return refuse(ctx, "zk_frozen" if embedded.server(index).paused else "zk_not_running", index=index)
        return ok(ctx, ev.ZkServerPaused(ctx.clock(), index=index))
    return handler


# --------------------------------------------------------------------------- network faults (the relays)

def _faulted(ctx: Supervisor, request: Mapping[str, Any]) -> Tuple[Optional[str], Optional[Answer]]:
    """The node a network fault is about, if its traffic goes through our relays."""
    node_id, error = node_id_of(request)
    if node_id is None:
        return None, error or fail("no node")
    view = ctx.state.nodes.get(node_id)
    if view is None and (ctx.netfaults is None or node_id not in ctx.netfaults):
        return None, refuse(ctx, "no_node", id=node_id, name=ctx.state.name)
    if view is not None and view.remote:
        return None, refuse(ctx, "remote_network", id=node_id, host=view.host or words(ctx, "unknown_host"))
    if ctx.netfaults is None:
        return None, refuse(ctx, "no_relays")
    return node_id, None


def partition(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
    from cluster_sim.netfault import FaultError
    from cluster_sim.engine import events as ev

    node_id, error = _faulted(ctx, request)
    if node_id is None:
        return error or fail("no node")
    target = request.get("from") or "zk"
    if target not in ("zk", "api", "all"):
        return refuse(ctx, "not_a_link", target=target)
    try:
        before = ctx.netfaults.fault(node_id)
        cut = {"zk": before.zk.partitioned, "api": before.api.partitioned}
        if all(cut[t] for t in (("zk", "api") if target == "all" else (target,))):
            return refuse(ctx, "already_cut_" + target, id=node_id)
        event = ev.Partitioned(ctx.clock(), node_id, target=target, was_leader=ctx.state.leader == node_id,
                               session_timeout=ctx.session_timeout)
        ctx.netfaults.change(node_id, target, lambda link: cut_link(link, event), must_reach=True)
    except FaultError as exc:
        return fail(str(exc))
    return ok(ctx, event)


def slow(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
    from cluster_sim.netfault import FaultError
    from cluster_sim.netfault.faults import check_delay
    from cluster_sim.engine import events as ev

    node_id, error = _faulted(ctx, request)
    if node_id is None:
        return error or fail("no node")
    latency, jitter = request.get("latency"), request.get("jitter") or 0
    if latency is None:
        return refuse(ctx, "how_slow")
    try:
        check_delay(latency, jitter)
        event = ev.Slowed(ctx.clock(), node_id, latency_ms=float(latency), jitter_ms=float(jitter),
                          target="all", session_timeout=ctx.session_timeout)
        ctx.netfaults.change(node_id, "all", lambda link: slow_link(link, event))
    except FaultError as exc:
        return fail(str(exc))
    return ok(ctx, event)


def on_links(cmd: str, link: Callable[[Any, Any], Any],
             params: Callable[[Mapping[str, Any]], Dict[str, float]] = lambda request: {},
             target: str = "all") -> Handler:
    """The handler of a fault on a node's links, for a kind declared only in the registry: the node
    must go through our relays; it emits events.FaultChanged (`cmd`, the node, the links: the
    request's `from` or `target`, and `params(request)`, which may raise ValueError to refuse
    in one line) and applies the relay action `link` (link, event) -> link to those links, as
    the model replays it on the event."""
    def handler(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
        from cluster_sim.netfault import FaultError
        from cluster_sim.engine import events as ev

        node_id, error = _faulted(ctx, request)
        if node_id is None:
            return error or fail("no node")
        links = request.get("from") or target
        if links not in ("zk", "api", "all"):
            return refuse(ctx, "not_a_link", target=links)
        try:
            values = params(request)
            event = ev.FaultChanged(ctx.clock(), cmd, node_id, target=links, was_leader=ctx.state.leader == node_id,
                                    session_timeout=ctx.session_timeout,
                                    params=tuple((name, float(value)) for name, value in values.items()))
            ctx.netfaults.change(node_id, links, lambda fault: link(fault, event))
        except (FaultError, ValueError) as exc:
            return fail(str(exc))
        return ok(ctx, event)
    return handler


def heal(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
    from cluster_sim.netfault import FaultError
    from cluster_sim.engine import events as ev

    every = bool(request.get("all"))
    if every == (request.get("id") is not None):
        return refuse(ctx, "heal_which")
    if every:
        healed = ctx.netfaults.heal_all() if ctx.netfaults is not None else []
        if not healed:
            return {"ok": True, "message": words(ctx, "nothing_to_heal")}
        events = [ev.Healed(ctx.clock(), node, target="all") for node in healed]
        ctx.emit(*events)
        return told(*events)
    node_id, error = _faulted(ctx, request)
    if node_id is None:
        return error or fail("no node")
    try:
        if ctx.netfaults.fault(node_id).clear:
            return refuse(ctx, "no_fault", id=node_id)
        event = ev.Healed(ctx.clock(), node_id, target="all")
        ctx.netfaults.change(node_id, "all", lambda link: clear_link(link, event))
    except FaultError as exc:
        return fail(str(exc))
    return ok(ctx, event)
