"""`clustersim bench --quick` as a user runs it, on a pipe: each step's header says what it runs (the
numbers of the quick configuration), each row has a plain name, its note's number and a verdict, and
the last line counts the targets met, consistently with the rows.

The whole quick bench (about a minute on two idle cores): the longest test of the suite, in a file
of its own named to be collected early (xdist's --dist loadfile hands files out in collection
order), so that it does not finish last.
"""

import json
import re
import subprocess
import sys

import pytest

from cluster_sim.bench.config import Config

ROW = re.compile(r"^(?P<id>\d+[a-z]?)  (?P<name>.+) \(note (?P<note>\d+)\): clustersim (?P<cells>.+) · "
                 r"(?P<verdict>target met|target missed|target not measured|no target)$")
STEP = re.compile(r"^\s*[\d.]+s  \[(\d+)/(\d+)\] (.+)$")
JARGON = ("USS", "RSS", "read_all", "pipelined", "′", "refresh_hz", "znode", "SIGKILL", "SIGTERM")


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_quick_bench_says_what_it_runs_words_each_row_plainly_and_counts_the_targets(tmp_path):
    js = tmp_path / "quick.json"
    result = subprocess.run([sys.executable, "-m", "cluster_sim", "bench", "--quick", "--json", str(js)],
                            capture_output=True, text=True, timeout=580, stdin=subprocess.DEVNULL)
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    lines = out.splitlines()
    quick = Config.quick()

    # the headers: what each step runs is what the quick configuration runs, and what was measured
    steps = {int(m.group(1)): m.group(3) for m in map(STEP.match, lines) if m}
    assert sorted(steps) == list(range(1, 9)), out
    report = json.loads(js.read_text())
    ran = report["results"]
    assert ran["scale"]["params"]["nodes"] == quick.scale_nodes
    assert steps[6] == f"`up -n {quick.scale_nodes}`: start-up, CPU and memory"
    assert steps[1].endswith(f"({quick.nodes} nodes, {quick.handover_trials} times)")
    assert ran["handover"]["params"]["trials"] == quick.handover_trials
    assert steps[2].endswith(f"session timeouts {', '.join(f'{t:g}' for t in quick.crash_timeouts)} s)")
    assert steps[5] == "a leader's round over " + " / ".join(f"{n:,}" for n in quick.round_sizes) + " readings"
    assert sorted(int(k) for k in ran["round"]["sizes"]) == list(quick.round_sizes)
    assert steps[7].endswith(f"({quick.latency_rounds} rounds)")
    assert ran["latency"]["params"]["rounds"] == quick.latency_rounds
    title = next(line for line in lines if line.startswith("clustersim bench ("))
    assert title.startswith("clustersim bench (quick) · ")

    # the rows: a plain name, the note that says how, a verdict
    rows = [m for m in map(ROW.match, lines) if m]
    # below the title: a line per row, then where the files went, then the count
    table = [line for line in lines[lines.index(title) + 1:-1] if not line.startswith(("JSON: ", "Markdown: "))]
    assert rows and len(rows) == len(table), "\n".join(table)
    assert [r.group("id") for r in rows] == [row["id"] for row in report["table"]]
    for r in rows:
        assert not any(word in r.group("name") for word in JARGON), r.group(0)
        assert r.group("id").startswith(r.group("note"))
    assert f"up -n {quick.scale_nodes} → every node publishing" in {r.group("name") for r in rows}
    assert "up -n 100" not in out or quick.scale_nodes == 100

    # the last line: N of M, as the rows' verdicts count them
    verdicts = [r.group("verdict") for r in rows]
    met = verdicts.count("target met")
    targets = len(verdicts) - verdicts.count("no target")
    assert targets > 0
    assert lines[-1] == f"{met} of {targets} targets met", lines[-1]
