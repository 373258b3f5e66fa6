"""The teacher's page in a real headless Chromium, on a real cluster: a click on the leader and a
choice from its menu kill, pause or partition it (status --json agrees, the page shows the new
leader, the log says it came from the page); the students' page has no controls, and a control
request without the key, with a wrong one or from another origin is refused and changes nothing.
Spanish with --lang es. Skipped, with the reason, where there is no browser."""

import json
import re

import pytest
import requests

from cluster_sim.web.teacher import KEY_HEADER
from conftest import INTERVAL, SESSION_TIMEOUT, wait_until
from test_web_browser import by_id, dom_wait, log_text, node_attr, shown_leader
from web_support import headless_browser, page_errors

TEACHER_LINE = {"en": re.compile(r"teacher's page \(controls; keep this address to yourself\): (\S+)"),
                "es": re.compile(r"página docente \(con controles; no compartas esta dirección\): (\S+)")}


@pytest.fixture
def browser():
    with headless_browser() as driver:
        yield driver


def start(start_up, zk_hosts, lang="en"):
    up = start_up("-n", 3, "--zk", zk_hosts, "--interval", INTERVAL, "--session-timeout", SESSION_TIMEOUT,
                  "--web", "127.0.0.1:0", "--lang", lang)
    up.wait_ready(3)
    students = wait_until(lambda: up.status()["web_url"], 10, "the students' address in status --json")
    teacher = wait_until(lambda: (lambda m: m and m.group(1))(TEACHER_LINE[lang].search(up.output())), 10,
                         "the teacher's address on the terminal")
    assert teacher.startswith(students + "teacher/") and teacher != students
    return up, students, teacher


def ready(browser, url):
    browser.get(url)
    dom_wait(browser, lambda d: d.find_element("tag name", "body").get_attribute("data-ready"), 15, "the stream")
    dom_wait(browser, lambda d: len(d.find_elements("css selector", "g.node[data-state=running]")) == 3, 15,
             "three running nodes")


def node_state(up, node_id):
    return next(n for n in up.status()["nodes"] if n["id"] == node_id)


def open_menu(browser, node_id, tries=3):
    """Click the node in the picture until its menu is open. The picture is redrawn as the cluster
    changes, so a click can land on a circle that is being replaced (stale, or a miss that closes
    the menu); clicking the node again only opens its menu again, never shuts it."""
    from selenium.common.exceptions import StaleElementReferenceException

    for attempt in range(1, tries + 1):
        try:
            browser.find_element("css selector", f'g.node[data-id="{node_id}"] circle.body').click()
            return dom_wait(browser, lambda d: by_id(d, "menu").get_attribute("data-node") == node_id, 5,
                            f"node {node_id}'s menu")
        except (AssertionError, StaleElementReferenceException):
            if attempt == tries:
                raise


def choose(browser, node_id, act):
    """Click the node in the picture, then the menu's entry `act`; the cluster's answer."""
    open_menu(browser, node_id)
    by_id(browser, "menu").find_element("css selector", f'button[data-act="{act}"]').click()
    dom_wait(browser, lambda d: by_id(d, "answer").get_attribute("data-ok") in ("0", "1"), 15, "the answer")
    return by_id(browser, "answer").get_attribute("data-ok") == "1", by_id(browser, "answer").text


def new_leader(up, browser, old):
    leader = wait_until(lambda: (lambda s: s if s not in (None, old) else None)(up.leader()), 20,
                        f"a leader other than {old} in status --json")
    dom_wait(browser, lambda d: shown_leader(d) == leader, 10, f"the new leader {leader}")
    return leader


