"""Control commands, each declared once: name, arguments, help, footer hint and handler.

    from cluster_sim.control.commands import COMMANDS, NAMES, by_name

    by_name("kill").args                 # (Arg("id", NODE), Arg("hard", FLAG, ...))
    answer = by_name("kill").handler(supervisor, {"cmd": "kill", "id": "3", "hard": False})
    # {"ok": True, "events": (NodeKilled(...),)}: sent worded (presentation.answers.worded),
    # {"ok": True, "message": "node 3 killed (SIGTERM)"}

From this one list the CLI builds its subcommands and their `--help`
(cli.py), the control socket accepts exactly these names (control.COMMANDS)
and the live view's footer shows their hints. The commands that inject and
undo faults (kill, pause, partition, zk-kill, ...) come from the fault
registry (cluster_sim.faults.registry), their handlers from
cluster_sim.faults.actions; the rest are here. A handler runs on the
manager's loop with the supervisor as `ctx` (command_kit.Supervisor): it
checks the request against the state, acts, and emits the events that say
what it did; the answer carries those events (the manager sends them worded:
their own sentences), or says why it refused (the catalogue's "answer_..."
labels), in the cluster's language.

Kept to the standard library at import time: `clustersim kill` reads this
list and must answer in a blink.
"""

from typing import Any, Mapping, Optional, Tuple

from cluster_sim.faults.registry import fault_commands
from cluster_sim.engine.command_kit import (
    CHOICE, COUNT, FLAG, INDEX, MS, NODE, Answer, Arg, Command, Supervisor, fail, node_id_of, refuse, words,
)

__all__ = ["Arg", "Command", "COMMANDS", "NAMES", "by_name", "hints", "Supervisor",
           "NODE", "INDEX", "FLAG", "COUNT", "CHOICE", "MS"]


# --------------------------------------------------------------------------- handlers

def _status(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
    return {"ok": True, "status": ctx.state}      # the state itself: worded where it is sent (status_json)


def _logs(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
    """The end of a node's log file (its stdout and stderr, kazoo's warnings)."""
    node_id, error = node_id_of(request)
    if node_id is None:
        return error or fail("no node")
    path = ctx.log_paths.get(node_id)
    if path is None:
        return refuse(ctx, "no_log", id=node_id)
    lines = request.get("lines")
    try:
        count = max(1, min(int(lines or 20), 1000))
    except (TypeError, ValueError):
        return fail(f"lines {lines!r} is not a number")
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            f.seek(max(0, f.tell() - 256 * 1024))
            tail = f.read().decode("utf-8", errors="replace").splitlines()[-count:]
    except OSError as exc:
        return fail(f"cannot read {path}: {exc.strerror}")
    return {"ok": True, "path": path, "lines": tail}


def _stop(ctx: Supervisor, request: Mapping[str, Any]) -> Answer:
    from cluster_sim.engine import events as ev

    ctx.stop(ev.StopWhy.COMMAND)
    return {"ok": True, "message": words(ctx, "stopping", name=ctx.state.name)}


# --------------------------------------------------------------------------- the list

# the fault commands first: the footer reads "kill ID [--hard] · pause ID · ... · logs ID · status"
COMMANDS: Tuple[Command, ...] = fault_commands() + (
    Command("logs", "The end of a node's log (what it printed, kazoo's warnings).", _logs,
            (Arg("id", NODE), Arg("lines", COUNT, "How many lines.", option=("-n", "--lines"), default=20, high=1000)),
            hint="logs ID", examples=("clustersim logs 2", "clustersim logs 2 -n 100")),
    Command("status", "The table's data, once.", _status,
            (Arg("json", FLAG, "Machine-readable output.", local=True),), hint="status",
            examples=("clustersim status", "clustersim status --json --name lab2")),
    Command("stop", "Stop the whole cluster (like Ctrl-C in its terminal).", _stop, examples=("clustersim stop",)),
)

_BY_NAME = {c.name: c for c in COMMANDS}
NAMES = frozenset(_BY_NAME)


def by_name(name: Any) -> Optional[Command]:
    return _BY_NAME.get(name) if isinstance(name, str) else None


def hints() -> str:
    """The view's footer: "clustersim kill ID [--hard] · pause ID · ..."."""
    return "clustersim " + " · ".join(c.hint for c in COMMANDS if c.hint)
