"""`up --events FILE`: every event as it happens, a file students compute with.

A kill/pause/resume session against real ZooKeeper; the export must give,
with the 20-line script in scripts/, the failover times the live view showed.
"""

import importlib.util
import json
import pathlib
import subprocess
import sys

from conftest import SESSION_TIMEOUT, clustersim, wait_until
from test_cluster import up_args

SCRIPT = pathlib.Path(__file__).resolve().parent.parent / "scripts" / "failover_times.py"


def failover_times(path):
    spec = importlib.util.spec_from_file_location("failover_times", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with open(path, encoding="utf-8") as f:
        return list(module.failover_times(f))


def test_the_export_gives_the_failover_times_the_view_showed(start_up, zk_hosts):
    up = start_up(*up_args(zk_hosts, 3))
    first = up.wait_ready(3)["leader"]
    wait_until(lambda: (up.status()["rounds_stored"] or 0) >= 2, 15, "some rounds stored")
    assert up.cli("kill", first).returncode == 0
    second = wait_until(lambda: (lambda s: s["leader"] if s["leader"] not in (None, first) else None)(up.status()),
                        15, "a second leader")
    assert up.cli("pause", second).returncode == 0
    third = wait_until(lambda: (lambda s: s["leader"] if s["leader"] not in (None, first, second) else None)(
        up.status()), SESSION_TIMEOUT + 15, "a third leader")
    assert up.cli("resume", second).returncode == 0
    wait_until(lambda: up.events("reconnected", node=second) or up.events("stepped_down", node=second), 20,
               "the paused node back")
    assert up.stop() == 0
    shown = up.output()

    times = failover_times(up.events_path)
    assert [(new, old, how) for new, old, how, _ in times] == [(second, first, "left"), (third, second, "paused")]
    lines = shown.splitlines()
    for new, old, how, ms in times:
        assert any(f"leader elected: {new} (epoch " in line and f", failover {ms} ms after {old} {how})" in line
                   for line in lines), (new, old, ms)
    # the file is whole: one JSON object per line, the session from start to shutdown, readings included
    records = [json.loads(line) for line in up.events_path.read_text().splitlines()]
    kinds = {r["kind"] for r in records}
    assert {"cluster_started", "node_started", "reading_published", "round_computed", "round_stored",
            "node_killed", "node_paused", "node_resumed", "shutting_down", "node_stopped"} <= kinds
    assert all(isinstance(r["ts"], float) for r in records)
    assert [r["ts"] for r in records if r["kind"] == "node_killed"] == sorted(
        r["ts"] for r in records if r["kind"] == "node_killed")
    # the script, as a student runs it
    done = subprocess.run([sys.executable, str(SCRIPT), str(up.events_path)], capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 0 and len(done.stdout.splitlines()) == 2, done.stderr


def test_clustersim_events_prints_a_table_and_filters(start_up, zk_hosts, tmp_path):
    up = start_up(*up_args(zk_hosts, 2))
    leader = up.wait_ready(2)["leader"]
    assert up.cli("kill", leader).returncode == 0
    wait_until(lambda: up.events("node_stopped", node=leader), 10, "the node stopped")
    table = clustersim("events", str(up.events_path), "--kind", "node_killed", "--kind", "node_stopped")
    assert table.returncode == 0, table.stderr
    rows = table.stdout.splitlines()
    assert rows[0].split() == ["time", "since", "kind", "node", "what"]
    assert [row.split()[2] for row in rows[1:]] == ["node_killed", "node_stopped"]
    assert f"node {leader} (the leader) killed (SIGTERM)" in rows[1]
    by_node = clustersim("events", str(up.events_path), "--node", leader).stdout.splitlines()[1:]
    assert by_node and all(row.split()[3] == leader for row in by_node)
    # readings have no sentence: their fields are shown instead
    readings = clustersim("events", str(up.events_path), "--kind", "reading_published").stdout
    assert "value=" in readings and "taken_at=" in readings


def test_clustersim_events_on_a_bad_file_is_one_line(tmp_path):
    garbled = tmp_path / "garbled.jsonl"
    garbled.write_text('{"ts": 1.0, "kind": "notice", "text": "fine"}\n{not json\n{"ts": 2.0, "kind": "notice"}\n')
    half = tmp_path / "half.jsonl"       # the supervisor was killed while writing the last line
    half.write_text('{"ts": 1.0, "kind": "notice", "text": "whole"}\n{"ts": 2.0, "ki')
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\x89PNG\x00\xff")
    for args, why in (([str(tmp_path / "missing.jsonl")], "no such file"),
                      ([str(garbled)], "line 2 is not JSON"),
                      ([str(binary)], "not an event file"),
                      ([str(tmp_path)], "is a directory"),
                      ([str(half), "--kind", "no_such_kind"], "unknown kind 'no_such_kind'")):
        done = clustersim("events", *args)
        assert done.returncode == 2 and why in done.stderr, (args, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    done = clustersim("events", str(half))
    assert done.returncode == 0 and "whole" in done.stdout and len(done.stdout.splitlines()) == 2


def test_clustersim_events_prints_in_time_order(tmp_path):
    # an export is in the order the supervisor learnt of events: a node's report may come after
    # a snapshot though it happened before it
    path = tmp_path / "late.jsonl"
    path.write_text('{"ts": 10.0, "kind": "notice", "text": "first"}\n'
                    '{"ts": 12.0, "kind": "notice", "text": "third"}\n'
                    '{"ts": 11.0, "kind": "notice", "text": "second"}\n'
                    '{"ts": 12.0, "kind": "notice", "text": "fourth"}\n')
    done = clustersim("events", str(path))
    assert done.returncode == 0, done.stderr
    rows = done.stdout.splitlines()[1:]
    assert [row.split()[-1] for row in rows] == ["first", "second", "third", "fourth"]
    assert [row.split()[1] for row in rows] == ["+0.000", "+1.000", "+2.000", "+2.000"]


def test_every_kind_is_written_and_read_back(tmp_path):
    from cluster_sim.eventlog import read_events
    from cluster_sim.engine.events import KINDS, from_record, typed_from
    from cluster_sim.presentation.listeners.exporter import COLUMNS, EventExporter

    samples = {"node": "7", "nodes": ["1", "2"], "missing": ["3"], "rounds": [4, 5], "epoch": 3, "round": 12,
               "mean": 80.25, "value": float("nan"), "failover_ms": 9, "after": "6", "message": "hi, \"you\"\nthere"}
    events = [typed_from(cls, samples, ts=1_700_000_000.5 + i) for i, cls in enumerate(KINDS.values())]
    assert len(COLUMNS) == len(set(COLUMNS)) and COLUMNS[-1] == "text"   # no field is called "text"
    for fmt in ("jsonl", "csv"):
        path = tmp_path / f"all.{fmt}"
        exporter = EventExporter(str(path), fmt=fmt)
        for event in events:
            exporter.event(event)
        exporter.close()
        assert exporter.error is None and exporter.written == len(events)
        records = read_events(str(path))
        assert [r["kind"] for r in records] == [e.kind for e in events]
        assert all((r["text"] is None) == (not e.logged) for r, e in zip(records, events))
        if fmt == "jsonl":   # the JSON lines are the whole event (NaN, which JSON lacks, as null)
            back = [from_record(r) for r in records]
            for event, again in zip(events, back):
                assert again == (event if getattr(event, "value", 0) == getattr(event, "value", 0)
                                 else type(event)(**{**event.__dict__, "value": None})), event.kind
