"""A lecture hall of 1,000 nodes on the screens (issue 22), without a terminal or a cluster: the
live view, `clustersim status` and `status --json` of a synthetic session run through the
supervisor's own core (web/synthetic.py), six nodes of it in trouble. The summary shows the
leader, the next in line, the counts, the readings' spread, and rows for exactly the nodes that
are not fine, fitted to 80x24 and 160x50, in English and Spanish."""

import io
import json
import re
import statistics

import pytest
from rich.console import Console

from cluster_sim.engine.digest import BIG, digest, status
from cluster_sim.presentation.status_view import status_text
from cluster_sim.presentation.view import render
from cluster_sim.web.synthetic import T0, SyntheticSession
from english import english_in

N = 1000
NOW = T0 + 5.6
# node -> what the teacher (or the world) did to it, and the condition it is counted under
UPSET = {"230": ("hard_kill", "crashed"), "1000": ("kill", "stopped"), "17": ("pause", "paused"),
         "404": ("partition", "partitioned"), "77": ("slow", "slow"), "512": ("no_api", "no_api")}
WORST_FIRST = ["230", "1000", "17", "404", "77", "512"]


def hall(lang="en", upset=UPSET):
    session = SyntheticSession(nodes=N, start=T0, fault_every=1e9, lang=lang, queue=True)
    session.advance(T0 + 3)
    for node, (kind, _) in upset.items():
        session.upset(T0 + 3.5, node, kind)
    session.advance(NOW)
    return session.state


@pytest.fixture(scope="module")
def en():
    return hall("en")


@pytest.fixture(scope="module")
def es():
    return hall("es")


def screen(state, width, height):
    console = Console(width=width, file=io.StringIO())
    lines = console.render_lines(render(state, NOW, width=width, height=height), console.options, pad=False)
    return ["".join(seg.text for seg in line).rstrip() for line in lines]


def row_ids(lines):
    """The ids that begin a line of the table (a boxed header's lines begin with │)."""
    return [line.split()[0] for line in lines if line.split() and line.split()[0].isdigit()
            and not re.match(r"^\d+[.,]\d", line.split()[0])]


def fresh_values(state):
    return [n.value for n in state.nodes.values()
            if n.state == "running" and n.value is not None and NOW - n.reading_ts <= 15.0]


def test_the_digest_names_exactly_the_nodes_not_fine_worst_first(en):
    d = digest(en, NOW)
    assert [node for node, _ in d.not_fine] == WORST_FIRST
    assert {node: why[0] for node, why in d.not_fine} == {node: c for node, (_, c) in UPSET.items()}
    assert dict(d.counts) == {"publishing": N - 6, **{c: 1 for _, c in UPSET.values()}}
    assert d.nodes == N and sum(n for _, n in d.counts) == N
    assert en.leader == "1" and d.next_in_line == ("2", "3", "4")
    assert d.candidates == N - 1            # the graceful kill closed its session; the hard one's lives on
    values = fresh_values(en)
    assert d.readings is not None and d.readings.count == len(values) == N - 3   # not the paused, not the killed
    assert (d.readings.low, d.readings.median, d.readings.high) == (
        min(values), statistics.median(values), max(values))
    assert sum(d.readings.bins) == d.readings.count


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
def test_the_live_view_of_1000_nodes_is_a_summary_that_fits(en, size):
    width, height = size
    lines = screen(en, width, height)
    text = "\n".join(lines)
    assert len(lines) <= height, text
    assert re.search(r"node 1\s+epoch 1\b", text), text                          # the leader
    assert "1 ★ → 2 → 3 → 4 → …   (999 in the election)" in text                 # the next in line
    assert "1,000 in all: 994 publishing · 1 cannot reach the API · 1 slow · 1 cut off · 1 paused · " \
           "1 stopped · 1 crashed" in re.sub(r"\s*\n[│ ]*\s+", " ", text)          # (wrapped at 80)
    values = fresh_values(en)
    d = digest(en, NOW)
    spread = "997 fresh · min %.2f · median %.2f · max %.2f" % (min(values), statistics.median(values), max(values))
    assert spread in text
    assert re.search(r"\d+\.\d [▁▂▃▄▅▆▇█ ]{16} \d+\.\d", text) and len(d.readings.bins) == 16   # the histogram
    assert "Not fine: 6 of 1,000" in text
    shown = row_ids(lines)
    assert shown == WORST_FIRST[:len(shown)], text           # only nodes not fine, worst first
    if len(shown) < 6:
        assert f"… {6 - len(shown)} more not fine (clustersim status)" in text
    else:
        assert "more not fine" not in text
    if size == (160, 50):
        assert shown == WORST_FIRST
    assert "clustersim kill ID" in text                      # the footer


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
def test_the_live_view_of_1000_nodes_in_spanish(es, size):
    width, height = size
    lines = screen(es, width, height)
    text = "\n".join(lines)
    assert len(lines) <= height, text
    assert re.search(r"nodo 1\s+época 1\b", text)
    assert "(999 en la elección)" in text and "Con problemas: 6 de 1.000" in text
    assert "1.000 en total: 994 publicando" in text
    assert re.search(r"997 recientes · mín \d+,\d\d · mediana \d+,\d\d · máx \d+,\d\d", text)
    shown = row_ids(lines)
    assert shown == WORST_FIRST[:len(shown)] and len(shown) >= 1
    if size == (160, 50):
        assert shown == WORST_FIRST
    assert english_in(text, names=["lab", "hall", "synthetic"]) == [], text


