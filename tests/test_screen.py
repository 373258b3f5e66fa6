"""What a person sees on a real terminal: `clustersim up` and `demo` in a pseudo-terminal of the
default size (80x24) and of a projector's (160x50), read back through a VT100 emulator (pyte).

Each test drives a real cluster (real ZooKeeper, real node processes) and asserts on the final
screen: every node of a small cluster, the newest event and the footer on screen at once; keys
typed at the live view not echoed into it; the Mean line following a leader this supervisor did
not start; one row per process when another process takes a local id.
"""

import re
import subprocess
import sys
import termios

import pytest

from conftest import INTERVAL, SESSION_TIMEOUT, clustersim, wait_until
from terminal import Terminal

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 50), id="160x50")]
FAST = ["--interval", INTERVAL, "--session-timeout", SESSION_TIMEOUT]
FOOTER = "clustersim kill ID [--hard] · pause ID · resume ID · start ID · logs ID · status"


def rows(screen):
    """The node table's rows on screen: {id: [row, ...]} (two rows for one id: two processes)."""
    found = {}
    for line in screen.splitlines():
        cells = line.split()
        if len(cells) >= 3 and re.fullmatch(r"\d+", cells[0]) and re.fullmatch(r"\d+|—", cells[1]):
            found.setdefault(cells[0], []).append(line)
    return found


def state_of(screen, node):
    return [line.split()[2] for line in rows(screen).get(node, [])]


def leader_of(screen):
    match = re.search(r"Leader\s+node (\S+)", screen)
    return match and match.group(1)


def mean_round(screen):
    match = re.search(r"Mean\s+\S+\s+\(round (-?\d+)", screen)
    return match and int(match.group(1))


def one_frame(screen, name):
    """The screen holds one whole frame: its header once, the footer as the last line drawn."""
    lines = [line for line in screen.splitlines() if line.strip()]
    return screen.count(f"clustersim · {name}") == 1 and FOOTER in "\n".join(lines[-2:])


