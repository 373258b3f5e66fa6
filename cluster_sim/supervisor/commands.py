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
say what it did; the answer's message is the event's own sentence, or why it
refused (the catalogue's "answer_..." labels), in the cluster's language.

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
    def stop(self, why: "ev.StopWhy" = ...) -> None: ...


@dataclass(frozen=True)
class Arg:
    name: str                       # the request's field
    kind: str                       # NODE / INDEX: a positional argument; FLAG: --NAME; COUNT: an option
    help: str = ""
    option: Tuple[str, ...] = ()    # spellings of an option, e.g. ("-n", "--lines")
    default: Any = None
    local: bool = False             # the CLI's own (status --json): not sent to the supervisor
    high: int = 99                  # INDEX / COUNT: the largest value accepted (the smallest is 1)
    choices: Tuple[str, ...] = ()   # CHOICE: the values accepted
    required: bool = True           # NODE: False for an optional ID (heal ID | heal --all)


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    handler: Callable[[Supervisor, Mapping[str, Any]], Answer]
    args: Tuple[Arg, ...] = ()
    hint: Optional[str] = None      # shown in the view's footer
    examples: Tuple[str, ...] = ()  # shown in --help


def _lang(ctx: Supervisor) -> str:
    return str(getattr(ctx.state, "lang", "en") or "en")


def _say(ctx: Supervisor, event: "ev.Event") -> str:
    from cluster_sim.supervisor.wording import describe
    return describe(event, _lang(ctx)) or ""


def _words(ctx: Supervisor, key: str, **values: Any) -> str:
    from cluster_sim.supervisor.labels import label
    return label("answer_" + key, _lang(ctx), **values)


def _ok(ctx: Supervisor, event: "ev.Event", **extra: Any) -> Answer:
    ctx.emit(event)
    return {"ok": True, "message": _say(ctx, event), **extra}


def _error(text: str) -> Answer:
    return {"ok": False, "error": text}


def _refuse(ctx: Supervisor, key: str, **values: Any) -> Answer:
    return _error(_words(ctx, key, **values))


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
        return None, None, _refuse(ctx, "remote", id=node_id, host=view.host or "?")
    if view is not None:
        from cluster_sim.supervisor.labels import word

        state = word("state", view.state, _lang(ctx))
        return None, None, _refuse(ctx, "not_running", id=node_id, state=state)
    return None, None, _refuse(ctx, "no_node", id=node_id, name=ctx.state.name)


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
        return _refuse(ctx, "paused", id=node_id)
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
        return _refuse(ctx, "not_paused", id=node_id)
    proc.resume()
    return _ok(ctx, ev.NodeResumed(ctx.clock(), node_id))


def _start(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
    node_id, error = _node_id(request)
    if node_id is None:
        return error or _error("no node")
    if node_id in ctx.procs:
        return _refuse(ctx, "running", id=node_id, pid=ctx.procs[node_id].pid)
    view = ctx.state.nodes.get(node_id)
    if view is not None and view.remote:
        holder = (_words(ctx, "holder", pid=view.pid, host=view.host) if view.pid and view.host
                  else (view.host or _words(ctx, "unknown_host")))
        return _refuse(ctx, "held", id=node_id, holder=holder)
    # a node killed hard leaves its znode until its session expires: wait for it
    wait = 2 * ctx.session_timeout + 2.0 if view is not None else 0.0
    started = ctx.start_node(node_id, wait_for_id=wait, requested=True)
    return {"ok": True, "message": _say(ctx, started), "pid": started.pid}


def _logs(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
    """The end of a node's log file (its stdout and stderr, kazoo's warnings)."""
    node_id, error = _node_id(request)
    if node_id is None:
        return error or _error("no node")
    path = ctx.log_paths.get(node_id)
    if path is None:
        return _refuse(ctx, "no_log", id=node_id)
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
    from cluster_sim.supervisor import events as ev

    ctx.stop(ev.StopWhy.COMMAND)
    return {"ok": True, "message": _words(ctx, "stopping", name=ctx.state.name)}


def _api(start: bool) -> Callable[[Supervisor, Mapping[str, Any]], Answer]:
    def handler(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
        from cluster_sim.supervisor import events as ev

        if ctx.api is None:
            return _refuse(ctx, "external_api")
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
            return _refuse(ctx, "no_ensemble")
        raw = request.get("index")
        try:
            index = int(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return _error(f"ZooKeeper server index {raw!r} is not a number")
        if not 1 <= index <= len(ensemble.servers):
            return _refuse(ctx, "no_server", index=index, count=len(ensemble.servers))
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
            return _refuse(ctx, "external_zk")
        raw = request.get("index")
        try:
            index = int(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return _error(f"ZooKeeper server index {raw!r} is not a number")
        if not 1 <= index <= len(embedded.servers):
            return _refuse(ctx, "no_server", index=index, count=len(embedded.servers))
        if resume:
            if not embedded.resume_server(index):
                return _refuse(ctx, "zk_not_frozen", index=index)
            return _ok(ctx, ev.ZkServerResumed(ctx.clock(), index=index))
        if not embedded.pause_server(index):
            return _refuse(ctx, "zk_frozen" if embedded.server(index).paused else "zk_not_running", index=index)
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
        return None, _refuse(ctx, "no_node", id=node_id, name=ctx.state.name)
    if view is not None and view.remote:
        return None, _refuse(ctx, "remote_network", id=node_id, host=view.host or _words(ctx, "unknown_host"))
    if ctx.netfaults is None:
        return None, _refuse(ctx, "no_relays")
    return node_id, None


def _partition(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
    from cluster_sim.netfault import FaultError
    from cluster_sim.supervisor import events as ev

    node_id, error = _faulted(ctx, request)
    if node_id is None:
        return error or _error("no node")
    target = request.get("from") or "zk"
    if target not in ("zk", "api", "all"):
        return _refuse(ctx, "not_a_link", target=target)
    try:
        before = ctx.netfaults.fault(node_id)
        cut = {"zk": before.zk.partitioned, "api": before.api.partitioned}
        if all(cut[t] for t in (("zk", "api") if target == "all" else (target,))):
            return _refuse(ctx, "already_cut_" + target, id=node_id)
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
        return _refuse(ctx, "how_slow")
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
        return _refuse(ctx, "heal_which")
    if every:
        healed = ctx.netfaults.heal_all() if ctx.netfaults is not None else []
        if not healed:
            return {"ok": True, "message": _words(ctx, "nothing_to_heal")}
        events = [ev.Healed(ctx.clock(), node, target="all") for node in healed]
        ctx.emit(*events)
        return {"ok": True, "message": "; ".join(_say(ctx, e) for e in events)}
    node_id, error = _faulted(ctx, request)
    if node_id is None:
        return error or _error("no node")
    try:
        if ctx.netfaults.fault(node_id).clear:
            return _refuse(ctx, "no_fault", id=node_id)
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
            hint="kill ID [--hard]",
            examples=("clustersim kill 3            # its session closes: a new leader in milliseconds",
                      "clustersim kill 3 --hard     # a crash: ZooKeeper waits for the session timeout")),
    Command("pause", "Freeze a node (SIGSTOP), like a long GC pause.", _pause, (_NODE,), hint="pause ID",
            examples=("clustersim pause 1    # then: clustersim resume 1",)),
    Command("resume", "Unfreeze a paused node (SIGCONT).", _resume, (_NODE,), hint="resume ID",
            examples=("clustersim resume 1",)),
    Command("start", "Restart a stopped node, or add a node with a new id.", _start, (_NODE,), hint="start ID",
            examples=("clustersim start 3", "clustersim start 6          # a sixth node")),
    Command("logs", "The end of a node's log (what it printed, kazoo's warnings).", _logs,
            (_NODE, Arg("lines", COUNT, "How many lines.", option=("-n", "--lines"), default=20, high=1000)),
            hint="logs ID", examples=("clustersim logs 2", "clustersim logs 2 -n 100")),
    Command("status", "The table's data, once.", _status,
            (Arg("json", FLAG, "Machine-readable output.", local=True),), hint="status",
            examples=("clustersim status", "clustersim status --json --name lab2")),
    Command("stop", "Stop the whole cluster (like Ctrl-C in its terminal).", _stop, examples=("clustersim stop",)),
    Command("api-stop", "Stop the embedded API (rounds wait in the outbox).", _api(False),
            examples=("clustersim api-stop           # then: clustersim api-start",)),
    Command("api-start", "Start the embedded API again, on the same port and database.", _api(True),
            examples=("clustersim api-start",)),
    Command("zk-kill", "Stop ZooKeeper server INDEX of an embedded ensemble.", _zk(False), (_INDEX,),
            examples=("clustersim zk-kill 2           # of clustersim up --zk-servers 3",)),
    Command("zk-start", "Start ZooKeeper server INDEX of an embedded ensemble again.", _zk(True), (_INDEX,),
            examples=("clustersim zk-start 2",)),
    Command("zk-pause", "Freeze embedded ZooKeeper server INDEX (SIGSTOP): a hung server.", _zk_pause(False),
            (_INDEX,), examples=("clustersim zk-pause 1          # then: clustersim zk-resume 1",)),
    Command("zk-resume", "Thaw a frozen ZooKeeper server (SIGCONT).", _zk_pause(True), (_INDEX,),
            examples=("clustersim zk-resume 1",)),
    Command("partition", "Cut a node off ZooKeeper (it still reaches the API), or --from.",
            _partition,
            (_NODE, Arg("from", CHOICE, "What it can no longer reach.", option=("--from",), default="zk",
                        choices=("zk", "api", "all"))),
            examples=("clustersim partition 3            # from ZooKeeper: it still reaches the API",
                      "clustersim partition 3 --from api # the leader keeps leading, rounds wait",
                      "clustersim heal 3")),
    Command("heal", "Undo a node's network faults (partition, slow), or --all.", _heal,
            (Arg("id", NODE, required=False), Arg("all", FLAG, "Heal every node.")),
            examples=("clustersim heal 3", "clustersim heal --all")),
    Command("slow", "Delay a node's traffic, each way (undo: heal ID).", _slow,
            (_NODE, Arg("latency", MS, "Delay each way, in milliseconds.", option=("--latency",)),
             Arg("jitter", MS, "Up to this much more or less, at random (ms).", option=("--jitter",), default=0)),
            examples=("clustersim slow 3 --latency 200             # then: clustersim heal 3",
                      "clustersim slow 3 --latency 100 --jitter 50")),
)

_BY_NAME = {c.name: c for c in COMMANDS}
NAMES = frozenset(_BY_NAME)


def by_name(name: Any) -> Optional[Command]:
    return _BY_NAME.get(name) if isinstance(name, str) else None


def hints() -> str:
    """The view's footer: "clustersim kill ID [--hard] · pause ID · ..."."""
    return "clustersim " + " · ".join(c.hint for c in COMMANDS if c.hint)
