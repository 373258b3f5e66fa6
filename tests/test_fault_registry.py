"""The fault registry is the one place fault kinds are declared: a kind added to it shows
up in the control commands (CLI, socket, help), in chaos's kinds and plans, in the model
and in `chaos --faults`; the page's and the table's fault words come from it too."""

import json
import os
import subprocess
import sys
import textwrap

from cluster_sim.faults import registry
from cluster_sim.web.page import render_page
from cluster_sim.words import entry

# a `drop` kind, as docs/design.md ("Adding a fault kind") shows it, registered before anything
# that derives from the registry is imported; then every derived place is asked about it
_PROBE = textwrap.dedent('''
    import json
    from dataclasses import dataclass, replace
    from cluster_sim.faults import registry as r
    from cluster_sim.engine.command_kit import Arg, COUNT, NODE, Command
    from cluster_sim.engine.events import Event

    @dataclass(frozen=True)
    class Dropped(Event):
        node: str
        percent: int = 0
        target: str = "all"

    def handler(ctx, request):
        return {"ok": True, "message": "dropped"}

    r.register_action(r.Action(
        Command("drop", "Lose a share of a node's chunks (undo: heal ID).", handler,
                (Arg("id", NODE), Arg("percent", COUNT, "Chunks lost, in percent.", option=("--percent",),
                                      default=10, high=100)),
                examples=("clustersim drop 3 --percent 20",)),
        "dropped", link=lambda link, e: replace(link, partitioned=True)))
    r.register(r.FaultKind("drop", r.NODE, "drop", "heal",
                           r.Chaos(r.Hold((0.5, 0), (2, 0)), leader=True,
                                   fields=lambda rng, s: {"target": "all",
                                                          "params": {"percent": rng.randint(5, 30)}}),
                           request={"from": "target"}, relay=True))

    from click.testing import CliRunner
    from cluster_sim import control
    from cluster_sim.chaos import plan as chaos_plan
    from cluster_sim.chaos.command import applicable
    from cluster_sim.cli import main
    from cluster_sim.control import commands
    from cluster_sim.engine import model

    p = chaos_plan.plan(1, 60, ("drop",), ["1", "2", "3"], session_timeout=4.0, interval=1.0)
    status = {"nodes": [{"id": "1"}, {"id": "2"}], "relays": False}
    print(json.dumps({
        "kinds": chaos_plan.KINDS, "node_kinds": chaos_plan.NODE_KINDS,
        "hold": chaos_plan._holds("drop", 4.0, 1.0),
        "requests": [s.request(node="2") for s in p.steps if s.fault == 1],
        "socket": "drop" in control.COMMANDS, "command": commands.by_name("drop").name,
        "drop_help": CliRunner().invoke(main, ["drop", "--help"]).output,
        "chaos_help": CliRunner().invoke(main, ["chaos", "--help"], terminal_width=400).output,
        "unmet": applicable(status)["drop"],
        "model": Dropped in model._APPLY,
    }))
''')


def test_a_kind_added_to_the_registry_appears_everywhere_it_is_derived():
    env = dict(os.environ, COLUMNS="400")
    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["kinds"][-1] == "drop" and "drop" in seen["node_kinds"]
    assert seen["hold"] == [2.0, 8.0]                       # 0.5 and 2 session timeouts
    inject, undo = seen["requests"]
    assert 5 <= inject.pop("percent") <= 30                # drawn by the kind's own Chaos.fields
    assert inject == {"cmd": "drop", "id": "2", "from": "all"} and undo == {"cmd": "heal", "id": "2"}
    assert seen["socket"] and seen["command"] == "drop"
    assert "Lose a share of a node's chunks" in seen["drop_help"] and "--percent" in seen["drop_help"]
    assert "clustersim drop 3 --percent 20" in seen["drop_help"]
    assert "api-outage,zk-kill,quorum,drop " in seen["chaos_help"]
    assert "relays" in seen["unmet"]                        # a relay fault on a cluster without relays
    assert seen["model"]


def test_without_additions_the_lists_are_the_registry_s():
    from cluster_sim.chaos.plan import KINDS, NODE_KINDS, ZK_KINDS
    from cluster_sim.control.commands import NAMES

    assert KINDS == ("kill", "hard-kill", "pause", "sigstop", "partition", "slow", "api-outage", "zk-kill", "quorum")
    assert NODE_KINDS == ("kill", "hard-kill", "pause", "partition", "slow")
    assert ZK_KINDS == ("sigstop", "zk-kill", "quorum")
    assert {a.command.name for a in registry.actions()} <= NAMES
    assert {k.inject for k in registry.kinds()} | {k.undo for k in registry.kinds()} <= NAMES


def test_every_action_names_an_event_that_exists():
    from cluster_sim.engine.events import KINDS as EVENTS

    assert [a.event for a in registry.actions() if a.event not in EVENTS] == []


def test_every_fault_word_exists_in_both_languages():
    for key in registry.label_keys():
        found = entry(key)
        assert found is not None and found.get("en") and found.get("es"), key


def test_the_page_gets_its_fault_words_from_the_registry():
    for lang, cut in (("en", "cut off"), ("es", "aislado")):
        html = render_page({"title": "t", "lang": lang, "mode": "live"})
        start = html.index('id="cs-config">') + len('id="cs-config">')
        config = json.loads(html[start:html.index("</script>", start)])
        # the registry names the keys, the page's catalogue holds their words (one copy)
        shown = {name: config["words"][key] for name, key in config["faults"].items()}
        assert shown == registry.fault_words(lang)
        assert shown["partitioned"] == cut and set(shown) == {"partitioned", "slow"}


def test_the_table_notes_are_each_kind_s_own_words():
    faults = {"partitioned": "api", "slow": {"target": "zk", "latency_ms": 300.0, "jitter_ms": 50.0}}
    assert registry.fault_notes(faults, "en") == ["cut off from api", "slow 300±50 ms (zk)"]
    assert registry.fault_notes(faults, "es") == ["aislado de la api", "lento 300±50 ms (zk)"]
    assert registry.fault_notes({"partitioned": None, "slow": None}, "en") == []
