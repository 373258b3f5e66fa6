"""`--lang es` end to end: every screen of every demo, in Spanish, with no English sentence in it.

Each demo runs straight through on a real cluster (as in test_demo.py) with
its output on a pseudo-terminal stand-in, so the live view draws every frame
as a class would see it; what is checked is all of it: every frame (header,
table, ensemble row, events, footer, narration), the leadership timeline and
the results panel. tests/english.py is the detector.
"""

import io
import random
import re

import pytest

from cluster_sim.demo import run_demo
from cluster_sim.eventlog import read_events
from cluster_sim.engine.state import Shown

from conftest import INTERVAL, SESSION_TIMEOUT

pytestmark = pytest.mark.usefixtures("stop_the_fork_server")   # run_demo runs in this process
from english import english_in, plain

FAST = dict(yes=True, interval=INTERVAL, session_timeout=SESSION_TIMEOUT, lang="es")




class Terminal(io.StringIO):
    """What a terminal would receive: the live view draws on it as on a real one."""

    def isatty(self):
        return True


def name():
    return f"es{random.randrange(10**6)}"


def test_the_detector_finds_english_and_passes_spanish():
    assert english_in("El nodo 3 es el líder (época 2): 2.043 ms, media 78,79")== []
    assert english_in("nodo 3: conexión con ZooKeeper en SUSPENDED; `clustersim kill 3 --hard`") == []
    assert english_in("clustersim kill ID [--hard] · pause ID · resume ID · start ID · logs ID · status") == []
    assert english_in("node 3 stepped down") and english_in("la línea Mean: 78.79")
    assert english_in("relevo en 3,096 ms") and english_in("Leader     ninguno")


@pytest.mark.parametrize("scenario, unsafe", [
    ("failover", False), ("split-brain", False), ("split-brain", True), ("quorum", False), ("api-outage", False),
    ("partition", False), ("herd", False),
])
def test_every_screen_of_the_demo_is_spanish(scenario, unsafe, runtime_dir, tmp_path):
    screen = Terminal()
    exported = tmp_path / "events.jsonl"
    cluster = name()
    sized = {"nodes": 4} if scenario == "herd" else {}          # two clusters of 4, not of 100
    code = run_demo(scenario, unsafe=unsafe, name=cluster, out=screen, events=str(exported), **sized, **FAST)
    text = plain(screen.getvalue())
    assert code == 0, text[-3000:]
    # the screen really was the live view, to the end: narration, table, timeline, results
    assert "Resultados · " in text and "Cronología del liderazgo" in text
    assert "Fin de la demostración" in text and "eventos" in text
    assert "Líder" in text and "Media" in text and "estado" in text and "papel" in text   # the live table
    found = english_in(text, names=[cluster, f"· {scenario}"])     # the scenario's name, as typed, in the title
    assert found == [], "\n".join(found[:20])
    # every sentence of the event log, as exported, too (the same words the log showed)
    texts = [r["text"] for r in read_events(str(exported)) if r.get("text")]
    assert texts
    found = english_in("\n".join(texts), names=[cluster])
    assert found == [], "\n".join(found[:20])


def test_the_plain_output_is_spanish_too(runtime_dir):
    out = io.StringIO()
    cluster = name()
    assert run_demo("failover", name=cluster, out=out, plain=True, **FAST) == 0
    text = out.getvalue()
    assert re.search(r"^Resultados · failover$", text, re.M) and "Cronología del liderazgo" in text
    found = english_in(text, names=[cluster, "· failover"])
    assert found == [], "\n".join(found[:20])


def test_up_speaks_spanish_too_and_so_do_its_control_answers(start_up, zk_hosts):
    from conftest import wait_until

    up = start_up("-n", 2, "--zk", zk_hosts, "--interval", INTERVAL, "--session-timeout", SESSION_TIMEOUT,
                  "--lang", "es", name=name())
    first = up.wait_ready(2)["leader"]
    killed = up.cli("kill", first)
    assert killed.returncode == 0 and killed.stdout.strip() == f"nodo {first} (el líder) parado (SIGTERM)"
    refused = up.cli("pause", "9")
    assert refused.returncode == 1
    assert refused.stderr.strip() == f"clustersim: no hay ningún nodo 9 en el clúster '{up.name}'"
    wait_until(lambda: up.events("leader_elected", after=first), 20, "a new leader")
    assert up.stop() == 0
    text = up.output()
    assert "líder elegido: " in text and "Cronología del liderazgo" in text
    found = english_in(text, names=[up.name])
    assert found == [], "\n".join(found[:20])