def test_a_cluster_of_big_rows_or_fewer_is_still_a_list():
    state = hall(upset={})
    for node in list(state.nodes)[BIG:]:
        del state.nodes[node]
    lines = screen(state, 160, 60)
    assert "in all" not in "\n".join(lines) and row_ids(lines)[:3] == ["1", "2", "3"]


def test_every_node_fine_says_so_and_lists_none():
    state = hall(upset={})
    lines = screen(state, 120, 40)
    text = "\n".join(lines)
    assert "every node is fine" in text and "1,000 in all: 1,000 publishing" in text and row_ids(lines) == []


def test_status_summarises_and_status_json_keeps_every_node(en, es):
    data = json.loads(json.dumps(status(en, NOW)))          # as `status --json` carries it
    assert len(data["nodes"]) == N
    summary = data["summary"]
    assert summary["counts"]["publishing"] == N - 6 and summary["next_in_line"] == ["2", "3", "4"]
    assert [x["id"] for x in summary["not_fine"]] == WORST_FIRST
    text = status_text(data)
    assert "Next       1 ★ → 2 → 3 → 4 → …" in text and "1,000 in all: 994 publishing" in text
    assert "Not fine: 6 of 1,000" in text
    table = text.split("Not fine: 6 of 1,000")[1]
    assert row_ids(table.splitlines()) == WORST_FIRST           # every not-fine node, no other
    assert "cut off from zk" in table and "cannot reach the API" in table and "exit -9" in table
    spanish = status_text(json.loads(json.dumps(status(es, NOW))))
    assert "Con problemas: 6 de 1.000" in spanish and english_in(spanish, names=["lab", "synthetic"]) == []
    small = hall(upset={})
    for node in list(small.nodes)[BIG:]:
        del small.nodes[node]
    assert "summary" not in status(small, NOW)                  # a small cluster: the list, as before


def test_the_live_printer_fits_again_as_soon_as_a_node_of_a_large_cluster_gets_in_trouble():
    """The printer keeps a layout for a second; a row more in the not-fine table must not overflow."""
    from cluster_sim.presentation.listeners.printers import LivePrinter

    state = hall(upset={})
    console = Console(file=io.StringIO(), width=100, height=30, force_terminal=True)
    printer = LivePrinter(console=console)

    def frame(now):
        lines = console.render_lines(printer.renderable(state, now), console.options, pad=False)
        return ["".join(seg.text for seg in line).rstrip() for line in lines]
    assert "every node is fine" in "\n".join(frame(NOW))
    for node in map(str, range(100, 130)):        # 30 nodes paused within the same second
        state.nodes[node].state = "paused"
    lines = frame(NOW + 0.1)
    text = "\n".join(lines)
    assert len(lines) <= 30, text
    shown = row_ids(lines)
    assert shown and shown == [str(n) for n in range(100, 100 + len(shown))], text
    assert f"… {30 - len(shown)} more not fine (clustersim status)" in text


def test_a_node_silent_for_15_s_and_one_not_publishing_yet_are_not_fine_each_in_its_words():
    state = hall(upset={})
    state.nodes["50"].value = state.nodes["50"].reading_ts = None       # running, nothing published yet
    state.nodes["60"].reading_ts = NOW - 15.5                           # its last reading 15.5 s old
    d = digest(state, NOW)
    assert d.not_fine == (("60", ("silent",)), ("50", ("unpublished",)))
    assert d.readings.count == N - 2
    text = "\n".join(screen(state, 160, 50))
    assert "998 publishing · 1 not publishing yet · 1 silent" in text and row_ids(text.splitlines()) == ["60", "50"]
