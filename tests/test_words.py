"""The words of the screen in both languages, without a cluster: every event, every node warning,
every control answer and every number has its Spanish form, and it is Spanish."""

import dataclasses
import shutil
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from cluster_sim.words.lang import number, seconds, whole
from cluster_sim.words.labels import label, plural, word
from cluster_sim.engine import events as ev
from cluster_sim.control.commands import by_name
from cluster_sim.engine.state import ClusterState, NodeView
from cluster_sim.presentation.answers import worded
from cluster_sim.presentation.wording import WORDED as _WORDED, describe, step_down_why
from cluster_sim.words import PLURAL, catalogue, entries, fill

ENTRIES = entries()          # the whole catalogue, every topic loaded
from cluster_sim.words import screen

SAID_CODES = sorted(key.split(".")[-1] for key in ENTRIES if key.startswith("ev.said."))

from english import english_in


def sample(cls, **fields):
    """An event of `cls` with a value in every field (what a real one would carry)."""
    values = {}
    for f in dataclasses.fields(cls):
        hint = str(f.type)
        if f.name == "ts":
            values[f.name] = 1_700_000_000.0
        elif f.name in ("node", "after", "member"):
            values[f.name] = "3"
        elif f.name in ("nodes", "members"):
            values[f.name] = ("2", "3")
        elif f.name == "rounds" and "Tuple" in hint:
            values[f.name] = (17, 18)
        elif f.name == "params":
            values[f.name] = (("percent", 20.0),)
        elif "bool" in hint:
            values[f.name] = False
        elif "int" in hint:
            values[f.name] = 2
        elif "float" in hint:
            values[f.name] = 2.5
        elif f.name == "how":
            values[f.name] = "crashed"
        elif f.name in ("path", "log_path"):
            values[f.name] = "/tmp/x.json"
        elif f.name in ("zk", "api_url", "command", "host", "address", "error", "why", "reason", "message",
                        "listener", "target", "code", "title", "body", "name", "source", "mode", "requested",
                        "signal", "level", "role", "hint", "server", "cmd"):
            values[f.name] = {"target": "zk", "level": "warn", "mode": "leader", "name": "es1"}.get(f.name, "")
    values.update(fields)
    return cls(**values)


WORDED = sorted(_WORDED, key=lambda c: c.kind)


@pytest.mark.parametrize("cls", WORDED, ids=lambda c: c.kind)
def test_every_event_a_person_reads_has_its_spanish_sentence(cls):
    event = sample(cls)
    spanish = describe(event, "es")
    assert spanish is not None and spanish != describe(event, "en") or cls in (ev.Narration, ev.Notice,
                                                                                 ev.ListenerFailed)
    assert english_in(spanish or "", names=["es1"]) == [], spanish


@pytest.mark.parametrize("code", SAID_CODES)
def test_every_node_warning_has_its_spanish_sentence(code):
    said = sample(ev.NodeSaid, code=code, error="KazooTimeoutError", count=3, round=17, last=19, member="4",
                  members=("4", "5"), message="the node's own English words")
    assert "English" not in describe(said, "es") and english_in(describe(said, "es")) == [], describe(said, "es")
    assert "the node's own" not in describe(said, "en")            # worded from the code, not the node's text


def test_a_node_warning_without_a_code_falls_back_to_its_own_words():
    said = sample(ev.NodeSaid, code="", message="something new")
    assert describe(said) == "node 3: something new" and describe(said, "es") == "nodo 3: something new"


@pytest.mark.parametrize("code, en, es", [
    ("session_expired", "its ZooKeeper session expired", "su sesión de ZooKeeper caducó"),
    ("fenced", "fenced (the epoch moved on, or its election znode is gone)",
     "fencing (la época avanzó o su znode de elección ya no existe)"),
    ("error", "ConnectionLoss talking to ZooKeeper", "ConnectionLoss al hablar con ZooKeeper"),
])
def test_a_step_down_is_worded_from_its_code_once(code, en, es):
    gone = ev.SteppedDown(1.0, "1", epoch=1, code=code, error="ConnectionLoss",
                          reason="stepped down (epoch 1): ZooKeeper session expired")
    assert describe(gone) == f"node 1 stepped down (epoch 1): {en}"
    assert describe(gone, "es") == f"nodo 1: deja de ser líder (época 1): {es}"
    assert step_down_why(gone) == en and step_down_why(gone, "es") == es
    assert describe(gone).count("stepped down") == 1


