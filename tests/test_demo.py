"""`clustersim demo`: every scenario runs straight through on a real cluster and
prints what it measured. Each run starts (and stops) its own embedded
ZooKeeper, API and nodes, like `clustersim up`. What happened is read from
the demo's event export (`--events`); the printed results must show it."""

import io
import re
import signal
import subprocess
import sys
import uuid

import pytest

from cluster_sim.demo import SCENARIOS, run_demo
from cluster_sim.eventlog import read_events
from cluster_sim.record import load_any, replay
from cluster_sim.engine.events import from_record
from cluster_sim.presentation.wording import describe, step_down_why
from cluster_sim.engine.timeline import BLOCK

from conftest import INTERVAL, SESSION_TIMEOUT, wait_until

pytestmark = pytest.mark.usefixtures("stop_the_fork_server")   # run_demo runs in this process

FAST = dict(yes=True, interval=INTERVAL, session_timeout=SESSION_TIMEOUT, plain=True)




def name():
    return f"d{uuid.uuid4().hex[:6]}"


def events_of(path, kind=None):
    found = [from_record(r) for r in read_events(str(path))]
    return [e for e in found if kind is None or e.kind == kind]


def handover_shown(event):
    """How the results show a handover measured by a LeaderElected event."""
    return f"{event.failover_ms:,} ms: {event.after} → {event.node} (epoch {event.epoch})"


def summary_of(out):
    """The lines after the results heading: "label   value" rows, then notes."""
    assert "Results · " in out, out[-3000:]
    return out[out.index("Results · "):]


def value(summary, label):
    match = re.search(rf"^{re.escape(label)}\s+(.+)$", summary, re.M)
    assert match, f"no {label!r} row in:\n{summary}"
    return match.group(1)


def test_failover_measures_both_handovers_and_records_them(runtime_dir, tmp_path, capsys):
    recording = tmp_path / "failover.html"
    exported = tmp_path / "failover.jsonl"
    assert run_demo("failover", name=name(), record=str(recording), events=str(exported), **FAST) == 0
    out = capsys.readouterr().out
    summary = summary_of(out)
    soft_kill, hard_kill = events_of(exported, "node_killed")
    assert (soft_kill.hard, hard_kill.hard) == (False, True)
    graceful, hard = (next(e for e in events_of(exported, "leader_elected") if e.after == k.node and e.ts > k.ts)
                      for k in (soft_kill, hard_kill))
    assert (graceful.how, hard.how) == ("left", "crashed")
    assert value(summary, "graceful kill (SIGTERM)") == handover_shown(graceful)
    assert value(summary, "hard kill (SIGKILL)") == handover_shown(hard)
    assert graceful.node == hard_kill.node                      # the second kill hit the new leader
    assert graceful.epoch < hard.epoch                          # every leadership a higher epoch
    # the hard kill's wait, explained: expiry on a tick after the last heartbeat, within a window
    window = re.search(r"ZooKeeper expired the session [\d.]+ s after the last heartbeat it had received, at its "
                       r"next tick \(every [\d.]+ s\): between ([\d.]+) and ([\d.]+) s after the crash",
                       " ".join(summary.split()))
    assert window, summary
    low, high = float(window.group(1)), float(window.group(2))
    assert low < SESSION_TIMEOUT < high and low * 1000 <= hard.failover_ms
    assert "0 missed" in value(summary, "rounds in the API")
    assert value(summary, "check").startswith("OK")
    # the narration explains as it goes, the leadership timeline comes before the results
    assert "Step 1: stop the leader" in out and "Step 2: kill the new leader" in out
    assert "ephemeral znodes" in " ".join(out.split())
    assert out.index("Leadership timeline") < out.index("Results · failover")

    # the recording: one web page, its frames (status data), the final text and the results
    data = load_any(str(recording))
    assert len(data["frames"]) > 0 and "Leadership timeline" in data["final_text"]
    assert any("Step 2" in ((f["state"].get("narration") or {}).get("title") or "") for f in data["frames"])   # the narration was on screen
    assert data["results"]["title"] == "Results · failover"
    assert dict(map(tuple, data["results"]["rows"]))["hard kill (SIGKILL)"] == handover_shown(hard)
    html = recording.read_text()
    assert not re.search(r"""(src|href)\s*=\s*["']?https?://""", html)    # nothing loaded from outside
    played = io.StringIO()
    assert replay(str(recording), speed=50, out=played, sleep=lambda s: None) == 0
    assert played.getvalue().count("──── frame ") == len(data["frames"])
    assert "Leadership timeline" in played.getvalue() and "Results · failover" in played.getvalue()
    # the timeline at the end: a bar exactly for the nodes that led
    leaders = {e.node for e in events_of(exported, "leader_elected")}
    chart = data["final_text"].split("Leadership timeline", 1)[1].strip("\n").splitlines()
    rows = [row for row in chart if "│" in row][:5]
    assert len(rows) == 5
    for row in rows:
        assert (BLOCK in row) == (row.split("│")[0].strip() in leaders), chart


