"""What the web view costs: the supervisor's CPU and memory, and the page's memory in a real browser.

    .venv/bin/python scripts/web_measure.py --minutes 3 --nodes 30 --readers 30 [--json out.json]

Two runs of the same synthetic 30-node session (cluster_sim/web/synthetic.py: a
reading a second from every node, a round a second, a fault a minute), in
real time, on a "manager" thread that does what the supervisor's loop does
four times a second (advance the state, hand the events to the listeners,
offer a snapshot):

1. baseline: the session alone;
2. web: the same plus a WebView with a headless Chromium showing the page
   and `--readers` more viewers (plain SSE clients in another process, as
   students' laptops), and a WebRecorder recording it all.

The difference in this process's CPU time is what the web view costs the
supervisor. Memory: this process's RSS and the page's JS heap and DOM size
(Chrome's Performance metrics) sampled every 10 s, to see whether they grow.

    .venv/bin/python scripts/web_measure.py --page-session 45 --speed 16

The page through a whole 45-minute session in under three minutes: its
recording replayed at 16x (the same model code as live, every event of it),
the JS heap and DOM size sampled every 10 s.
"""

import argparse
import contextlib
import json
import os
import resource
import select
import socket
import subprocess
import sys
import threading
import time

from script_support import browser     # the headless Chromium the other scripts and the tests use


def rss_mb(pid="self"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_s():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def readers_main(url, count):
    """Plain SSE viewers that read everything (run in their own process)."""
    from urllib.parse import urlsplit
    parts = urlsplit(url)
    socks = []
    for _ in range(count):
        s = socket.create_connection((parts.hostname, parts.port))
        s.sendall(b"GET /events HTTP/1.1\r\nHost: x\r\n\r\n")
        socks.append(s)
    received = 0
    while socks:
        ready, _, _ = select.select(socks, [], [], 1.0)
        for s in ready:
            data = s.recv(65536)
            if not data:
                socks.remove(s)
            received += len(data)
    print(received)


def run(minutes, nodes, web, readers, record=True, sample_every=10.0):
    from cluster_sim.web import Feed, WebRecorder, WebView
    from cluster_sim.web.synthetic import SyntheticSession

    start = time.time()
    session = SyntheticSession(nodes=nodes, interval=1.0, seed=1, start=start, fault_every=60)
    sinks, view, recorder, driver, reader_proc = [], None, None, None, None
    if web:
        view = WebView("127.0.0.1", 0, title="measure", lang="es").start()
        sinks = [view]
        if record:
            recorder = WebRecorder("/tmp/clustersim-web-measure.html", title="measure", lang="es")
            sinks.append(recorder)
    feed = Feed(*sinks, describe=session.describe)   # the core's events, worded as the supervisor's Feed does
    stop = threading.Event()

    def manager():
        while not stop.wait(0.25):
            now = time.time()
            for event in session.advance(now):
                feed.event(event)
            feed.frame(session.state, now)

    thread = threading.Thread(target=manager, daemon=True)
    samples = []
    closing = contextlib.ExitStack()
    try:
        if web:
            driver = closing.enter_context(browser(1920, 1080))
            driver.get(view.url)
            driver.execute_cdp_cmd("Performance.enable", {})
            reader_proc = subprocess.Popen([sys.executable, __file__, "--readers-of", view.url, "--readers",
                                            str(readers)], stdout=subprocess.PIPE, text=True)
        thread.start()
        time.sleep(5)   # settle: the page loads, the viewers connect
        cpu0, wall0 = cpu_s(), time.monotonic()
        end = wall0 + minutes * 60
        while time.monotonic() < end:
            time.sleep(sample_every)
            sample = {"t": round(time.monotonic() - wall0, 1), "cpu_pct": None, "rss_mb": round(rss_mb(), 1)}
            sample["cpu_pct"] = round(100 * (cpu_s() - cpu0) / (time.monotonic() - wall0), 2)
            if driver is not None:
                driver.execute_cdp_cmd("HeapProfiler.collectGarbage", {})
                metrics = {m["name"]: m["value"] for m in driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]}
                sample.update(js_heap_mb=round(metrics["JSHeapUsedSize"] / 2**20, 2), dom_nodes=int(metrics["Nodes"]),
                              listeners=int(metrics["JSEventListeners"]))
                sample["viewers"] = view.viewers
            samples.append(sample)
            print(json.dumps(sample), flush=True)
        cpu = cpu_s() - cpu0
        wall = time.monotonic() - wall0
    finally:
        stop.set()
        if thread.is_alive():
            thread.join()
        closing.close()         # the browser
        if view is not None:
            view.close()
        if reader_proc is not None:
            reader_proc.wait(30)
        if recorder is not None:
            recorder.close()
    return {"cpu_pct": round(100 * cpu / wall, 2), "samples": samples,
            "dropped": view.hub.dropped if view else 0,
            "recording_bytes": os.path.getsize(recorder.path) if recorder else 0}


