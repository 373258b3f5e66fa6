"""`clustersim bench` with the tiny configuration: every measurement runs end to
end on real ZooKeeper, the JSON and the Markdown have what they must have,
and the numbers are sane. Timings are never held against the targets here:
that is what the real run (docs/benchmarks.md) is for."""

import io
import json

import pytest
from rich.console import Console

from cluster_sim.bench import main, measure, runner
from cluster_sim.bench.config import Config
from cluster_sim.bench.support import percentile, summary_ms
from cluster_sim.bench.rows import table_rows

ALL = ["handover", "crash", "kill", "first_mean", "round", "takeover", "scale", "latency", "relay", "failover_cost"]


def _quiet():
    return Console(file=io.StringIO(), width=200)


def _sane(summary, n=None):
    assert summary["n"] > 0 if n is None else summary["n"] == n, summary
    assert 0 < summary["min"] <= summary["p50"] <= summary["p95"] <= summary["max"], summary
    assert len(summary["samples"]) == summary["n"]


def test_percentiles():
    assert percentile([3, 1, 2], 50) == 2
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([5], 95) == 5
    assert percentile([], 50) is None
    s = summary_ms([0.001, 0.002, 0.003, None])
    assert s["n"] == 3 and s["p50"] == 2.0 and s["min"] == 1.0 and s["max"] == 3.0
    assert summary_ms([])["n"] == 0
    s = summary_ms([i / 1000 for i in range(1, 101)], also=(90, 99))
    assert s["p90"] == 90.1 and s["p99"] == 99.01 and s["p50"] == 50.5
    assert summary_ms([], also=(99,))["p99"] is None