def test_split_brain_fences_the_paused_leader(runtime_dir, tmp_path, capsys):
    exported = tmp_path / "split.jsonl"
    assert run_demo("split-brain", name=name(), events=str(exported), **FAST) == 0
    out = capsys.readouterr().out
    summary = summary_of(out)
    (paused,) = events_of(exported, "node_paused")
    elected = next(e for e in events_of(exported, "leader_elected") if e.after == paused.node)
    assert value(summary, "leader paused → new leader") == handover_shown(elected)
    old, new = paused.node, elected.node
    gone = [e for e in events_of(exported) if e.kind in ("stepped_down", "fenced") and e.node == old]
    assert gone and value(summary, f"old leader {old}") == "stepped down: " + step_down_why(gone[0])
    assert value(summary, "two leaders acting at once") == "no"
    assert value(summary, "rows of an older epoch after the new one") == "0"
    assert re.search(rf"node {old}: 0\s*$", summary, re.M)       # nothing from the old leader after it woke up
    assert not re.search(rf"node {new}: 0\s*$", summary, re.M)
    assert value(summary, "check").startswith("OK")


def test_split_brain_unsafe_shows_two_leaders_storing_rows(runtime_dir, tmp_path, capsys):
    exported = tmp_path / "unsafe.jsonl"
    assert run_demo("split-brain", name=name(), unsafe=True, events=str(exported), **FAST) == 0
    out = capsys.readouterr().out
    summary = summary_of(out)
    (paused,) = events_of(exported, "node_paused")
    old = paused.node
    new = next(e for e in events_of(exported, "leader_elected") if e.after == old).node
    assert value(summary, "two leaders acting at once") == "yes"
    split = events_of(exported, "split_brain")
    assert split and {old, new} <= set(split[0].nodes)
    assert "two leaders acting at once" in out.split("Results · ")[0]       # the manager's event, as worded
    # rows each of them stored after the old one woke up, as the results show them
    assert re.search(rf"node {re.escape(old)}: [1-9]\d*\s*$", summary, re.M), summary
    assert re.search(rf"node {re.escape(new)}: [1-9]\d*\s*$", summary, re.M), summary
    assert "That is why the guard exists" in " ".join(summary.split())


def test_partition_cuts_the_leader_off_and_it_rejoins_as_a_follower(runtime_dir, tmp_path, capsys):
    exported = tmp_path / "partition.jsonl"
    assert run_demo("partition", name=name(), events=str(exported), **FAST) == 0
    out = capsys.readouterr().out
    summary = summary_of(out)
    (cut,) = events_of(exported, "partitioned")
    assert (cut.target, cut.was_leader) == ("zk", True)
    old = cut.node
    elected = next(e for e in events_of(exported, "leader_elected") if e.after == old)
    assert elected.how == "partitioned" and elected.failover_ms is not None
    assert value(summary, "leader cut off → new leader") == handover_shown(elected)
    # the old leader held still: it tried nothing, so nothing was refused or stored
    assert value(summary, "stale deliveries of the old leader") == "0 attempted: 0 refused (409), 0 stored"
    (healed,) = events_of(exported, "healed")
    gone = [e for e in events_of(exported, "stepped_down") if e.node == old and e.ts >= healed.ts]
    assert gone and value(summary, f"old leader {old}") == f"stepped down: {step_down_why(gone[0])}"
    assert value(summary, "two leaders acting at once") == "no"
    assert re.search(r"^\d+, declared partial", value(summary, f"rounds stored without node {old}"))
    assert "0 missed" in value(summary, "rounds in the API")
    assert value(summary, "check").startswith("OK")
    words = " ".join(out.split())
    assert "Step 1: cut the leader" in words and "Step 2: heal the network" in words
    assert f"node {old} (the leader) cut off from ZooKeeper (it still reaches the API)" in out  # the event log


