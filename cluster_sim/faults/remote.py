"""A fault command on a member of another machine goes through ZooKeeper.

    from cluster_sim.faults.remote import routed

    handler = routed("kill", actions.kill)   # local nodes: the handler; remote ones: a request

The supervisor writes a request znode for the node (remote_requests.py, under
the cluster's ACL), the node carries it out on itself (node/requests.py) and
writes back the outcome, which becomes the same event a local command emits
(so the table, status and the page follow as for a local node). The wait runs
off the manager's loop (the answer is `deferred`, manager._answer); a node
that does not answer within BOUND seconds is said so in one line. The
registry (registry.py) says which commands are routed.
"""

import threading
from typing import Any, Callable, Dict, Mapping, Optional

from cluster_sim.engine.command_kit import Answer, Handler, Supervisor, fail, node_id_of, refuse, told, words

__all__ = ["BOUND", "STALE", "routed", "routed_zk", "deferred"]

BOUND = 3.0       # seconds a remote node has to take a request and answer
STALE = 60.0      # requests older than this are deleted by the next one (a supervisor gone meanwhile)

Later = Callable[[], Answer]


def deferred(later: Later) -> Answer:
    """An answer computed off the loop: the manager runs `later` in a thread and replies with it."""
    return {"ok": True, "deferred": later}


def _args(cmd: str, request: Mapping[str, Any]) -> Dict[str, Any]:
    """The request's fields the node needs (a typed subset of the command's)."""
    if cmd == "kill":
        return {"hard": bool(request.get("hard"))}
    if cmd == "pause":
        return {"seconds": request.get("for")}
    if cmd == "partition":
        return {"from": request.get("from") or "zk"}
    if cmd == "slow":
        return {"latency": request.get("latency"), "jitter": request.get("jitter") or 0}
    return {}