def test_plurals_and_the_event_log_numbers():
    assert describe(ev.ApiBack(1.0, "1", delivered=1)) == "API back: 1 round delivered"
    assert describe(ev.ApiBack(1.0, "1", delivered=3), "es") == "la API ha vuelto: 3 rondas entregadas"
    elected = ev.LeaderElected(1.0, "5", epoch=3, failover_ms=3096, after="4", how="crashed")
    assert "failover 3096 ms" in describe(elected)                  # no separator in the event log
    assert "relevo en 3096 ms" in describe(elected, "es")
    started = ev.ClusterStarted(1.0, name="x", nodes=1, interval=0.5, session_timeout=2.0)
    assert "1 nodo, intervalo 0,5 s, tiempo de sesión 2 s" in describe(started, "es")


def test_numbers_on_screen_follow_the_language():
    assert (whole("en", 3096), whole("es", 3096)) == ("3,096", "3.096")
    assert (number("en", 78.794), number("es", 78.794), number("es", 1234.5, 1)) == ("78.79", "78,79", "1.234,5")
    assert (seconds("en", 0.5), seconds("es", 0.5), seconds("es", 3.0)) == ("0.5", "0,5", "3")


def test_every_screen_label_has_its_spanish_words():
    spanish = screen.ENTRIES
    values = dict(n=2, id="3", epoch=2, duration="3s", round=7, time="10:00:00", code=0, name="aula", error="E",
                  who="nodo 3", nodes="3", row=12, holder="pid 7", pid=7, host="lab", state="parado", index=2,
                  count=3, target="disco", delay="300", node="3", url="http://10.0.0.5:8080", value="80,25",
                  rounds="3 rondas", zk="10.0.0.5:2181", reason="SIGINT", cmd="kill",
                  size=3, quorum=2, address="10.0.0.5:2181", port=2181)   # issue 21: clustersim zk --peers
    for key in spanish:
        text = label(key, "es", **values)
        if not SAME_IN_BOTH.match(key):        # names are the same in both (API, SIGINT, ids)
            assert text != label(key, "en", **values), key
        assert english_in(text, names=["aula", "lab"]) == [], (key, text)


def test_plurals_and_words_of_the_screen():
    assert (plural("rounds_stored", 1), plural("rounds_stored", 3, "es")) == ("1 round stored", "3 rondas guardadas")
    assert (plural("pending", 1, "es"), plural("pending", 2, "es")) == ("1 pendiente", "2 pendientes")
    assert (word("state", "crashed", "es"), word("role", "LEADER", "es"), word("mode", "no quorum", "es")) == \
        ("caído", "LÍDER", "sin quórum")
    assert word("state", "something new", "es") == "something new"


# -- control answers ------------------------------------------------------------------------------
class Fake:
    """What a command handler may use (commands.Supervisor), with no processes behind it."""

    def __init__(self, lang):
        self.state = ClusterState(name="aula", lang=lang)
        self.state.nodes["2"] = NodeView(id="2", state="stopped")
        self.procs = {"1": SimpleNamespace(pid=41, paused=True, resume=lambda: None, pause=lambda: None)}
        self.log_paths, self.session_timeout, self.api, self.zk = {}, 4.0, None, None
        self.emitted = []

    def clock(self):
        return 1_700_000_000.0

    def emit(self, *events):
        self.emitted += events


@pytest.mark.parametrize("lang, answers", [
    ("en", ["no node 9 in cluster 'aula'", "node 2 is not running (stopped)", "node 1 is already paused",
            "the API is external (--api-url): control it where it runs", "node 1 resumed (SIGCONT)"]),
    ("es", ["no hay ningún nodo 9 en el clúster 'aula'", "el nodo 2 no está en marcha (parado)",
            "el nodo 1 ya está congelado", "la API es externa (--api-url): contrólala donde se ejecuta",
            "nodo 1 despierta (SIGCONT)"]),
])
def test_control_answers_speak_the_cluster_language(lang, answers):
    ctx = Fake(lang)
    said = [by_name("kill").handler(ctx, {"id": "9"})["error"], by_name("pause").handler(ctx, {"id": "2"})["error"],
            by_name("pause").handler(ctx, {"id": "1"})["error"], by_name("api-stop").handler(ctx, {})["error"],
            worded(by_name("resume").handler(ctx, {"id": "1"}), ctx.state)["message"]]
    assert said == answers
    assert isinstance(ctx.emitted[-1], ev.NodeResumed)


