"""A node's options, declared once: the flags `up`, `node`, `demo` and `chaos`
share, and the NodeSettings fields they fill (each flag's parameter is named
after its field, its default is that field's default).

    @node_options()                                         # up and node: every node option
    def up(..., **node):
        UpOptions(..., node=NodeSettings(node_id="", **node))   # the same names as NodeSettings

    @node_options("interval", "session_timeout", **DEMO_PACE)   # demo's pace
    def demo(..., interval, session_timeout): ...

Adding a node option means one entry in OPTIONS and one field in NodeSettings
(whose default is the option's: every default is declared once, there).
"""

from dataclasses import dataclass
from typing import Any, Callable, Dict, Tuple

import click

from cluster_sim.base.cli_types import SECRET, Count, Seconds
from cluster_sim.node.settings import default_of
from cluster_sim.protocol.rules import RECIPES

# Commands that pace a cluster of their own faster than `up`: a class watches the demo's
# handovers within a breath; chaos plays many faults in a few minutes. What is not named
# here is NodeSettings' default.
DEMO_PACE: Dict[str, Any] = {"interval": 1.0, "session_timeout": 3.0}
CHAOS_PACE: Dict[str, Any] = {"interval": 1.0}


@dataclass(frozen=True)
class NodeOption:
    field: str                 # NodeSettings' field, and the command's parameter name
    flag: str
    type: Any
    help: str
    show_default: bool = True
    envvar: str = ""

    @property
    def default(self) -> Any:
        """NodeSettings' default; the secret's is None (unset: from the environment, else none)."""
        return None if self.envvar else default_of(self.field)


OPTIONS: Tuple[NodeOption, ...] = (
    NodeOption("interval", "--interval", Seconds(0.05, 3600), "Seconds between readings and rounds."),
    NodeOption("session_timeout", "--session-timeout", Seconds(0.4, 60),
               "ZooKeeper session timeout (s): how long a crashed node keeps its place."),
    NodeOption("history", "--history", Count(0, 1_000_000),
               "Readings kept per node (0: enough for 60 s and three session timeouts); "
               "through a ZooKeeper outage a node keeps 10 minutes more.", False),
    NodeOption("outbox_bound", "--outbox-max", Count(0, 100_000_000),
               "Outbox bound in rounds while a node leads (0: 24 h of rounds).", False),
    NodeOption("retry_max", "--retry-max", Seconds(0.1, 3600), "Cap of the sender's backoff (s)."),
    NodeOption("round_deadline", "--round-deadline", Seconds(0.01, 3600, zero=True),
               "Longest wait (s) for every member's readings before a round is stored partial "
               "(0: session timeout + 2 intervals).", False),
    NodeOption("recipe", "--recipe", click.Choice(list(RECIPES)),
               "How candidates wait to lead: election (kazoo's: each watches its predecessor) or herd "
               "(for teaching: all watch one leader znode and race for it, the herd effect). The cluster's rule."),
    NodeOption("secret", "--secret", SECRET,
               "Cluster secret (env CLUSTERSIM_SECRET): only members may change znodes or post to the API.",
               False, envvar="CLUSTERSIM_SECRET"),
)
BY_FIELD = {o.field: o for o in OPTIONS}


def node_options(*fields: str, **defaults: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add these node options (all when none are named) to a click command, with
    other defaults where a command paces itself differently (demo)."""
    chosen = [BY_FIELD[f] for f in fields] if fields else list(OPTIONS)

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(chosen):
            extra: Dict[str, Any] = {"envvar": option.envvar} if option.envvar else {}
            command = click.option(option.flag, option.field, type=option.type,
                                   default=defaults.get(option.field, option.default),
                                   show_default=option.show_default, help=option.help, **extra)(command)
        return command
    return decorate
