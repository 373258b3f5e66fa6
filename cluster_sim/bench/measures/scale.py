"""Measurement 6: `clustersim up -n 100` on this machine (CPU, memory, the screen's refresh).

    result = scale(bench, cfg, log)
"""

import os
import statistics
import time
from typing import Any, Dict, List, Optional, Sequence

from cluster_sim.base import procfs
from cluster_sim.bench.config import Config
from cluster_sim.bench.measures.leader_round import uses_cache
from cluster_sim.bench.results import Log, Result, error, mb
from cluster_sim.bench.support import BenchSession, Proc, clustersim_command, wait_for
from cluster_sim.bench.up_control import control_status, up_on_terminal


def _children_of(pid: int) -> List[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
            if int(stat[stat.rfind(b")") + 2:].split()[1]) == pid:
                found.append(int(entry))
        except (OSError, ValueError, IndexError):
            pass
    return found


def scale(bench: BenchSession, cfg: Config, log: Log) -> Result:
    cs = clustersim_command()
    n = cfg.scale_nodes
    hosts = bench.chroot("scale")
    runtime = bench.tempdir("run-")
    name = "benchS"
    rows, cols = 50, 160
    out: Result = {"params": {"nodes": n, "interval_s": 1.0, "cpu_window_s": cfg.scale_cpu_window,
                              "terminal": f"pseudo-terminal {cols}x{rows} (the live rich table)",
                              "zookeeper": "the benchmark's shared server (--zk)"},
                   "observer_uses_cache": uses_cache("cluster_sim.adapters.observer")}
    up_on_terminal(bench, cs + ["up", "-n", str(n), "--interval", "1", "--zk", hosts, "--name", name], "scale-up",
                   {}, runtime, name, out, log, size=(rows, cols),
                   run=lambda up, t0, drained: _scale_run(bench, cfg, up, runtime, name, n, t0, drained, out, log))
    return out


def _frame_cost(n: int, cols: int, rows: int, frames: int = 40) -> float:
    """What one frame of the live table costs at ``n`` nodes, rendered here (ms)."""
    import io

    from rich.console import Console

    from cluster_sim.engine.events import Notice
    from cluster_sim.presentation.listeners.printers import LivePrinter
    from cluster_sim.engine.state import ClusterState, NodeView

    now = time.time()
    state = ClusterState(name="bench", zk="127.0.0.1:2181", api_url="http://127.0.0.1:8080",
                         started_at=now - 100, leader="1", epoch=3)
    for i in range(1, n + 1):
        state.nodes[str(i)] = NodeView(id=str(i), pid=10000 + i, state="running",
                                       role="LEADER" if i == 1 else "follower", value=80 + i / 100, reading_ts=now)
    for i in range(30):
        state.events.append(Notice(ts=now, message=f"event {i}"))
    printer = LivePrinter(Console(file=io.StringIO(), width=cols, height=rows, force_terminal=True))
    printer.start()
    try:
        printer.frame(state, now)
        began = time.perf_counter()
        for _ in range(frames):
            printer.frame(state, time.time())
        return (time.perf_counter() - began) / frames * 1000
    finally:
        printer.stop()


def _scale_run(bench: BenchSession, cfg: Config, up: Proc, runtime: str, name: str, n: int, t0: float,
               drained: Any, out: Result, log: Log) -> None:
    marks: Dict[str, float] = {}

    def published() -> bool:
        if up.poll() is not None:
            raise RuntimeError(f"up exited ({up.returncode}): {bench.log_tail(up)}")
        status = control_status(runtime, name)
        now = time.time()
        marks.setdefault("status", now)
        with_value = sum(1 for node in status["nodes"] if node["value"] is not None)
        if status["leader"] is not None:
            marks.setdefault("leader", now)
        if status.get("rounds_stored"):
            marks.setdefault("first_round", now)
        if with_value >= n / 2:
            marks.setdefault("half", now)
        return with_value >= n and len(status["nodes"]) >= n

    wait_for(published, cfg.scale_publish_timeout, f"all {n} nodes publishing", period=0.2)
    t_all = time.time()
    out["all_publishing_s"] = round(t_all - t0, 2)
    out["first_status_s"] = round(marks["status"] - t0, 2) if "status" in marks else None
    out["half_publishing_s"] = round(marks["half"] - t0, 2) if "half" in marks else None
    out["leader_s"] = round(marks["leader"] - t0, 2) if "leader" in marks else None
    out["first_round_s"] = round(marks["first_round"] - t0, 2) if "first_round" in marks else None
    log(f"up -n {n}: all nodes publishing after {out['all_publishing_s']} s")
    time.sleep(cfg.scale_settle)
    status = control_status(runtime, name)
    node_pids = [node["pid"] for node in status["nodes"] if node["pid"]]
    helpers = [pid for pid in _children_of(up.pid) if pid not in node_pids]
    assert bench.zk is not None  # (a started session's)
    zk_pid = bench.zk.server(1).pid
    watched: List[Any] = [up.pid, zk_pid, *node_pids, *helpers]   # zk_pid None (down): its figures are None
    before = {pid: procfs.cpu_seconds(pid) for pid in watched}
    bytes_before, began = drained["bytes"], time.monotonic()
    time.sleep(cfg.scale_cpu_window)
    after = {pid: procfs.cpu_seconds(pid) for pid in watched}
    elapsed = time.monotonic() - began
    tty_bytes = drained["bytes"] - bytes_before

    def used(pid: Optional[int]) -> Optional[float]:
        was, now = before.get(pid), after.get(pid)
        if was is None or now is None:
            return None
        return now - was

    def pct(pids: Sequence[Optional[int]]) -> float:
        values = [v for v in map(used, pids) if v is not None]
        return round(100.0 * sum(values) / elapsed, 1)

    per_node = [100.0 * v / elapsed for v in map(used, node_pids) if v is not None]
    out["cpu_pct"] = {
        "supervisor": pct([up.pid]),
        "supervisor_helpers": pct(helpers),
        "nodes_total": pct(node_pids),
        "node_median": round(statistics.median(per_node), 2) if per_node else None,
        "node_max": round(max(per_node), 2) if per_node else None,
        "zookeeper": pct([zk_pid]),
        "window_s": round(elapsed, 2),
    }
    out["tty_bytes_per_s"] = round(tty_bytes / elapsed)
    status = control_status(runtime, name)
    out["refresh_hz"] = status.get("refresh_hz")
    out["rounds_stored"] = status.get("rounds_stored")
    out["leader"] = status.get("leader")
    mems = [m for m in (procfs.memory(p) for p in node_pids) if m]
    if mems:
        uss = [m["uss"] for m in mems]
        rss = [m["rss"] for m in mems]
        pss = [m["pss"] for m in mems]
        out["node_memory_mb"] = {
            "processes": len(mems),
            "uss_median": mb(statistics.median(uss)), "uss_max": mb(max(uss)),
            "rss_median": mb(statistics.median(rss)), "rss_max": mb(max(rss)),
            "pss_median": mb(statistics.median(pss)),
        }
    sup = procfs.memory(up.pid)
    if sup:
        out["supervisor_memory_mb"] = {k: mb(v) for k, v in sup.items()}
    try:
        out["frame_ms"] = round(_frame_cost(n, 160, 50), 2)
    except Exception as exc:  # the view's internals are not this benchmark's to fix
        out["frame_error"] = error(exc)
    log(f"up -n {n}: supervisor {out['cpu_pct']['supervisor']}% of a core, refresh "
        f"{out['refresh_hz']} Hz, node USS median {out.get('node_memory_mb', {}).get('uss_median')} MB")
