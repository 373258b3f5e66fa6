"""Control commands, each declared once: name, arguments, help, footer hint and handler.

    from cluster_sim.supervisor.commands import COMMANDS, NAMES, by_name

    by_name("kill").args                 # (Arg("id", NODE), Arg("hard", FLAG, ...))
    answer = by_name("kill").handler(supervisor, {"cmd": "kill", "id": "3", "hard": False})
    # {"ok": True, "message": "node 3 killed (SIGTERM)"}

From this one list the CLI builds its subcommands and their `--help`
(cli.py), the control socket accepts exactly these names (control.COMMANDS)
and the live view's footer shows their hints. A handler runs on the
manager's loop with the supervisor as `ctx` (see `Supervisor`): it checks the
request against the state, acts on the processes, and emits the events that
say what it did; the answer's message is the event's own sentence.

Kept to the standard library at import time: `clustersim kill` reads this
list and must answer in a blink.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Dict, Mapping, Optional, Protocol, Tuple

if TYPE_CHECKING:  # the event classes cost ~25 ms to define: not on the path of `clustersim kill`
    from cluster_sim.supervisor import events as ev

__all__ = ["Arg", "Command", "COMMANDS", "NAMES", "by_name", "hints", "Supervisor"]

NODE, INDEX, FLAG, COUNT = "node", "index", "flag", "count"
CHOICE, MS = "choice", "ms"     # an option taking one of `choices`; an option taking milliseconds
Answer = Dict[str, Any]


class Supervisor(Protocol):
    """What a handler may use (the manager provides it)."""

    state: Any                    # ClusterState
    procs: Dict[str, Any]         # node id -> NodeProcess
    log_paths: Dict[str, str]
    session_timeout: float
    api: Any                      # embedded API service, or None
    zk: Any                       # embedded ZooKeeper ensemble, or None
    embedded_zk: Any              # embedded ZooKeeper of any size, or None
    netfaults: Any                # the local nodes' relays (netfault.NetFaults), or None

    def clock(self) -> float: ...
    def emit(self, *events: "ev.Event") -> None: ...
    def start_node(self, node_id: str, wait_for_id: float = 0.0, requested: bool = False) -> "ev.NodeStarted": ...
    def stop(self, why: str = "stop") -> None: ...


@dataclass(frozen=True)
class Arg:
    name: str                       # the request's field
    kind: str                       # NODE / INDEX: a positional argument; FLAG: --NAME; COUNT: an option
    help: str = ""
    option: Tuple[str, ...] = ()    # spellings of an option, e.g. ("-n", "--lines")
    default: Any = None
    local: bool = False             # the CLI's own (status --json): not sent to the supervisor
    choices: Tuple[str, ...] = ()   # CHOICE: the values accepted
    required: bool = True           # NODE: False for an optional ID (heal ID | heal --all)


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    handler: Callable[[Supervisor, Mapping[str, Any]], Answer]
    args: Tuple[Arg, ...] = ()
    hint: Optional[str] = None      # shown in the view's footer


def _say(event: "ev.Event") -> str:
    from cluster_sim.supervisor.wording import describe

    return describe(event) or ""


def _ok(ctx: Supervisor, event: "ev.Event", **extra: Any) -> Answer:
    ctx.emit(event)
    return {"ok": True, "message": _say(event), **extra}


def _error(text: str) -> Answer:
    return {"ok": False, "error": text}


def _node_id(request: Mapping[str, Any]) -> Tuple[Optional[str], Optional[Answer]]:
    from cluster_sim.validate import BadInput, parse_node_id

    try:
        return parse_node_id(request.get("id")), None
    except BadInput as exc:
        return None, _error(str(exc))


def _running(ctx: Supervisor, request: Mapping[str, Any]) -> Tuple[Optional[str], Any, Optional[Answer]]:
    """The node a request is about, and its process; or an answer saying why not."""
    node_id, error = _node_id(request)
    if node_id is None:
        return None, None, error
    proc = ctx.procs.get(node_id)
    view = ctx.state.nodes.get(node_id)
    if proc is not None:
        return node_id, proc, None
    if view is not None and view.remote:
        return None, None, _error(f"node {node_id} is remote ({view.host or 'unknown host'}): stop it where it runs")
    if view is not None:
        return None, None, _error(f"node {node_id} is not running ({view.state})")
    return None, None, _error(f"no node {node_id} in cluster {ctx.state.name!r}")


# --------------------------------------------------------------------------- handlers

def _status(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
    return {"ok": True, "status": ctx.state.to_json(ctx.clock())}


def _kill(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
    from cluster_sim.supervisor import events as ev

    node_id, proc, error = _running(ctx, request)
    if error is not None or node_id is None:
        return error or _error("no node")
    hard = bool(request.get("hard"))
    # the time is taken before the signal: the next leader may be elected before we look again
    event = ev.NodeKilled(ctx.clock(), node_id, hard=hard, was_leader=ctx.state.leader == node_id)
    proc.kill() if hard else proc.terminate()
    return _ok(ctx, event)


def _pause(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
    from cluster_sim.supervisor import events as ev

    node_id, proc, error = _running(ctx, request)
    if error is not None or node_id is None:
        return error or _error("no node")
    if proc.paused:
        return _error(f"node {node_id} is already paused")
    event = ev.NodePaused(ctx.clock(), node_id, was_leader=ctx.state.leader == node_id,
                          session_timeout=ctx.session_timeout)
    proc.pause()
    return _ok(ctx, event)


def _resume(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
    from cluster_sim.supervisor import events as ev

    node_id, proc, error = _running(ctx, request)
    if error is not None or node_id is None:
        return error or _error("no node")
    if not proc.paused:
        return _error(f"node {node_id} is not paused")
    proc.resume()
    return _ok(ctx, ev.NodeResumed(ctx.clock(), node_id))


def _start(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
    node_id, error = _node_id(request)
    if node_id is None:
        return error or _error("no node")
    if node_id in ctx.procs:
        return _error(f"node {node_id} is already running (pid {ctx.procs[node_id].pid})")
    view = ctx.state.nodes.get(node_id)
    if view is not None and view.remote:
        holder = f"pid {view.pid} on {view.host}" if view.pid and view.host else (view.host or "unknown host")
        return _error(f"node {node_id} is held by another process ({holder}): stop that one first")
    # a node killed hard leaves its znode until its session expires: wait for it
    wait = 2 * ctx.session_timeout + 2.0 if view is not None else 0.0
    started = ctx.start_node(node_id, wait_for_id=wait, requested=True)
    return {"ok": True, "message": _say(started), "pid": started.pid}


def _logs(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
    """The end of a node's log file (its stdout and stderr, kazoo's warnings)."""
    node_id, error = _node_id(request)
    if node_id is None:
        return error or _error("no node")
    path = ctx.log_paths.get(node_id)
    if path is None:
        return _error(f"no log for node {node_id}: this supervisor did not start it")
    lines = request.get("lines")
    try:
        count = max(1, min(int(lines or 20), 1000))
    except (TypeError, ValueError):
        return _error(f"lines {lines!r} is not a number")
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            f.seek(max(0, f.tell() - 256 * 1024))
            tail = f.read().decode("utf-8", errors="replace").splitlines()[-count:]
    except OSError as exc:
        return _error(f"cannot read {path}: {exc.strerror}")
    return {"ok": True, "path": path, "lines": tail}


def _stop(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
    ctx.stop("clustersim stop")
    return {"ok": True, "message": f"stopping cluster {ctx.state.name!r}"}


def _api(start: bool) -> Callable[[Supervisor, Mapping[str, Any]], Answer]:
    def handler(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
        from cluster_sim.supervisor import events as ev

        if ctx.api is None:
            return _error("the API is external (--api-url): control it where it runs")
        if start:
            ctx.api.start()
            return _ok(ctx, ev.ApiStarted(ctx.clock()))
        ctx.api.stop()
        return _ok(ctx, ev.ApiStopped(ctx.clock()))
    return handler


def _zk(start: bool) -> Callable[[Supervisor, Mapping[str, Any]], Answer]:
    def handler(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
        from cluster_sim.supervisor import events as ev

        ensemble = ctx.zk     # an embedded ensemble; None for a lone or external server
        if ensemble is None:
            return _error("no embedded ensemble: start one with clustersim up --zk-servers 3")
        raw = request.get("index")
        try:
            index = int(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return _error(f"ZooKeeper server index {raw!r} is not a number")
        if not 1 <= index <= len(ensemble.servers):
            return _error(f"no ZooKeeper server {index} (1-{len(ensemble.servers)})")
        if start:
            from cluster_sim.zk.cluster import AlreadyRunning

            try:
                ensemble.start_server(index, wait=False)
            except AlreadyRunning as exc:
                return _error(str(exc))
            return _ok(ctx, ev.ZkServerStarting(ctx.clock(), index=index))
        ensemble.stop_server(index)
        return _ok(ctx, ev.ZkServerStopped(ctx.clock(), index=index))
    return handler


def _zk_pause(resume: bool) -> Callable[[Supervisor, Mapping[str, Any]], Answer]:
    def handler(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
        from cluster_sim.supervisor import events as ev

        embedded = ctx.embedded_zk
        if embedded is None:
            return _error("ZooKeeper is external (--zk): freeze it where it runs")
        raw = request.get("index")
        try:
            index = int(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return _error(f"ZooKeeper server index {raw!r} is not a number")
        if not 1 <= index <= len(embedded.servers):
            return _error(f"no ZooKeeper server {index} (1-{len(embedded.servers)})")
        if resume:
            if not embedded.resume_server(index):
                return _error(f"ZooKeeper server {index} is not frozen")
            return _ok(ctx, ev.ZkServerResumed(ctx.clock(), index=index))
        if not embedded.pause_server(index):
            server = embedded.server(index)
            return _error(f"ZooKeeper server {index} is " + ("already frozen" if server.paused else "not running"))
        return _ok(ctx, ev.ZkServerPaused(ctx.clock(), index=index))
    return handler


# --------------------------------------------------------------------------- network faults

def _faulted(ctx: Supervisor, request: Mapping[str, Any]) -> Tuple[Optional[str], Optional[Answer]]:
    """The node a network fault is about, if its traffic goes through our relays."""
    node_id, error = _node_id(request)
    if node_id is None:
        return None, error or _error("no node")
    view = ctx.state.nodes.get(node_id)
    if view is None and (ctx.netfaults is None or node_id not in ctx.netfaults):
        return None, _error(f"no node {node_id} in cluster {ctx.state.name!r}")
    if view is not None and view.remote:
        from cluster_sim.netfault import RemoteNode

        return None, _error(str(RemoteNode(node_id, view.host)))
    if ctx.netfaults is None:
        return None, _error("this cluster runs without relays (up --no-relays): its network cannot be cut")
    return node_id, None


def _partition(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
    from cluster_sim.netfault import FaultError
    from cluster_sim.supervisor import events as ev

    node_id, error = _faulted(ctx, request)
    if node_id is None:
        return error or _error("no node")
    target = request.get("from") or "zk"
    if target not in ("zk", "api", "all"):
        return _error(f"{target!r} is not a link: choose zk, api or all")
    try:
        before = ctx.netfaults.fault(node_id)
        cut = {"zk": before.zk.partitioned, "api": before.api.partitioned}
        if all(cut[t] for t in (("zk", "api") if target == "all" else (target,))):
            what = {"zk": "ZooKeeper", "api": "the API", "all": "ZooKeeper and the API"}[target]
            return _error(f"node {node_id} is already cut off from {what}")
        event = ev.Partitioned(ctx.clock(), node_id, target=target, was_leader=ctx.state.leader == node_id,
                               session_timeout=ctx.session_timeout)
        ctx.netfaults.partition(node_id, target)
    except FaultError as exc:
        return _error(str(exc))
    return _ok(ctx, event)


def _slow(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
    from cluster_sim.netfault import FaultError
    from cluster_sim.supervisor import events as ev

    node_id, error = _faulted(ctx, request)
    if node_id is None:
        return error or _error("no node")
    latency, jitter = request.get("latency"), request.get("jitter") or 0
    if latency is None:
        return _error("say how slow: --latency MS")
    try:
        ctx.netfaults.slow(node_id, latency, jitter, target="all")
    except FaultError as exc:
        return _error(str(exc))
    return _ok(ctx, ev.Slowed(ctx.clock(), node_id, latency_ms=float(latency), jitter_ms=float(jitter),
                              target="all", session_timeout=ctx.session_timeout))


def _heal(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
    from cluster_sim.netfault import FaultError
    from cluster_sim.supervisor import events as ev

    every = bool(request.get("all"))
    if every == (request.get("id") is not None):
        return _error("say which node to heal (heal ID), or heal them all (heal --all)")
    if every:
        if ctx.netfaults is None:
            return {"ok": True, "message": "no network fault to heal (this cluster runs without relays)"}
        events = [ev.Healed(ctx.clock(), node, target="all") for node in ctx.netfaults.heal_all()]
        if not events:
            return {"ok": True, "message": "no network fault to heal"}
        ctx.emit(*events)
        return {"ok": True, "message": "; ".join(_say(e) for e in events)}
    node_id, error = _faulted(ctx, request)
    if node_id is None:
        return error or _error("no node")
    try:
        if ctx.netfaults.fault(node_id).clear:
            return _error(f"node {node_id} has no network fault to heal")
        ctx.netfaults.heal(node_id)
    except FaultError as exc:
        return _error(str(exc))
    return _ok(ctx, ev.Healed(ctx.clock(), node_id, target="all"))


# --------------------------------------------------------------------------- the list

_NODE = Arg("id", NODE)
_INDEX = Arg("index", INDEX)

COMMANDS: Tuple[Command, ...] = (
    Command("kill", "Stop a node: gracefully (SIGTERM), or --hard (SIGKILL).", _kill,
            (_NODE, Arg("hard", FLAG, "SIGKILL: ZooKeeper notices only when the session times out.")),
            hint="kill ID [--hard]"),
    Command("pause", "Freeze a node (SIGSTOP), like a long GC pause.", _pause, (_NODE,), hint="pause ID"),
    Command("resume", "Unfreeze a paused node (SIGCONT).", _resume, (_NODE,), hint="resume ID"),
    Command("start", "Restart a stopped node, or add a node with a new id.", _start, (_NODE,), hint="start ID"),
    Command("logs", "The end of a node's log (what it printed, kazoo's warnings).", _logs,
            (_NODE, Arg("lines", COUNT, "How many lines.", option=("-n", "--lines"), default=20)),
            hint="logs ID"),
    Command("status", "The table's data, once.", _status,
            (Arg("json", FLAG, "Machine-readable output.", local=True),), hint="status"),
    Command("stop", "Stop the whole cluster (like Ctrl-C in its terminal).", _stop),
    Command("api-stop", "Stop the embedded API (rounds wait in the outbox).", _api(False)),
    Command("api-start", "Start the embedded API again, on the same port and database.", _api(True)),
    Command("zk-kill", "Stop ZooKeeper server INDEX of an embedded ensemble.", _zk(False), (_INDEX,)),
    Command("zk-start", "Start ZooKeeper server INDEX of an embedded ensemble again.", _zk(True), (_INDEX,)),
    Command("zk-pause", "Freeze embedded ZooKeeper server INDEX (SIGSTOP): a hung server.", _zk_pause(False),
            (_INDEX,)),
    Command("zk-resume", "Thaw a frozen ZooKeeper server (SIGCONT).", _zk_pause(True), (_INDEX,)),
    Command("partition", "Cut a node off the network (default: from ZooKeeper only; it still reaches the API).",
            _partition,
            (_NODE, Arg("from", CHOICE, "What it can no longer reach.", option=("--from",), default="zk",
                        choices=("zk", "api", "all")))),
    Command("heal", "Undo a node's network faults (partition, slow), or --all.", _heal,
            (Arg("id", NODE, required=False), Arg("all", FLAG, "Heal every node."))),
    Command("slow", "Delay a node's traffic to ZooKeeper and the API, each way (undo: heal ID).", _slow,
            (_NODE, Arg("latency", MS, "Delay each way, in milliseconds.", option=("--latency",)),
             Arg("jitter", MS, "Up to this much more or less, at random (ms).", option=("--jitter",), default=0))),
)

_BY_NAME = {c.name: c for c in COMMANDS}
NAMES = frozenset(_BY_NAME)


def by_name(name: Any) -> Optional[Command]:
    return _BY_NAME.get(name) if isinstance(name, str) else None


def hints() -> str:
    """The view's footer: "clustersim kill ID [--hard] · pause ID · ..."."""
    return "clustersim " + " · ".join(c.hint for c in COMMANDS if c.hint)
