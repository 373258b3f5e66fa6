"""What a lecture hall of 1,000 nodes costs the screens (issue 22): the live view's frame, the
digest, `status --json` and `status` through the real control socket and CLI.

    .venv/bin/python scripts/big_measure.py [--nodes 1000] [--frames 40] [--runs 5]

The state is a synthetic session through the supervisor's own core (web/synthetic.py, the
election queue on), six nodes of it in trouble, as tests/test_view_big.py builds it. No
ZooKeeper and no node processes: this measures state -> screens only.

- frame: what LivePrinter does four times a second: render(state, now, width, height) and rich
  writing it to a (string) terminal; "fitted" fits the layout every frame, "kept" reuses the
  layout as the printer does between refits (it fits again at most once a second);
- status --json / status: a ControlServer on a socket of its own answers `status` as the
  supervisor's handler does (engine/digest.status); the CLI is run as a user would run it
  (a fresh Python process each time, its start-up included), and asked in-process (control.send).

    .venv/bin/python scripts/big_measure.py --page 30

The web page in a headless Chromium (tests/web_support.py), `--page` seconds in each mode, the
session advanced in real time four times a second (a reading a second from every node) and fed
to a WebView as the supervisor's Feed does: "summary" (this issue: the live snapshot carries the
drawn rows and the summary) against "every node" (the status without its summary: the page
draws 1,000 circles, as before). Chrome's own Performance metrics over the window (the page's
main-thread task, script and layout time, in % of the window) and this process's CPU (the
supervisor's side: snapshots, encoding, events).

    .venv/bin/python scripts/big_measure.py --record 30

`up --record` at 1,000 nodes: the session on a simulated clock, its events and a frame every
0.25 s handed to a WebRecorder as the Feed does (the status made at every frame: the recorder
always wants one, and keeps two a second); the CPU time of each part per simulated second, and
the file's size.
"""

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from rich.console import Console  # noqa: E402

from cluster_sim import control  # noqa: E402
from cluster_sim.control.server import ControlServer  # noqa: E402
from cluster_sim.engine.digest import digest, status  # noqa: E402
from cluster_sim.presentation.view import fit, render  # noqa: E402
from cluster_sim.web.synthetic import T0, SyntheticSession  # noqa: E402

UPSET = {"230": "hard_kill", "1000": "kill", "17": "pause", "404": "partition", "77": "slow", "512": "no_api"}


def hall(nodes: int, lang: str = "en"):
    session = SyntheticSession(nodes=nodes, start=T0, fault_every=1e9, lang=lang, queue=True)
    session.advance(T0 + 3)
    for node, kind in UPSET.items():
        if int(node) <= nodes:
            session.upset(T0 + 3.5, node, kind)
    session.advance(T0 + 5.6)
    return session.state, T0 + 5.6


def ms(samples):
    return "median %.1f ms (min %.1f, max %.1f)" % (statistics.median(samples) * 1000, min(samples) * 1000,
                                                    max(samples) * 1000)


def frames(state, now, width, height, count, kept):
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True, color_system="truecolor")
    layout = fit(state, now, width, height) if kept else None
    out = []
    for i in range(count):
        t = time.perf_counter()
        console.print(render(state, now + i * 0.25, width=width, height=height, layout=layout))
        out.append(time.perf_counter() - t)
        console.file = io.StringIO()
    return out


def page(nodes: int, seconds: float) -> None:
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
    from web_support import headless_browser
    from cluster_sim.web import WebView
    from cluster_sim.web.feed import Feed

    for mode in ("summary", "every node"):
        start = time.time()
        session = SyntheticSession(nodes=nodes, start=start, fault_every=1e9, queue=True)
        for node, kind in UPSET.items():
            if int(node) <= nodes:
                session.upset(start + 0.5, node, kind)
        view = WebView("127.0.0.1", 0, lang="en").start()
        feed = Feed(view, describe=session.describe)
        try:
            with headless_browser() as driver:
                driver.get(view.url)

                def pump(until: float) -> None:
                    while time.time() < until:
                        now = time.time()
                        for event in session.advance(now):
                            feed.event(event)
                        if view.wants_snapshot(now):
                            view.offer_snapshot(status(session.state, now) if mode == "summary"
                                                else session.state.to_json(now), now)
                        time.sleep(max(0.0, 0.25 - (time.time() - now)))
                pump(time.time() + 3)               # the page loads, the first snapshots arrive
                driver.execute_cdp_cmd("Performance.enable", {})

                def metrics():
                    got = driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]
                    return {m["name"]: m["value"] for m in got}
                before, cpu0, t0 = metrics(), time.process_time(), time.time()
                pump(t0 + seconds)
                after, cpu1, t1 = metrics(), time.process_time(), time.time()
                window = t1 - t0
                share = {k: 100 * (after[k] - before[k]) / window
                         for k in ("TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration")}
                drawn = driver.execute_script("return document.querySelectorAll('g.node').length")
                print(f"page, {mode}: {drawn} nodes drawn; Chromium main thread busy {share['TaskDuration']:.1f} % "
                      f"(script {share['ScriptDuration']:.1f} %, layout {share['LayoutDuration']:.1f} %, "
                      f"style {share['RecalcStyleDuration']:.1f} %); DOM nodes {after.get('Nodes', 0):.0f}, "
                      f"JS heap {after.get('JSHeapUsedSize', 0) / 1e6:.1f} MB; this process (session + web view) "
                      f"{100 * (cpu1 - cpu0) / window:.1f} % of a core over {window:.0f} s")
        finally:
            view.close()


