"""Measurement 9: a lecture hall, `clustersim up -n 1000` as a user types it (issue 22).

The embedded ZooKeeper and API, the default interval and session timeout, the live table drawn
on a pseudo-terminal. It measures: every node publishing (a `reading_published` event of each in
the event export: polling `status` would load the supervisor it measures); the
supervisor's CPU and each node's unique memory in steady state; a hard kill of the leader (the
event export: the new leader's failover_ms, its first stored round); with `hall_minutes`, that
long a run judged by `clustersim check` up to now. Not part of a plain `clustersim bench` (it
takes minutes and the whole machine): `--only hall`, under `flock /work/wt/big.lock` where the
machine is shared.

    result = hall(bench, cfg, log)
"""

import json
import os
import socket
import statistics
import subprocess
import time
from typing import Any, Dict, List, Optional

from cluster_sim import control
from cluster_sim.base import procfs
from cluster_sim.bench.config import Config
from cluster_sim.bench.measures.scale import _children_of
from cluster_sim.bench.results import Log, Result, error, mb
from cluster_sim.bench.support import BenchSession, Proc, clustersim_command, wait_for
from cluster_sim.bench.up_control import control_status, up_on_terminal


def _request(runtime: str, name: str, request: Dict[str, Any], timeout: float = 10.0) -> Dict[str, Any]:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(os.path.join(runtime, f"{name}.sock"))
        sock.sendall(control.encode(request))
        return control.decode(control.read_line(sock))
    finally:
        sock.close()


