"""Every fault kind, declared once: from here come the control commands that inject and
undo faults, chaos's plan kinds, the CLI's list of kinds and the page's fault words.

    from cluster_sim.faults.registry import action, chaos_kinds, fault_commands, kind

    k = kind("partition")
    k.inject, k.undo, k.applies, k.event       # "partition", "heal", "node", "partitioned"
    action("partition").link                    # the relay action (actions.cut_link)
    k.chaos.hold.range(4.0, 1.0)                # (2.0, 12.0): seconds chaos holds it
    chaos_kinds()                               # what `clustersim chaos --faults` accepts, in order
    fault_commands()                            # the Command entries (commands.py adds them to COMMANDS)

An entry (FaultKind) says where the fault applies (a node, the API, one
ZooKeeper server, the ensemble), which commands inject and undo it (Action:
the Command with its arguments and handler, the event it emits, its relay
action when it acts on a node's links), how chaos draws it (how long it is
held relative to the session timeout and interval, whether it aims at the
leader, how its parameters are drawn) and its words (label keys).
Every place that lists fault kinds reads them from here, when it is
imported: `register()` a kind before importing commands or chaos.
Standard library only at import time (the CLI reads it).
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, Optional, Tuple

from cluster_sim.faults import actions as act
from cluster_sim.faults.remote import routed, routed_zk
from cluster_sim.engine.command_kit import CHOICE, COUNT, FLAG, INDEX, MS, NODE as NODE_ARG, Arg, Command

if TYPE_CHECKING:
    import random

    from cluster_sim.netfault.faults import NodeFaults
    from cluster_sim.netfault.relay import LinkFault

__all__ = ["NODE", "API", "ZK_SERVER", "ENSEMBLE", "Action", "Hold", "Chaos", "Words", "FaultKind",
           "register", "register_action", "kind", "kinds", "action", "actions", "chaos_kinds", "node_kinds",
           "zk_kinds", "fault_commands", "fault_word_keys", "fault_words", "fault_notes", "unmet", "label_keys",
           "said_key", "FAULT_CHANGED"]

# where a fault applies
NODE, API, ZK_SERVER, ENSEMBLE = "node", "api", "zk-server", "ensemble"

LinkChange = Callable[["LinkFault", Any], "LinkFault"]      # (the link's fault, the event) -> after
FAULT_CHANGED = "fault_changed"     # the event of a kind declared only here (events.FaultChanged)


@dataclass(frozen=True)
class Action:
    """A control command that injects or undoes faults."""

    command: Command
    event: str = FAULT_CHANGED              # the kind of event it emits (events.Event.kind); a new kind's
                                            # commands emit events.FaultChanged (cmd: the command's name)
    link: Optional[LinkChange] = None       # its relay action, when it acts on a node's links


@dataclass(frozen=True)
class Hold:
    """How long chaos holds a fault: from low to high seconds, each (a, b) = a * session timeout + b * interval."""

    low: Tuple[float, float]
    high: Tuple[float, float]

    def range(self, session_timeout: float, interval: float) -> Tuple[float, float]:
        s, i = session_timeout, interval
        return self.low[0] * s + self.low[1] * i, self.high[0] * s + self.high[1] * i


Draw = Callable[["random.Random", float], Dict[str, Any]]    # (rng, session timeout) -> the fault's fields


@dataclass(frozen=True)
class Chaos:
    """How `clustersim chaos` plays a kind."""

    hold: Hold
    draw: bool = True                       # chaos may draw it
    leader: bool = False                    # a node fault aimed at the leader (the plan's leader_share)
    majority: bool = False                  # a ZooKeeper fault on a majority of servers (else one)
    fields: Optional[Draw] = None           # draws the injection's fields (target, latency_ms, ...)


@dataclass(frozen=True)
class Words:
    """Its words and how a node's status shows it. The keys are the words catalogue's (read with
    label(key, lang, **fields)); `phrases` are the kind's own entries, put into the catalogue when
    the kind is registered (both languages), so a new kind brings its words here."""

    notes: Tuple[str, ...] = ()             # the keys of the node's notes in the table and `status`
    shown_as: Optional[str] = None          # its key in a node's status faults ("partitioned", "slow")
    short: Optional[str] = None             # the page's word for it
    note: Optional[Callable[[Any, str], Optional[str]]] = None   # (its status value, lang) -> the note
    summary: Optional[Callable[["NodeFaults"], Any]] = None     # its status value (NodeFaults.to_json()[shown_as])
    said: Optional[str] = None              # the sentence of its injection's FaultChanged event, filled with
                                            # node, link, leader, timeout and each of the event's params
    phrases: Mapping[str, Mapping[str, str]] = field(default_factory=dict)   # {key: {"en": ..., "es": ...}}


@dataclass(frozen=True)
class FaultKind:
    name: str
    applies: str                            # NODE, API, ZK_SERVER or ENSEMBLE
    inject: str                             # the command that injects it
    undo: str                               # the command that undoes it
    chaos: Chaos
    fixed: Mapping[str, Any] = field(default_factory=dict)       # step fields it always sets (hard-kill)
    request: Mapping[str, str] = field(default_factory=dict)     # request field -> step field of the injection
    relay: bool = False                     # acts through the nodes' relays (up --no-relays has none)
    servers: int = 0                        # ZooKeeper servers it needs (an embedded ensemble)
    words: Words = Words()

    @property
    def event(self) -> str:
        """The kind of event its injection emits."""
        return action(self.inject).event


_ACTIONS: Dict[str, Action] = {}
_KINDS: Dict[str, FaultKind] = {}


def register_action(new: Action) -> Action:
    _ACTIONS[new.command.name] = new
    return new


def register(new: FaultKind) -> FaultKind:
    """Add a kind (before importing what derives from the registry); ValueError if its commands are
    not declared. Its words go into the catalogue, its status summary into NodeFaults.to_json."""
    for name in (new.inject, new.undo):
        if name not in _ACTIONS:
            raise ValueError(f"fault {new.name!r}: no action {name!r} declared (register_action first)")
    if new.words.phrases:
        from cluster_sim.words import add

        add(new.words.phrases)
    if new.words.shown_as and new.words.summary is not None:
        from cluster_sim.netfault.faults import SUMMARIES

        SUMMARIES[new.words.shown_as] = new.words.summary
    _KINDS[new.name] = new
    return new


def kind(name: str) -> FaultKind:
    return _KINDS[name]


def kinds() -> Tuple[FaultKind, ...]:
    return tuple(_KINDS.values())


def action(name: str) -> Action:
    return _ACTIONS[name]


def actions() -> Tuple[Action, ...]:
    return tuple(_ACTIONS.values())


def said_key(cmd: str) -> Optional[str]:
    """The catalogue key of the sentence for a FaultChanged event of command `cmd` (the kind it injects)."""
    return next((k.words.said for k in _KINDS.values() if k.inject == cmd and k.words.said), None)


def chaos_kinds() -> Tuple[str, ...]:
    """The kinds chaos can draw, in order (`chaos --faults`)."""
    return tuple(k.name for k in _KINDS.values() if k.chaos.draw)


def node_kinds() -> Tuple[str, ...]:
    return tuple(k.name for k in _KINDS.values() if k.applies == NODE)


def zk_kinds() -> Tuple[str, ...]:
    return tuple(k.name for k in _KINDS.values() if k.applies in (ZK_SERVER, ENSEMBLE))


def fault_commands() -> Tuple[Command, ...]:
    """The control commands that inject and undo faults, in declaration order."""
    return tuple(a.command for a in _ACTIONS.values())


def fault_word_keys() -> Dict[str, str]:
    """The catalogue key of the page's word for each fault a node's status can show:
    {"partitioned": "fault_short_partitioned", ...} (the page has the catalogue; words.js looks them up)."""
    return {k.words.shown_as: k.words.short for k in _KINDS.values() if k.words.shown_as and k.words.short}


def fault_words(lang: str) -> Dict[str, str]:
    """The page's word for each fault a node's status can show: {"partitioned": "cut off", ...}."""
    from cluster_sim.words import label

    return {shown: label(key, lang) for shown, key in fault_word_keys().items()}


def fault_notes(faults: Any, lang: str) -> List[str]:
    """A node's notes for its faults ('cut off from zk', 'slow 300±50 ms'), from the `faults`
    of its status (NodeFaults.to_json()), in `lang`: each kind's own note, in registry order."""
    if not isinstance(faults, dict):
        return []
    notes = (k.words.note(faults.get(k.words.shown_as), lang) for k in _KINDS.values()
             if k.words.shown_as and k.words.note is not None)
    return [n for n in notes if n]


