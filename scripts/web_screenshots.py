"""Screenshots of the web view for the docs, from a real cluster: the live page and its recording.

    .venv/bin/python scripts/web_screenshots.py [--out docs]

Starts `clustersim up -n 5` (its own ZooKeeper and API), attaches a web view
through the control socket, kills the leader gracefully, pauses a follower
and kills another hard, takes docs/web-live.png; then stops the cluster,
writes the recording (in Spanish) and takes docs/web-recording.png at its
end. Needs chromium and chromium-driver (scripts/setup.sh). Everything it
starts is stopped, also on Ctrl-C (the browser, the waiting and the cluster's start and
stop are scripts/script_support.py's).
"""

import argparse
import os
import subprocess
import sys
import shutil
import tempfile
import time

from script_support import HERE, browser, running_up, wait as wait_for


def wait(predicate, timeout, what):
    return wait_for(predicate, timeout, what, script="web_screenshots")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(HERE, "..", "docs"))
    parser.add_argument("--size", default="1280x720")
    args = parser.parse_args()
    width, height = (int(x) for x in args.size.split("x"))

    runtime = tempfile.mkdtemp(prefix="clustersim-shots-")
    os.environ["CLUSTERSIM_RUNTIME_DIR"] = runtime
    os.environ["CLUSTERSIM_STATE_DIR"] = runtime
    from cluster_sim import control
    from cluster_sim.web import WebRecorder, WebView
    from cluster_sim.web.follow import Follower

    name = "clase"
    view = follower = None

    def status():
        return control.send(name, {"cmd": "status"}, timeout=5)["status"]

    def cli(*argv):
        subprocess.run([sys.executable, "-m", "cluster_sim", *argv, "--name", name], check=True,
                       stdout=subprocess.DEVNULL)
    try:
        with running_up(["-n", "5", "--interval", "1", "--session-timeout", "3"], name=name):
            wait(lambda: status()["leader"] and status()["rounds_stored"], 60, "a leader and a stored round")
            view = WebView("127.0.0.1", 0, title=f"clustersim · {name}", lang="en").start()
            recorder = WebRecorder(os.path.join(runtime, "clase.html"), title=f"clustersim · {name}", lang="es")
            follower = Follower(name, period=0.1).start(view, recorder)
            with browser(width, height) as driver:
                driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",          # exactly this viewport
                                       {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
                driver.get(view.url)
                time.sleep(4)
                first = status()["leader"]
                cli("kill", first)
                second = wait(lambda: (lambda s: s if s not in (None, first) else None)(status()["leader"]), 20,
                              "a new leader")
                time.sleep(3)
                others = [n["id"] for n in status()["nodes"] if n["id"] not in (first, second)]
                cli("pause", others[0])
                cli("kill", others[1], "--hard")
                time.sleep(3.2)    # the crashed node's reading ages; readings flow
                driver.save_screenshot(os.path.join(args.out, "web-live.png"))
                cli("resume", others[0])
                cli("kill", second, "--hard")
                third = wait(lambda: (lambda s: s if s not in (None, second) else None)(status()["leader"]), 20,
                             "a leader after the hard kill")
                time.sleep(3)
                follower.close()
                path = recorder.close(results={"title": "Resultados", "rows": [
                    ["líderes", f"{first} → {second} (SIGTERM) → {third} (SIGKILL)"],
                    ["rondas guardadas en la API", str(status()["rounds_stored"])]]})
                driver.get("file://" + path + "#end")
                time.sleep(1.5)
                driver.save_screenshot(os.path.join(args.out, "web-recording.png"))
            print("wrote", os.path.join(args.out, "web-live.png"), "and", os.path.join(args.out, "web-recording.png"))
    finally:
        if follower is not None:
            follower.close()
        if view is not None:
            view.close()
        shutil.rmtree(runtime, ignore_errors=True)


if __name__ == "__main__":
    main()