@pytest.mark.slow
def test_the_teacher_kills_pauses_and_partitions_the_leader_by_clicking(start_up, zk_hosts, browser):
    up, students, teacher = start(start_up, zk_hosts)
    ready(browser, teacher)
    first = up.leader()
    dom_wait(browser, lambda d: shown_leader(d) == first, 10, f"the leader {first}")

    done, said = choose(browser, first, "kill")
    assert done, said
    assert said == f"node {first} (the leader) killed (SIGTERM)"
    wait_until(lambda: node_state(up, first)["state"] == "stopped", 10, f"node {first} stopped in status --json")
    second = new_leader(up, browser, first)
    dom_wait(browser, lambda d: node_attr(d, first, "data-state") == "stopped", 10, f"node {first} stopped")
    dom_wait(browser, lambda d: f"from the teacher's page: kill {first}" in log_text(d), 5, "where it came from")

    refused, said = choose(browser, first, "pause")            # the registry's own refusal, as the CLI's
    cli = up.cli("pause", first)
    assert not refused and said.startswith(f"node {first} is not running"), said
    assert cli.returncode != 0 and said in cli.stderr, (said, cli.stderr)

    done, said = choose(browser, second, "pause")
    assert done, said
    wait_until(lambda: node_state(up, second)["state"] == "paused", 10, f"node {second} paused in status --json")
    dom_wait(browser, lambda d: node_attr(d, second, "data-state") == "paused", 10, f"node {second} paused")
    third = new_leader(up, browser, second)

    done, said = choose(browser, second, "resume")
    assert done, said
    done, said = choose(browser, third, "partition-zk")
    assert done, said
    wait_until(lambda: (node_state(up, third).get("faults") or {}).get("partitioned") == "zk", 10,
               f"node {third} partitioned from ZooKeeper in status --json")
    dom_wait(browser, lambda d: "partitioned" in (node_attr(d, third, "data-faults") or ""), 10,
             f"node {third} drawn cut off")
    new_leader(up, browser, third)
    done, said = choose(browser, third, "heal")
    assert done, said
    assert not page_errors(browser), page_errors(browser)


@pytest.mark.slow
def test_the_students_page_has_no_controls_and_requests_without_the_key_change_nothing(
        start_up, zk_hosts, browser):
    up, students, teacher = start(start_up, zk_hosts)
    ready(browser, students)
    leader = up.leader()
    dom_wait(browser, lambda d: shown_leader(d) == leader, 10, f"the leader {leader}")
    assert not by_id(browser, "controls").is_displayed()
    browser.find_element("css selector", f'g.node[data-id="{leader}"] text.id').click()
    assert not by_id(browser, "menu").is_displayed() and not browser.find_elements("css selector", "button[data-act]")
    # the students' page cannot send one either: it has no key to send
    assert browser.execute_script("return document.body.classList.contains('teacher')") is False

    key = teacher.rstrip("/").rsplit("/", 1)[1]
    origin = students.rstrip("/")
    body = json.dumps({"cmd": "kill", "id": leader})
    for what, headers in (("no key", {"Origin": origin}),
                          ("a wrong key", {"Origin": origin, KEY_HEADER: "f" * len(key)}),
                          ("another origin", {"Origin": "http://evil.example", KEY_HEADER: key}),
                          ("no origin", {KEY_HEADER: key})):
        answer = requests.post(students + "control", data=body, timeout=5,
                               headers={"Content-Type": "application/json", **headers})
        assert answer.status_code == 403, (what, answer.text)
        assert answer.json()["ok"] is False and answer.json()["error"], what
    assert requests.get(students + "teacher/" + "f" * len(key) + "/", timeout=5).status_code == 403
    status = up.status()
    assert status["leader"] == leader and all(n["state"] == "running" for n in status["nodes"]), status
    assert not up.events("command_via") and not up.events("node_killed")


@pytest.mark.slow
def test_the_teachers_page_in_spanish(start_up, zk_hosts, browser):
    up, students, teacher = start(start_up, zk_hosts, lang="es")
    ready(browser, teacher)
    first = up.leader()
    dom_wait(browser, lambda d: shown_leader(d) == first, 10, f"the leader {first}")
    open_menu(browser, first)
    menu = [b.text for b in by_id(browser, "menu").find_elements("css selector", "button")]
    assert menu[:3] == ["parar", "matar de golpe", "pausar"], menu
    by_id(browser, "menu").find_element("css selector", "button.close").click()
    done, said = choose(browser, first, "hard-kill")
    assert done and said == f"nodo {first} (el líder) matado de golpe (SIGKILL)", said
    dom_wait(browser, lambda d: f"desde la página docente: kill {first}" in log_text(d), 10, "where it came from")
    new_leader(up, browser, first)
    refused, said = choose(browser, first, "resume")
    assert not refused and said.startswith(f"el nodo {first} no está en marcha"), said
    assert "add" not in by_id(browser, "controls").text and "añadir nodo 4" in by_id(browser, "controls").text
    assert not page_errors(browser), page_errors(browser)


