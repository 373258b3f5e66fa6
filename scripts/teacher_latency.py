"""How long from a click on the teacher's page to the node being killed, on a real cluster.

    .venv/bin/python scripts/teacher_latency.py [--runs 5]

Starts `clustersim up -n 3 --web 127.0.0.1:0 --events FILE` (its own ZooKeeper
and API), opens the teacher's address in a headless Chromium and, each run,
clicks the leader and chooses "kill" in its menu; the browser notes the click's
wall-clock time, the supervisor's event export the moment it signalled the
node (node_killed, taken just before the signal) and the moment it reaped it
(node_stopped). Same machine, same clock. Then starts the node again and waits
for a leader. Prints one line per run and the median; everything it starts is
stopped, also on failure. Needs chromium and chromium-driver (scripts/setup.sh).
"""

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))


def wait(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except Exception:  # not there yet
            value = None
        if value:
            return value
        time.sleep(0.05)
    raise SystemExit(f"teacher_latency: timed out waiting for {what}")


def events(path, kind):
    with open(path) as f:
        return [r for r in map(json.loads, f) if r.get("kind") == kind]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from web_support import headless_browser   # tests/web_support.py: the same headless Chromium

    with tempfile.TemporaryDirectory(prefix="clustersim-latency-") as tmp:
        log, exported = os.path.join(tmp, "up.log"), os.path.join(tmp, "events.jsonl")
        name = f"lat{os.getpid()}"
        env = dict(os.environ, CLUSTERSIM_RUNTIME_DIR=tmp)
        with open(log, "w") as out:
            up = subprocess.Popen([sys.executable, "-m", "cluster_sim", "up", "-n", "3", "--plain", "--name", name,
                                   "--web", "127.0.0.1:0", "--events", exported],
                                  stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        try:
            url = wait(lambda: re.search(r"teacher's page \(controls[^)]*\): (\S+)", open(log).read()).group(1),
                       60, "the teacher's address")

            def status():
                done = subprocess.run([sys.executable, "-m", "cluster_sim", "status", "--json", "--name", name],
                                      capture_output=True, text=True, env=env, timeout=10)
                return json.loads(done.stdout)

            with headless_browser() as browser:
                browser.get(url)
                found = []
                for run in range(args.runs):
                    leader = wait(lambda: status()["leader"] if all(
                        n["state"] == "running" for n in status()["nodes"]) else None, 60, "a leader")
                    wait(lambda: browser.find_element("css selector", f'g.node[data-id="{leader}"] circle.body'),
                         10, "the leader on the page")
                    browser.find_element("css selector", f'g.node[data-id="{leader}"] circle.body').click()
                    button = browser.find_element("css selector", '#menu button[data-act="kill"]')
                    browser.execute_script("arguments[0].addEventListener('click', function () {"
                                           " window.clickedAt = Date.now() / 1000; }, true)", button)
                    before = len(events(exported, "node_stopped"))
                    button.click()
                    stopped = wait(lambda: events(exported, "node_stopped")[before:], 10, "the node stopped")[0]
                    clicked = browser.execute_script("return window.clickedAt")
                    killed = [e for e in events(exported, "node_killed") if e["node"] == leader][-1]
                    signalled, reaped = (killed["ts"] - clicked) * 1000, (stopped["ts"] - clicked) * 1000
                    found.append((signalled, reaped))
                    print(f"run {run + 1}: node {leader} signalled {signalled:.0f} ms after the click, "
                          f"reaped (stopped) {reaped:.0f} ms after it")
                    subprocess.run([sys.executable, "-m", "cluster_sim", "start", leader, "--name", name],
                                   capture_output=True, env=env, timeout=10)
                print(f"median: signalled {statistics.median(s for s, _ in found):.0f} ms, "
                      f"stopped {statistics.median(r for _, r in found):.0f} ms after the click ({len(found)} runs)")
        finally:
            up.send_signal(signal.SIGINT)
            try:
                up.wait(60)
            except subprocess.TimeoutExpired:
                up.kill()
                up.wait(10)


if __name__ == "__main__":
    main()
