"""Measurement 3: `clustersim kill <leader>` typed -> a new leader.

    result = kill_command(bench, cfg, log)
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Dict

from cluster_sim.bench.config import Config
from cluster_sim.bench.results import Log, Result, error
from cluster_sim.bench.support import BenchSession, clustersim_command, summary_ms, wait_for
from cluster_sim.bench.up_control import (
    control_status, leftovers, node_pids, node_state, restart_stopped, run_cli, running_with_values,
)
from cluster_sim.bench.watches import ElectionWatch, LeaderZnodeWatch


def kill_command(bench: BenchSession, cfg: Config, log: Log) -> Result:
    cs = clustersim_command()
    hosts = bench.chroot("kill")
    runtime = bench.tempdir("run-")
    name = "benchX"
    env = dict(os.environ, CLUSTERSIM_RUNTIME_DIR=runtime)
    out: Result = {"params": {"nodes": 3, "interval_s": 1.0, "trials": cfg.kill_trials, "status_runs": cfg.status_runs,
                              "command": " ".join(os.path.basename(c) if i == 0 else c for i, c in enumerate(cs))},
                   "to_new_leader": [], "to_election": [], "command_exit": [], "errors": []}
    up = bench.spawn(cs + ["up", "-n", "3", "--interval", "1", "--zk", hosts, "--plain", "--name", name],
                     "kill-up", env={"CLUSTERSIM_RUNTIME_DIR": runtime}, stop_signal=signal.SIGINT)
    client = bench.client(hosts)
    try:
        client.ensure_path("/clustersim")
        election = ElectionWatch(client)
        leader_watch = LeaderZnodeWatch(client)

        def ready() -> bool:
            if up.poll() is not None:
                raise RuntimeError(f"up exited ({up.returncode}): {bench.log_tail(up)}")
            status = control_status(runtime, name)
            return (len(running_with_values(status)) == 3 and status["leader"] is not None
                    and leader_watch.leader == status["leader"] and len(election.contenders()) == 3)

        wait_for(ready, 60, "3 running nodes and a leader")
        for trial in range(1, cfg.kill_trials + 1):
            try:
                wait_for(ready, 60, "3 running nodes and a leader")
                answer = run_cli(cs, ["status", "--json", "--name", name], env)
                leader = json.loads(answer.stdout)["leader"]
                l_mark, e_mark = leader_watch.mark(), election.mark()
                exited: Dict[str, float] = {}
                t0 = time.time()
                proc = subprocess.Popen(cs + ["kill", str(leader), "--name", name], env=env,
                                        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
                waiter = threading.Thread(target=lambda: (proc.wait(), exited.setdefault("t", time.time())),
                                          daemon=True)
                waiter.start()
                try:
                    got = leader_watch.wait_new_leader(l_mark, leader, 30)
                    elected = election.wait_new_leader(e_mark, leader, 5)
                    stdout, stderr = proc.communicate(timeout=30)
                finally:
                    if proc.poll() is None:
                        proc.kill()
                        proc.wait()
                waiter.join(5)
                if proc.returncode != 0:
                    raise RuntimeError(f"clustersim kill exited {proc.returncode}: {stderr.strip()}")
                if got is None:
                    raise TimeoutError("/clustersim/leader never named another node")
                out["to_new_leader"].append(got[0] - t0)
                if elected:
                    out["to_election"].append(elected[0] - t0)
                if "t" in exited:
                    out["command_exit"].append(exited["t"] - t0)
                log(f"kill typed {trial}/{cfg.kill_trials}: {leader} -> {got[1]}: "
                    f"{1000 * (got[0] - t0):.0f} ms (command exited after "
                    f"{1000 * (exited.get('t', t0) - t0):.0f} ms)")
                # the supervisor must have reaped the old process before it starts the id again
                wait_for(lambda: node_state(control_status(runtime, name), leader) in ("stopped", "crashed"),
                         30, f"node {leader} reaped by the supervisor")
                started = run_cli(cs, ["start", str(leader), "--name", name], env)
                if started.returncode != 0:
                    raise RuntimeError(f"clustersim start failed: {started.stderr.strip()}")
                wait_for(lambda: str(leader) in election.contenders(), 30, f"node {leader} back in the election")
            except Exception as exc:  # noqa: BLE001 - a failed trial is recorded in the report; the bench goes on
                out["errors"].append(f"trial {trial}: {error(exc)}")
                log(f"kill typed {trial}: {error(exc)}")
                restart_stopped(cs, env, runtime, name)
        # the bare command: how long `clustersim status` takes, start-up included
        status_times = []
        for _ in range(cfg.status_runs):
            began = time.perf_counter()
            answer = run_cli(cs, ["status", "--name", name], env)
            status_times.append(time.perf_counter() - began)
            if answer.returncode != 0:
                out["errors"].append(f"status: {answer.stderr.strip()}")
        python_times = []
        for _ in range(cfg.status_runs):
            began = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], check=False)
            python_times.append(time.perf_counter() - began)
        out["status_command"] = summary_ms(status_times)
        out["python_startup"] = summary_ms(python_times)
    finally:
        pids = node_pids(runtime, name)
        code, killed = bench.stop(up, signal.SIGINT, timeout=40)
        out["up_exit"] = {"code": code, "killed": killed, "nodes_left_running": leftovers(pids)}
        bench.close_client(client)
    for key in ("to_new_leader", "to_election", "command_exit"):
        out[key] = summary_ms(out[key])
    return out
