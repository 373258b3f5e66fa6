"""How long from a click on the teacher's page to the node being killed, on a real cluster.

    .venv/bin/python scripts/teacher_latency.py [--runs 5]

Starts `clustersim up -n 3 --web 127.0.0.1:0 --events FILE` (its own ZooKeeper
and API), opens the teacher's address in a headless Chromium and, each run,
clicks the leader and chooses "kill" in its menu; the browser notes the click's
wall-clock time, the supervisor's event export the moment it signalled the
node (node_killed, taken just before the signal) and the moment it reaped it
(node_stopped). Same machine, same clock. Then starts the node again and waits
for a leader. Prints one line per run and the median; everything it starts is
stopped, also on failure. Needs chromium and chromium-driver (scripts/setup.sh); the browser,
the waiting and the cluster's start and stop are scripts/script_support.py's.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

from script_support import browser, running_up, wait as wait_for


def wait(predicate, timeout, what):
    return wait_for(predicate, timeout, what, script="teacher_latency", every=0.05)


def events(path, kind):
    with open(path) as f:
        return [r for r in map(json.loads, f) if r.get("kind") == kind]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="clustersim-latency-") as tmp:
        log, exported = os.path.join(tmp, "up.log"), os.path.join(tmp, "events.jsonl")
        name = f"lat{os.getpid()}"
        env = dict(os.environ, CLUSTERSIM_RUNTIME_DIR=tmp)
        with open(log, "w") as out, running_up(["-n", "3", "--web", "127.0.0.1:0", "--events", exported],
                                               name=name, env=env, stdout=out):
            url = wait(lambda: re.search(r"teacher's page \(controls[^)]*\): (\S+)", open(log).read()).group(1),
                       60, "the teacher's address")

            def status():
                done = subprocess.run([sys.executable, "-m", "cluster_sim", "status", "--json", "--name", name],
                                      capture_output=True, text=True, env=env, timeout=10)
                return json.loads(done.stdout)

            with browser() as driver:
                driver.get(url)
                found = []
                for run in range(args.runs):
                    leader = wait(lambda: status()["leader"] if all(
                        n["state"] == "running" for n in status()["nodes"]) else None, 60, "a leader")
                    wait(lambda: driver.find_element("css selector", f'g.node[data-id="{leader}"] circle.body'),
                         10, "the leader on the page")
                    driver.find_element("css selector", f'g.node[data-id="{leader}"] circle.body').click()
                    button = driver.find_element("css selector", '#menu button[data-act="kill"]')
                    driver.execute_script("arguments[0].addEventListener('click', function () {"
                                          " window.clickedAt = Date.now() / 1000; }, true)", button)
                    before = len(events(exported, "node_stopped"))
                    button.click()
                    stopped = wait(lambda: events(exported, "node_stopped")[before:], 10, "the node stopped")[0]
                    clicked = driver.execute_script("return window.clickedAt")
                    killed = [e for e in events(exported, "node_killed") if e["node"] == leader][-1]
                    signalled, reaped = (killed["ts"] - clicked) * 1000, (stopped["ts"] - clicked) * 1000
                    found.append((signalled, reaped))
                    print(f"run {run + 1}: node {leader} signalled {signalled:.0f} ms after the click, "
                          f"reaped (stopped) {reaped:.0f} ms after it")
                    subprocess.run([sys.executable, "-m", "cluster_sim", "start", leader, "--name", name],
                                   capture_output=True, env=env, timeout=10)
                print(f"median: signalled {statistics.median(s for s, _ in found):.0f} ms, "
                      f"stopped {statistics.median(r for _, r in found):.0f} ms after the click ({len(found)} runs)")


if __name__ == "__main__":
    main()