# -- the catalogue --------------------------------------------------------------------------------
def _fields(text):
    """The placeholders of a phrase, a plural's included ("{n?round|rounds}" is about n)."""
    return set(re.findall(r"\{(\w+)\}", PLURAL.sub(r"{\1}", text)))


SAME_IN_BOTH = re.compile(r"^(ev\.stop\.(SIG\w+|command)|say_stop\.SIG\w+|ev\.link\.zk|ev\.said|page\.ok|"
                          r"demo\.(check|seconds|no|failed\.body|scoped|hd_v|hd_v_ms)|(api|api_ok|zookeeper|title|col_id|col_pid|answer_holder))$")


@pytest.mark.parametrize("key", sorted(ENTRIES))
def test_every_key_has_both_languages_with_the_same_placeholders(key):
    entry = ENTRIES[key]
    assert set(entry) == {"en", "es"}, key
    assert entry["en"] and entry["es"], key
    assert entry["en"] != entry["es"] or SAME_IN_BOTH.match(key), key       # a phrase left untranslated
    assert _fields(entry["en"]) == _fields(entry["es"]), key
    for text in entry.values():      # one syntax: nothing else in braces (no format specs, no !r)
        assert not re.search(r"\{[^}]*[:!]", PLURAL.sub("", text)), (key, text)


def test_one_plural_syntax_fills_alike_in_both_languages():
    assert fill("{n} {n?round|rounds}", "en", n=1) == "1 round"
    assert fill("{n} {n?ronda|rondas}", "es", n=1233) == "1.233 rondas"
    assert fill("{count} {count?round|rounds} in {secs} s", "es", count=1233, secs=0.5) == "1233 rounds in 0,5 s"
    assert fill("{missing} stays", "en") == "{missing} stays"


def test_the_page_gets_the_catalogue_and_words_js_holds_no_phrase():
    from cluster_sim.web.page import render_page, script

    page = render_page({"title": "t", "lang": "es", "mode": "live"})
    config = re.search(r'id="cs-config">(.*?)</script>', page, re.S).group(1)
    import json

    words = json.loads(config)["words"]
    assert words == catalogue("es")
    js = Path(__file__).resolve().parent.parent / "cluster_sim" / "web" / "words.js"
    source = js.read_text(encoding="utf-8")
    # every phrase of the catalogue (English or Spanish) is absent from the page's scripts
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", script(), flags=re.S)
    strings = set(re.findall(r'"([^"\\]{4,})"', code))
    phrases = {text for entry in ENTRIES.values() for text in entry.values() if " " in text}
    assert not strings & phrases, strings & phrases
    assert "en directo" not in source and "leader elected" not in source


def test_reasons_are_codes_worded_by_the_catalogue():
    stop = ev.ShuttingDown(1.0, why=ev.StopWhy.DEMO_FINISHED)
    assert describe(stop) == "shutting down (demo finished)"
    assert describe(stop, "es") == "apagando (fin de la demostración)"
    record = ev.to_record(stop)
    assert record["why"] == "demo_finished" and ev.from_record(record) == stop
    saved = sample(ev.RoundsSaved, reason=ev.Unsaved.API_DOWN, path="/tmp/x.json", count=2)
    assert "(API down)" in describe(saved) and "(API caída)" in describe(saved, "es")
    assert ev.from_record(dict(ev.to_record(saved), reason="no such reason")).reason == ev.Unsaved.LATE
    from cluster_sim.node.stopping import Stop

    codes = ([f"ev.stop.{c.value}" for c in ev.StopWhy] + [f"ev.unsaved.{c.value}" for c in ev.Unsaved]
             + [f"say_stop.{c.value}" for c in Stop])
    assert [key for key in codes if key not in ENTRIES] == []


