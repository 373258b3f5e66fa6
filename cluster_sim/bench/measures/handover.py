"""Measurement 1: SIGTERM (original: SIGINT) the leader of 3 nodes -> a new leader, its first row.

    result = handover(bench, cfg, log)
"""

import os
import random
import time

from cluster_sim.bench.config import Config
from cluster_sim.bench.nodeset import NodeSet
from cluster_sim.bench.results import Log, Result, error, first_row_predicate, original_rows_report, rounds_report
from cluster_sim.bench.support import BenchSession, summary_ms


def handover(bench: BenchSession, cfg: Config, log: Log) -> Result:
    result: Result = {"params": {"nodes": cfg.nodes, "interval_s": cfg.handover_interval,
                                 "session_timeout_s": cfg.handover_session_timeout,
                                 "trials": cfg.handover_trials,
                                 "signal": {"clustersim": "SIGTERM", "original": "SIGINT"}}}
    for system in cfg.systems:
        try:
            result[system] = _handover_system(bench, cfg, system, log)
        except Exception as exc:  # noqa: BLE001 - a failed trial is recorded in the report; the bench goes on
            result[system] = {"error": error(exc)}
            log(f"handover {system}: failed: {error(exc)}")
    return result


def _handover_system(bench: BenchSession, cfg: Config, system: str, log: Log) -> Result:
    api = bench.api()
    nodes = NodeSet(bench, system, bench.chroot(f"handover-{system}"), api, cfg.handover_interval,
                    cfg.handover_session_timeout, cfg.nodes, "handover")
    out: Result = {"elected": [], "first_row": [], "errors": []}
    phase = random.Random(1)
    try:
        nodes.start_all()
        nodes.wait_steady(60)
        out["memory"] = nodes.memory()
        for trial in range(1, cfg.handover_trials + 1):
            try:
                leader = nodes.wait_steady(60)
                # wait_steady returns just after a row was stored: kill at a random phase of the
                # interval instead, or every trial would start right after a round was delivered
                time.sleep(phase.uniform(0, cfg.handover_interval))
                leader = nodes.watch.leader
                assert leader is not None  # steady: every node is in the election
                proc = nodes.procs[leader]
                w_mark, a_mark = nodes.watch.mark(), api.mark()
                t0 = time.time()
                os.kill(proc.pid, nodes.stop_signal)
                got = nodes.watch.wait_new_leader(w_mark, leader, cfg.handover_session_timeout + 10)
                if got is None:
                    raise TimeoutError("no new leader")
                t_new, new = got
                row = api.wait_row(a_mark, first_row_predicate(system, new, t_new), 3 * cfg.handover_interval + 10)
                if row is None:
                    raise TimeoutError(f"no row from the new leader {new}")
                out["elected"].append(t_new - t0)
                out["first_row"].append(row[0] - t0)
                if system == "clustersim" and row[1].get("round") is not None:
                    # what the handover adds to the round schedule: how late the new
                    # leader's first round came compared with when it was due
                    due = _round_due(row[1]["round"], cfg.handover_interval)
                    out.setdefault("first_row_late", []).append(row[0] - max(due, t0))
                log(f"handover {system} {trial}/{cfg.handover_trials}: {leader} -> {new}: "
                    f"elected {1000 * (t_new - t0):.0f} ms, first row {1000 * (row[0] - t0):.0f} ms")
                bench.reap(proc, timeout=15)
                nodes.start(leader)
            except Exception as exc:  # noqa: BLE001 - a failed trial is recorded in the report; the bench goes on
                out["errors"].append(f"trial {trial}: {error(exc)}")
                log(f"handover {system} {trial}: {error(exc)}")
                nodes.ensure_running()
        rows = api.snapshot()
        out["rows"] = len(rows)
        out["resent_duplicates"] = api.duplicates
        if system == "clustersim":
            out["rounds"] = rounds_report(rows)
            out["steady_late"] = summary_ms([t - _round_due(row["round"], cfg.handover_interval)
                                             for t, row in rows if row.get("round") is not None])
        else:
            out["rows_report"] = original_rows_report(rows, cfg.handover_interval)
    finally:
        nodes.close()
        bench.close_api(api)
    out["elected"] = summary_ms(out["elected"])
    out["first_row"] = summary_ms(out["first_row"])
    if "first_row_late" in out:
        out["first_row_late"] = summary_ms(out["first_row_late"])
    return out


def _round_due(round_no: int, interval: float) -> float:
    """When a round is computed (node/leader.py): `lag` after it closes."""
    from cluster_sim.node.leader import due_at
    from cluster_sim.node.settings import default_lag

    return due_at(round_no, interval, default_lag(interval))