def page_over_a_session(session_minutes, nodes, speed, sample_every=10.0):
    """The page's memory through a whole synthetic session, replayed from its recording at `speed`:
    the same model code as live (events, snapshots, log, timeline, flows) over every event of it."""
    from cluster_sim.web.synthetic import record

    path = "/tmp/clustersim-web-measure-45.html"
    record(path, session_minutes, nodes, lang="es", title="measure")
    samples = []
    with browser(1920, 1080) as driver:
        driver.get("file://" + path)
        driver.execute_cdp_cmd("Performance.enable", {})
        driver.execute_script(f"document.getElementById('speed').innerHTML += '<option value={speed}>{speed}</option>';"
                              f"document.getElementById('speed').value = '{speed}';")
        driver.find_element("id", "play").click()
        started = time.monotonic()
        while driver.find_element("tag name", "body").get_attribute("data-ended") != "1":
            time.sleep(sample_every)
            driver.execute_cdp_cmd("HeapProfiler.collectGarbage", {})   # count what lives, not what awaits GC
            metrics = {m["name"]: m["value"] for m in driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]}
            sample = {"session_min": round((time.monotonic() - started) * speed / 60, 1),
                      "js_heap_mb": round(metrics["JSHeapUsedSize"] / 2**20, 2), "dom_nodes": int(metrics["Nodes"])}
            samples.append(sample)
            print(json.dumps(sample), flush=True)
    return {"recording_bytes": os.path.getsize(path), "samples": samples}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--nodes", type=int, default=30)
    parser.add_argument("--readers", type=int, default=30)
    parser.add_argument("--readers-of")
    parser.add_argument("--no-record", action="store_true", help="the web view without a recorder")
    parser.add_argument("--page-session", type=float, default=0,
                        help="instead: the page's memory through a session of this many minutes, replayed")
    parser.add_argument("--speed", type=int, default=16)
    parser.add_argument("--json")
    args = parser.parse_args()
    if args.readers_of:
        readers_main(args.readers_of, args.readers)
        return
    if args.page_session:
        result = page_over_a_session(args.page_session, args.nodes, args.speed)
        if args.json:
            with open(args.json, "w") as f:
                json.dump(result, f, indent=1)
        return
    base = run(args.minutes, args.nodes, web=False, readers=0)
    web = run(args.minutes, args.nodes, web=True, readers=args.readers, record=not args.no_record)
    result = {"minutes": args.minutes, "nodes": args.nodes, "viewers": args.readers + 1,
              "recording": not args.no_record,
              "baseline_cpu_pct": base["cpu_pct"], "web_cpu_pct": web["cpu_pct"],
              "web_cost_pct_of_a_core": round(web["cpu_pct"] - base["cpu_pct"], 2),
              "baseline": base, "web": web}
    print(json.dumps({k: v for k, v in result.items() if k not in ("baseline", "web")}, indent=1))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