def test_partition_unsafe_in_spanish_shows_two_leaders_posting(runtime_dir, tmp_path):
    exported = tmp_path / "partition-unsafe.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "cluster_sim", "demo", "partition", "--unsafe", "--yes", "--interval", str(INTERVAL),
         "--session-timeout", str(SESSION_TIMEOUT), "--plain", "--lang", "es", "--name", name(),
         "--events", str(exported)],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    summary = done.stdout[done.stdout.index("Resultados · partition"):]
    (cut,) = events_of(exported, "partitioned")
    new = next(e for e in events_of(exported, "leader_elected") if e.after == cut.node).node
    split = events_of(exported, "split_brain")
    assert split and {cut.node, new} <= set(split[0].nodes)
    assert re.search(r"^dos líderes actuando a la vez\s+sí$", summary, re.M), summary
    stale = re.search(r"^entregas obsoletas del líder antiguo\s+(\d+) intentadas: 0 rechazadas \(409\), (\d+) guardadas",
                      summary, re.M)
    assert stale and int(stale.group(1)) == int(stale.group(2)) > 0, summary     # nothing refused them
    # both posted after the heal, as the results show them
    assert re.search(rf"nodo {re.escape(cut.node)}: [1-9]\d*\s*$", summary, re.M), summary
    assert re.search(rf"nodo {re.escape(new)}: [1-9]\d*\s*$", summary, re.M), summary
    assert "Paso 2: reparamos la red, sin guarda y sin fencing" in done.stdout
    assert done.stderr == ""


def test_quorum_loss_stops_the_rounds_and_they_resume(runtime_dir, capsys):
    assert run_demo("quorum", name=name(), **FAST) == 0
    out = capsys.readouterr().out
    summary = summary_of(out)
    assert re.search(r"^with server #\d down\s+\d+ rounds stored", summary, re.M), summary
    assert re.search(r"^without quorum \(#\d and #\d down\)\s+[\d.]+ s", summary, re.M), summary
    assert "every node SUSPENDED" in " ".join(out.split())
    assert re.search(r"rounds filled from the histories\s+\d+", summary)
    assert "0 missed" in value(summary, "rounds in the API")
    assert value(summary, "check").startswith("OK")


