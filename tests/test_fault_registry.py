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

# a `drop` kind, as docs/design.md ("Adding a fault kind") shows it: its registry entry and its action, nothing
# else (no event class, no words anywhere but the entry, no summary in NodeFaults). It is registered before
# anything that derives from the registry is imported (the registry's rule: they read it when imported), in a
# fresh interpreter; then every derived place is asked about it. The relay has no `drop_pct` (the docs' relay
# change): the stand-in relay action delays the links by the percent, which the summary reads back.
_PROBE = textwrap.dedent('''
    import json
    from dataclasses import replace
    from cluster_sim.faults import actions as act, registry as r
    from cluster_sim.engine.command_kit import Arg, COUNT, NODE, Command
    from cluster_sim.words import label

    def drop_link(link, event):
        return replace(link, latency_ms=event.param("percent"))

    r.register_action(r.Action(
        Command("drop", "Lose a share of a node's chunks (undo: heal ID).",
                act.on_links("drop", drop_link, lambda request: {"percent": request.get("percent") or 10}),
                (Arg("id", NODE), Arg("percent", COUNT, "Chunks lost, in percent.", option=("--percent",),
                                      default=10, high=100)),
                examples=("clustersim drop 3 --percent 20",)),
        link=drop_link))
    r.register(r.FaultKind("drop", r.NODE, "drop", "heal",
                           r.Chaos(r.Hold((0.5, 0), (2, 0)), leader=True,
                                   fields=lambda rng, s: {"target": "all",
                                                          "params": {"percent": rng.randint(5, 30)}}),
                           request={"from": "target"}, relay=True,
                           words=r.Words(notes=("fault_drop",), shown_as="drop", short="fault_short_drop",
                                         note=lambda v, lang: label("fault_drop", lang, percent=v) if v else None,
                                         summary=lambda f: f.zk.latency_ms or None, said="ev.dropped",
                                         phrases={
                               "ev.dropped": {"en": "node {node}{leader} loses {percent}% of its chunks to {link}",
                                              "es": "el nodo {node}{leader} pierde el {percent}% de sus trozos con {link}"},
                               "fault_drop": {"en": "loses {percent}%", "es": "pierde el {percent}%"},
                               "fault_short_drop": {"en": "lossy", "es": "con pérdidas"}})))

    from types import SimpleNamespace
    from click.testing import CliRunner
    from cluster_sim import control
    from cluster_sim.chaos import plan as chaos_plan
    from cluster_sim.chaos.command import applicable
    from cluster_sim.cli import main
    from cluster_sim.control import commands
    from cluster_sim.engine.model import Model, apply
    from cluster_sim.engine.state import ClusterState, NodeView
    from cluster_sim.netfault import NetFaults
    from cluster_sim.presentation.answers import status_json, worded
    from cluster_sim.presentation.status_view import status_text
    from cluster_sim.web.page import render_page

    def page_config(lang):
        html = render_page({"title": "t", "lang": lang, "mode": "live"})
        start = html.index('id="cs-config">') + len('id="cs-config">')
        return json.loads(html[start:html.index("</script>", start)])

    # the command, run on a cluster of one node whose traffic goes through relays (no ZooKeeper needed)
    seen = {}
    for lang in ("en", "es"):
        state = ClusterState(name="t", lang=lang, leader="2")
        state.nodes["2"] = NodeView(id="2", pid=1, state="running")
        model, emitted = Model(state), []
        relays = NetFaults(zk="127.0.0.1:9", api_url="http://127.0.0.1:9")
        try:
            relays.add("2")
            ctx = SimpleNamespace(state=state, clock=lambda: 1000.0, session_timeout=4.0, netfaults=relays,
                                  emit=lambda *events: [apply(model, e) for e in events])
            answer = worded(commands.by_name("drop").handler(ctx, {"cmd": "drop", "id": "2", "percent": 20}), state)
            relay_latency = relays.fault("2").api.latency_ms
        finally:
            relays.close()
        status = status_json(state, 1001.0)
        config = page_config(lang)
        seen[lang] = {"answer": answer, "relay": relay_latency, "faults": status["nodes"][0]["faults"]["drop"],
                      "log": status["events"][-1]["text"], "status_text": status_text(status),
                      "page": config["words"][config["faults"]["drop"]]}

    p = chaos_plan.plan(1, 60, ("drop",), ["1", "2", "3"], session_timeout=4.0, interval=1.0)
    print(json.dumps({
        "kinds": chaos_plan.KINDS, "node_kinds": chaos_plan.NODE_KINDS,
        "hold": chaos_plan._holds("drop", 4.0, 1.0),
        "requests": [s.request(node="2") for s in p.steps if s.fault == 1],
        "socket": "drop" in control.COMMANDS, "command": commands.by_name("drop").name,
        "drop_help": CliRunner().invoke(main, ["drop", "--help"]).output,
        "chaos_help": CliRunner().invoke(main, ["chaos", "--help"], terminal_width=400).output,
        "unmet": applicable({"nodes": [{"id": "1"}, {"id": "2"}], "relays": False})["drop"],
        "seen": seen,
    }))
''')


def test_a_kind_added_to_the_registry_appears_everywhere_it_is_derived():
    env = dict(os.environ, COLUMNS="400")
    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    # the CLI, the socket and the command registry
    assert seen["socket"] and seen["command"] == "drop"
    assert "Lose a share of a node's chunks" in seen["drop_help"] and "--percent" in seen["drop_help"]
    assert "clustersim drop 3 --percent 20" in seen["drop_help"]
    assert "api-outage,zk-kill,quorum,drop " in seen["chaos_help"]
    # chaos's plan: its kind, its hold, its own parameters, its undo
    assert seen["kinds"][-1] == "drop" and "drop" in seen["node_kinds"]
    assert seen["hold"] == [2.0, 8.0]                       # 0.5 and 2 session timeouts
    inject, undo = seen["requests"]
    assert 5 <= inject.pop("percent") <= 30                # drawn by the kind's own Chaos.fields
    assert inject == {"cmd": "drop", "id": "2", "from": "all"} and undo == {"cmd": "heal", "id": "2"}
    assert "relays" in seen["unmet"]                        # a relay fault on a cluster without relays
    # the command acts on the relays, and its event is worded, kept by the model, summed up in the
    # node's status, noted in `status` and named on the page: in both languages, from the entry's words
    en, es = seen["seen"]["en"], seen["seen"]["es"]
    assert en["relay"] == es["relay"] == 20.0
    assert en["answer"] == {"ok": True, "message": "node 2 (the leader) loses 20% of its chunks to ZooKeeper and the API"}
    assert es["answer"]["message"] == "el nodo 2 (el líder) pierde el 20% de sus trozos con ZooKeeper y la API"
    assert en["log"] == en["answer"]["message"] and es["log"] == es["answer"]["message"]
    assert en["faults"] == es["faults"] == 20.0
    assert "loses 20%" in en["status_text"] and "pierde el 20%" in es["status_text"]
    assert (en["page"], es["page"]) == ("lossy", "con pérdidas")


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
