"""The words of the screen in both languages, without a cluster: every event, every node warning,
every control answer and every number has its Spanish form, and it is Spanish."""

import dataclasses
from types import SimpleNamespace

import pytest

from cluster_sim.lang import number, seconds, whole
from cluster_sim.supervisor.labels import LABELS, TABLES, label, plural, word
from cluster_sim.supervisor import events as ev
from cluster_sim.supervisor.commands import by_name
from cluster_sim.supervisor.state import ClusterState, NodeView
from cluster_sim.supervisor.wording import _EN, _SAID_EN, describe, step_down_why
from cluster_sim.supervisor.wording_es import _SAID, TABLE

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
                        "signal", "level", "role", "hint", "server"):
            values[f.name] = {"target": "zk", "level": "warn", "mode": "leader", "name": "es1"}.get(f.name, "")
    values.update(fields)
    return cls(**values)


WORDED = sorted((cls for cls in _EN), key=lambda c: c.kind)


@pytest.mark.parametrize("cls", WORDED, ids=lambda c: c.kind)
def test_every_event_a_person_reads_has_its_spanish_sentence(cls):
    assert cls in TABLE
    event = sample(cls)
    spanish = describe(event, "es")
    assert spanish is not None and spanish != describe(event, "en") or cls in (ev.Narration, ev.Notice,
                                                                                 ev.ListenerFailed)
    assert english_in(spanish or "", names=["es1"]) == [], spanish


@pytest.mark.parametrize("code", sorted(_SAID_EN))
def test_every_node_warning_has_its_spanish_sentence(code):
    said = sample(ev.NodeSaid, code=code, error="KazooTimeoutError", count=3, round=17, last=19, member="4",
                  members=("4", "5"), message="the node's own English words")
    assert code in _SAID
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
    spanish = TABLES["es"]
    assert set(LABELS) <= set(spanish)
    values = dict(n=2, id="3", epoch=2, duration="3s", round=7, time="10:00:00", code=0, name="aula", error="E",
                  who="nodo 3", nodes="3", row=12, holder="pid 7", pid=7, host="lab", state="parado", index=2,
                  count=3, target="disco", delay="300", node="3", url="http://10.0.0.5:8080", value="80,25",
                  rounds="3 rondas", zk="10.0.0.5:2181", reason="SIGINT", cmd="kill")
    for key in spanish:
        text = label(key, "es", **values)
        if key not in ("api", "api_ok", "zookeeper", "title", "col_id", "col_pid", "answer_holder"):
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
            by_name("resume").handler(ctx, {"id": "1"})["message"]]
    assert said == answers
    assert isinstance(ctx.emitted[-1], ev.NodeResumed)
