"""The live view, the printers and the leadership timeline, rendered without a terminal."""

import io
from collections import deque
import re

import pytest
from rich.console import Console
from rich.table import Table

from cluster_sim.engine.digest import BIG
from cluster_sim.engine.events import LeaderElected, Notice, RoundStored
from cluster_sim.presentation.listeners.printers import LivePrinter, PlainPrinter, choose_printer
from cluster_sim.engine.state import (
    CRASHED,
    FOLLOWER,
    LEADER,
    PAUSED,
    REMOTE,
    RUNNING,
    STARTING,
    STOPPED,
    ClusterState,
    NodeView,
    ZkServerView,
)
from cluster_sim.presentation.view import CONTROL_HINTS, clock, format_event, render
from cluster_sim.engine.timeline import BLOCK, IDLE, NO_LEADER, Term, render_timeline, timeline_text
from cluster_sim.engine.state import Shown

NOW = 1_700_000_000.25
ANSI = re.compile(r"\x1b\[")


def text_of(renderable, width=120) -> str:
    console = Console(record=True, width=width, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def row_of(text: str, node_id: str) -> str:
    """The node table row whose first cell is node_id."""
    for line in text.splitlines():
        if line.split() and line.split()[0] == node_id:
            return line
    raise AssertionError("no row for node %r in:\n%s" % (node_id, text))


def cluster(**kw) -> ClusterState:
    state = ClusterState(
        name=kw.pop("name", "default"),
        zk="127.0.0.1:2181",
        api_url="http://127.0.0.1:8000",
        zk_connected=True,
        leader="2",
        epoch=7,
        leader_since=NOW - 12,
        last_mean=21.375,
        last_round=42,
        last_count=4,
        rounds_stored=40,
        api_ok=True,
        started_at=NOW - 300,
    )
    for key, value in kw.items():
        setattr(state, key, value)
    nodes = [
        NodeView("1", pid=101, state=RUNNING, role=FOLLOWER, value=20.123, reading_ts=NOW - 0.4),
        NodeView("2", pid=102, state=RUNNING, role=LEADER, value=22.5, reading_ts=NOW - 0.2),
        NodeView("3", pid=103, state=PAUSED, value=19.0, reading_ts=NOW - 40, connection="SUSPENDED"),
        NodeView("4", pid=104, state=CRASHED, exit_code=-9),
        NodeView("lab-pc", state=REMOTE, role=FOLLOWER, value=23.0, reading_ts=NOW - 1,
                 host="lab-pc-07.school", remote=True, garbage=3),
    ]
    if "nodes" not in kw:
        state.nodes = {n.id: n for n in nodes}
    return state


# --------------------------------------------------------------------------- view


def test_header_shows_leader_and_epoch():
    out = text_of(render(cluster(), NOW))
    header = out.split("id ")[0]
    assert re.search(r"node 2\s+epoch 7", header)
    assert "21.38" in header and "round 42" in header
    assert "40 rounds stored" in header
    assert "127.0.0.1:2181" in header and "connected" in header


def test_no_leader_says_election_in_progress():
    out = text_of(render(cluster(leader=None, epoch=None), NOW))
    assert "none — election in progress" in out


def test_node_rows_show_state_role_reading_age():
    out = text_of(render(cluster(), NOW))
    assert "paused" in row_of(out, "3")
    assert "SUSPENDED" in row_of(out, "3")
    assert "40.0s" in row_of(out, "3")
    assert "crashed" in row_of(out, "4")
    assert "exit -9" in row_of(out, "4")
    leader = row_of(out, "2")
    assert "LEADER" in leader and "22.50" in leader and "0.2s" in leader
    assert "follower" in row_of(out, "1") and "20.12" in row_of(out, "1")


def test_remote_node_shows_remote_and_host():
    row = row_of(text_of(render(cluster(), NOW)), "lab-pc")
    assert "remote" in row
    assert "lab-pc-07.school" in row
    assert "3 bad" in row


def test_stale_reading_is_red():
    console = Console(record=True, width=120, file=io.StringIO(), force_terminal=True, color_system="truecolor")
    console.print(render(cluster(), NOW, stale_after=15.0))
    html = console.export_html(inline_styles=True)
    # the 40 s old reading of node 3 is red, the fresh ones are not
    assert re.search(r'<span style="color: #800000[^"]*"> *40\.0s</span>', html)
    assert not re.search(r'<span style="color: #800000[^"]*"> *0\.4s</span>', html)


def test_api_unreachable_since():
    state = cluster(api_ok=False, api_down_since=NOW - 30)
    out = text_of(render(state, NOW))
    assert "UNREACHABLE since " + clock(NOW - 30, millis=False) in out
    assert "OK" not in out.split("id ")[0].replace("lab-pc", "")


def test_api_unknown_is_question_mark():
    out = text_of(render(cluster(api_ok=None), NOW))
    api_line = next(line for line in out.splitlines() if "API" in line)
    assert "?" in api_line and "UNREACHABLE" not in api_line


def test_outbox_only_when_something_waits_longer_than_the_round_lag_or_was_dropped():
    assert "Outbox" not in text_of(render(cluster(), NOW))
    # the round in flight every interval (delivered within the lag) would only flash: not shown
    assert "Outbox" not in text_of(render(cluster(interval=1.0, outbox_depth=1, outbox_oldest=37,
                                                  outbox_since=NOW - 0.3), NOW))
    base = int((NOW - 300) // 1.0)      # the round running when the session started
    out = text_of(render(cluster(interval=1.0, outbox_depth=5, outbox_oldest=base + 37, outbox_since=NOW - 4),
                         NOW))
    assert "Outbox" in out and "5 pending" in out and "oldest: round 37, waiting 4s" in out
    out = text_of(render(cluster(outbox_dropped=2), NOW))
    assert "Outbox" in out and "2 dropped" in out


def test_the_mean_shows_the_computed_round_waiting_for_the_api_next_to_the_last_stored():
    base = int((NOW - 300) // 1.0)
    stored = dict(interval=1.0, last_round=base + 40, last_mean=21.375, last_count=4)
    # the API keeps up: the stored round, as always (a round computed a moment ago is in flight)
    out = text_of(render(cluster(**stored, computed_round=base + 41, computed_mean=22.0, computed_count=4,
                                 outbox_depth=1, outbox_since=NOW - 0.3), NOW))
    assert "21.38  (round 40, 4 readings)" in out and "waiting for the API" not in out
    # the API is away: the newest computed round, marked, and the last stored beside it
    out = text_of(render(cluster(**stored, computed_round=base + 46, computed_mean=22.5, computed_count=3,
                                 outbox_depth=6, outbox_oldest=base + 41, outbox_since=NOW - 6), NOW))
    mean = next(line for line in out.splitlines() if "Mean" in line)
    assert "22.50  (round 46, 3 readings)  waiting for the API  · last stored: round 40" in mean, mean
    assert "6 pending" in out


def test_events_count_rounds_from_the_clusters_start_and_the_export_keeps_their_own_numbers():
    from cluster_sim.engine.events import OutboxDropped, SettleEnded
    from cluster_sim.presentation.listeners.exporter import record_of

    base = int((NOW - 300) // 1.0)
    dropped = OutboxDropped(NOW - 1, "2", rounds=(base + 7, base + 8, base + 9), total=3, bound=10)
    settled = SettleEnded(NOW, first=base + 10, last=base + 12)
    out = text_of(render(cluster(interval=1.0, events=deque([dropped, settled])), NOW), width=200)
    assert "rounds 7..9" in out and str(base + 7) not in out, out
    record = record_of(dropped, "en", base)
    assert record["rounds"] == [base + 7, base + 8, base + 9] and "rounds 7..9" in record["text"]
    assert str(base) not in describe_es(settled, base)


def describe_es(event, base):
    from cluster_sim.presentation.wording import describe

    return describe(event, "es", base)


def test_join_command_and_uptime():
    out = text_of(render(cluster(join_command="clustersim join --zk 10.0.0.5:2181"), NOW))
    assert "clustersim join --zk 10.0.0.5:2181" in out
    assert "5m00s" in out


def test_zk_ensemble_row_only_for_several_servers():
    one = cluster(zk_servers=[ZkServerView(1, "127.0.0.1:2181", "standalone")])
    assert "ensemble" not in text_of(render(one, NOW))
    three = cluster(zk_servers=[
        ZkServerView(1, "127.0.0.1:2181", "follower"),
        ZkServerView(2, "127.0.0.1:2182", "leader"),
        ZkServerView(3, "127.0.0.1:2183", "down"),
    ])
    out = text_of(render(three, NOW))
    assert "ensemble" in out
    assert "127.0.0.1:2182 leader" in out and "127.0.0.1:2183 down" in out


def test_a_running_server_without_quorum_is_not_shown_down():
    lost = cluster(zk_servers=[
        ZkServerView(1, "127.0.0.1:2181", "down"),
        ZkServerView(2, "127.0.0.1:2182", "no quorum"),
        ZkServerView(3, "127.0.0.1:2183", "down"),
    ])
    out = " ".join(text_of(render(lost, NOW)).split())
    assert "127.0.0.1:2182 no quorum" in out and "127.0.0.1:2182 down" not in out
    assert "no quorum: nobody can read or write" in out
    healthy = cluster(zk_servers=[ZkServerView(1, "127.0.0.1:2181", "follower"),
                                  ZkServerView(2, "127.0.0.1:2182", "leader"),
                                  ZkServerView(3, "127.0.0.1:2183", "down")])
    assert "nobody can read" not in text_of(render(healthy, NOW))


def test_events_appear_with_text_and_time():
    state = cluster()
    events = [Notice(NOW - 3 + i * 0.5, "event number %d [x]" % i, level) for i, level in
              enumerate(["info", "leader", "warn", "error"])]
    state.events.extend(events)
    out = text_of(render(state, NOW))
    for event in events:
        assert format_event(event) in out
    assert "event number 1 [x]" in out  # not eaten as markup


def test_only_last_max_events_shown():
    state = cluster()
    state.events.extend(Notice(NOW - 100 + i, "ev-%03d" % i) for i in range(30))
    out = text_of(render(state, NOW, max_events=5))
    assert "ev-029" in out and "ev-025" in out
    assert "ev-024" not in out


def test_format_event_is_clock_plus_text():
    event = Notice(NOW, "node 2 is the leader")
    assert format_event(event) == clock(NOW) + " node 2 is the leader"
    assert re.fullmatch(r"\d\d:\d\d:\d\d\.250 node 2 is the leader", format_event(event))


def test_footer_hints_with_name():
    out = text_of(render(cluster(), NOW))
    assert "clustersim kill ID [--hard] · pause ID · resume ID · start ID · logs ID · status" in out
    assert "--name" not in out
    assert "(--name classA)" in text_of(render(cluster(name="classA"), NOW))


def test_empty_and_none_heavy_states_render():
    text_of(render(ClusterState(), NOW))
    text_of(render(ClusterState(), 0.0))
    state = ClusterState(
        name=None, zk=None, api_url=None, leader="9", epoch=None, leader_since=None,
        last_mean=None, api_ok=False, api_down_since=None, outbox_depth=1, outbox_oldest=None,
        started_at=0.0, join_command=None,
    )
    state.nodes["x"] = NodeView("x", pid=None, state="weird-state", role="odd", value=None,
                                reading_ts=None, host=None, connection="LOST", exit_code=None)
    state.nodes["y"] = NodeView("y", state=STOPPED, exit_code=0)
    state.nodes["z"] = NodeView("z", state=STARTING, value=float("nan"), reading_ts=NOW + 5)
    state.zk_servers = [ZkServerView(1, None, None), ZkServerView(2, "h:1", "weird")]
    state.events.append(Notice(None, None, None))
    state.events.append(Notice(NOW, "multi\nline", "unknown"))
    out = text_of(render(state, NOW))
    assert "weird-state" in out and "LOST" in out and "UNREACHABLE" in out
    assert "multi line" in out


@pytest.mark.parametrize("width", [40, 80, 120])
def test_as_many_nodes_as_are_listed_and_long_ids(width):
    state = cluster(nodes={})
    for i in range(BIG - 1):
        state.nodes[str(i)] = NodeView(str(i), pid=1000 + i, state=RUNNING, role=FOLLOWER,
                                       value=float(i), reading_ts=NOW - 1)
    out = text_of(render(state, NOW))
    for i in range(BIG - 1):
        row_of(out, str(i))
    long_id = "n" * 64
    state.nodes[long_id] = NodeView(long_id, state=REMOTE, host="h" * 64, remote=True)
    text_of(render(state, NOW), width=width)


def test_max_nodes_keeps_the_leader():
    state = cluster(nodes={}, leader=str(BIG - 1))
    for i in range(BIG):
        state.nodes[str(i)] = NodeView(str(i), state=RUNNING, role=LEADER if i == BIG - 1 else FOLLOWER)
    out = text_of(render(state, NOW, max_nodes=10))
    row_of(out, "0")
    row_of(out, str(BIG - 1))
    assert f"{BIG - 10} more" in out


def test_narration_panel_on_top_with_title_and_text_as_is():
    assert "Watch" not in text_of(render(cluster(), NOW))
    state = cluster(narration=Shown("Watch the [bold]leader[/bold]", "It will [red]die[/red] now.\nSecond line."))
    out = text_of(render(state, NOW))
    lines = out.splitlines()
    title_at = next(i for i, line in enumerate(lines) if "Watch the [bold]leader[/bold]" in line)
    assert title_at < next(i for i, line in enumerate(lines) if "Leader" in line and "node" in line)
    assert "It will [red]die[/red] now." in out and "Second line." in out
    assert "━" in lines[0]  # a heavy box: stands out from the rest of the screen
    # a title alone, and blank narration, render too
    assert "Only a title" in text_of(render(cluster(narration=Shown("Only a title")), NOW))
    text_of(render(cluster(narration=Shown("\n")), NOW))
    text_of(render(cluster(narration=Shown("")), NOW))


def test_render_returns_plain_rich_objects():
    group = render(cluster(), NOW)
    assert any(isinstance(r, Table) for r in group.renderables)


# --------------------------------------------------------------------------- printers


def test_plain_printer_prints_each_event_once_as_it_comes():
    out = io.StringIO()
    printer = PlainPrinter(out)
    sent = [Notice(NOW + i * 0.001, "event %d" % i) for i in range(500)]
    for event in sent:
        printer.event(event)
        printer.frame(ClusterState(), NOW)        # frames print nothing
    printer.event(RoundStored(NOW, "1", round=7, mean=1.5, count=3, epoch=2))   # data only: not a line
    printer.stop()
    lines = out.getvalue().splitlines()
    assert lines == [format_event(e) for e in sent]
    assert not ANSI.search(out.getvalue())


def test_plain_printer_same_timestamps_and_final_renderable():
    out = io.StringIO()
    printer = PlainPrinter(out)
    printer.event(Notice(NOW, "same time a", "leader"))
    printer.event(Notice(NOW, "same time b", "error"))
    printer.event(Notice(NOW, "same time a", "leader"))   # an equal but new event
    printer.stop(final_renderable=render(cluster(), NOW))
    printer.stop(final_renderable=render(cluster(), NOW))      # idempotent
    printer.event(Notice(NOW, "after the end"))               # after stop: ignored
    text = out.getvalue()
    lines = text.splitlines()
    assert lines[:3] == [format_event(Notice(NOW, t)) for t in ("same time a", "same time b", "same time a")]
    assert "LEADER" in text and "election" not in text
    assert text.count("clustersim kill ID") == 1
    assert "after the end" not in text
    assert not ANSI.search(text)


def test_events_are_worded_when_shown():
    state = cluster()
    elected = LeaderElected(NOW, "3", epoch=8, elected_at=NOW, failover_ms=12, after="2", how="left")
    state.events.append(elected)
    out = text_of(render(state, NOW))
    assert "leader elected: 3 (epoch 8, failover 12 ms after 2 left)" in out
    assert format_event(elected) == clock(NOW) + " leader elected: 3 (epoch 8, failover 12 ms after 2 left)"


def test_original_design_leader_is_shown_as_leader_without_epoch():
    state = cluster(leader="2", epoch=None, leader_original=True)
    out = text_of(render(state, NOW))
    assert "original design: unfenced, no rounds" in out.split("id ")[0]
    assert "LEADER" in row_of(out, "2") and "original design" in row_of(out, "2")
    assert "original design" not in row_of(out, "1")


def test_plain_printer_default_stream_is_stdout(capsys):
    PlainPrinter().event(Notice(NOW, "hello"))
    assert capsys.readouterr().out == format_event(Notice(NOW, "hello")) + "\n"


def test_live_printer_draws_frames_to_given_console():
    buf = io.StringIO()
    console = Console(file=buf, width=100, height=40, force_terminal=True)
    state = cluster()
    with LivePrinter(console=console) as printer:
        printer.frame(state, NOW)
        state.leader, state.epoch = "1", 8
        printer.frame(state, NOW + 1)
    out = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", buf.getvalue())
    assert "node 2  epoch 7" in out and "node 1  epoch 8" in out


def test_live_printer_fits_again_as_soon_as_the_cluster_grows_within_a_second():
    # the printer keeps a layout across frames; one that no longer fits must not be kept
    console = Console(file=io.StringIO(), width=100, height=30, force_terminal=True)
    printer = LivePrinter(console=console)
    state = five()
    small = console.render_lines(printer.renderable(state, NOW), console.options, pad=False)
    assert len(small) <= 30 and "more" not in "".join(seg.text for line in small for seg in line)
    for i in range(6, BIG + 1):      # as many as are listed (more: a summary, test_view_big.py)
        state.nodes[str(i)] = NodeView(str(i), state=RUNNING, role=FOLLOWER)
    grown = console.render_lines(printer.renderable(state, NOW + 0.1), console.options, pad=False)
    text = "\n".join("".join(seg.text for seg in line) for line in grown)
    assert len(grown) <= 30 and "more (clustersim status)" in text, text


def test_live_printer_fits_many_nodes_on_the_screen():
    console = Console(file=io.StringIO(), width=100, height=40, force_terminal=True)
    state = cluster(nodes={}, leader="150")
    for i in range(200):
        state.nodes[str(i)] = NodeView(str(i), state=RUNNING, role=LEADER if i == 150 else FOLLOWER)
    printer = LivePrinter(console=console)
    lines = console.render_lines(printer.renderable(state, NOW), console.options, pad=False)
    assert len(lines) <= 40
    text = "\n".join("".join(seg.text for seg in line) for line in lines)
    assert "more not fine (clustersim status)" in text     # none has a reading: every one is listed
    row_of(text, "150")
    assert "clustersim kill ID" in text


def test_live_printer_stop_with_final_renderable():
    buf = io.StringIO()
    console = Console(file=buf, width=80, force_terminal=True)
    printer = LivePrinter(console=console)
    printer.start()
    printer.stop(final_renderable="all nodes stopped")
    printer.stop()
    printer.frame(cluster(), NOW)   # after stop: ignored, no error
    assert "all nodes stopped" in buf.getvalue()


class _Stream(io.StringIO):
    def __init__(self, tty):
        super().__init__()
        self._tty = tty

    def isatty(self):
        return self._tty


def test_choose_printer():
    assert isinstance(choose_printer(_Stream(False)), PlainPrinter)
    assert isinstance(choose_printer(_Stream(True)), LivePrinter)
    assert isinstance(choose_printer(object()), PlainPrinter)   # no isatty at all


# --------------------------------------------------------------------------- timeline


def bar(text: str, node_id: str) -> str:
    for line in text.splitlines():
        label, sep, cells = line.partition("│")
        if sep and label.strip() == node_id:
            return cells
    raise AssertionError("no bar for %r in:\n%s" % (node_id, text))


def test_timeline_halves_and_epochs():
    terms = [Term("1", 3, start=100.0, end=130.0), Term("2", 4, start=130.0, end=160.0)]
    text = timeline_text(terms, ["1", "2", "3"], start=100.0, end=160.0, width=60)
    one, two, three = bar(text, "1"), bar(text, "2"), bar(text, "3")
    assert len(one) == len(two) == len(three) == 60
    assert one == "e3" + BLOCK * 28 + IDLE * 30
    assert two == IDLE * 30 + "e4" + BLOCK * 28
    assert three == IDLE * 60
    axis = text.splitlines()[-1]
    assert axis.strip().startswith("0s") and axis.strip().endswith("60s")
    assert axis.index("0s") == text.splitlines()[0].index("│") + 1


def test_timeline_running_term_extends_to_end():
    terms = [Term("1", 1, start=0.0, end=10.0), Term("2", 2, start=10.0, end=None)]
    text = timeline_text(terms, ["1", "2"], start=0.0, end=40.0, width=40)
    assert bar(text, "2").endswith(BLOCK * 20)
    assert bar(text, "2").startswith(IDLE * 10 + "e2")
    assert bar(text, "1") == "e1" + BLOCK * 8 + IDLE * 30


def test_timeline_clips_and_zero_length():
    terms = [
        Term("1", 1, start=-50.0, end=5.0),      # starts before the window
        Term("2", 2, start=5.0, end=5.0),        # zero length: still one cell
        Term("3", 3, start=15.0, end=500.0),     # ends after the window
        Term("4", 4, start=-9.0, end=-1.0),      # entirely before: not drawn
    ]
    text = timeline_text(terms, ["1", "2", "3", "4"], start=0.0, end=20.0, width=20)
    assert bar(text, "1") == "e1" + BLOCK * 3 + IDLE * 15
    assert bar(text, "2").count(BLOCK) == 1 and bar(text, "2")[5] == BLOCK
    assert bar(text, "3") == IDLE * 15 + "e3" + BLOCK * 3
    assert bar(text, "4") == IDLE * 20


def test_timeline_unknown_nodes_long_ids_and_odd_windows():
    long_id = "x" * 64
    terms = [Term(long_id, 1, start=0.0, end=None)]
    text = timeline_text(terms, ["1"], start=0.0, end=10.0, width=10)
    assert len(text.splitlines()) == 3              # node 1, the long id, axis
    assert "xxxxxxxxxxx…" in text
    timeline_text(terms, ["1"], start=10.0, end=10.0, width=0)   # empty window, no crash
    timeline_text(terms, ["1"], start=10.0, end=0.0, width=3)


def test_timeline_empty_says_no_leader_yet():
    assert timeline_text([], ["1", "2"], 0.0, 10.0) == NO_LEADER
    assert NO_LEADER in text_of(render_timeline([], ["1"], 0.0, 10.0))


def test_render_timeline_matches_text():
    terms = [Term("1", 3, start=100.0, end=130.0), Term("2", 4, start=130.0, end=None)]
    plain = timeline_text(terms, ["1", "2"], 100.0, 160.0, width=60)
    rendered = text_of(render_timeline(terms, ["1", "2"], 100.0, 160.0, width=60))
    assert [line.rstrip() for line in rendered.splitlines()] == [line.rstrip() for line in plain.splitlines()]


# --------------------------------------------------------------------------- the screen (issue 13)

def screen_of(renderable, width, height=None) -> list:
    console = Console(width=width, file=io.StringIO())
    return ["".join(seg.text for seg in line).rstrip()
            for line in console.render_lines(renderable, console.options, pad=False)]


def five(**kw) -> ClusterState:
    state = cluster(nodes={}, interval=1.0, **kw)
    for i in range(1, 6):
        state.nodes[str(i)] = NodeView(str(i), pid=2000 + i, state=RUNNING, role=LEADER if i == 2 else FOLLOWER,
                                       value=80.0 + i, reading_ts=NOW - 0.5, host="vm")
    return state


def test_rounds_are_counted_from_the_session_start_on_screen():
    base = int((NOW - 300) // 1.0)
    state = five(last_round=base + 12, last_count=5)
    header = text_of(render(state, NOW)).split("id ")[0]
    assert "round 12, 5 readings" in header and str(base) not in header
    assert state.to_json(NOW)["last_round"] == base + 12          # --json keeps the full number


def test_a_waiting_round_is_a_header_note_once_it_waits_longer_than_the_round_lag():
    base = int((NOW - 300) // 1.0)
    state = five(last_round=base + 11, waiting_round=base + 12, waiting_for=("3",), waiting_since=NOW - 0.2)
    assert "waits for" not in text_of(render(state, NOW))
    state.waiting_since = NOW - 3
    assert "round 12 waits for node 3" in text_of(render(state, NOW)).split("id ")[0]
    state.waiting_for = ("3", "4")
    assert "round 12 waits for nodes 3, 4" in text_of(render(state, NOW))


def test_no_election_in_progress_when_no_node_is_alive():
    state = five(leader=None, epoch=None)
    assert "election in progress" in text_of(render(state, NOW))
    for node in state.nodes.values():
        node.state, node.role = STOPPED, ""
    out = text_of(render(state, NOW))
    assert "election in progress" not in out and "no node is running" in out


def test_columns_do_not_shift_when_an_age_reaches_10_s_or_a_node_starts():
    state = five()
    before = row_of(text_of(render(state, NOW)), "3")
    state.nodes["3"].reading_ts = NOW - 10.4
    state.nodes["4"].state = STARTING
    after = row_of(text_of(render(state, NOW)), "3")
    assert "10.4s" in after and before.index("vm") == after.index("vm")
    assert before.index("83.00") == after.index("83.00") and before.index("running") == after.index("running")


def test_events_are_shown_in_time_order():
    state = five()
    state.events.extend([Notice(NOW - 1, "second"), Notice(NOW - 2, "first"), Notice(NOW, "third")])
    out = text_of(render(state, NOW))
    assert out.index("first") < out.index("second") < out.index("third")


def test_more_nodes_does_not_widen_the_id_column():
    state = five()
    for i in range(6, 40):
        state.nodes[str(i)] = NodeView(str(i), state=RUNNING, role=FOLLOWER)
    lines = screen_of(render(state, NOW, max_nodes=5), 100)
    assert any("34 more (clustersim status)" in line for line in lines)
    assert re.match(r"1 +2001 ", row_of("\n".join(lines), "1")) and row_of("\n".join(lines), "1").index("2001") < 10


@pytest.mark.parametrize("size", [(80, 24), (160, 50), (60, 20)])
def test_the_screen_fits_the_terminal_with_the_newest_events_and_every_node(size):
    width, height = size
    state = five(name="class", narration=Shown("Step 1: stop the leader", "A long explanation. " * 30))
    state.events.extend(Notice(NOW - 60 + i, "event %02d " % i + "that wraps " * (i % 9)) for i in range(40))
    lines = screen_of(render(state, NOW, width=width, height=height), width)
    text = "\n".join(lines)
    assert len(lines) <= height, text
    assert all(row_of(text, str(i)) for i in range(1, 6)) and "more" not in text
    assert "event 39" in text and "clustersim kill ID" in text and "(--name class)" in text
    assert "Step 1: stop the leader" in text


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
@pytest.mark.parametrize("narration", [None, Shown("Step 2: pause the leader", "Watch the table. " * 20)])
def test_as_many_nodes_as_are_listed_fill_the_terminal_with_as_many_rows_as_fit(size, narration):
    width, height = size
    state = five(name="class", narration=narration)
    for i in range(6, BIG + 1):
        state.nodes[str(i)] = NodeView(str(i), state=RUNNING, role=FOLLOWER)
    state.events.extend(Notice(NOW - 60 + i, "event %02d" % i) for i in range(40))
    lines = screen_of(render(state, NOW, width=width, height=height), width)
    text = "\n".join(lines)
    assert height - 1 <= len(lines) <= height, text     # the screen used, not overflowed
    shown = [i for i in range(1, BIG + 1) if any(line.split()[:1] == [str(i)] for line in lines)]
    if len(shown) == BIG:      # all of them fit (160x50, without a narration)
        assert "more (clustersim status)" not in text
    else:
        assert f"{BIG - len(shown)} more (clustersim status)" in text
    assert "event 39" in text and "event 38" in text and "clustersim kill ID" in text


def test_a_local_process_waiting_for_its_id_is_a_row_of_its_own():
    state = five()
    state.nodes["2"] = NodeView("2", pid=4242, state=REMOTE, role=LEADER, remote=True, host="lab")
    state.shadowed["2"] = NodeView("2", pid=3002, state=STARTING)
    out = text_of(render(state, NOW))
    rows = [line for line in out.splitlines() if line.split() and line.split()[0] == "2"]
    assert len(rows) == 2 and "remote" in rows[0] and "waits for id 2 (held by pid 4242 on lab)" in rows[1]


def test_a_crashed_node_still_in_zookeeper_says_its_session_is_open():
    state = five()
    state.nodes["2"].state, state.nodes["2"].exit_code = CRASHED, -9
    row = row_of(text_of(render(state, NOW)), "2")
    assert "LEADER" in row and "session still open" in row


def test_rows_without_a_round_are_not_called_rounds():
    out = text_of(render(five(rounds_stored=18, rows_unrounded=18), NOW))
    assert "0 rounds stored" in out and "18 rows without a round" in out
    assert "1 round stored" in text_of(render(five(rounds_stored=1, rows_unrounded=0), NOW))


def test_status_text_has_the_mean_rounds_api_and_outbox():
    from cluster_sim.presentation.status_view import status_text

    base = int((NOW - 300) // 1.0)
    state = five(last_round=base + 7, last_count=5, outbox_depth=3, outbox_oldest=base + 5, api_ok=False)
    text = status_text(state.to_json(NOW))
    assert "Mean       21.38  (round 7, 5 readings)" in text
    assert "UNREACHABLE" in text and "40 rounds stored" in text and "3 pending (round 5)" in text
    assert re.search(r"^  2 +2002 +running +★ LEADER +82\.00 +0\.5s +vm$", text, re.M), text
    # the leader computed on while the API was away: as the view's Mean line says it
    state.computed_round, state.computed_mean, state.computed_count = base + 9, 22.5, 3
    text = status_text(state.to_json(NOW))
    assert "Mean       22.50  (round 9, 3 readings)  waiting for the API  · last stored: round 7" in text, text


def test_a_recorded_frame_drawn_again_matches_the_live_view():
    from cluster_sim.presentation.redraw import redraw

    state = five(narration=Shown("Step 2", "Watch the leader."), last_round=int((NOW - 300) // 1.0) + 3, last_count=5)
    state.events.append(Notice(NOW - 1, "node 3 paused", "warn"))
    frame = {"t": NOW, "state": state.to_json(NOW), "events": 1}
    events = [{"ts": NOW - 1, "text": "node 3 paused", "level": "warn"}]
    again = screen_of(redraw(frame, events, 80, 24), 80)
    # but for the command hints: the live session's, nothing can be run in a replay
    assert again == screen_of(render(state, NOW, width=80, height=24, footer=False), 80)
    assert CONTROL_HINTS in screen_of(render(state, NOW, width=80, height=24), 80) and CONTROL_HINTS not in again


def test_the_join_command_is_printed_once_as_one_plain_line():
    from cluster_sim.engine.events import JoinCommand

    buf = io.StringIO()
    console = Console(file=buf, width=60, force_terminal=True)
    command = "CLUSTERSIM_SECRET=abc clustersim node <ID> --zk 10.0.0.5:2181 --api-url http://10.0.0.5:8080"
    printer = LivePrinter(console=console)
    printer.event(JoinCommand(NOW, command=command))
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", buf.getvalue())
    assert command in plain.splitlines() and "│" not in plain


def test_a_term_that_continues_a_bar_is_not_labelled_again():
    terms = [Term("1", 1, start=0.0, end=5.0), Term("1", 1, start=3.0, end=8.0),     # znode term, acting
             Term("1", 1, start=15.0, end=19.0)]                                     # acting again, later
    line = bar(timeline_text(terms, ["1"], 0.0, 20.0, width=20), "1")
    assert line == "e1" + BLOCK * 6 + IDLE * 7 + "e1" + BLOCK * 2 + IDLE, line