@pytest.mark.slow
def test_the_page_outlives_a_demo_with_its_results_and_no_running_node(runtime_dir, tmp_path, browser):
    import signal
    import socket
    import subprocess
    import sys
    import uuid

    with socket.socket() as probe:                       # a free port for --web PORT, as a teacher gives one
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "demo.log"
    with open(log, "w") as out:
        demo = subprocess.Popen(
            [sys.executable, "-m", "cluster_sim", "demo", "failover", "--yes", "--plain", "--interval", str(INTERVAL),
             "--session-timeout", str(SESSION_TIMEOUT), "--name", f"d{uuid.uuid4().hex[:6]}", "--web", str(port)],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            students = f"http://127.0.0.1:{port}/"
            wait_until(lambda: students in log.read_text(), 30, "the web view's address")
            ready(browser, students)
            wait_until(lambda: "the web page stays up with the results: Ctrl-C to end" in log.read_text()
                       or demo.poll() is not None, 180, "the demo's end")
            assert demo.poll() is None, log.read_text()[-3000:]
            assert "Results · failover" in log.read_text()
            dom_wait(browser, lambda d: by_id(d, "results").is_displayed(), 10, "the Results panel")
            assert by_id(browser, "h-results").text.startswith("Results · failover")
            assert "handover" in by_id(browser, "results-body").text.lower(), by_id(browser, "results-body").text
            dom_wait(browser, lambda d: shown_leader(d) == "" and not d.find_elements(
                "css selector", "g.node[data-state=running], g.node[data-role=LEADER]"), 10,
                "every node stopped and no leader")
            assert browser.find_element("tag name", "body").get_attribute("data-ended") == "1"
            browser.get(students)            # a late joiner (a student who opens the page now) sees the same
            dom_wait(browser, lambda d: by_id(d, "results").is_displayed() and shown_leader(d) == "", 15,
                     "the results for a late joiner")
            assert requests.get(students + "snapshot.json", timeout=5).status_code == 200
            assert not page_errors(browser), page_errors(browser)
            demo.send_signal(signal.SIGINT)
            assert demo.wait(30) == 0, log.read_text()[-3000:]
            with pytest.raises(requests.ConnectionError):
                requests.get(students, timeout=5)
        finally:
            if demo.poll() is None:
                demo.kill()
                demo.wait(10)


@pytest.mark.slow
def test_the_teacher_freezes_seeks_back_before_a_kill_and_returns_to_live(start_up, zk_hosts, browser):
    up, students, teacher = start(start_up, zk_hosts)
    ready(browser, teacher)
    first = up.leader()
    dom_wait(browser, lambda d: shown_leader(d) == first, 10, f"the leader {first}")
    assert not by_id(browser, "frozen").is_displayed()
    done, said = choose(browser, first, "kill")
    assert done, said
    second = new_leader(up, browser, first)

    by_id(browser, "scrub-freeze").click()
    dom_wait(browser, lambda d: by_id(d, "frozen").is_displayed(), 5, "the banner: not live")
    assert "NOT LIVE" in by_id(browser, "frozen").text
    for _ in range(60):                          # back event by event, to before the kill
        if shown_leader(browser) == first:
            break
        by_id(browser, "scrub-prev").click()
    assert shown_leader(browser) == first, "the old leader, before the kill"
    assert node_attr(browser, first, "data-state") == "running"
    # the cluster runs on meanwhile: a kill now changes status, not the frozen picture
    assert up.cli("kill", second).returncode == 0
    third = wait_until(lambda: (lambda s: s if s not in (None, first, second) else None)(up.leader()), 20,
                       "a third leader in status --json")
    assert shown_leader(browser) == first and by_id(browser, "frozen").is_displayed()
    by_id(browser, "scrub-next").click()         # one event forward: still frozen, later than before
    assert by_id(browser, "frozen").is_displayed()

    by_id(browser, "scrub-live").click()
    dom_wait(browser, lambda d: shown_leader(d) == third, 10, f"the current leader {third}, live")
    assert not by_id(browser, "frozen").is_displayed()
    dom_wait(browser, lambda d: node_attr(d, second, "data-state") == "stopped", 10, f"node {second} stopped")
    assert not page_errors(browser), page_errors(browser)


def test_a_recording_answers_the_keyboard_and_its_end_shows_the_results(browser, tmp_path):
    from selenium.webdriver.common.keys import Keys

    from cluster_sim.web.recording import load
    from test_web_browser import synthetic_recording

    path = tmp_path / "class.html"
    data = synthetic_recording(path, minutes=2.0)
    browser.get(f"file://{path}")
    dom_wait(browser, lambda d: by_id(d, "player").get_attribute("data-frames") == str(len(data["frames"])), 10,
             "the recording loaded")
    body = browser.find_element("tag name", "body")
    by_id(browser, "play").click()                     # the button keeps the focus, as after a click
    assert by_id(browser, "play").text == "❚❚ pause"
    by_id(browser, "play").send_keys(Keys.SPACE)       # space toggles: once, not twice
    assert by_id(browser, "play").text == "▶ play"
    body.send_keys(Keys.SPACE)
    assert by_id(browser, "play").text == "❚❚ pause"
    body.send_keys(Keys.SPACE)
    body.send_keys(Keys.END)
    dom_wait(browser, lambda d: by_id(d, "results").is_displayed(), 5, "the results at the end")
    ended_at = int(by_id(browser, "player").get_attribute("data-frame"))
    # the timeline's marks have a legend: each glyph shown once, with its meaning
    marks = [m.text for m in by_id(browser, "timeline").find_elements("css selector", "text.mark")]
    legend = [item.text for item in by_id(browser, "legend").find_elements("css selector", "span")]
    assert marks and legend and len(set(legend)) == len(legend), (marks, legend)
    assert {m.rstrip() for m in marks if not m.startswith("ZK")} <= {item.split(" ", 1)[0] for item in legend}
    body.send_keys(Keys.ARROW_LEFT)                    # one event back, not 0.1 s
    assert not by_id(browser, "results").is_displayed()
    back = float(by_id(browser, "player").get_attribute("data-at"))
    raw = load(str(path))
    assert back in {ms for ms, _ in raw["events"]}, back
    assert back < max(ms for ms, _ in raw["frames"] + raw["events"])
    body.send_keys(Keys.ARROW_RIGHT)
    # the slider dragged to its end shows the results too (its steps may stop short of the last frame)
    browser.execute_script("var s = document.getElementById('seek'); s.value = s.max;"
                           "s.dispatchEvent(new Event('input'))")
    dom_wait(browser, lambda d: by_id(d, "results").is_displayed(), 5, "the results at the slider's end")
    assert int(by_id(browser, "player").get_attribute("data-frame")) == ended_at
    assert not page_errors(browser), page_errors(browser)


SIZES = ((1024, 768, 16), (1280, 720, 16), (1920, 1080, 16), (400, 800, 12))


def layout_problems(browser, width, height, smallest):
    """What a class at the back of the room could not read: text outside the viewport, below
    `smallest` px, clipped, or two labels on top of each other (tests/layout_probe.js measures)."""
    from pathlib import Path

    found = browser.execute_script((Path(__file__).parent / "layout_probe.js").read_text())
    problems = []
    if found["width"] > width + 0.5 or found["vw"] > width + 0.5:
        problems.append(f"the page is {found['width']} px wide")
    if smallest >= 16 and found["height"] > height + 0.5:
        problems.append(f"the page is {found['height']} px high")
    items = found["items"]
    for it in items:
        left, top, right, bottom = it["box"]
        # a phone scrolls the page down (never sideways); the other sizes show everything at once
        if left < -0.5 or top < -0.5 or right > width + 0.5 or bottom > height + 0.5 and smallest >= 16:
            problems.append(f"outside the viewport: {it}")
        if it["size"] < smallest:
            problems.append(f"{it['size']} px: {it}")
        if it["clipped"]:
            problems.append(f"clipped: {it}")
    problems.extend(f"overlap: {a!r} and {b!r}" for a, b in found["overlaps"])
    return problems


@pytest.mark.slow
def test_readable_from_the_back_row_and_on_a_phone(start_up, zk_hosts, browser, tmp_path):
    import os

    up, students, teacher = start(start_up, zk_hosts, lang="es")
    ready(browser, teacher)
    leader = up.leader()
    others = [n["id"] for n in up.status()["nodes"] if n["id"] != leader]
    assert up.cli("partition", others[0]).returncode == 0          # the long labels: cut off, paused
    assert up.cli("pause", others[1]).returncode == 0
    wait_until(lambda: node_state(up, others[1])["state"] == "paused", 10, "a paused node")
    out = os.environ.get("CLUSTERSIM_SCREENSHOTS")          # scripts: the docs' screenshots
    failures = {}
    for width, height, smallest in SIZES:
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
        browser.get(teacher)
        dom_wait(browser, lambda d: node_attr(d, others[1], "data-state") == "paused", 15, "the paused node")
        dom_wait(browser, lambda d: "partitioned" in (node_attr(d, others[0], "data-faults") or ""), 10, "the cut")
        dom_wait(browser, lambda d: d.find_elements("css selector", "#controls button"), 5, "the controls bar")
        problems = layout_problems(browser, width, height, smallest)
        if problems:
            failures[f"{width}x{height}"] = problems
        if out:
            browser.save_screenshot(os.path.join(out, f"web-{width}x{height}.png"))
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert not failures, "\n".join(f"{size}: {p}" for size, ps in failures.items() for p in ps[:12])