def test_api_outage_in_spanish_from_the_command_line(runtime_dir, tmp_path):
    exported = tmp_path / "outage.csv"
    done = subprocess.run(
        [sys.executable, "-m", "cluster_sim", "demo", "api-outage", "--yes", "--interval", str(INTERVAL),
         "--session-timeout", str(SESSION_TIMEOUT), "--plain", "--lang", "es", "--name", name(),
         "--events", str(exported)],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    summary = done.stdout[done.stdout.index("Resultados · api-outage"):]
    words = " ".join(done.stdout.split())
    assert re.search(r"rondas esperan en la bandeja de salida", words)
    assert re.search(r"La API ha vuelto: \d+ rondas entregadas", words)
    back = events_of(exported, "api_back")                                 # the CSV export, read back
    assert back and describe(back[-1], "es") in done.stdout and describe(back[-1]) not in done.stdout
    assert events_of(exported, "api_stopped") and events_of(exported, "api_started")
    assert re.search(r"^entregadas a su vuelta\s+\d+ rondas en", summary, re.M)
    assert re.search(r"^check\s+OK", summary, re.M)
    assert done.stderr == ""


def screen_lines(frame, events):
    """A recorded frame drawn again as the live view (110 columns), as lines of text."""
    from rich.console import Console

    from cluster_sim.presentation.redraw import redraw

    console = Console(file=io.StringIO(), width=110, color_system=None, force_terminal=False)
    console.print(redraw(frame, events, 110, 60))
    return console.file.getvalue().splitlines()


def header_row(lines, label):
    """The header's row `label` ("Media", "Bandeja"...), its box and label taken off."""
    for line in lines:
        cells = line.strip("│ ").split(None, 1)
        if len(cells) == 2 and cells[0] == label:
            return cells[1].rstrip("│ ")
    return None


def test_api_outage_screens_show_the_rounds_computed_while_the_api_is_away(runtime_dir, tmp_path):
    recording = tmp_path / "outage.html"
    assert run_demo("api-outage", name=name(), record=str(recording), lang="es", **FAST) == 0
    data = load_any(str(recording))
    growing = [f for f in data["frames"]
               if re.search(r"rondas? esperan? en la bandeja", ((f["state"].get("narration") or {}).get("title") or ""))]
    assert growing, "the outbox step was never on screen"
    stored = set()
    for frame in growing:
        state, lines = frame["state"], screen_lines(frame, data["events"])
        # the narration gives the number the Outbox line gives, in the same frame
        told = int(re.match(r"(\d+) ", state["narration"]["title"]).group(1))
        outbox = header_row(lines, "Bandeja")
        assert outbox is not None and outbox.startswith(f"{told} pendiente"), (told, outbox)
        assert any(line.strip("┃│ ").startswith(state["narration"]["title"]) for line in lines), lines[:6]
        # the Mean line: the newest round computed, waiting for the API, next to the last one stored
        mean = header_row(lines, "Media")
        base = int(state["started_at"] // state["interval"])
        computed, last = state["computed"]["round"] - base, state["last_round"] - base
        assert computed > last, state
        assert f"ronda {computed}" in mean and "esperando a la API" in mean, mean
        assert f"última guardada: ronda {last}" in mean, mean
        header = " ".join(" ".join(line.strip("│ ") for line in lines[:16]).split())   # its rows may wrap
        found = re.search(r"(\d+) rondas? guardadas?", header)
        assert found, "\n".join(lines[:16])
        stored.add(found.group(1))
    assert len(stored) == 1, stored              # the API's count stands still while it is away
    # the results count rounds as the screens do: from the cluster's start, not since 1970
    rows = dict(map(tuple, data["results"]["rows"]))
    span = re.search(r"\(rondas (\d+)–(\d+) de este clúster\)", rows["rondas en la API"])
    assert span, rows["rondas en la API"]
    assert int(span.group(1)) <= last < computed <= int(span.group(2)) < 1000


def test_ctrl_c_stops_the_demo_cleanly(runtime_dir, tmp_path):
    log = tmp_path / "demo.log"
    with open(log, "w") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cluster_sim", "demo", "failover", "--interval", str(INTERVAL),
             "--session-timeout", str(SESSION_TIMEOUT), "--plain", "--name", name()],
            stdout=sink, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        try:
            wait_until(lambda: "Node " in log.read_text() and "is the leader" in log.read_text(), 60,
                       "the demo to get going")
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "shutting down (SIGINT)" in log.read_text()
    assert "Leadership timeline" in log.read_text()


def test_herd_kills_the_leader_under_both_recipes_and_puts_the_costs_side_by_side(runtime_dir, tmp_path):
    nodes = 6
    recording, exported = tmp_path / "herd.html", tmp_path / "herd.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "cluster_sim", "demo", "herd", "--yes", "--nodes", str(nodes), "--interval",
         str(INTERVAL), "--session-timeout", str(SESSION_TIMEOUT), "--plain", "--name", name(),
         "--record", str(recording), "--events", str(exported)],
        capture_output=True, text=True, timeout=240, stdin=subprocess.DEVNULL)
    out = done.stdout
    assert done.returncode == 0, out[-3000:] + done.stderr
    assert done.stderr == ""
    # one cluster per recipe, one after the other: the election run's events and recording beside FILE's
    costs = {}
    for recipe, path in (("election", tmp_path / "herd.election.jsonl"), ("herd", exported)):
        [cost] = events_of(path, "failover_cost")
        assert cost.recipe == recipe and cost.source == "mntr"
        assert len({e.node for e in events_of(path, "node_started")}) == nodes
        costs[recipe] = cost
    election, herd = costs["election"], costs["herd"]
    assert herd.woken >= nodes - 1 and herd.notifications >= nodes - 1    # every remaining candidate woken
    assert 1 <= election.woken <= 2                                        # its successor (one more at most)
    # only the herd's cluster is marked for teaching, on screen
    marks = [m.start() for m in re.finditer(r"--recipe herd, FOR TEACHING", out)]
    assert len(marks) == 1 and marks[0] > out.index("This cluster stops; the next one starts")
    assert "Ask the class: why does the herd's cost grow with the number of nodes" in out
    # the results: both recipes' figures side by side, as the events measured them
    summary = summary_of(out)
    assert value(summary, "candidates woken") == f"election {election.woken} · herd {herd.woken}"
    notified = re.fullmatch(r"election (\d+) in [\d.]+ s \(usual: \d+\) · herd (\d+) in [\d.]+ s \(usual: \d+\)",
                            value(summary, "watch notifications as the leader left"))
    assert notified and (int(notified.group(1)), int(notified.group(2))) == (election.notifications, herd.notifications)
    requests = re.match(r"election (\d+) in .* · herd (\d+) in ", value(summary, "server requests as the leader left"))
    assert requests and (int(requests.group(1)), int(requests.group(2))) == (election.requests, herd.requests)
    assert value(summary, "new leader after") == f"election {election.leader_ms:,} ms · herd {herd.leader_ms:,} ms"
    for recipe in ("election", "herd"):
        assert "0 missed" in value(summary, f"rounds in the API ({recipe})")
        assert value(summary, f"check ({recipe})").startswith("OK")
    # the recording of the herd's run ends on both; the election's, beside it, on its own
    rows = dict(map(tuple, load_any(str(recording))["results"]["rows"]))
    assert rows["candidates woken"] == f"election {election.woken} · herd {herd.woken}"
    first = dict(map(tuple, load_any(str(tmp_path / "herd.election.html"))["results"]["rows"]))
    assert first["candidates woken"] == f"election {election.woken}" and "check (herd)" not in first


