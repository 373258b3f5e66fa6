"""A student's terminal: a small live view of the cluster, from plain state (a pure function).

    screen = NodeScreen(node="18", connected=True, role="follower", value=80.2, leader="3", epoch=4,
                        last_round=123, last_mean=79.9, delivery_ok=False, api_url="http://localhost:8080",
                        api_since=t, api_error="ConnectionError")
    renderable = render(screen, lang="es")      # a rich Table; nothing here touches a terminal

Who leads (and its epoch), this node's reading and role, the last stored round and whether
the leader can reach the API, in the cluster's language (words: supervisor/labels*.py).
node/live.py builds the state from ZooKeeper and refreshes it a few times a second.
"""

from dataclasses import dataclass
from typing import Optional

from rich.table import Table
from rich.text import Text

from cluster_sim.words.lang import hhmmss, number
from cluster_sim.words.labels import label

LEADING = "leader"
FOLLOWING = "follower"


@dataclass(frozen=True)
class NodeScreen:
    node: str
    connected: bool = False
    role: str = ""                     # LEADING, FOLLOWING or "" (not in the election yet)
    value: Optional[float] = None      # this node's latest reading
    leader: Optional[str] = None
    epoch: Optional[int] = None
    last_round: Optional[int] = None   # the last round the leader stored
    last_mean: Optional[float] = None
    delivery_ok: Optional[bool] = None  # the leader's deliveries arrive (None: not known yet)
    api_url: str = ""                  # where the leader delivers
    api_since: Optional[float] = None  # since when it cannot
    api_error: str = ""
    own_api_ok: Optional[bool] = None  # this node reaches the API it would deliver to
    own_api_url: str = ""
    recipe: str = "election"           # the cluster's (rules.recipe); "herd" is for teaching, and says so


def _value(lang: str, value: Optional[float]) -> str:
    return "-" if value is None else number(lang, value, 2)


def render(s: NodeScreen, lang: str = "en") -> Table:
    """The live view of `s` in `lang`."""
    table = Table(title=label("me_title", lang, id=s.node), show_header=False, box=None, padding=(0, 2),
                  title_justify="left", title_style="bold")
    table.add_column(style="bold")
    table.add_column()
    if s.recipe == "herd":
        table.add_row(label("recipe", lang), Text(label("recipe_teaching", lang, recipe=label(f"recipe_name.{s.recipe}", lang)), style="bold magenta"))
    if not s.connected:
        table.add_row(label("me_you", lang), Text(label("me_no_zk", lang), style="bold yellow"))
        return table
    role = (Text(label("me_leader_you", lang, epoch=s.epoch if s.epoch is not None else "?"), style="bold green")
            if s.role == LEADING else Text(label("me_follower" if s.role == FOLLOWING else "me_candidate", lang)))
    reading = (label("me_reading", lang, value=_value(lang, s.value)) if s.value is not None
               else label("me_no_reading", lang))
    you = Text.assemble(role, "  · ", reading)
    if s.own_api_ok is False and s.role != LEADING:
        you.append("  · ")
        you.append(label("me_own_api", lang, url=s.own_api_url or "?"), style="yellow")
    table.add_row(label("me_you", lang), you)
    if s.leader is None:
        table.add_row(label("leader", lang), Text(label("no_leader", lang), style="yellow"))
    else:
        table.add_row(label("leader", lang), label("me_leader_is", lang, id=s.leader,
                                                   epoch=s.epoch if s.epoch is not None else "?"))
    if s.last_round is None:
        table.add_row(label("me_last_round", lang), Text(label("no_round", lang), style="dim"))
    else:
        table.add_row(label("me_last_round", lang),
                      f"{label('round', lang, round=s.last_round)}  · {label('mean', lang)} "
                      f"{_value(lang, s.last_mean)}")
    if s.leader is not None:
        if s.delivery_ok is False:
            api = Text(label("delivery_down", lang, node=s.leader, url=s.api_url or "?",
                             time=hhmmss(s.api_since) if s.api_since is not None else "?"), style="bold red")
            if s.api_error:
                api.append(f" ({s.api_error})", style="red")
        elif s.delivery_ok is True:
            api = Text(label("me_delivers", lang, url=s.api_url or "?") + "  ")
            api.append(label("api_ok", lang), style="green")
        else:
            api = Text(label("me_delivers_wait", lang, url=s.api_url or "?"), style="dim")
        table.add_row(label("api", lang), api)
    return table