def unmet(k: FaultKind, local_nodes: int, relays: bool, zk_servers: int, api_embedded: bool) -> str:
    """Why `k` cannot apply to a cluster like this ("" when it can)."""
    if k.applies == NODE and local_nodes < 2:
        return "needs 2 local nodes or more"
    if k.relay and not relays:
        return "the nodes do not go through relays (up --no-relays, or an older supervisor)"
    if k.servers >= 3 and zk_servers < k.servers:
        return "needs an embedded ensemble of 3 or more ZooKeeper servers (up --zk-servers 3)"
    if k.servers and zk_servers < k.servers:
        return "needs an embedded ZooKeeper server (this cluster uses --zk)"
    if k.applies == API and not api_embedded:
        return "needs the embedded API (this cluster uses --api-url)"
    return ""


# --------------------------------------------------------------------------- how chaos draws parameters

def _link_to_cut(rng: "random.Random", session_timeout: float) -> Dict[str, Any]:
    return {"target": rng.choices(("zk", "api", "all"), weights=(6, 2, 2))[0]}


def slow_limit_ms(session_timeout: float) -> float:
    """The largest one-way delay (latency + jitter) a slow fault gets, in ms.

    kazoo pings after (a third of the session timeout, less a random 0.01-0.4 s)
    of silence and drops the connection when the answer takes that long again,
    so a link whose round trip exceeds session_timeout/3 - 0.4 s is cut, not
    slowed. Keep 20 % below it, and never above 300 ms each way."""
    return max(10.0, min(300.0, 0.8 * 1000 * (session_timeout / 3 - 0.4) / 2))