@pytest.mark.slow
def test_tiny_run_of_every_measurement(tmp_path):
    js, md = tmp_path / "bench.json", tmp_path / "bench.md"
    code = main(config=Config.tiny(), json_path=str(js), markdown_path=str(md),
                command="clustersim bench --tiny (test)", console=_quiet())
    report = json.loads(js.read_text())
    results = report["results"]
    errors = {k: v.get("error") for k, v in results.items() if v.get("error")}
    assert code == 0 and not errors, errors

    meta = report["meta"]
    for key in ("command", "date", "machine", "python", "zookeeper", "tick_ms", "duration_s"):
        assert meta.get(key), key
    assert meta["machine"]["cores"] >= 1 and meta["machine"]["machine"]
    assert meta["zookeeper"].count(".") >= 1 and meta["tick_ms"] == 200
    assert sorted(results) == sorted(ALL)

    for system in ("clustersim", "original"):
        h = results["handover"][system]
        assert not h["errors"], h["errors"]
        _sane(h["elected"], 2)
        _sane(h["first_row"], 2)
        assert all(m["uss"] > 0 and m["rss"] >= m["uss"] for m in h["memory"].values())
        c = results["crash"][system]["2"]
        assert not c["errors"], c["errors"]
        _sane(c["gone"], 1)
        _sane(c["elected"], 1)
        assert c["gone"]["p50"] <= c["elected"]["p50"] + 5  # the same ZooKeeper event, seen twice
    assert results["handover"]["clustersim"]["rounds"]["lost"] == 0
    assert results["handover"]["clustersim"]["rounds"]["rounds"] > 0

    k = results["kill"]
    assert not k["errors"], k["errors"]
    _sane(k["to_new_leader"])
    _sane(k["status_command"], 2)
    assert k["up_exit"]["killed"] is False and k["up_exit"]["nodes_left_running"] == []

    for system in ("clustersim", "original"):
        f = results["first_mean"][system]
        assert not f["errors"], f["errors"]
        _sane(f["first_row"], 1)
        _sane(f["shutdown"], 1)

    r = results["round"]["sizes"]["50"]
    for key in ("original", "sequential_json", "pipelined", "read_all_only"):
        _sane(r[key])
    assert r["pipelined"]["speedup"] > 0
    assert r["znode_bytes"]["member"] > 0 and r["znode_bytes"]["history"] > r["znode_bytes"]["member"]
    if results["round"]["cache_available"]:
        # the histories carry their writer's session: the leader's path counts every node, owes none
        assert r["cached"]["count_ok"] is True and r["cached"]["complete"] is True, r["cached"]
        assert r["cached"]["p50"] > 0 and r["cached"]["update_latency_ms"] > 0

    # a new leader at scale (tiny: 20 simulated members): its first round stored, every member counted
    t = results["takeover"]
    assert not t["errors"], t["errors"]
    assert t["complete"] == 1 and t["trials"][0]["count"] == Config.tiny().takeover_members + 2, t["trials"]
    _sane(t["elected"], 1)
    assert t["first_row_after_election"]["n"] == 1 and t["first_row_late"]["min"] >= 0
    assert t["publisher"]["rounds"] > 0 and t["publisher"]["failed"] == 0

    s = results["scale"]
    assert not s.get("error"), s.get("error")
    assert s["all_publishing_s"] > 0
    assert s["cpu_pct"]["supervisor"] >= 0 and s["cpu_pct"]["window_s"] > 0
    assert 0 < s["node_memory_mb"]["uss_median"] <= s["node_memory_mb"]["uss_max"]
    assert s["node_memory_mb"]["processes"] == 3
    assert s["shutdown"]["killed"] is False and s["shutdown"]["nodes_left_running"] == []

    _latency_ok(results["latency"], Config.tiny())
    # the relays' cost: an echo through one, and the same steady rounds with and without them
    relay = results["relay"]
    echo = relay["echo"]
    assert echo["direct"]["samples"] == echo["relayed"]["samples"] == Config.tiny().relay_round_trips
    assert echo["relayed"]["median_us"] > 0 and "overhead_median_us" in echo
    for run, relays in (("without_relays", False), (("with_relays"), True)):
        assert ("--no-relays" in relay[run]["params"]["command"]) is not relays
        assert relay[run]["rounds"]["lost"] == 0 and relay[run]["latency"]["n"] == Config.tiny().relay_rounds
    diff = relay["difference_ms"]
    assert diff["p50"] == round(relay["with_relays"]["latency"]["p50"] - relay["without_relays"]["latency"]["p50"], 1)
    assert relay["met"] in (True, False)

    # what a failover costs ZooKeeper (tiny: 4 nodes, one kill per recipe): the election woke its
    # successor, the herd every one of the 3 candidates left
    cost = results["failover_cost"]["runs"]
    woken = {recipe: cost[recipe]["4"]["kills"][0]["woken"] for recipe in ("election", "herd")}
    assert 1 <= woken["election"] <= 2 and woken["herd"] >= 3, woken
    assert all(cost[r]["4"]["kills"][0]["leader_ms"] > 0 for r in cost), cost

    rows = report["table"]
    assert {r["id"] for r in rows} >= {"1a", "1b", "1c", "1d", "2a", "2b", "3a", "3b", "4", "5a", "5d", "5e", "6a", "6b", "6c",
                                       "6d", "7a", "7b", "8a", "8b", "10a", "10b", "10c", "10d", "10e"}
    by_id = {r["id"]: r for r in rows}
    assert by_id["10a"]["clustersim"] == f"4: {woken['election']}" and by_id["10a"]["met"] is True
    assert by_id["10b"]["clustersim"] == f"4: {woken['herd']}" and by_id["10b"]["met"] is None   # one size: no trend
    for row in rows:
        assert set(row) == {"id", "measurement", "clustersim", "original", "target", "met", "note", "detail"}
        assert row["met"] in (True, False, None)
        assert row["note"] == row["id"].rstrip("abcdefghijklmnopqrstuvwxyz"), row
        assert not row["clustersim"].startswith("error"), row
    text = md.read_text()
    assert "clustersim bench --tiny (test)" in text
    assert "| # | measurement | clustersim | original design | target | verdict |" in text
    assert text.count("\n| ") >= len(rows) + 1
    # the jargon is in the notes, each row's method under its id, not in the table
    table, notes_part = text.split("## Notes", 1)
    assert "USS" not in table and "read_all" not in table and "′" not in text
    assert all(f"- **{row['id']}** (note {row['note']}): " in notes_part for row in rows if row["detail"])