def test_herds_kill_leaves_the_measured_second_between_two_bursts_of_publishes():
    from cluster_sim.demo.herd import AFTER, BEFORE, BURST, INTERVAL, kill_phase, until_kill

    moment = kill_phase(INTERVAL)                       # its own pace: the window fits between the bursts
    assert BURST <= moment - BEFORE and moment + AFTER <= INTERVAL
    assert kill_phase(1.0) == 0.5                       # a pace too quick for that: mid-round
    assert until_kill(3000.25, 3.0) == pytest.approx(moment - 0.25)
    assert until_kill(3000.0 + moment + 0.5, 3.0) == pytest.approx(INTERVAL - 0.5)


def test_herds_words_in_spanish():
    from cluster_sim.demo.herd import compare_values, figures
    from cluster_sim.engine.events import FailoverCost
    from cluster_sim.words.narration import told

    from english import english_in

    def cost(recipe, woken, notifications):
        return FailoverCost(0.0, "2", after="1", recipe=recipe, leader_ms=1234, woken=woken,
                            notifications=notifications, requests=2 * notifications, window_s=1.25,
                            baseline_per_s=100.0, notifications_baseline_per_s=40.0, latency_avg_ms=0.42,
                            latency_max_ms=12.5)
    costs = {"election": cost("election", 1, 51), "herd": cost("herd", 99, 150)}
    rows, notes = figures(costs, 100, "es")
    shown = dict(rows)
    assert shown["candidatos despertados"] == "elección 1 · manada 99"
    assert shown["notificaciones de watch al irse el líder"] == (
        "elección 51 en 1,25 s (lo habitual: 50) · manada 150 en 1,25 s (lo habitual: 50)")
    assert shown["nuevo líder tras"] == "elección 1.234 ms · manada 1.234 ms"
    compared = told("es", "hd_compare", **compare_values(costs["election"], costs["herd"], 100))
    assert compared.title == "Despertados: 1 con la receta, 99 con la manada"
    assert "con la receta, 1 y 0; con la manada, 100 y 175" in compared.body     # above the usual traffic
    assert "10.000 candidatos" in compared.question
    text = "\n".join([*(f"{k} {v}" for k, v in rows), *notes, compared.title, compared.body, compared.question])
    assert english_in(text) == [], english_in(text)


def test_unknown_scenario_is_one_line(capsys):
    assert run_demo("meltdown") == 1
    err = capsys.readouterr().err
    assert "unknown scenario" in err and len(err.strip().splitlines()) == 1


def test_every_scenario_is_known():
    # (every text in both languages with the same fields: tests/test_words.py, over the whole catalogue)
    assert set(SCENARIOS) == {"failover", "split-brain", "quorum", "api-outage", "partition", "herd"}