def _delay(rng: "random.Random", session_timeout: float) -> Dict[str, Any]:
    # a slow link slows, it does not cut: see slow_limit_ms
    top = slow_limit_ms(session_timeout) / 1.5           # the jitter adds up to half the latency
    latency = round(rng.uniform(min(20.0, top), top), 0)
    jitter = round(rng.uniform(0, latency / 2), 0)
    return {"target": "all", "latency_ms": latency, "jitter_ms": jitter}


# --------------------------------------------------------------------------- the notes in the table

_LINKS = ("zk", "api", "all")


def _cut_note(value: Any, lang: str) -> Optional[str]:
    """'cut off from zk': NodeFaults.to_json()["partitioned"]."""
    from cluster_sim.words.labels import label

    return label("fault_cut_" + value, lang) if value in _LINKS else None


def _cut_summary(faults: "NodeFaults") -> Optional[str]:
    """partition's status value: the link(s) cut, zk, api or all (None: none)."""
    return faults.partitioned_from


def _slow_summary(faults: "NodeFaults") -> Optional[Dict[str, Any]]:
    """slow's status value: {"target", "latency_ms", "jitter_ms"} (None: no link is slow)."""
    if not faults.slow_on:
        return None
    link = faults.zk if faults.zk.slow else faults.api
    return {"target": faults.slow_on, "latency_ms": link.latency_ms, "jitter_ms": link.jitter_ms}


