"""What every control command is made of, and what its handler may use.

    from cluster_sim.engine.command_kit import Arg, Command, NODE, ok, refuse, running

    def _pause(ctx, request):
        node_id, proc, error = running(ctx, request)
        if error is not None or node_id is None:
            return error or fail("no node")
        return ok(ctx, NodePaused(ctx.clock(), node_id))

    Command("pause", "Freeze a node.", _pause, (Arg("id", NODE),), hint="pause ID")

Apart from the command list (commands.py) so that the fault registry
(cluster_sim.faults.registry) can declare its commands with the same types
without importing that list: commands.py reads the registry, the registry
reads this. Standard library only at import time: `clustersim kill` reads it.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Dict, Mapping, Optional, Protocol, Tuple

if TYPE_CHECKING:  # the event classes cost ~25 ms to define: not on the path of `clustersim kill`
    from cluster_sim.engine import events as ev

__all__ = ["Arg", "Command", "Answer", "Handler", "Supervisor", "NODE", "INDEX", "FLAG", "COUNT", "CHOICE", "MS",
           "lang_of", "told", "words", "ok", "fail", "refuse", "node_id_of", "running"]

NODE, INDEX, FLAG, COUNT = "node", "index", "flag", "count"
CHOICE, MS = "choice", "ms"     # an option taking one of `choices`; an option taking milliseconds
Answer = Dict[str, Any]


class Supervisor(Protocol):
    """What a handler may use (the manager provides it)."""

    state: Any                    # ClusterState
    procs: Dict[str, Any]         # node id -> NodeProcess
    log_paths: Dict[str, str]
    api: Any                      # embedded API service, or None
    zk: Any                       # embedded ZooKeeper ensemble, or None
    embedded_zk: Any              # embedded ZooKeeper of any size, or None
    netfaults: Any                # the local nodes' relays (netfault.NetFaults), or None
    client: Any                   # the supervisor's ZooKeeper client (requests to remote nodes), or None

    @property
    def session_timeout(self) -> float: ...          # the cluster's (its rules')
    def clock(self) -> float: ...
    def emit(self, *events: "ev.Event") -> None: ...
    def announce(self, event: "ev.Event") -> None: ...     # from another thread: applied on the loop
    def submit_request(self, request: Dict[str, Any], reply: Any) -> None: ...
    def start_node(self, node_id: str, wait_for_id: float = 0.0, requested: bool = False) -> "ev.NodeStarted": ...
    def stop(self, why: "ev.StopWhy" = ...) -> None: ...


Handler = Callable[[Supervisor, Mapping[str, Any]], Answer]


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
    handler: Handler
    args: Tuple[Arg, ...] = ()
    hint: Optional[str] = None      # shown in the view's footer
    examples: Tuple[str, ...] = ()  # shown in --help


def lang_of(ctx: Supervisor) -> str:
    return str(getattr(ctx.state, "lang", "en") or "en")


def words(ctx: Supervisor, key: str, **values: Any) -> str:
    """An answer's words (labels.py: "answer_" + key), in the cluster's language."""
    from cluster_sim.words.labels import label
    return label("answer_" + key, lang_of(ctx), **values)


def told(*events: "ev.Event", **extra: Any) -> Answer:
    """An answer that says `events` (already emitted): it carries them typed, and whoever sends it
    words them (presentation.answers.worded: its message is their sentences, `then` after them)."""
    return {"ok": True, "events": events, **extra}


def ok(ctx: Supervisor, event: "ev.Event", **extra: Any) -> Answer:
    """Emit `event`; the answer says it (told)."""
    ctx.emit(event)
    return told(event, **extra)


def fail(text: str) -> Answer:
    return {"ok": False, "error": text}


def refuse(ctx: Supervisor, key: str, **values: Any) -> Answer:
    return fail(words(ctx, key, **values))


def node_id_of(request: Mapping[str, Any]) -> Tuple[Optional[str], Optional[Answer]]:
    """The request's node id, or the answer saying why it is not one."""
    from cluster_sim.base.validate import BadInput, parse_node_id

    try:
        return parse_node_id(request.get("id")), None
    except BadInput as exc:
        return None, fail(str(exc))


def running(ctx: Supervisor, request: Mapping[str, Any]) -> Tuple[Optional[str], Any, Optional[Answer]]:
    """The node a request is about, and its process; or an answer saying why not."""
    node_id, error = node_id_of(request)
    if node_id is None:
        return None, None, error
    proc = ctx.procs.get(node_id)
    view = ctx.state.nodes.get(node_id)
    if proc is not None:
        return node_id, proc, None
    if view is not None and view.remote:
        return None, None, refuse(ctx, "remote", id=node_id, host=view.host or "?")
    if view is not None:
        from cluster_sim.words.labels import word

        state = word("state", view.state, lang_of(ctx))
        return None, None, refuse(ctx, "not_running", id=node_id, state=state)
    return None, None, refuse(ctx, "no_node", id=node_id, name=ctx.state.name)