def every_kind_of_state(lang, now):
    """A state with one of everything the screen can show: each process state, role, ensemble mode,
    an unreachable API, a waiting and a dropping outbox, a waiting round, a process waiting for its id."""
    from cluster_sim.engine import events as ev
    from cluster_sim.engine.state import ClusterState, NodeView, ZkServerView

    s = ClusterState(name="aula", zk="127.0.0.1:2181", api_url="http://127.0.0.1:8080", started_at=now - 75,
                     lang=lang, interval=1.0, join_command="CLUSTERSIM_SECRET=x clustersim node <ID> --zk h:1")
    s.leader, s.epoch, s.leader_since, s.zk_connected = "2", 3, now - 12, True
    s.last_mean, s.last_round, s.last_count = 78.794, int(now) - 3, 1
    s.computed_round, s.computed_mean, s.computed_count = int(now) - 1, 78.794, 2   # waits for the API
    s.waiting_round, s.waiting_for, s.waiting_since = int(now) - 1, ("4",), now - 2
    s.rounds_stored, s.rows_unrounded, s.api_ok, s.api_down_since = 1234, 1, False, now - 30
    s.outbox_depth, s.outbox_oldest, s.outbox_since, s.outbox_dropped = 3, int(now) - 5, now - 20, 1
    rows = [("running", "follower", ""), ("running", "LEADER", ""), ("crashed", "LEADER", ""),
            ("paused", "", "SUSPENDED"), ("starting", "", ""), ("stopped", "", ""), ("remote", "follower", "")]
    for i, (state, role, connection) in enumerate(rows, 1):
        s.nodes[str(i)] = NodeView(id=str(i), pid=1000 + i, state=state, role=role, value=80.123 + i,
                                   reading_ts=now - 0.8 * i, host="lab" if state == "remote" else None,
                                   remote=state == "remote", connection=connection, garbage=i % 2,
                                   exit_code={"crashed": -9, "stopped": 0}.get(state))
    s.shadowed["6"] = NodeView(id="6", pid=2006, state="starting")
    s.zk_servers = [ZkServerView(1, "127.0.0.1:1", "leader"), ZkServerView(2, "127.0.0.1:2", "follower"),
                    ZkServerView(3, "127.0.0.1:3", "no quorum"), ZkServerView(4, "127.0.0.1:4", "down"),
                    ZkServerView(5, "127.0.0.1:5", "observer")]
    s.events.append(ev.LeaderElected(now - 12, "2", epoch=3, failover_ms=2612, after="3", how="crashed"))
    # the election queue, a leader holding still with ZooKeeper's countdown, a deposed node (issue 19)
    s.queue, s.session_timeout = (("2", 7), ("1", 8), ("7", 9)), 4.0
    s.nodes["2"].silent_since = now - 1.5
    s.nodes["4"].deposed = True
    s.events.append(ev.TakesOver(now - 12, "2", seq=7, watched="3"))
    s.events.append(ev.SessionExpired(now - 11, "3", by="zookeeper"))
    s.events.append(ev.NodePaused(now - 10, "4", session_timeout=4.0))
    s.narration = Shown("Paso 1: paramos al líder", "Mirad la línea Líder.")
    return s


@pytest.mark.parametrize("width, height", [(80, 24), (160, 50)])
def test_the_screen_of_every_kind_of_state_is_spanish(width, height):
    import time

    from rich.console import Console

    from cluster_sim.presentation.status_view import status_text
    from cluster_sim.presentation.view import render
    from cluster_sim.engine.timeline import Term, timeline_text

    now = time.time()
    state = every_kind_of_state("es", now)
    console = Console(width=width, file=io.StringIO(), color_system=None)
    console.print(render(state, now, width=width, height=height))
    screen = console.file.getvalue()
    words = " ".join(screen.split())
    assert "1.233 rondas guardadas" in words and "78,79" in words and "INACCESIBLE desde las" in words
    assert "caído" in words and "★ LÍDER" in words and "sin quórum" in words
    assert "esperando a la API" in words and "última guardada: ronda" in words
    assert "EN ESPERA" in words and "#0008 ← 2" in words and "caduca en" in words
    status = status_text(state.to_json(now))
    chart = timeline_text([Term("2", 3, now - 12, None)], ["1", "2"], now - 75.5, now, width=40, lang="es")
    assert chart.endswith("75,5s") and timeline_text([], ["1"], 0, 1, lang="es") == "todavía sin líder"
    found = english_in("\n".join([screen, status, chart]), names=["aula", "lab"])
    assert found == [], "\n".join(found)
    # and the same state in English says it all in English (the detector is not blind)
    english = Console(width=width, file=io.StringIO(), color_system=None)
    english.print(render(every_kind_of_state("en", now), now, width=width, height=height))
    english_words = " ".join(english.file.getvalue().split())
    assert "1,233 rounds stored" in english_words
    assert "waiting for the API" in english_words and "last stored: round" in english_words
    assert english_in(english.file.getvalue())