def _slow_note(value: Any, lang: str) -> Optional[str]:
    """'slow 300±50 ms': NodeFaults.to_json()["slow"]."""
    if not isinstance(value, dict) or value.get("target") not in _LINKS:
        return None
    from cluster_sim.words.lang import seconds
    from cluster_sim.words.labels import label

    jitter = value.get("jitter_ms")
    delay = seconds(lang, value.get("latency_ms")) + (f"±{seconds(lang, jitter)}" if jitter else "")
    return label("fault_slow" + ("" if value["target"] == "all" else "_" + value["target"]), lang, delay=delay)


# --------------------------------------------------------------------------- the actions

_NODE = Arg("id", NODE_ARG)
_INDEX = Arg("index", INDEX)

for _action in (
    # kill, pause, partition, slow and heal are `routed`: on a node of another machine they are a
    # request through ZooKeeper (faults/remote.py) that the node carries out on itself
    Action(Command("kill", "Stop a node: gracefully (SIGTERM), or --hard (SIGKILL).", routed("kill", act.kill),
                   (_NODE, Arg("hard", FLAG, "SIGKILL: ZooKeeper notices only when the session times out.")),
                   hint="kill ID [--hard]",
                   examples=("clustersim kill 3            # its session closes: a new leader in milliseconds",
                             "clustersim kill 3 --hard     # a crash: ZooKeeper waits for the session timeout")),
           "node_killed"),
    Action(Command("pause", "Freeze a node (SIGSTOP), like a long GC pause; --for: it comes back by itself.",
                   routed("pause", act.pause),
                   (_NODE, Arg("for", COUNT, "Seconds until it resumes by itself (a remote node needs it).",
                               option=("--for",), high=600)), hint="pause ID",
                   examples=("clustersim pause 1    # then: clustersim resume 1",
                             "clustersim pause 7 --for 10   # a node on a student's laptop: back in 10 s")),
           "node_paused"),
    Action(Command("resume", "Unfreeze a paused node (SIGCONT).", act.resume, (_NODE,), hint="resume ID",
                   examples=("clustersim resume 1",)), "node_resumed"),
    Action(Command("start", "Restart a stopped node, or add a node with a new id.", act.start, (_NODE,),
                   hint="start ID", examples=("clustersim start 3", "clustersim start 6          # a sixth node")),
           "node_started"),
    Action(Command("api-stop", "Stop the embedded API (rounds wait in the outbox).", act.api_switch(False),
                   examples=("clustersim api-stop           # then: clustersim api-start",)), "api_stopped"),
    Action(Command("api-start", "Start the embedded API again, on the same port and database.",
                   act.api_switch(True), examples=("clustersim api-start",)), "api_started"),
    # the zk commands are `routed_zk`: on an external ensemble (up --zk A,B,C) a request to the
    # member's agent on server INDEX's machine (zk/agent.py)
    Action(Command("zk-kill", "Stop ZooKeeper server INDEX of the ensemble.",
                   routed_zk("zk-kill", act.zk_switch(False)), (_INDEX,),
                   examples=("clustersim zk-kill 2           # of clustersim up --zk-servers 3",)),
           "zk_server_stopped"),
    Action(Command("zk-start", "Start ZooKeeper server INDEX of the ensemble again.",
                   routed_zk("zk-start", act.zk_switch(True)),
                   (_INDEX,), examples=("clustersim zk-start 2",)), "zk_server_starting"),
    Action(Command("zk-pause", "Freeze ZooKeeper server INDEX (SIGSTOP): a hung server.",
                   routed_zk("zk-pause", act.zk_freeze(False)),
                   (_INDEX, Arg("for", COUNT,
                                "Seconds until a member's server (clustersim zk) resumes by itself (default 30).",
                                option=("--for",), high=600)),
                   examples=("clustersim zk-pause 1          # then: clustersim zk-resume 1",)), "zk_server_paused"),
    Action(Command("zk-resume", "Thaw a frozen ZooKeeper server (SIGCONT).",
                   routed_zk("zk-resume", act.zk_freeze(True)), (_INDEX,),
                   examples=("clustersim zk-resume 1",)), "zk_server_resumed"),
    Action(Command("partition", "Cut a node off ZooKeeper (it still reaches the API), or --from.",
                   routed("partition", act.partition),
                   (_NODE, Arg("from", CHOICE, "What it can no longer reach.", option=("--from",), default="zk",
                               choices=("zk", "api", "all"))),
                   examples=("clustersim partition 3            # from ZooKeeper: it still reaches the API",
                             "clustersim partition 3 --from api # the leader keeps leading, rounds wait",
                             "clustersim heal 3")),
           "partitioned", link=act.cut_link),
    Action(Command("heal", "Undo a node's network faults (partition, slow), or --all.", routed("heal", act.heal),
                   (Arg("id", NODE_ARG, required=False), Arg("all", FLAG, "Heal every node.")),
                   examples=("clustersim heal 3", "clustersim heal --all")),
           "healed", link=act.clear_link),
    Action(Command("slow", "Delay a node's traffic, each way (undo: heal ID).", routed("slow", act.slow),
                   (_NODE, Arg("latency", MS, "Delay each way, in milliseconds.", option=("--latency",)),
                    Arg("jitter", MS, "Up to this much more or less, at random (ms).", option=("--jitter",),
                        default=0)),
                   examples=("clustersim slow 3 --latency 200             # then: clustersim heal 3",
                             "clustersim slow 3 --latency 100 --jitter 50")),
           "slowed", link=act.slow_link),
):
    register_action(_action)