def recording(nodes: int, seconds: float) -> None:
    import tempfile

    from cluster_sim.web.recording import WebRecorder

    session = SyntheticSession(nodes=nodes, start=T0, fault_every=1e9, queue=True)
    clock = [T0]
    with tempfile.TemporaryDirectory(prefix="clustersim-bigrec-") as tmp:
        path = os.path.join(tmp, "hall.html")
        recorder = WebRecorder(path, clock=lambda: clock[0], describe=session.describe)
        cpu = {"events": 0.0, "status": 0.0, "recorder": 0.0}
        t = T0
        for warm in (True, False):
            end = t + (5 if warm else seconds)
            if not warm:
                cpu = dict.fromkeys(cpu, 0.0)
            while t < end:
                t += 0.25
                clock[0] = t
                a = time.process_time()
                for event in session.advance(t):
                    recorder.publish(event)
                b = time.process_time()
                cpu["events"] += b - a
                if recorder.wants_snapshot(t):
                    snapshot = status(session.state, t)
                    c = time.process_time()
                    cpu["status"] += c - b
                    recorder.offer_snapshot(snapshot, t)
                    cpu["recorder"] += time.process_time() - c
        recorder.close()
        size = os.path.getsize(path)
    print(f"--record, {nodes} nodes, {seconds:g} s: " + ", ".join(
        f"{name} {1000 * spent / seconds:.1f} ms a second" for name, spent in cpu.items())
        + f" (CPU time); the file {size / 1e6:.2f} MB for {seconds + 5:g} s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=1000)
    parser.add_argument("--frames", type=int, default=40)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--page", type=float, default=0.0, help="seconds of the web page in each mode (0: none)")
    parser.add_argument("--record", type=float, default=0.0, help="simulated seconds of `up --record` (0: none)")
    args = parser.parse_args()
    if args.record:
        recording(args.nodes, args.record)
        return
    if args.page:
        page(args.nodes, args.page)
        return
    state, now = hall(args.nodes)
    frames(state, now, 80, 24, 3, False)     # warm-up: imports, the catalogue
    print(f"{args.nodes} nodes, {len(digest(state, now).not_fine)} not fine")
    for width, height in ((80, 24), (160, 50)):
        for kept in (False, True):
            print(f"frame {width}x{height} ({'kept layout' if kept else 'fitted'}): "
                  f"{ms(frames(state, now, width, height, args.frames, kept))}")
    samples = []
    for _ in range(args.frames):
        t = time.perf_counter()
        digest(state, now)
        samples.append(time.perf_counter() - t)
    print(f"digest: {ms(samples)}")
    samples = []
    for _ in range(args.frames):
        t = time.perf_counter()
        data = json.dumps(status(state, now))
        samples.append(time.perf_counter() - t)
    print(f"status dict + JSON in the supervisor: {ms(samples)}, {len(data):,} bytes")

    name = f"bigmeasure-{os.getpid()}"
    server = ControlServer(name, submit=lambda request, reply: reply.put(
        {"ok": True, "status": status(state, now)}))   # the session's own clock
    server.start()
    try:
        samples = []
        for _ in range(args.runs * 4):
            t = time.perf_counter()
            control.send(name, {"cmd": "status"})
            samples.append(time.perf_counter() - t)
        print(f"status over the control socket, in-process: {ms(samples)}")
        cli = [os.path.join(os.path.dirname(sys.executable), "clustersim"), "status", "--name", name]
        for extra in (["--json"], []):
            samples = []
            for _ in range(args.runs):
                t = time.perf_counter()
                done = subprocess.run(cli + extra, capture_output=True, text=True, timeout=60)
                samples.append(time.perf_counter() - t)
                if done.returncode != 0:
                    raise SystemExit(f"clustersim status {' '.join(extra)} failed: {done.stderr.strip()}")
            print(f"clustersim status {' '.join(extra)}: {ms(samples)} (a fresh process), "
                  f"{len(done.stdout):,} bytes, {len(done.stdout.splitlines())} lines")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