def test_the_shutdown_s_wait_for_published_rounds_in_both_languages():
    t = 1_700_000_000.0
    cases = [
        (ev.SettleStarted(t, count=1, timeout=5.0),
         "1 node stopped sampling; the leader computes every round they published (up to 5 s; Ctrl-C again to "
         "skip)..."),
        (ev.SettleEnded(t, why="ConnectionLoss"),
         "cannot tell whether every published round is computed (ConnectionLoss): not waiting any longer"),
        (ev.SettleEnded(t, last=12), "every round the nodes published is computed: delivered or in the outbox "
                                     "(the last: round 12)"),
        (ev.SettleEnded(t), "every round the nodes published is computed: delivered or in the outbox"),
        (ev.SettleEnded(t, uncomputed=3, first=10, last=12, skipped=True),
         "not waiting any longer: 3 rounds the nodes published (10..12) not computed yet"),
        (ev.SettleEnded(t, uncomputed=1, first=7, last=7, timeout=5.0),
         "1 round the nodes published (7) still not computed after 5 s"),
        (ev.RoundsUncomputed(t, count=2, first=3, last=4, zk="127.0.0.1:2181", zk_embedded=False),
         "2 rounds the nodes published never computed (3..4): in neither the API nor a saved file; their "
         "readings stay in ZooKeeper at 127.0.0.1:2181 for the next leader"),
    ]
    for event, english in cases:
        assert describe(event) == english
        spanish = describe(event, "es")
        assert spanish and spanish != english and english_in(spanish) == [], spanish
    assert describe(ev.SettleEnded(t, uncomputed=1, first=7, timeout=5.0), "es") == (
        "1 ronda publicada por los nodos (7) sigue sin calcular tras 5 s")


def test_narration_is_typed_title_body_question():
    from cluster_sim.words.narration import told

    step = told("es", "fo_kill_soft", leader="1")
    assert step.title.startswith("Paso 1: paramos al líder, el nodo 1")
    assert "\n" not in step.title and step.body.startswith("Como haría `clustersim kill 1`")
    assert step.question == "¿cuánto tiempo estará el clúster sin líder?"
    assert told("en", "start", nodes=3).question == ""


def test_a_recording_carries_its_languages_words(tmp_path):
    import json

    from cluster_sim.web.recording import WebRecorder

    recorder = WebRecorder(str(tmp_path / "clase.html"), title="aula", lang="es", clock=lambda: 1_700_000_000.0)
    recorder.offer_snapshot({"nodes": []}, 1_700_000_000.0)
    recorder.publish(ev.ApiStopped(1_700_000_001.0))
    page = Path(recorder.close()).read_text(encoding="utf-8")
    config = json.loads(re.search(r'id="cs-config">(.*?)</script>', page, re.S).group(1))
    assert config["words"]["page.live"] == "en directo" and config["words"] == catalogue("es")
    assert "API parada" in page                     # the event comes worded in the recording's language


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node (nodejs) to run the page's script")
@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_page_fills_the_catalogue_as_python_does(lang):
    import json
    import subprocess

    js = (Path(__file__).resolve().parent.parent / "cluster_sim" / "web" / "words.js").read_text(encoding="utf-8")
    fill_js = re.search(r"function fill\(text, fields\) \{.*?\n\}\n", js, re.S).group(0)
    values = [dict(n=1, count=1, node="3", epoch=2, secs=0.5, rounds=1), dict(n=1233, count=1233, node="3", epoch=2,
                                                                            secs=12.5, rounds=7, empty=1)]
    cases = [(text, fields) for entry in ENTRIES.values() for text in [entry[lang]] for fields in values]
    script = ("var LANG = %s;\nfunction str(x) { return x === null || x === undefined ? '' : String(x); }\n%s\n"
              "var cases = %s;\nconsole.log(JSON.stringify(cases.map(function (c) { return fill(c[0], c[1]); })));"
              % (json.dumps(lang), fill_js, json.dumps(cases)))
    out = subprocess.run(["node"], input=script, capture_output=True, text=True, timeout=30, check=True).stdout
    assert json.loads(out) == [fill(text, lang, **fields) for text, fields in cases]


def test_status_loads_the_screens_words_only():
    """`clustersim status` must stay fast: the demos' and the event log's words are not loaded for it."""
    import subprocess
    import sys

    code = ("import sys; from cluster_sim.presentation.status_view import status_text; "
            "print(sorted(m for m in sys.modules if m.startswith('cluster_sim.words.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True).stdout
    assert "cluster_sim.words.demo" not in out and "cluster_sim.words.events" not in out, out
