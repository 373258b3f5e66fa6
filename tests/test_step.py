"""--step: one press per step, and the press runs the step its prompt names.

The stage is driven through a pipe, as a terminal's Enter reaches it, with a
manager that keeps what the screen is told and which requests are sent.
"""

import os
import threading
import time

from cluster_sim.demo.stage import Aborted, Demo
from cluster_sim.words import narration

DEADLINE = 10.0


class Screen:
    """The manager as a demo sees it: narrations shown, requests answered ok."""

    def __init__(self) -> None:
        self.hints: "list[str]" = []
        self.sent: "list[str]" = []
        self.lock = threading.Lock()

    def narrate(self, title, text="", question="", hint=None, log=True, live_step="", lang=""):
        with self.lock:
            self.hints.append(hint or "")

    def submit_request(self, request, reply):
        with self.lock:
            self.sent.append(request["cmd"])
        reply.put({"ok": True, "status": {}})

    def hint(self) -> str:
        with self.lock:
            return self.hints[-1] if self.hints else ""


def wait_until(what, predicate):
    deadline = time.monotonic() + DEADLINE
    while not predicate():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


def scenario(demo: Demo) -> None:
    demo.narrate("leader_up", leader="1", epoch=1, interval=0.1)    # as every demo opens
    demo.pause()
    demo.narrate("api_stop")
    demo.pause()
    demo.request("api-stop")
    demo.narrate("api_growing", depth=3)
    demo.pause()
    demo.status()
    demo.narrate("api_start")
    demo.request("api-start")
    demo.narrate("api_back", delivered=3, secs=1.0)
    demo.pause()
    demo.narrate("finished")


def start(demo: Demo) -> "tuple[threading.Thread, threading.Event]":
    """The scenario on its own thread, as the runner runs it; `done` once it ends by itself."""
    done = threading.Event()

    def run() -> None:
        try:
            scenario(demo)
            done.set()
        except Aborted:          # the test stopped it
            pass
    return threading.Thread(target=run, daemon=True), done


def test_each_press_runs_the_step_it_announced():
    for lang, prompt in (("en", "Press Enter to run: "), ("es", "Pulsa Intro para ejecutar: ")):
        screen = Screen()
        read, write = os.pipe()
        stdin = os.fdopen(read, "rb", buffering=0)
        demo = Demo(screen, api_url="http://127.0.0.1:1", interval=0.1, session_timeout=1.0, lang=lang,
                    step=True, stdin=stdin)
        thread, done = start(demo)
        thread.start()
        try:
            steps = [("api_stop", "api-stop"), ("api_start", "api-start"), ("finished", None)]
            for n, (key, cmd) in enumerate(steps):
                title = narration.told(lang, key, depth=3, delivered=3, secs=1.0).title
                wait_until(f"the prompt for {key}", lambda: screen.hint() == f"⏎  {prompt}{title}")
                assert demo.waiting_step == title
                before = list(screen.sent)
                assert cmd not in before            # nothing of the step runs before its press
                if n == 1:
                    assert demo.press() == title    # the teacher's page: the same gate
                else:
                    os.write(write, b"\n")
                if cmd:
                    wait_until(f"{cmd} after one press", lambda: cmd in screen.sent)
            wait_until("the demo ends after three presses", done.is_set)
            assert screen.sent.count("api-stop") == 1 and screen.sent.count("api-start") == 1
            assert screen.hint() == ""              # no prompt left on screen once its step runs
            assert demo.press() is None               # no step waits: refused
        finally:
            demo.stopped.set()
            thread.join(5)
            os.close(write)
            stdin.close()


def test_the_teachers_next_step_runs_the_step_enter_would_run():
    """POST {"cmd": "next-step"} with the key goes through the same gate as Enter; refused when none waits."""
    import json

    import requests

    from cluster_sim.supervisor.up_reach import Reach
    from cluster_sim.web.server import WebView
    from cluster_sim.web.teacher import KEY_HEADER, teacher_key

    screen = Screen()
    read, write = os.pipe()
    stdin = os.fdopen(read, "rb", buffering=0)
    demo = Demo(screen, api_url="http://127.0.0.1:1", interval=0.1, session_timeout=1.0, lang="es",
                step=True, stdin=stdin)

    class Session(Reach):          # the cluster's browser-facing half, with the demo's gate
        def __init__(self) -> None:
            self.o = type("Options", (), {"lang": "es"})()
            self.step_gate = demo.press

    view = WebView("127.0.0.1", 0, title="t", control=Session()._page_command, key=teacher_key("k")).start()

    def next_step():
        headers = {"Content-Type": "application/json", KEY_HEADER: teacher_key("k"),
                   "Origin": f"http://127.0.0.1:{view.port}"}
        answer = requests.post(f"http://127.0.0.1:{view.port}/control", data=json.dumps({"cmd": "next-step"}),
                               headers=headers, timeout=5)
        assert answer.status_code == 200, answer.text
        return answer.json()

    thread, _ = start(demo)
    try:
        refused = next_step()                  # no demo waits yet
        assert refused["ok"] is False and "ningún paso" in refused["error"]
        thread.start()
        title = narration.told("es", "api_stop").title
        wait_until("the first step waits", lambda: demo.waiting_step == title)
        answer = next_step()
        assert answer == {"ok": True, "message": f"en marcha: {title}"}
        wait_until("api-stop after one page press", lambda: "api-stop" in screen.sent)
        assert "api-start" not in screen.sent
    finally:
        demo.stopped.set()
        thread.join(5)
        view.close()
        os.close(write)
        stdin.close()


def test_a_step_demo_in_a_terminal_takes_one_press_a_step(runtime_dir):
    """`demo api-outage --step` in a pseudo-terminal: three steps after the opening (stop the API,
    start it, finish), three presses; each prompt names the step its press runs."""
    from conftest import INTERVAL, SESSION_TIMEOUT
    from terminal import Terminal

    def flat(screen):
        return " ".join(screen.replace("┃", " ").replace("│", " ").split())

    prompts = [narration.say("en", "step_hint", title=narration.told("en", key).title)
               for key in ("api_stop", "api_start", "finished")]
    growing = narration.told("en", "api_growing", depth=0).title.split("{")[0][:20]
    with Terminal.clustersim("demo", "api-outage", "--step", "--interval", INTERVAL, "--session-timeout",
                             SESSION_TIMEOUT, "--name", f"s{os.getpid()}", cols=220, rows=60) as term:
        for n, prompt in enumerate(prompts):
            term.wait_for(lambda s: " ".join(prompt.split()) in flat(s), timeout=120, what=prompt)
            if n == 0:
                assert growing not in flat(term.text())      # the API step has not run before its press
            term.type("\r")
        term.wait_exit(timeout=120)
        assert term.proc.returncode == 0
        assert b"Results" in term.raw
