"""Measurement 2: SIGKILL the leader -> a new leader, per session timeout.

    result = crash(bench, cfg, log)
"""

import os
import random
import signal
import time

from cluster_sim.bench.config import Config
from cluster_sim.bench.nodeset import NodeSet
from cluster_sim.bench.results import Log, Result, error, first_row_predicate, rounds_report
from cluster_sim.bench.support import BenchSession, summary_ms
from cluster_sim.bench.watches import DeletionWatch


def crash(bench: BenchSession, cfg: Config, log: Log) -> Result:
    result: Result = {"params": {"nodes": cfg.nodes, "interval_s": cfg.crash_interval, "trials": cfg.crash_trials,
                                 "session_timeouts_s": list(cfg.crash_timeouts), "tick_ms": bench.tick_ms}}
    for system in cfg.systems:
        result[system] = {}
        for timeout in cfg.crash_timeouts:
            key = f"{timeout:g}"
            try:
                result[system][key] = _crash_one(bench, cfg, system, timeout, log)
            except Exception as exc:  # noqa: BLE001 - a failed trial is recorded in the report; the bench goes on
                result[system][key] = {"error": error(exc)}
                log(f"crash {system} timeout {key} s: failed: {error(exc)}")
    return result


def _crash_one(bench: BenchSession, cfg: Config, system: str, timeout: float, log: Log) -> Result:
    api = bench.api()
    nodes = NodeSet(bench, system, bench.chroot(f"crash-{system}-{timeout:g}"), api, cfg.crash_interval,
                    timeout, cfg.nodes, f"crash{timeout:g}")
    out: Result = {"gone": [], "elected": [], "first_row": [], "errors": []}
    phase = random.Random(f"{system}-{timeout}")  # other phases for each timeout: more of the round covered
    try:
        nodes.start_all()
        for trial in range(1, cfg.crash_trials + 1):
            try:
                nodes.wait_steady(60)
                time.sleep(phase.uniform(0, cfg.crash_interval))  # a random phase of the round
                leader = nodes.watch.leader
                assert leader is not None  # steady: every node is in the election
                proc = nodes.procs[leader]
                path = nodes.watch.contender_path(leader)
                if path is None:
                    raise RuntimeError(f"no election znode for leader {leader}")
                gone = DeletionWatch(nodes.client, path)
                w_mark, a_mark = nodes.watch.mark(), api.mark()
                t0 = time.time()
                os.kill(proc.pid, signal.SIGKILL)
                t_gone = gone.wait(timeout + 10)
                got = nodes.watch.wait_new_leader(w_mark, leader, timeout + 10)
                if t_gone is None or got is None:
                    raise TimeoutError("the leader's election znode never went away")
                t_new, new = got
                row = api.wait_row(a_mark, first_row_predicate(system, new, t_new), 3 * cfg.crash_interval + 10)
                out["gone"].append(t_gone - t0)
                out["elected"].append(t_new - t0)
                if row is not None:
                    out["first_row"].append(row[0] - t0)
                log(f"crash {system} timeout {timeout:g} s {trial}/{cfg.crash_trials}: {leader} -> {new}: "
                    f"znode gone {1000 * (t_gone - t0):.0f} ms, elected {1000 * (t_new - t0):.0f} ms"
                    + (f", first row {1000 * (row[0] - t0):.0f} ms" if row else ", no row"))
                bench.reap(proc)
                nodes.start(leader)
            except Exception as exc:  # noqa: BLE001 - a failed trial is recorded in the report; the bench goes on
                out["errors"].append(f"trial {trial}: {error(exc)}")
                log(f"crash {system} {trial}: {error(exc)}")
                nodes.ensure_running()
        if system == "clustersim":
            out["rounds"] = rounds_report(api.snapshot())
    finally:
        nodes.close()
        bench.close_api(api)
    for key in ("gone", "elected", "first_row"):
        out[key] = summary_ms(out[key])
    out["limit_ms"] = timeout * 1000 + 200
    out["met"] = (out["gone"]["n"] > 0 and out["gone"]["max"] <= out["limit_ms"]
                  and out["elected"]["max"] <= out["limit_ms"])
    return out