# --------------------------------------------------------------------------- the kinds (chaos's order)

_KILL = {"hard": "hard"}
for _kind in (
    FaultKind("kill", NODE, "kill", "start", Chaos(Hold((0, 1), (2, 0)), leader=True), request=_KILL),
    FaultKind("hard-kill", NODE, "kill", "start", Chaos(Hold((0, 1), (2, 0)), leader=True),
              fixed={"hard": True}, request=_KILL),
    # both sides of the session timeout
    FaultKind("pause", NODE, "pause", "resume", Chaos(Hold((0.3, 0), (2.5, 0)), leader=True)),
    # a hung ZooKeeper server, as opposed to `pause`, which freezes a node
    FaultKind("sigstop", ZK_SERVER, "zk-pause", "zk-resume", Chaos(Hold((0.5, 0), (1.5, 0))), servers=1),
    FaultKind("partition", NODE, "partition", "heal", Chaos(Hold((0.5, 0), (3, 0)), leader=True, fields=_link_to_cut),
              request={"from": "target"}, relay=True,
              words=Words(notes=("fault_cut_zk", "fault_cut_api", "fault_cut_all"), shown_as="partitioned",
                          short="fault_short_partitioned", note=_cut_note, summary=_cut_summary)),
    FaultKind("slow", NODE, "slow", "heal", Chaos(Hold((0, 2), (3, 0)), leader=True, fields=_delay),
              request={"latency": "latency_ms", "jitter": "jitter_ms"}, relay=True,
              words=Words(notes=("fault_slow", "fault_slow_zk", "fault_slow_api"), shown_as="slow",
                          short="fault_short_slow", note=_slow_note, summary=_slow_summary)),
    FaultKind("api-outage", API, "api-stop", "api-start", Chaos(Hold((0, 2), (3, 0)))),
    FaultKind("zk-kill", ZK_SERVER, "zk-kill", "zk-start", Chaos(Hold((0, 2), (3, 0))), servers=3),
    FaultKind("quorum", ENSEMBLE, "zk-kill", "zk-start", Chaos(Hold((1, 0), (3, 0)), majority=True), servers=3),
):
    register(_kind)


def label_keys() -> List[str]:
    """Every label key the kinds name (a test checks both languages have them)."""
    return [key for k in _KINDS.values() for key in k.words.notes + (k.words.short, k.words.said) if key]