def _latency_ok(res, cfg):
    """The steady-state latency result: its shape, and that it found its rounds whole."""
    assert not res.get("error"), res.get("error")
    p = res["params"]
    assert p["nodes"] == cfg.latency_nodes and p["rounds"] == cfg.latency_rounds
    assert p["lag_s"] == 0.5 and p["target_p99_ms"] == 600.0  # interval 1 s: lag min(0.5 s, 1 s)
    lat = res["latency"]
    assert lat["n"] == res["rounds"]["stored"] > 0
    assert set(lat) >= {"p50", "p90", "p99", "max", "samples"} and len(lat["samples"]) == lat["n"]
    assert lat["p50"] <= lat["p90"] <= lat["p99"] <= lat["max"]
    rounds = res["rounds"]
    assert rounds["expected"] == cfg.latency_rounds and rounds["last"] - rounds["first"] + 1 == cfg.latency_rounds
    # steady state: every round stored, each with every node's reading
    assert rounds["lost"] == 0 and rounds["partial"] == [] and rounds["short"] == [], rounds
    assert res["met"] in (True, False)
    assert res["nodes_running_at_end"] == cfg.latency_nodes
    assert res["shutdown"]["killed"] is False and res["shutdown"]["nodes_left_running"] == []


@pytest.mark.slow
def test_quick_round_latency_alone(tmp_path):
    js, md = tmp_path / "bench.json", tmp_path / "bench.md"
    code = main(quick=True, only=["latency"], json_path=str(js), markdown_path=str(md),
                command="clustersim bench --quick --only latency (test)", console=_quiet())
    report = json.loads(js.read_text())
    assert code == 0 and sorted(report["results"]) == ["latency"]
    assert report["meta"]["only"] == ["latency"] and report["meta"]["config"] == "quick"
    _latency_ok(report["results"]["latency"], Config.quick())
    rows = {row["id"]: row for row in report["table"]}
    assert sorted(rows) == ["7a", "7b"]
    assert rows["7a"]["clustersim"].startswith("p50 ") and "p99" in rows["7a"]["clustersim"]
    assert rows["7a"]["met"] == report["results"]["latency"]["met"]
    assert rows["7b"]["met"] is True
    text = md.read_text()
    assert "| 7a | A round's close → its row stored by the API (note 7) |" in text
    assert "**7. Steady state, round close to row.**" in text


@pytest.mark.slow
def test_the_lecture_hall_runs_only_when_named_and_measures_a_kill(tmp_path):
    # the 1,000-node run is a benchmark (docs/benchmarks.md, rows 9); here its code path at 3 nodes
    js, md = tmp_path / "bench.json", tmp_path / "bench.md"
    code = main(config=Config.tiny(), only=["hall"], json_path=str(js), markdown_path=str(md),
                command="clustersim bench --tiny --only hall (test)", console=_quiet())
    report = json.loads(js.read_text())
    res = report["results"]["hall"]
    assert code == 0 and sorted(report["results"]) == ["hall"] and not res.get("error"), res
    assert res["all_publishing_s"] > 0 and res["node_memory_mb"]["processes"] == 3
    late = res["node_memory_late_mb"]   # read again at the end: the leader then is the one elected after the kill
    assert late["processes"] == 2 and late["leader_uss"] is not None and late["at_s"] > 0, late
    kill = res["kill"]
    assert kill["answer_ok"] and kill["new_leader"] not in (None, kill["leader"]), kill
    assert 0 < kill["failover_ms"] / 1000 <= kill["first_round_s"], kill
    assert res["shutdown"]["killed"] is False and res["shutdown"]["nodes_left_running"] == []
    rows = {row["id"]: row for row in report["table"]}
    assert sorted(rows) == ["9a", "9b", "9c", "9d"]
    text = md.read_text()
    assert "| 9d | Leader crashed at 3 nodes → new leader; its first round stored (note 9) |" in text
    assert "- **9d** (note 9): `clustersim kill <leader> --hard` at 3 nodes" in text


def _fake_report(names, command, date):
    results = {name: {"params": {}, "error": f"{name} from {command}"} for name in names}
    meta = {"command": command, "date": date, "duration_s": 60.0, "python": "3", "zookeeper": "3.8.0",
            "tick_ms": 200, "config": "full", "only": None,
            "machine": {"machine": "x86_64", "cores": 2}}
    return {"meta": meta, "config": {"name": "full"}, "results": results}