def _comm(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return ""


def _events(path: str) -> List[Dict[str, Any]]:
    out = []
    try:
        with open(path) as f:
            for line in f:
                try:
                    out.append(json.loads(line))
                except ValueError:
                    pass  # a line being written
    except OSError:
        pass
    return out


class _Export:
    """The nodes started and publishing so far, read from `up --events FILE` as it grows."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.offset = 0
        self.started: set = set()
        self.publishing: set = set()

    def read(self) -> None:
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                for line in f:
                    if not line.endswith(b"\n"):
                        break   # a line being written: read again next time
                    self.offset += len(line)
                    try:
                        event = json.loads(line)
                    except ValueError:
                        continue
                    if event.get("kind") == "node_started":
                        self.started.add(event.get("node"))
                    elif event.get("kind") == "reading_published":
                        self.publishing.add(event.get("node"))
        except OSError:
            pass   # not written yet


def hall(bench: BenchSession, cfg: Config, log: Log) -> Result:
    n = cfg.hall_nodes
    runtime = bench.tempdir("hall-")
    events = os.path.join(runtime, "events.jsonl")
    name = "benchH"
    rows, cols = 50, 160
    command = ["up", "-n", str(n), "--name", name, "--events", events]
    out: Result = {"params": {"nodes": n, "cpu_window_s": cfg.hall_cpu_window, "minutes": cfg.hall_minutes,
                              "settle_s": cfg.hall_settle,
                              "command": "clustersim " + " ".join(command[:3]),
                              "terminal": f"pseudo-terminal {cols}x{rows} (the live table)",
                              "zookeeper": "embedded (as a user starts it)"}}
    up_on_terminal(bench, clustersim_command() + command, "hall-up", {"CLUSTERSIM_MAX_NODES": str(max(n, 1000))},
                   runtime, name, out, log, stop_timeout=180, grace=15, size=(rows, cols),
                   run=lambda up, t0, _: _run(bench, cfg, up, runtime, name, n, t0, events, out, log))
    return out


def _run(bench: BenchSession, cfg: Config, up: Proc, runtime: str, name: str, n: int, t0: float, events: str,
         out: Result, log: Log) -> None:
    progress: List[List[float]] = []
    export = _Export(events)

    def published() -> bool:
        # from the event export, not `status`: a status of 1,000 nodes is a megabyte of JSON the
        # supervisor builds on its loop, and asked every second it slowed the start it measured
        if up.poll() is not None:
            raise RuntimeError(f"up exited ({up.returncode}): {bench.log_tail(up)}")
        export.read()
        progress.append([round(time.time() - t0, 1), len(export.started), len(export.publishing)])
        return len(export.publishing) >= n

    try:
        wait_for(published, cfg.hall_publish_timeout, f"all {n} nodes publishing", period=1.0)
    finally:
        out["progress"] = progress[::max(1, len(progress) // 40)]   # (s, nodes started, publishing)
    out["all_publishing_s"] = round(time.time() - t0, 1)
    log(f"hall: all {n} nodes publishing after {out['all_publishing_s']} s")
    time.sleep(cfg.hall_settle)
    status = control_status(runtime, name, timeout=30)
    pids = [node["pid"] for node in status["nodes"] if node["pid"]]
    helpers = [pid for pid in _children_of(up.pid) if pid not in pids]
    java = [pid for pid in helpers if _comm(pid) == "java"]
    watched = [up.pid, *pids, *helpers]
    before = {pid: procfs.cpu_seconds(pid) for pid in watched}
    began = time.monotonic()
    time.sleep(cfg.hall_cpu_window)
    elapsed = time.monotonic() - began
    after = {pid: procfs.cpu_seconds(pid) for pid in watched}

    def pct(group: List[int]) -> float:
        used = [(after.get(p) or 0.0) - (before.get(p) or 0.0) for p in group
                if before.get(p) is not None and after.get(p) is not None]
        return round(100.0 * sum(used) / elapsed, 1)

    out["cpu_pct"] = {"supervisor": pct([up.pid]), "nodes_total": pct(pids), "zookeeper": pct(java),
                      "window_s": round(elapsed, 1), "loadavg": procfs.loadavg()}
    node_memory = _node_memory(status)
    if node_memory:
        out["node_memory_mb"] = node_memory
    sup = procfs.memory(up.pid)
    if sup:
        out["supervisor_memory_mb"] = {k: mb(v) for k, v in sup.items()}
    out["supervisor_files"] = len(os.listdir(f"/proc/{up.pid}/fd"))
    log(f"hall: supervisor {out['cpu_pct']['supervisor']} % of a core, node USS median "
        f"{out.get('node_memory_mb', {}).get('uss_median')} MB")
    _kill_leader(runtime, name, events, status, out, log)
    if cfg.hall_minutes:
        time.sleep(max(0.0, cfg.hall_minutes * 60 - (time.time() - t0)))
    # read again at the end: a leader's memory grows for minutes after its members all publish, and
    # the leader then is the one elected after the kill, which loaded the whole hall at once
    late = _node_memory(control_status(runtime, name, timeout=30))
    if late:
        out["node_memory_late_mb"] = dict(late, at_s=round(time.time() - t0, 1))
    if cfg.hall_minutes:
        check = subprocess.run(clustersim_command() + ["check", "--name", name, "--json"], capture_output=True,
                               text=True, timeout=300, env=dict(os.environ, CLUSTERSIM_RUNTIME_DIR=runtime))
        try:
            verdict = json.loads(check.stdout)
        except ValueError:
            verdict = {"unreadable": check.stdout[-500:] + check.stderr[-500:]}
        out["check"] = {"exit": check.returncode, "ran_s": round(time.time() - t0, 1),
                        "verdict": {k: verdict.get(k) for k in ("ok", "rows", "rounds", "partial", "short", "lost",
                                                                "wrong", "due_unstored") if k in verdict}}
        log(f"hall: check after {out['check']['ran_s']} s: exit {check.returncode}")


def _node_memory(status: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The USS now of every node in ``status`` (median, max, and the leader's), or None if none could be
    read. (A status of 1,000 nodes is a megabyte built on the supervisor's loop: the caller's is reused.)"""
    by_pid = {node["pid"]: node["id"] for node in status["nodes"] if node["pid"]}
    mems = {pid: m for pid, m in ((pid, procfs.memory(pid)) for pid in by_pid) if m}
    if not mems:
        return None
    uss = [m["uss"] for m in mems.values()]
    leader = [m["uss"] for pid, m in mems.items() if by_pid[pid] == status.get("leader")]
    return {"processes": len(mems), "uss_median": mb(statistics.median(uss)), "uss_max": mb(max(uss)),
            "leader_uss": mb(leader[0]) if leader else None}


def _kill_leader(runtime: str, name: str, events: str, status: Dict[str, Any], out: Result, log: Log) -> None:
    old = status["leader"]
    rules = status.get("rules") or {}
    bound = float(rules.get("session_timeout") or status.get("session_timeout") or 4.0) + \
        float(rules.get("interval") or status.get("interval") or 5.0)
    killed_at = time.time()
    answer = _request(runtime, name, {"cmd": "kill", "id": old, "hard": True})
    kill: Dict[str, Any] = {"leader": old, "answer_ok": answer.get("ok"), "bound_s": bound}
    out["kill"] = kill

    def elected() -> Optional[Dict[str, Any]]:
        found = [e for e in _events(events) if e.get("kind") == "leader_elected" and e.get("ts", 0) >= killed_at
                 and e.get("after") == old]
        return found[0] if found else None

    try:
        new: Dict[str, Any] = wait_for(elected, 60.0, "a new leader after the kill", period=0.2)  # type: ignore
        kill["new_leader"] = new.get("node")
        kill["failover_ms"] = new.get("failover_ms")

        def stored() -> Optional[Dict[str, Any]]:
            found = [e for e in _events(events) if e.get("kind") == "round_stored" and e.get("node") == new["node"]
                     and e.get("ts", 0) >= killed_at]
            return found[0] if found else None

        first: Dict[str, Any] = wait_for(stored, 60.0, "the new leader's first stored round",  # type: ignore
                                         period=0.2)
        kill["first_round_s"] = round(first["ts"] - killed_at, 2)
        kill["first_round"] = first.get("round")
        log(f"hall: leader {old} killed: leader {kill['new_leader']} after {kill['failover_ms']} ms, "
            f"its first round stored after {kill['first_round_s']} s")
    except Exception as exc:  # keep the rest of the run
        kill["error"] = error(exc)
