"""Measurement 4: `clustersim up -n 5` -> the first mean stored (the original: scripted).

    result = first_mean(bench, cfg, log)
"""

import signal
import sys
import time
from typing import Tuple

from cluster_sim.bench.config import Config
from cluster_sim.bench.results import Log, Result, error
from cluster_sim.bench.support import Api, BenchSession, clustersim_command, summary_ms
from cluster_sim.bench.up_control import control_status, leftovers, node_pids


def first_mean(bench: BenchSession, cfg: Config, log: Log) -> Result:
    out: Result = {"params": {"nodes": cfg.first_mean_nodes, "interval_s": 1.0, "trials": cfg.first_mean_trials,
                              "zookeeper": "a fresh server per trial (clustersim: embedded, no --zk)"}}
    api = bench.api()
    try:
        for system, fn in (("clustersim", _first_mean_clustersim), ("original", _first_mean_original)):
            if system not in cfg.systems:
                continue
            part: Result = {"first_row": [], "shutdown": [], "errors": []}
            for trial in range(1, cfg.first_mean_trials + 1):
                try:
                    first, stop_s = fn(bench, cfg, api, trial, part)
                    part["first_row"].append(first)
                    part["shutdown"].append(stop_s)
                    log(f"first mean {system} (-n {cfg.first_mean_nodes}) {trial}/{cfg.first_mean_trials}: "
                        f"stored after {first:.2f} s; stopped in {stop_s:.2f} s")
                except Exception as exc:  # noqa: BLE001 - a failed trial is recorded in the report; the bench goes on
                    part["errors"].append(f"trial {trial}: {error(exc)}")
                    log(f"first mean {system} {trial}: {error(exc)}")
            part["first_row"] = summary_ms(part["first_row"])
            part["shutdown"] = summary_ms(part["shutdown"])
            part.pop("_marks", None)
            if "leader_visible" in part:
                part["leader_visible"] = summary_ms(part["leader_visible"])
            out[system] = part
    finally:
        bench.close_api(api)
    return out


def _first_mean_clustersim(bench: BenchSession, cfg: Config, api: Api, trial: int,
                           part: Result) -> Tuple[float, float]:
    """`clustersim up -n 5 --interval 1` (embedded ZooKeeper) until the API stored a mean."""
    cs = clustersim_command()
    runtime = bench.tempdir("run-")
    mark = api.mark()
    t0 = time.time()
    up = bench.spawn(cs + ["up", "-n", str(cfg.first_mean_nodes), "--interval", "1", "--plain",
                           "--name", "benchY", "--api-url", api.url],
                     f"first-mean-up-{trial}", env={"CLUSTERSIM_RUNTIME_DIR": runtime},
                     stop_signal=signal.SIGINT)
    pids = []
    try:
        # where the time goes: when `status` first shows a leader (polled every 50 ms)
        deadline = time.monotonic() + 90
        row = None
        while row is None and time.monotonic() < deadline and up.poll() is None:
            if "leader" not in part.setdefault("_marks", {}):
                try:
                    if control_status(runtime, "benchY", timeout=1.0)["leader"] is not None:
                        part["_marks"]["leader"] = time.time()
                except (OSError, RuntimeError, ValueError):
                    pass  # not listening yet
            row = api.wait_row(mark, None, 0.05)
        if up.poll() is not None:
            raise RuntimeError(f"up exited ({up.returncode}): {bench.log_tail(up)}")
        leader_at = part.pop("_marks", {}).get("leader")
        if leader_at is not None:
            part.setdefault("leader_visible", []).append(leader_at - t0)
        pids = node_pids(runtime, "benchY")
    finally:
        began = time.time()
        code, killed = bench.stop(up, signal.SIGINT, timeout=40)
        stop_s = time.time() - began
    left = leftovers(pids)
    if left:
        part["errors"].append(f"trial {trial}: node processes {left} still running after up exited")
    if row is None:
        raise TimeoutError("no mean stored within 90 s")
    if killed:
        raise RuntimeError("up did not exit within 40 s of SIGINT: killed")
    return row[0] - t0, stop_s


def _first_mean_original(bench: BenchSession, cfg: Config, api: Api, trial: int,
                         part: Result) -> Tuple[float, float]:
    """The original's set-up, scripted: a ZooKeeper server, then N app processes at once."""
    from cluster_sim.zk import ZooKeeperCluster

    mark = api.mark()
    t0 = time.time()
    zk = ZooKeeperCluster(tick_ms=bench.tick_ms, reaper=bench.reaper)
    procs = []
    try:
        zk.start()
        for i in range(1, cfg.first_mean_nodes + 1):
            procs.append(bench.spawn(
                [sys.executable, "-m", "cluster_sim.bench.original_app", str(i), "--zk", zk.address,
                 "--api", api.url, "--interval", "1", "--session-timeout", "4"],
                f"first-mean-orig-{trial}-n{i}", stop_signal=signal.SIGINT))
        row = api.wait_row(mark, None, 60)
    finally:
        began = time.time()
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            bench.stop(proc, signal.SIGTERM, timeout=10)
        zk.stop()
        stop_s = time.time() - began
    if row is None:
        raise TimeoutError("no mean stored within 60 s")
    return row[0] - t0, stop_s