def test_merge_keeps_each_figure_with_its_own_run(tmp_path):
    earlier = _fake_report(["handover", "round", "scale"], "bench all", "2026-01-01 00:00 UTC")
    first = runner.merge(earlier, _fake_report(["round", "latency"], "bench again", "2026-02-02 00:00 UTC"))
    assert first["meta"]["command"] == "bench all"
    assert first["results"]["handover"]["error"] == "handover from bench all"
    assert first["results"]["round"]["error"] == "round from bench again"
    assert sorted(first["results"]) == ["handover", "latency", "round", "scale"]
    assert [r["meta"]["only"] for r in first["reruns"]] == [["round", "latency"]]
    # a third run re-measures round: the second run keeps only latency
    second = runner.merge(first, _fake_report(["round"], "bench third", "2026-03-03 00:00 UTC"))
    assert [r["meta"]["only"] for r in second["reruns"]] == [["latency"], ["round"]]
    assert second["results"]["latency"]["error"] == "latency from bench again"

    js, md = tmp_path / "earlier.json", tmp_path / "bench.md"
    js.write_text(json.dumps(second))
    assert runner.render(str(js), str(md), console=_quiet()) == 0
    text = md.read_text()
    assert "`bench all`" in text and "`bench again`" in text and "`bench third`" in text
    assert "Rows 7 (latency)" in text and "Rows 5 (round)" in text


def test_merge_into_a_bad_file_is_refused_before_measuring(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    assert main(only=["latency"], merge_path=str(bad), console=_quiet()) == 2
    assert main(only=["latency"], merge_path=str(tmp_path / "missing.json"), console=_quiet()) == 2


def test_a_failing_measurement_is_recorded_and_the_rest_runs(tmp_path, monkeypatch):
    def broken(bench, cfg, log):
        raise RuntimeError("boom")

    rounds = [m for m in measure.MEASUREMENTS if m[0] == "round"]
    monkeypatch.setattr(runner, "MEASUREMENTS", [("handover", "broken", broken)] + rounds)
    js = tmp_path / "bench.json"
    code = main(config=Config.tiny(), json_path=str(js), console=_quiet(), command="test")
    report = json.loads(js.read_text())
    assert code == 1
    assert report["results"]["handover"]["error"] == "RuntimeError: boom"
    assert not report["results"]["round"].get("error")
    assert report["table"][0]["clustersim"] == "error: RuntimeError: boom"
    assert any(row["id"] == "5a" for row in report["table"])


def test_unknown_measurement_is_refused():
    assert main(only=["nope"], console=_quiet()) == 2


def test_the_table_on_a_pipe_is_one_plain_line_per_measurement():
    from cluster_sim.bench.report import print_table, print_targets

    meta = _fake_report([], "bench", "2026-01-01 00:00 UTC")["meta"]
    rows = [{"id": "1a", "measurement": "graceful failover, from the signal to the new leader's election " * 2,
             "clustersim": "p50 12.0 ms · p95 15.0 ms (n=20)", "original": "p50 4.02 s · p95 4.10 s (n=20)",
             "target": "< 100 ms", "met": True, "note": "", "detail": ""},
            {"id": "2", "measurement": "crash", "clustersim": "—", "original": "—", "target": "—", "met": None,
             "note": "2", "detail": "not measured"}]
    piped = io.StringIO()
    print_table(Console(file=piped), meta, rows)            # a file: not a terminal, 80 columns by default
    lines = piped.getvalue().splitlines()
    assert len(lines) == 1 + len(rows), piped.getvalue()
    assert lines[1].startswith("1a  graceful failover") and lines[1].endswith("target < 100 ms · target met")
    assert lines[2] == "2  crash (note 2): clustersim — · original — · no target"
    print_targets(Console(file=piped), rows)
    assert piped.getvalue().splitlines()[-1] == "1 of 1 targets met"
    assert not any(c in piped.getvalue() for c in "┃│━─")


def test_a_recorded_run_reads_in_spanish_each_row_named_and_judged_and_the_targets_counted():
    """docs/benchmarks.json rendered with --lang es: the rows' names, verdicts and last line in Spanish."""
    from pathlib import Path

    from cluster_sim.bench.report import verdict_key

    recorded = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.json"
    report = json.loads(recorded.read_text())
    rows = table_rows(report["results"], report.get("config"), "es")
    piped = io.StringIO()
    assert runner.render(str(recorded), console=Console(file=piped), lang="es") == 0
    lines = piped.getvalue().splitlines()
    assert "1a  Líder detenido → nuevo líder elegido (nota 1): " in lines[1]
    assert lines[1].endswith("· sin objetivo")
    judged = [row for row in rows if verdict_key(row) != "none"]
    met = sum(1 for row in judged if verdict_key(row) == "met")
    assert lines[-1] == f"{met} de {len(judged)} objetivos cumplidos"
    assert sum(line.endswith("· objetivo cumplido") for line in lines) == met