def routed(cmd: str, local: Handler) -> Handler:
    """`local` for a node of ours; a request through ZooKeeper for a remote one (one in the
    table as remote, or one not in it whose taker listens: cut off from ZooKeeper, its
    session expired, it still hears `heal`)."""
    def handler(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
        node_id, _ = node_id_of(request)
        if node_id is None or node_id in ctx.procs or getattr(ctx, "client", None) is None:
            return local(ctx, request)     # (no client: a manager without ZooKeeper says it cannot)
        view = ctx.state.nodes.get(node_id)
        if view is not None and not view.remote:
            return local(ctx, request)
        if view is None and not _listening(ctx, node_id):
            return local(ctx, request)
        return _ask(ctx, cmd, node_id, view, request)
    return handler


def routed_zk(cmd: str, local: Handler) -> Handler:
    """`local` for an ensemble we started (or a lone server: it says so); for an external
    ensemble (`up --zk A,B,C`), a request to server N's member agent, zk{N} (zk/agent.py)."""
    def handler(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
        if ctx.zk is not None or getattr(ctx, "client", None) is None or getattr(ctx, "embedded_zk", None):
            return local(ctx, request)
        try:
            index = int(request.get("index"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return local(ctx, request)
        return _ask_server(ctx, cmd, index, request, local)
    return handler


def _ask_server(ctx: Supervisor, cmd: str, index: int, request: Mapping[str, Any], local: Handler) -> Answer:
    from kazoo.exceptions import KazooException, NoAuthError

    from cluster_sim.engine import events as ev
    from cluster_sim.protocol import remote_requests as rr

    target = rr.server_taker(index)
    args = {"seconds": request.get("for")} if cmd == "zk-pause" else {}
    client = ctx.client
    try:
        card = rr.card(client, target)
        if card is None and not _members_listened(client):
            return local(ctx, request)     # a plain ZooKeeper: the local refusal says why
    except KazooException as exc:
        return _zk_failed(exc)

    def later() -> Answer:
        try:
            # a member whose agent has not registered yet (its server just reached a quorum)
            # gets BOUND seconds to do so, off the loop
            found = card or _card_within(client, target, BOUND)
            if found is None:
                return refuse(ctx, "zk_remote_no_member", index=index, taker=target)
            rr.sweep(client, STALE)
            path = rr.ask(client, target, cmd, args, to=found, by=str(ctx.state.name))
            outcome = rr.wait(client, path, BOUND)
        except NoAuthError:
            return refuse(ctx, "remote_no_auth")
        except KazooException as exc:
            return _zk_failed(exc)
        host = found.host or words(ctx, "unknown_host")
        if outcome is None:
            return refuse(ctx, "zk_remote_no_answer", index=index, host=host, duration=f"{BOUND:g} s")
        if not outcome.get("ok"):
            code = str(outcome.get("code") or "")
            if code in ("zk_not_running", "zk_running", "zk_frozen", "zk_not_frozen"):
                return refuse(ctx, code, index=index)
            return fail(str(outcome.get("error") or code or "?"))
        now = ctx.clock()
        event = {"zk-kill": ev.ZkServerStopped, "zk-start": ev.ZkServerStarting, "zk-pause": ev.ZkServerPaused,
                 "zk-resume": ev.ZkServerResumed}[cmd](now, index=index)
        ctx.announce(event)
        return told(event, then=words(ctx, "remote_where", host=outcome.get("host") or host))
    return deferred(later)


def _zk_failed(exc: Exception) -> Answer:
    return fail(f"{type(exc).__name__} talking to ZooKeeper")


def _members_listened(client: Any) -> bool:
    """Whether any server of this ensemble runs a clustersim zk member (its agent's mailbox
    zk{N} exists once it registered): else zk-kill has nothing remote to ask."""
    from kazoo.exceptions import NoNodeError

    from cluster_sim.protocol import paths

    try:
        return any(name.startswith("zk") for name in client.get_children(paths.REQUESTS))
    except NoNodeError:
        return False


def _card_within(client: Any, target: str, bound: float) -> Any:
    """`target`'s card once it registers, or None after `bound` seconds."""
    import time

    from kazoo.exceptions import ConnectionLoss

    from cluster_sim.protocol import remote_requests as rr

    deadline = time.monotonic() + bound
    while True:
        try:
            found = rr.card(client, target)
        except ConnectionLoss:
            found = None     # (off the loop: the client reconnects meanwhile, ask again)
        if found is not None or time.monotonic() >= deadline:
            return found
        time.sleep(rr.POLL)


def _listening(ctx: Supervisor, node_id: str) -> bool:
    from kazoo.exceptions import KazooException

    from cluster_sim.protocol import paths
    from cluster_sim.protocol import remote_requests as rr

    client = getattr(ctx, "client", None)
    try:
        return client is not None and rr.card(client, paths.taker_name(node_id)) is not None
    except KazooException:
        return False


def _ask(ctx: Supervisor, cmd: str, node_id: str, view: Any, request: Mapping[str, Any]) -> Answer:
    from kazoo.exceptions import KazooException, NoAuthError, NoNodeError

    from cluster_sim.protocol import paths
    from cluster_sim.protocol import remote_requests as rr

    host = (view.host if view is not None else None) or words(ctx, "unknown_host")
    client = ctx.client
    args = _args(cmd, request)
    if cmd == "pause" and not args["seconds"]:
        return refuse(ctx, "remote_how_long", id=node_id, host=host)
    if cmd == "slow" and args["latency"] is None:
        return refuse(ctx, "how_slow")
    target = paths.taker_name(node_id)
    try:
        card = rr.card(client, target)
        if card is None:
            # in the table, but nobody listens for it: the original design's node (no history, no
            # pid), or a clustersim node that does not (yet: it just joined; or an older one)
            known = view is not None and view.pid
            return refuse(ctx, "remote_not_listening" if known else "remote_cannot", id=node_id, host=host)
        host = card.host or host
        if cmd in ("partition", "slow", "heal") and not card.relays:
            return refuse(ctx, "remote_no_relays", id=node_id, host=host)
        rr.sweep(client, STALE)
        was_leader = ctx.state.leader == node_id
        path = rr.ask(client, target, cmd, args, to=card, by=str(ctx.state.name))
    except NoAuthError:
        return refuse(ctx, "remote_no_auth")
    except NoNodeError:
        return refuse(ctx, "remote_gone", id=node_id)
    except KazooException as exc:
        return _zk_failed(exc)

    def later() -> Answer:
        try:
            outcome = rr.wait(client, path, BOUND)
        except KazooException as exc:
            return _zk_failed(exc)
        if outcome is None:
            return refuse(ctx, "remote_no_answer", id=node_id, host=host, duration=f"{BOUND:g} s")
        if not outcome.get("ok"):
            code = outcome.get("code")
            if code == "no_relays":
                return refuse(ctx, "remote_no_relays", id=node_id, host=host)
            return refuse(ctx, "remote_failed", id=node_id, host=host, error=str(outcome.get("error") or "?"))
        event = _event(ctx, cmd, node_id, args, outcome, was_leader)
        if event is None:
            return {"ok": True, "message": words(ctx, "nothing_to_heal")}
        ctx.announce(event)       # applied on the loop, as a local command's event
        return told(event, then=words(ctx, "remote_where", host=outcome.get("host") or host))
    return deferred(later)


def _event(ctx: Supervisor, cmd: str, node_id: str, args: Mapping[str, Any], outcome: Mapping[str, Any],
           was_leader: bool) -> Optional[Any]:
    from cluster_sim.engine import events as ev

    now, timeout = ctx.clock(), ctx.session_timeout
    if cmd == "kill":
        return ev.NodeKilled(now, node_id, hard=bool(args["hard"]), was_leader=was_leader)
    if cmd == "pause":
        return ev.NodePaused(now, node_id, was_leader=was_leader, session_timeout=timeout)
    if cmd == "partition":
        return ev.Partitioned(now, node_id, target=str(args["from"]), was_leader=was_leader, session_timeout=timeout)
    if cmd == "slow":
        return ev.Slowed(now, node_id, latency_ms=float(args["latency"]), jitter_ms=float(args["jitter"]),
                         target="all", session_timeout=timeout)
    if cmd == "heal":
        return ev.Healed(now, node_id, target="all") if outcome.get("had") else None
    return None


def run_later(later: Later, reply: Any, send: Callable[[Answer], Answer] = lambda answer: answer) -> None:
    """The manager's side of `deferred`: wait in a thread, then reply with `send(answer)` (the
    answer as it is sent: its events worded, presentation.answers.worded)."""
    def wait() -> None:
        try:
            answer = later()
        except Exception as exc:  # noqa: BLE001 - the teacher's command gets one line, never silence
            answer = fail(f"{type(exc).__name__}: {exc}")
        try:
            reply.put_nowait(send(answer))
        except Exception:  # noqa: BLE001 - the asker went away
            pass
    threading.Thread(target=wait, daemon=True, name="remote-request").start()
