"""Measurement 5 (continued): a new leader at 1,000 members, its first complete round.

Two clustersim nodes (real processes, in the election) and 1,000 simulated
members publishing every round from a few sessions (bench/publishers.py). Each
trial stops the leader gracefully (SIGTERM) at a random phase of the round; the
other node is elected, loads the cache of every member's znodes and history and
stores rounds: the measurement takes its first row (the API's own clock) and
compares it with when that round was due (``lag`` after it closed) and with the
election; the row must be complete (every member counted, none missing).

    result = takeover(bench, cfg, log)
"""

import os
import random
import time
from cluster_sim.bench.config import Config
from cluster_sim.bench.measures.handover import _round_due
from cluster_sim.bench.nodeset import NodeSet
from cluster_sim.bench.publishers import PER_TXN, Publishers
from cluster_sim.bench.results import Log, Result, error, rounds_report
from cluster_sim.bench.support import BenchSession, summary_ms


def takeover(bench: BenchSession, cfg: Config, log: Log) -> Result:
    interval, members = cfg.takeover_interval, cfg.takeover_members
    if not cfg.takeover_trials:
        return {"skipped": f"not measured by the {cfg.name} run (takeover_trials 0)"}
    out: Result = {"params": {"members": members, "real_nodes": 2, "interval_s": interval,
                              "session_timeout_s": cfg.takeover_session_timeout, "trials": cfg.takeover_trials,
                              "signal": "SIGTERM", "publisher_sessions": 8,
                              "nodes_per_transaction": PER_TXN},
                   "elected": [], "first_row": [], "first_row_late": [], "first_row_after_election": [],
                   "trials": [], "errors": []}
    api = bench.api()
    hosts = bench.chroot("takeover")
    nodes = NodeSet(bench, "clustersim", hosts, api, interval, cfg.takeover_session_timeout, 2, "takeover")
    pubs = Publishers(bench, hosts, [str(i) for i in range(101, 101 + members)], interval)
    phase = random.Random(5)
    expected = members + 2
    try:
        pubs.start()
        nodes.start_all()
        nodes.wait_steady(120)
        for trial in range(1, cfg.takeover_trials + 1):
            try:
                nodes.wait_steady(120)
                time.sleep(phase.uniform(0, interval))   # stop at a random phase of the round
                leader = nodes.watch.leader
                assert leader is not None  # steady: both nodes are in the election
                proc = nodes.procs[leader]
                w_mark, a_mark = nodes.watch.mark(), api.mark()
                t0 = time.time()
                os.kill(proc.pid, nodes.stop_signal)
                got = nodes.watch.wait_new_leader(w_mark, leader, cfg.takeover_session_timeout + 10)
                if got is None:
                    raise TimeoutError("no new leader")
                t_new, new = got
                found = api.wait_row(a_mark, lambda t, row: row.get("leader") == new, 3 * interval + 20)
                if found is None:
                    raise TimeoutError(f"no row from the new leader {new}")
                t_row, row = found
                due = _round_due(row["round"], interval)
                complete = row.get("count") == expected and not row.get("missing")
                out["elected"].append(t_new - t0)
                out["first_row"].append(t_row - t0)
                out["first_row_after_election"].append(t_row - t_new)
                out["first_row_late"].append(t_row - due)
                out["trials"].append({"round": row["round"], "count": row.get("count"),
                                      "missing": row.get("missing") or "", "complete": complete,
                                      "late_ms": round(1000 * (t_row - due), 1),
                                      "after_election_ms": round(1000 * (t_row - t_new), 1)})
                log(f"takeover {trial}/{cfg.takeover_trials}: {leader} -> {new}: elected "
                    f"{1000 * (t_new - t0):.0f} ms, first round {row['round']} ({row.get('count')} of {expected}) "
                    f"stored {1000 * (t_row - t_new):.0f} ms after the election, {1000 * (t_row - due):+.0f} ms "
                    f"from its due time")
                bench.reap(proc, timeout=15)
                nodes.start(leader)
            except Exception as exc:  # noqa: BLE001 - a failed trial is recorded in the report; the bench goes on
                out["errors"].append(f"trial {trial}: {error(exc)}")
                log(f"takeover {trial}: {error(exc)}")
                nodes.ensure_running()
        rows = api.snapshot()
        out["rounds"] = rounds_report(rows)
        out["partial_rows"] = sum(1 for _, row in rows if row.get("missing"))
        out["steady_late"] = summary_ms([t - _round_due(row["round"], interval)
                                         for t, row in rows if row.get("round") is not None])
        out["publisher"] = {"rounds": pubs.published, "failed": pubs.failed, "late": pubs.late,
                            "took": summary_ms(pubs.took)}
    finally:
        nodes.close()
        pubs.close()
        bench.close_api(api)
    for key in ("elected", "first_row", "first_row_late", "first_row_after_election"):
        out[key] = summary_ms(out[key])
    out["complete"] = sum(1 for t in out["trials"] if t["complete"])
    return out