def node_process(zk, node, api_url, *extra):
    """A node started by hand, as a student would (its own process, not the supervisor's child)."""
    return subprocess.Popen([sys.executable, "-m", "cluster_sim", "node", str(node), "--zk", zk,
                             "--api-url", api_url, *FAST_STR, *extra],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


FAST_STR = [str(x) for x in FAST]


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


@pytest.mark.parametrize("size", SIZES)
def test_a_small_cluster_the_newest_events_and_the_footer_fit(size, runtime_dir, tmp_path):
    cols, rows_ = size
    name = "scr%d" % cols
    recording = tmp_path / "session.html"
    with Terminal.clustersim("up", "-n", 5, *FAST, "--name", name, "--record", recording,
                             cols=cols, rows=rows_) as term:
        first = term.wait_for(lambda s: leader_of(s) and all(state_of(s, n) == ["running"] for n in "12345") and s,
                              what="5 running nodes and a leader")
        old = leader_of(first)
        assert clustersim("kill", old, "--name", name).returncode == 0
        elected = re.compile(r"leader elected: (\d+) \(epoch 2, failover \d+ ms after %s left\)" % old)
        screen = term.wait_for(lambda s: elected.search(s) and state_of(s, old) == ["stopped"] and s,
                               what="the failover in the event log")
        # a follower killed hard: the newest event, its session's expiry, must be on screen too
        new = elected.search(screen).group(1)
        follower = next(n for n in "12345" if n not in (old, new))
        assert clustersim("kill", follower, "--hard", "--name", name).returncode == 0
        expired = "ZooKeeper expired node %s's session" % follower
        screen = term.wait_for(lambda s: expired in s and s, what="the hard-killed follower's session expiry")
        assert one_frame(screen, name), screen
        shown = rows(screen)
        assert sorted(shown) == list("12345"), screen          # every node, one row each
        assert "more (clustersim status)" not in screen
        assert leader_of(screen) == new and "LEADER" in shown[new][0]
        assert state_of(screen, follower) == ["crashed"] and "follower" not in shown[follower][0]
        assert len(screen.splitlines()) <= rows_
        # the id column is as narrow as the ids: no row starts with a wide blank id cell
        assert all(re.match(r"\d+ {1,12}\d", line) for lines in shown.values() for line in lines), screen
        term.interrupt()
        assert term.wait_exit() == 0
        final = term.text()
        assert "Leadership timeline" in final
    # the recording (drawn 110 columns wide) plays back laid out for this terminal, nothing cropped
    with Terminal.clustersim("replay", recording, "--speed", 1000, cols=cols, rows=rows_) as term:
        assert term.wait_exit() == 0
        replayed = term.text()
    frame = replayed.split("Leadership timeline")[0]
    # every row; and no command hints: nothing can be typed at a replay (issue 20)
    assert sorted(rows(frame)) == list("12345") and FOOTER not in frame, replayed
    boxed = [line for line in frame.splitlines() if line.startswith(("│", "╭", "╰"))]
    assert all(line.endswith(("│", "╮", "╯")) for line in boxed), replayed     # no box cut at the edge


@pytest.mark.parametrize("size", SIZES)
def test_keys_typed_at_a_step_demo_do_not_echo_into_the_screen(size, runtime_dir):
    cols, rows_ = size
    hint = "Press Enter to run"
    with Terminal.clustersim("demo", "api-outage", "--step", *FAST, cols=cols, rows=rows_) as term:
        live_modes = []
        for _ in range(2):
            screen = term.wait_for(lambda s: hint in s and s, 90, "a step waiting for Enter")
            live_modes.append(term.modes())
            term.type("ZZZZ")     # stray keys: not shown, and not taken for Enter
            _next_step(term, _narration_title(screen))
        # the whole frame: the pty can hand over a frame in pieces, its narration before its table
        screen = term.wait_for(lambda s: hint in s and "clustersim · default" in s and s, 90,
                               "the third step waiting, its frame whole")
        lines = screen.splitlines()
        assert "ZZZZ" not in screen
        assert screen.count("clustersim · default") == 1, screen
        # the frame starts the screen: no border or title line of an earlier frame left above it
        if lines[0].startswith("┏"):
            assert lines[1].startswith("┃") and sum(line.startswith("┏") for line in lines) == 1, screen
        else:
            assert lines[0].endswith("━") and sum(line.endswith("━━") for line in lines) == 1, screen
        assert all(not modes & (termios.ECHO | termios.ICANON) for modes in live_modes)
        term.interrupt()
        term.wait_exit(90)
        modes = term.modes()
        assert modes & termios.ECHO and modes & termios.ICANON     # the terminal is given back as it was


@pytest.mark.parametrize("size", SIZES)
def test_the_mean_follows_a_leader_we_did_not_start_and_says_who_a_round_waits_for(size, runtime_dir, zk_hosts):
    cols, rows_ = size
    name = "mean%d" % cols
    with Terminal.clustersim("up", "-n", 2, *FAST, "--zk", zk_hosts, "--name", name, cols=cols, rows=rows_) as term:
        term.wait_for(lambda s: leader_of(s) and state_of(s, "1") == ["running"] and state_of(s, "2") == ["running"],
                      what="2 running nodes and a leader")
        api_url = wait_until(lambda: _status(name)["api_url"], 10, "the API's address")
        student = node_process(zk_hosts, 7, api_url)
        try:
            term.wait_for(lambda s: state_of(s, "7") == ["remote"], what="the student's node")
            for node in ("1", "2"):
                assert clustersim("kill", node, "--name", name).returncode == 0
            led = term.wait_for(lambda s: leader_of(s) == "7" and mean_round(s) is not None and s,
                                what="the student's node leading")
            start = mean_round(led)
            # rounds go on: the header reads them from the leader znode and the API, not our nodes
            term.wait_for(lambda s: (mean_round(s) or start) >= start + 3, what="the Mean line moving on")
            # a member frozen: the leader waits for its readings, and the header says so
            assert clustersim("start", "1", "--name", name).returncode == 0
            term.wait_for(lambda s: "follower" in " ".join(rows(s).get("1", [])), what="node 1 back as a follower")
            assert clustersim("pause", "1", "--name", name).returncode == 0
            waits = re.compile(r"round -?\d+ waits for node 1")
            screen = term.wait_for(lambda s: waits.search(s) and s, what="the waiting round in the header")
            assert waits.search(screen.split("id ")[0])
            moved = mean_round(screen)
            term.wait_for(lambda s: not waits.search(s) and (mean_round(s) or moved) > moved,
                          what="the rounds going on once node 1's session expired")
            assert clustersim("resume", "1", "--name", name).returncode == 0
        finally:
            stop(student)


def _narration_title(screen):
    lines = screen.splitlines()
    return lines[1].strip("┃ ") if lines[0].startswith("┏") else lines[0].rstrip("━ ")


def _next_step(term, title):
    """Enter, until the demo shows its next step (an Enter typed before a step waits for it is
    dropped on purpose, so one may not be enough)."""
    for _ in range(20):
        term.type("\r")
        try:
            return term.wait_for(lambda s: _narration_title(s) != title, 3, "the next step")
        except AssertionError:
            continue
    raise AssertionError(f"the demo did not move on from {title!r}:\n{term.text()}")


def _status(name):
    from cluster_sim import control

    return control.send(name, {"cmd": "status"}, timeout=5.0)["status"]


@pytest.mark.parametrize("size", SIZES)
def test_one_row_is_one_process(size, runtime_dir, zk_hosts):
    cols, rows_ = size
    name = "rows%d" % cols
    with Terminal.clustersim("up", "-n", 2, *FAST, "--zk", zk_hosts, "--name", name, cols=cols, rows=rows_) as term:
        term.wait_for(lambda s: state_of(s, "1") == ["running"] and state_of(s, "2") == ["running"],
                      what="2 running nodes")
        api_url = _status(name)["api_url"]
        assert clustersim("kill", "2", "--name", name).returncode == 0
        term.wait_for(lambda s: state_of(s, "2") == ["stopped"], what="node 2 stopped")
        by_hand = node_process(zk_hosts, 2, api_url)
        try:
            # the process started by hand with id 2 is a row of its own, not the stopped one's
            screen = term.wait_for(lambda s: state_of(s, "2") == ["remote"] and s, what="node 2 shown remote")
            assert str(by_hand.pid) in rows(screen)["2"][0]
            answer = clustersim("start", "2", "--name", name)
            assert answer.returncode != 0 and "held by another process (pid %d" % by_hand.pid in answer.stderr
            # a second supervisor on the same ZooKeeper: ids 1 and 2 are taken by the first one's nodes
            with Terminal.clustersim("up", "-n", 2, *FAST, "--zk", zk_hosts, "--name", name + "b",
                                     cols=cols, rows=rows_) as other:
                # one row each: the local processes that could not have their ids are gone
                screen = other.wait_for(lambda s: state_of(s, "1") == ["remote"] and state_of(s, "2") == ["remote"]
                                        and s, what="ids 1 and 2 shown as the other processes they are")
                assert not re.search(r"crashed\s+★ LEADER", screen), screen
                assert leader_of(screen) in ("1", "2")
        finally:
            stop(by_hand)
