"""A node's options, declared once: the flags `up`, `node` and `demo` share, and
the NodeSettings fields they fill (each flag's parameter is named after its field).

    @node_options()                                         # up and node: every node option
    def up(..., **node):
        UpOptions(..., **node)                              # the same names as NodeSettings

    @node_options("interval", "session_timeout", interval=1.0, session_timeout=3.0)   # demo's pacing
    def demo(..., interval, session_timeout): ...

Adding a node option means one entry in OPTIONS and one field in NodeSettings.
"""

from dataclasses import dataclass
from typing import Any, Callable, Dict, Tuple

import click

from cluster_sim.cli_types import SECRET, Count, Seconds


@dataclass(frozen=True)
class NodeOption:
    field: str                 # NodeSettings' field, and the command's parameter name
    flag: str
    type: Any
    default: Any
    help: str
    show_default: bool = True
    envvar: str = ""


OPTIONS: Tuple[NodeOption, ...] = (
    NodeOption("interval", "--interval", Seconds(0.05, 3600), 5.0, "Seconds between readings and rounds."),
    NodeOption("session_timeout", "--session-timeout", Seconds(0.4, 60), 4.0,
               "ZooKeeper session timeout (s): how long a crashed node keeps its place."),
    NodeOption("history", "--history", Count(0, 1_000_000), 0,
               "Readings kept per node (0: enough for 60 s and three session timeouts); "
               "through a ZooKeeper outage a node keeps 10 minutes more.", False),
    NodeOption("outbox_bound", "--outbox-max", Count(0, 100_000_000), 0,
               "Outbox bound in rounds while a node leads (0: 24 h of rounds).", False),
    NodeOption("retry_max", "--retry-max", Seconds(0.1, 3600), 30.0, "Cap of the sender's backoff (s)."),
    NodeOption("round_deadline", "--round-deadline", Seconds(0.01, 3600, zero=True), 0.0,
               "Longest wait (s) for every member's readings before a round is stored partial "
               "(0: session timeout + 2 intervals).", False),
    NodeOption("secret", "--secret", SECRET, None,
               "Cluster secret (env CLUSTERSIM_SECRET): only members may change znodes or post to the API.",
               False, envvar="CLUSTERSIM_SECRET"),
)
BY_FIELD = {o.field: o for o in OPTIONS}


def node_options(*fields: str, **defaults: Any) -> Callable:
    """Add these node options (all when none are named) to a click command, with
    other defaults where a command paces itself differently (demo)."""
    chosen = [BY_FIELD[f] for f in fields] if fields else list(OPTIONS)

    def decorate(command: Callable) -> Callable:
        for option in reversed(chosen):
            extra: Dict[str, Any] = {"envvar": option.envvar} if option.envvar else {}
            command = click.option(option.flag, option.field, type=option.type,
                                   default=defaults.get(option.field, option.default),
                                   show_default=option.show_default, help=option.help, **extra)(command)
        return command
    return decorate
