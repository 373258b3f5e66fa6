"""Measurement 7: steady state, a round's close -> its row in the API (`up -n 5`).

    result = round_latency(bench, cfg, log)
    result = latency_run(bench, cfg, log, rounds=30, name="benchR", extra=("--no-relays",))
"""

import math
import signal
import time
from typing import Any, Dict, List, Sequence

from cluster_sim.bench.config import Config
from cluster_sim.bench.results import Log, Result
from cluster_sim.bench.support import BenchSession, Proc, clustersim_command, summary_ms, wait_for
from cluster_sim.bench.up_control import control_status, leftovers, node_pids, running_with_values


def _listar(api_url: str, after: int = 0, timeout: float = 5.0) -> List[Dict[str, Any]]:
    """The API's rows with id > ``after`` (GET /listar, as `clustersim check` reads them)."""
    import requests

    answer = requests.get(api_url.rstrip("/") + "/listar", params={"after": after}, timeout=timeout)
    answer.raise_for_status()
    rows = answer.json()
    if not isinstance(rows, list):
        raise RuntimeError(f"{api_url}/listar did not answer a list")
    return rows


def _stored_at(row: Dict[str, Any]) -> float:
    """The row's `at` (ISO time the API stored it) as seconds since the epoch."""
    from datetime import datetime

    return datetime.fromisoformat(row["at"]).timestamp()


def round_latency(bench: BenchSession, cfg: Config, log: Log) -> Result:
    """`clustersim up -n 5 --interval 1` as a user runs it (embedded ZooKeeper and API):
    for each round of a steady run, the row's `at` minus the round's close."""
    return latency_run(bench, cfg, log, cfg.latency_rounds, "benchL")


def latency_run(bench: BenchSession, cfg: Config, log: Log, rounds: int, name: str,
                extra: Sequence[str] = ()) -> Result:
    """One steady run of `up` (`extra`: more of its options) measured as round_latency describes."""
    from cluster_sim.node.settings import NodeSettings

    cs = clustersim_command()
    n, interval = cfg.latency_nodes, cfg.latency_interval
    settings = NodeSettings(node_id="x", interval=interval, session_timeout=4.0)  # `up`'s default timeout
    runtime = bench.tempdir("run-")
    args = ["up", "-n", str(n), "--interval", f"{interval:g}", "--plain", "--name", name, *extra]
    out: Result = {"params": {"nodes": n, "interval_s": interval, "rounds": rounds, "lag_s": settings.round_lag,
                              "round_deadline_s": settings.wait_limit,
                              "target_p99_ms": round((settings.round_lag + 0.1) * 1000, 1),
                              "command": "clustersim " + " ".join(args),
                              "zookeeper": "embedded (a fresh server started by `up`)", "api": "embedded"}}
    t0 = time.time()
    up = bench.spawn(cs + args, "latency-up", env={"CLUSTERSIM_RUNTIME_DIR": runtime}, stop_signal=signal.SIGINT)
    pids = []
    try:
        api_url = _latency_steady(bench, up, runtime, name, n, log)
        out["steady_after_s"] = round(time.time() - t0, 2)
        pids = node_pids(runtime, name)
        # from the first round that opens after the cluster is steady
        first = math.floor(time.time() / interval) + 1
        last = first + rounds - 1
        rows = _latency_collect(bench, up, api_url, first, last, interval, settings, log)
        status = control_status(runtime, name)
        out["nodes_running_at_end"] = len(running_with_values(status))
        out.update(_latency_report(rows, first, last, interval, n))
    finally:
        began = time.time()
        code, killed = bench.stop(up, signal.SIGINT, timeout=40)
        out["shutdown"] = {"code": code, "killed": killed, "seconds": round(time.time() - began, 2),
                           "nodes_left_running": leftovers(pids)}
    lat = out["latency"]
    out["met"] = lat["n"] > 0 and lat["p99"] <= out["params"]["target_p99_ms"]
    log(f"round latency{' (' + ' '.join(extra) + ')' if extra else ''}: {lat['n']} rounds, p50 {lat['p50']} ms, "
        f"p99 {lat['p99']} ms, max {lat['max']} ms "
        f"(target p99 <= {out['params']['target_p99_ms']:g} ms: {'met' if out['met'] else 'NOT met'}); "
        f"partial {len(out['rounds']['partial'])}, short {len(out['rounds']['short'])}, "
        f"lost {out['rounds']['lost']}")
    return out


def _latency_steady(bench: BenchSession, up: Proc, runtime: str, name: str, n: int, log: Log) -> str:
    """Wait until all ``n`` nodes are publishing and a full round was stored; the API's URL."""
    seen: Dict[str, int] = {}

    def steady() -> Any:
        if up.poll() is not None:
            raise RuntimeError(f"up exited ({up.returncode}): {bench.log_tail(up)}")
        status = control_status(runtime, name, timeout=2.0)
        if not status.get("api_url") or status["leader"] is None or len(running_with_values(status)) < n:
            return False
        rows = _listar(status["api_url"], seen.get("after", 0))
        if rows:
            seen["after"] = rows[-1]["id"]
        return status["api_url"] if any(row.get("count") == n for row in rows) else False

    api_url = wait_for(steady, 120, f"{n} nodes publishing and a round of {n} readings stored", period=0.2)
    log(f"round latency: {n} nodes steady, API {api_url}")
    return api_url


def _latency_collect(bench: BenchSession, up: Proc, api_url: str, first: int, last: int, interval: float,
                     settings: Any, log: Log) -> List[Dict[str, Any]]:
    """The rows of rounds ``first``..``last`` (polled from /listar until the last one is in)."""
    # the last round is due `lag` after it closes; past its deadline it is stored partial at the latest
    deadline = time.monotonic() + (last + 1) * interval - time.time() + settings.round_lag + settings.wait_limit + 15
    rows, after, logged = {}, 0, first
    while True:
        if up.poll() is not None:
            raise RuntimeError(f"up exited ({up.returncode}): {bench.log_tail(up)}")
        for row in _listar(api_url, after):
            after = row["id"]
            if isinstance(row.get("round"), int) and first <= row["round"] <= last:
                rows[row["round"]] = row
        newest = max(rows, default=first - 1)
        if newest >= last or time.monotonic() >= deadline:
            return [rows[r] for r in sorted(rows)]
        if newest - logged >= 30:
            logged = newest
            log(f"round latency: {newest - first + 1}/{last - first + 1} rounds stored")
        time.sleep(min(2.0, max(0.2, interval)))


def _latency_report(rows: List[Dict[str, Any]], first: int, last: int, interval: float, n: int) -> Result:
    latencies = [_stored_at(row) - (row["round"] + 1) * interval for row in rows]
    stored = {row["round"] for row in rows}
    missing = [r for r in range(first, last + 1) if r not in stored]
    partial = [[row["round"], row["missing"]] for row in rows if row.get("missing")]
    # short: fewer readings than nodes running (all of them ran throughout) or than the row expected
    short = [[row["round"], row.get("count"), row.get("expected")] for row in rows
             if (row.get("count") or 0) < n or (row.get("count") or 0) < (row.get("expected") or 0)]
    epochs = sorted({row["epoch"] for row in rows if row.get("epoch") is not None})
    return {
        "latency": summary_ms(latencies, also=(90, 99)),
        "rounds": {"expected": last - first + 1, "stored": len(rows), "first": first, "last": last,
                   "lost": len(missing), "missing": missing[:50], "partial": partial[:50],
                   "short": short[:50], "empty": sum(1 for row in rows if not row.get("count")),
                   "epochs": epochs, "leaders": sorted({str(row.get("leader")) for row in rows})},
    }
