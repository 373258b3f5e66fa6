"""The eight measurements. Each takes (bench, config, log) and returns a plain dict.

A measurement never raises for a failed trial: the trial's error goes into
the result and the next trial runs. A measurement that cannot run at all
raises, and the runner records the error in its row.

    handover(bench, cfg, log)      1. SIGTERM (original: SIGINT) the leader, 3 nodes
    crash(bench, cfg, log)         2. SIGKILL the leader, per session timeout
    kill_command(bench, cfg, log)  3. `clustersim kill <leader>` typed -> new leader
    first_mean(bench, cfg, log)    4. `clustersim up -n 5` -> first mean stored (original: scripted)
    leader_round(bench, cfg, log)  5. one leader round at 100 / 1,000 / 10,000 readings
    scale(bench, cfg, log)         6. `clustersim up -n 100` on this machine
    round_latency(bench, cfg, log) 7. steady state: a round's close -> its row in the API (`up -n 5`)
    relay_overhead(bench, cfg, log) 8. the same with and without the fault relays; an echo through one
"""

import json
import math
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

from cluster_sim import control
from cluster_sim import paths
from cluster_sim import procfs
from cluster_sim.bench.original_app import read_mean
from cluster_sim.node.aggregate import aggregate_round
from cluster_sim.node.readings import (
    BadReading, Reading, decode, encode, encode_bare, merge, read_all, round_of,
)
from cluster_sim.bench.support import (
    DeletionWatch, ElectionWatch, LeaderZnodeWatch, clustersim_command, summary_ms, wait_for,
)

READINGS = "/mediciones"


def _error(exc):
    return f"{type(exc).__name__}: {exc}"


def _mb(value):
    return None if value is None else round(value / (1024 * 1024), 1)


# ---------------------------------------------------------------------------
# Node processes of one system on one chroot


class NodeSet:
    """``n`` node processes (clustersim or original) delivering to ``api``."""

    def __init__(self, bench, system, hosts, api, interval, session_timeout, n, label):
        self.bench = bench
        self.system = system
        self.hosts = hosts
        self.api = api
        self.interval = interval
        self.session_timeout = session_timeout
        self.ids = [str(i) for i in range(1, n + 1)]
        self.label = label
        self.procs = {}
        self.starts = 0
        self.client = bench.client(hosts)
        self.client.ensure_path(READINGS)
        self.watch = ElectionWatch(self.client)

    def command(self, node_id):
        common = ["--interval", f"{self.interval:g}", "--session-timeout", f"{self.session_timeout:g}"]
        if self.system == "clustersim":
            # truth logs inside the bench's own temporary directory, removed with it
            return [sys.executable, "-m", "cluster_sim", "node", node_id, "--zk", self.hosts,
                    "--api-url", self.api.url, "--truth-dir", os.path.join(self.bench.tmp, "truth"), *common]
        return [sys.executable, "-m", "cluster_sim.bench.original_app", node_id, "--zk", self.hosts,
                "--api", self.api.url, *common]

    @property
    def stop_signal(self):
        # the original handles SIGINT (Ctrl-C in its terminal); clustersim's kill sends SIGTERM
        return signal.SIGINT if self.system == "original" else signal.SIGTERM

    def start(self, node_id):
        # a node killed hard leaves its znode until its session expires
        path = f"{READINGS}/app{node_id}"
        wait_for(lambda: self.client.exists(path) is None, 2 * self.session_timeout + 10,
                 f"{path} to go away")
        self.starts += 1
        self.procs[node_id] = self.bench.spawn(
            self.command(node_id), f"{self.label}-{self.system}-n{node_id}-{self.starts}",
            stop_signal=self.stop_signal)

    def start_all(self):
        for node_id in self.ids:
            self.start(node_id)

    def ensure_running(self):
        for node_id in self.ids:
            proc = self.procs.get(node_id)
            if proc is None or proc.poll() is not None:
                if proc is not None:
                    self.bench.reap(proc)
                self.start(node_id)

    def _dead(self):
        return [i for i, p in self.procs.items() if p.poll() is not None]

    def wait_steady(self, timeout=60.0):
        """All nodes in the election and publishing, and the leader delivering; returns the leader."""
        def complete():
            dead = self._dead()
            if dead:
                proc = self.procs[dead[0]]
                raise RuntimeError(f"node {dead[0]} exited ({proc.returncode}): "
                                   f"{self.bench.log_tail(proc)}")
            if sorted(self.watch.contenders()) != sorted(self.ids):
                return False
            return all(self.client.exists(f"{READINGS}/app{i}") for i in self.ids)

        wait_for(complete, timeout, f"{len(self.ids)} {self.system} nodes in the election")
        leader = self.watch.leader
        mark = self.api.mark()
        if self.system == "clustersim":
            found = self.api.wait_row(mark, lambda t, row: row.get("leader") == leader, 3 * self.interval + 10)
        else:
            found = self.api.wait_row(mark, None, 3 * self.interval + 10)
        if found is None:
            raise TimeoutError(f"leader {leader} delivered nothing within {3 * self.interval + 10:g} s")
        return leader

    def memory(self):
        out = {}
        for node_id, proc in self.procs.items():
            mem = procfs.memory(proc.pid)
            if mem:
                out[node_id] = mem
        return out

    def close(self):
        # SIGTERM, not the original's SIGINT: a node still importing has no handler yet, and
        # SIGINT may be ignored altogether (inherited from a shell that ran us in the background)
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            self.bench.stop(proc, signal.SIGTERM, timeout=10)
        self.bench.close_client(self.client)


def _first_row_predicate(system, new_leader, t_new):
    if system == "clustersim":
        return lambda t, row: row.get("leader") == new_leader
    # the original's rows say nothing about who sent them: the first row after
    # the new leader showed up in the election (5 ms allowance for our watch)
    return lambda t, row: t >= t_new - 0.005


def _rounds_report(rows):
    """Whether a clustersim run lost rounds: the rows' rounds must be contiguous."""
    rounds = sorted({row["round"] for _, row in rows if row.get("round") is not None})
    if not rounds:
        return {"rounds": 0, "lost": None, "missing": [], "empty": 0}
    missing = sorted(set(range(rounds[0], rounds[-1] + 1)) - set(rounds))
    empty = sum(1 for _, row in rows if row.get("round") is not None and not row.get("count"))
    return {"rounds": len(rounds), "first": rounds[0], "last": rounds[-1], "lost": len(missing),
            "missing": missing[:50], "empty": empty}


def _original_rows_report(rows, interval):
    if len(rows) < 2:
        return {"rows": len(rows)}
    span = rows[-1][0] - rows[0][0]
    gaps = [b[0] - a[0] for a, b in zip(rows, rows[1:])]
    return {"rows": len(rows), "span_s": round(span, 2),
            "intervals": round(span / interval, 1),
            "shortest_gap_ms": round(min(gaps) * 1000, 1), "longest_gap_ms": round(max(gaps) * 1000, 1)}


# ---------------------------------------------------------------------------
# 1. graceful handover


def handover(bench, cfg, log):
    result = {"params": {"nodes": cfg.nodes, "interval_s": cfg.handover_interval,
                         "session_timeout_s": cfg.handover_session_timeout,
                         "trials": cfg.handover_trials,
                         "signal": {"clustersim": "SIGTERM", "original": "SIGINT"}}}
    for system in cfg.systems:
        try:
            result[system] = _handover_system(bench, cfg, system, log)
        except Exception as exc:  # noqa: BLE001 - a failed trial is recorded in the report; the bench goes on
            result[system] = {"error": _error(exc)}
            log(f"handover {system}: failed: {_error(exc)}")
    return result


def _handover_system(bench, cfg, system, log):
    api = bench.api()
    nodes = NodeSet(bench, system, bench.chroot(f"handover-{system}"), api, cfg.handover_interval,
                    cfg.handover_session_timeout, cfg.nodes, "handover")
    out = {"elected": [], "first_row": [], "errors": []}
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
                proc = nodes.procs[leader]
                w_mark, a_mark = nodes.watch.mark(), api.mark()
                t0 = time.time()
                os.kill(proc.pid, nodes.stop_signal)
                got = nodes.watch.wait_new_leader(w_mark, leader, cfg.handover_session_timeout + 10)
                if got is None:
                    raise TimeoutError("no new leader")
                t_new, new = got
                row = api.wait_row(a_mark, _first_row_predicate(system, new, t_new), 3 * cfg.handover_interval + 10)
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
                out["errors"].append(f"trial {trial}: {_error(exc)}")
                log(f"handover {system} {trial}: {_error(exc)}")
                nodes.ensure_running()
        rows = api.snapshot()
        out["rows"] = len(rows)
        out["resent_duplicates"] = api.duplicates
        if system == "clustersim":
            out["rounds"] = _rounds_report(rows)
            out["steady_late"] = summary_ms([t - _round_due(row["round"], cfg.handover_interval)
                                             for t, row in rows if row.get("round") is not None])
        else:
            out["rows_report"] = _original_rows_report(rows, cfg.handover_interval)
    finally:
        nodes.close()
        bench.close_api(api)
    out["elected"] = summary_ms(out["elected"])
    out["first_row"] = summary_ms(out["first_row"])
    if "first_row_late" in out:
        out["first_row_late"] = summary_ms(out["first_row_late"])
    return out


def _round_due(round_no, interval):
    """When a round is computed (node/leader.py): `lag` after it closes."""
    from cluster_sim.node.leader import due_at
    from cluster_sim.node.settings import default_lag

    return due_at(round_no, interval, default_lag(interval))


# ---------------------------------------------------------------------------
# 2. crash detection


def crash(bench, cfg, log):
    result = {"params": {"nodes": cfg.nodes, "interval_s": cfg.crash_interval, "trials": cfg.crash_trials,
                         "session_timeouts_s": list(cfg.crash_timeouts), "tick_ms": bench.tick_ms}}
    for system in cfg.systems:
        result[system] = {}
        for timeout in cfg.crash_timeouts:
            key = f"{timeout:g}"
            try:
                result[system][key] = _crash_one(bench, cfg, system, timeout, log)
            except Exception as exc:  # noqa: BLE001 - a failed trial is recorded in the report; the bench goes on
                result[system][key] = {"error": _error(exc)}
                log(f"crash {system} timeout {key} s: failed: {_error(exc)}")
    return result


def _crash_one(bench, cfg, system, timeout, log):
    api = bench.api()
    nodes = NodeSet(bench, system, bench.chroot(f"crash-{system}-{timeout:g}"), api, cfg.crash_interval,
                    timeout, cfg.nodes, f"crash{timeout:g}")
    out = {"gone": [], "elected": [], "first_row": [], "errors": []}
    phase = random.Random(f"{system}-{timeout}")  # other phases for each timeout: more of the round covered
    try:
        nodes.start_all()
        for trial in range(1, cfg.crash_trials + 1):
            try:
                nodes.wait_steady(60)
                time.sleep(phase.uniform(0, cfg.crash_interval))  # a random phase of the round
                leader = nodes.watch.leader
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
                row = api.wait_row(a_mark, _first_row_predicate(system, new, t_new), 3 * cfg.crash_interval + 10)
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
                out["errors"].append(f"trial {trial}: {_error(exc)}")
                log(f"crash {system} {trial}: {_error(exc)}")
                nodes.ensure_running()
        if system == "clustersim":
            out["rounds"] = _rounds_report(api.snapshot())
    finally:
        nodes.close()
        bench.close_api(api)
    for key in ("gone", "elected", "first_row"):
        out[key] = summary_ms(out[key])
    out["limit_ms"] = timeout * 1000 + 200
    out["met"] = (out["gone"]["n"] > 0 and out["gone"]["max"] <= out["limit_ms"]
                  and out["elected"]["max"] <= out["limit_ms"])
    return out


# ---------------------------------------------------------------------------
# 3. `clustersim kill <leader>` typed


def control_status(runtime_dir, name, timeout=5.0):
    """`clustersim status --json` in-process (no interpreter start-up): the status dict."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(os.path.join(runtime_dir, f"{name}.sock"))
        sock.sendall(control.encode({"cmd": "status"}))
        answer = control.decode(control.read_line(sock))
    finally:
        sock.close()
    if not answer.get("ok"):
        raise RuntimeError(answer.get("error") or "status refused")
    return answer["status"]


def _running_with_values(status):
    return [n for n in status["nodes"] if n["value"] is not None and n["state"] == "running"]


def _node_pids(runtime, name):
    """The pids of a running `up`'s nodes (to check they are gone after it stopped)."""
    try:
        return [node["pid"] for node in control_status(runtime, name)["nodes"] if node["pid"]]
    except Exception:  # noqa: BLE001 - no status (it stopped already): nothing to check
        return []


def _leftovers(pids, grace=5.0):
    """The pids still alive ``grace`` seconds after their supervisor exited."""
    deadline = time.monotonic() + grace
    while True:
        alive = [pid for pid in pids if procfs.alive(pid)]
        if not alive or time.monotonic() >= deadline:
            return alive
        time.sleep(0.1)


def _node_state(status, node_id):
    for node in status["nodes"]:
        if node["id"] == str(node_id):
            return node["state"]
    return None


def _run_cli(cs, args, env, timeout=30.0):
    return subprocess.run(cs + args, env=env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def _restart_stopped(cs, env, runtime, name):
    """After a failed trial: start again every node the supervisor shows as stopped."""
    try:
        for node in control_status(runtime, name)["nodes"]:
            if node["state"] in ("stopped", "crashed"):
                _run_cli(cs, ["start", node["id"], "--name", name], env)
    except Exception:  # noqa: BLE001 - best effort between trials; the next trial checks its own start
        pass


def kill_command(bench, cfg, log):
    cs = clustersim_command()
    hosts = bench.chroot("kill")
    runtime = bench.tempdir("run-")
    name = "benchX"
    env = dict(os.environ, CLUSTERSIM_RUNTIME_DIR=runtime)
    out = {"params": {"nodes": 3, "interval_s": 1.0, "trials": cfg.kill_trials, "status_runs": cfg.status_runs,
                      "command": " ".join(os.path.basename(c) if i == 0 else c for i, c in enumerate(cs))},
           "to_new_leader": [], "to_election": [], "command_exit": [], "errors": []}
    up = bench.spawn(cs + ["up", "-n", "3", "--interval", "1", "--zk", hosts, "--plain", "--name", name],
                     "kill-up", env={"CLUSTERSIM_RUNTIME_DIR": runtime}, stop_signal=signal.SIGINT)
    client = bench.client(hosts)
    try:
        client.ensure_path("/clustersim")
        election = ElectionWatch(client)
        leader_watch = LeaderZnodeWatch(client)

        def ready():
            if up.poll() is not None:
                raise RuntimeError(f"up exited ({up.returncode}): {bench.log_tail(up)}")
            status = control_status(runtime, name)
            return (len(_running_with_values(status)) == 3 and status["leader"] is not None
                    and leader_watch.leader == status["leader"] and len(election.contenders()) == 3)

        wait_for(ready, 60, "3 running nodes and a leader")
        for trial in range(1, cfg.kill_trials + 1):
            try:
                wait_for(ready, 60, "3 running nodes and a leader")
                answer = _run_cli(cs, ["status", "--json", "--name", name], env)
                leader = json.loads(answer.stdout)["leader"]
                l_mark, e_mark = leader_watch.mark(), election.mark()
                exited = {}
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
                wait_for(lambda: _node_state(control_status(runtime, name), leader) in ("stopped", "crashed"),
                         30, f"node {leader} reaped by the supervisor")
                started = _run_cli(cs, ["start", str(leader), "--name", name], env)
                if started.returncode != 0:
                    raise RuntimeError(f"clustersim start failed: {started.stderr.strip()}")
                wait_for(lambda: str(leader) in election.contenders(), 30, f"node {leader} back in the election")
            except Exception as exc:  # noqa: BLE001 - a failed trial is recorded in the report; the bench goes on
                out["errors"].append(f"trial {trial}: {_error(exc)}")
                log(f"kill typed {trial}: {_error(exc)}")
                _restart_stopped(cs, env, runtime, name)
        # the bare command: how long `clustersim status` takes, start-up included
        status_times = []
        for _ in range(cfg.status_runs):
            began = time.perf_counter()
            answer = _run_cli(cs, ["status", "--name", name], env)
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
        pids = _node_pids(runtime, name)
        code, killed = bench.stop(up, signal.SIGINT, timeout=40)
        out["up_exit"] = {"code": code, "killed": killed, "nodes_left_running": _leftovers(pids)}
        bench.close_client(client)
    for key in ("to_new_leader", "to_election", "command_exit"):
        out[key] = summary_ms(out[key])
    return out


# ---------------------------------------------------------------------------
# 4. `clustersim up -n 5 --interval 1` -> first mean stored


def first_mean(bench, cfg, log):
    out = {"params": {"nodes": cfg.first_mean_nodes, "interval_s": 1.0, "trials": cfg.first_mean_trials,
                      "zookeeper": "a fresh server per trial (clustersim: embedded, no --zk)"}}
    api = bench.api()
    try:
        for system, fn in (("clustersim", _first_mean_clustersim), ("original", _first_mean_original)):
            if system not in cfg.systems:
                continue
            part = {"first_row": [], "shutdown": [], "errors": []}
            for trial in range(1, cfg.first_mean_trials + 1):
                try:
                    first, stop_s = fn(bench, cfg, api, trial, part)
                    part["first_row"].append(first)
                    part["shutdown"].append(stop_s)
                    log(f"first mean {system} (-n {cfg.first_mean_nodes}) {trial}/{cfg.first_mean_trials}: "
                        f"stored after {first:.2f} s; stopped in {stop_s:.2f} s")
                except Exception as exc:  # noqa: BLE001 - a failed trial is recorded in the report; the bench goes on
                    part["errors"].append(f"trial {trial}: {_error(exc)}")
                    log(f"first mean {system} {trial}: {_error(exc)}")
            part["first_row"] = summary_ms(part["first_row"])
            part["shutdown"] = summary_ms(part["shutdown"])
            part.pop("_marks", None)
            if "leader_visible" in part:
                part["leader_visible"] = summary_ms(part["leader_visible"])
            out[system] = part
    finally:
        bench.close_api(api)
    return out


def _first_mean_clustersim(bench, cfg, api, trial, part):
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
        pids = _node_pids(runtime, "benchY")
    finally:
        began = time.time()
        code, killed = bench.stop(up, signal.SIGINT, timeout=40)
        stop_s = time.time() - began
    left = _leftovers(pids)
    if left:
        part["errors"].append(f"trial {trial}: node processes {left} still running after up exited")
    if row is None:
        raise TimeoutError("no mean stored within 90 s")
    if killed:
        raise RuntimeError("up did not exit within 40 s of SIGINT: killed")
    return row[0] - t0, stop_s


def _first_mean_original(bench, cfg, api, trial, part):
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


# ---------------------------------------------------------------------------
# 5. one leader round at N readings


def _flush(pending, limit):
    if len(pending) >= limit:
        for result in pending:
            result.get(timeout=60)
        pending.clear()


def _populate(clients, base, count, payload):
    """Create ``count`` ephemeral znodes base/app{i}, spread over ``clients``, pipelined."""
    pending = []
    for i in range(count):
        client = clients[i % len(clients)]
        pending.append(client.create_async(f"{base}/app{i}", payload(i), ephemeral=True))
        _flush(pending, 2000)
    _flush(pending, 1)


def _populate_nodes(writers, root, count, samples):
    """``count`` nodes in clustersim's layout under the chroot ``root``, as the publisher
    writes them: the bare latest value in an ephemeral /mediciones/app{i} and the
    history in a persistent /clustersim/history/app{i}, stamped with the session of
    the writer that owns the member znode (else the cache takes the node for one of
    the original design). Node i is written by ``writers[i % len(writers)]``."""
    pending = []
    for i in range(count):
        client = writers[i % len(writers)]
        member, history = _node_payloads(client, i, samples(i))
        pending.append(client.create_async(root + paths.history_path(str(i)), history))
        pending.append(client.create_async(root + paths.reading_path(str(i)), member, ephemeral=True))
        _flush(pending, 4000)
    _flush(pending, 1)


def _node_payloads(client, i, history):
    """(what /mediciones/app{i} holds, what /clustersim/history/app{i} holds) for ``history``."""
    seq, ts, value = history[-1]
    reading = Reading(value=value, ts=ts, seq=seq, pid=100000 + i, host="bench", history=history,
                      session=client.client_id[0])
    return encode_bare(value), encode(reading)


def _sequential_json_round(client, round_no, interval):
    """The original's access pattern on clustersim's data: one get at a time, two per node
    (its value and its history)."""
    from kazoo.exceptions import NoNodeError

    readings = {}
    for child in client.get_children(paths.READINGS):
        try:
            data, stat = client.get(f"{paths.READINGS}/{child}")
        except NoNodeError:
            continue
        try:
            history = decode(client.get(f"{paths.HISTORY}/{child}")[0])
        except (NoNodeError, BadReading):
            history = None
        try:
            member = decode(data, mtime=stat.mtime / 1000.0)
        except BadReading:
            member = None
        reading = merge(member, stat.ephemeralOwner, history)
        if reading is not None:
            readings[paths.node_id_from_reading(child)] = reading
    return aggregate_round(readings, round_no, interval, live=True)


def _time(fn, reps):
    times, value = [], None
    fn()  # warm-up, untimed
    for _ in range(reps):
        began = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - began)
    return times, value


def _uses_cache(module_name):
    """Whether a module's source mentions ReadingsCache (None if it cannot be read)."""
    try:
        import importlib
        import inspect

        return "ReadingsCache" in inspect.getsource(importlib.import_module(module_name))
    except (ImportError, OSError, TypeError):
        return None


def _leader_uses_cache():
    return _uses_cache("cluster_sim.node.leader")


def leader_round(bench, cfg, log):
    try:
        from cluster_sim.node.cache import ReadingsCache
        from cluster_sim.node.completeness import assess  # noqa: F401 (the cached round needs both)
    except ImportError as exc:
        ReadingsCache, cache_missing = None, _error(exc)
    else:
        cache_missing = None
    interval = 1.0
    out = {"params": {"sizes": list(cfg.round_sizes), "history": cfg.round_history, "interval_s": interval,
                      "writer_sessions": 4,
                      "layout": "bare value in ephemeral /mediciones/app{ID}, history with the writer's "
                                "session in persistent /clustersim/history/app{ID}",
                      "cached_path": "ReadingsCache.view() + completeness.assess() + aggregate_values()"},
           "cache_available": ReadingsCache is not None, "cache_error": cache_missing,
           "leader_uses_cache": _leader_uses_cache(), "sizes": {}}
    for count in cfg.round_sizes:
        key = str(count)
        try:
            out["sizes"][key] = _round_size(bench, cfg, count, interval, ReadingsCache, log)
        except Exception as exc:  # noqa: BLE001 - a failed trial is recorded in the report; the bench goes on
            out["sizes"][key] = {"error": _error(exc)}
            log(f"round {count}: failed: {_error(exc)}")
    return out


def _round_size(bench, cfg, count, interval, ReadingsCache, log):
    big = count >= 5000
    reps = max(3, cfg.round_reps // 3) if big else cfg.round_reps
    seq_reps = max(2, cfg.round_sequential_reps // 2) if big else cfg.round_sequential_reps
    hosts = bench.chroot(f"round{count}")
    hosts_orig = bench.chroot(f"round{count}-orig")
    root = "/" + hosts.split("/", 1)[1]
    base_orig = "/" + hosts_orig.split("/", 1)[1] + READINGS
    # one session per batch of nodes: its ephemeral members and the histories naming it
    writers = [bench.client(bench.address) for _ in range(4)]
    readers = []
    rng = random.Random(count)
    now = time.time()
    round_no = round_of(now, interval)
    history_len = cfg.round_history

    def samples(i):
        return [(k + 1, now - (history_len - 1 - k) * interval, round(rng.uniform(75, 85), 2))
                for k in range(history_len)]

    res = {"reps": reps, "sequential_reps": seq_reps}
    try:
        for path in (root + paths.READINGS, root + paths.HISTORY, base_orig):
            bench.root.ensure_path(path)
        began = time.perf_counter()
        _populate_nodes(writers, root, count, samples)
        _populate(writers, base_orig, count, lambda i: str(rng.uniform(75, 85)).encode())
        res["populate_s"] = round(time.perf_counter() - began, 2)
        member, history = _node_payloads(writers[0], 0, samples(0))
        res["znode_bytes"] = {"member": len(member), "history": len(history)}
        reader = bench.client(hosts)
        reader_orig = bench.client(hosts_orig)
        readers += [reader, reader_orig]
        if (len(reader.get_children(paths.READINGS)) != count or len(reader.get_children(paths.HISTORY)) != count
                or len(reader_orig.get_children(READINGS)) != count):
            raise RuntimeError("populating the readings failed")

        # (a) the original's round, on its own data (a bare number per znode)
        times, mean = _time(lambda: read_mean(reader_orig), seq_reps)
        res["original"] = summary_ms(times)
        # (a') the same access pattern on clustersim's data
        times, agg = _time(lambda: _sequential_json_round(reader, round_no, interval), seq_reps)
        res["sequential_json"] = summary_ms(times)
        if agg.count != count:
            raise RuntimeError(f"sequential round counted {agg.count} of {count}")

        # (b) clustersim without the cache: read_all (pipelined, both znodes of every node) + aggregate_round
        def pipelined():
            readings, bad = read_all(reader)
            return aggregate_round(readings, round_no, interval, live=True)

        times, agg = _time(pipelined, reps)
        res["pipelined"] = summary_ms(times)
        if agg.count != count:
            raise RuntimeError(f"pipelined round counted {agg.count} of {count}")
        # where the time goes: the reads alone
        times, _ = _time(lambda: read_all(reader), reps)
        res["read_all_only"] = summary_ms(times)

        # (c) the leader's round: the cache's view, the completeness rule, the aggregate
        if ReadingsCache is not None:
            res["cached"] = _cached_round(ReadingsCache, reader, writers[0], root, count, round_no, interval,
                                          reps, now, samples(0))
        base_ms = res["original"]["p50"]
        for key in ("sequential_json", "pipelined", "cached"):
            entry = res.get(key)
            if isinstance(entry, dict) and entry.get("p50"):
                entry["speedup"] = round(base_ms / entry["p50"], 1)
        log(f"round {count}: original {res['original']['p50']} ms, sequential JSON "
            f"{res['sequential_json']['p50']} ms, pipelined {res['pipelined']['p50']} ms"
            + (f", cached {res['cached'].get('p50')} ms" if isinstance(res.get('cached'), dict) else ""))
    finally:
        for client in writers + readers:
            bench.close_client(client)
    return res


def _cached_round(ReadingsCache, reader, owner, root, count, round_no, interval, reps, now, history):
    """The leader's path on a loaded cache; ``owner`` is the session that wrote node 0."""
    from cluster_sim.node.aggregate import aggregate_values
    from cluster_sim.node.completeness import assess

    out = {}
    began = time.perf_counter()
    cache = ReadingsCache(reader)
    try:
        cache.start(timeout=120)
        out["load_s"] = round(time.perf_counter() - began, 3)
        if not cache.view().fresh:
            raise RuntimeError("the cache did not load within 120 s")

        def cached():
            # the leader's call: now, and the span its histories cover (default_history's 60 s at least)
            verdict = assess(cache.view(), round_no, interval, live=True, now=time.time(), span=60.0)
            return verdict, aggregate_values(verdict.values, round_no, missing=verdict.owed)

        times, (verdict, agg) = _time(cached, reps)
        out.update(summary_ms(times))
        out["count_ok"] = agg.count == count
        out["complete"] = verdict.complete
        out["owed"] = len(verdict.owed)
        # freshness: node 0 publishes a new sample in the round (both znodes, one transaction,
        # its own session, as the publisher does); the leader's path must see it through the watches
        try:
            seq, ts, _ = history[-1]
            changed = history + [(seq + 1, ts + 0.001, 99.5)]
            member, data = _node_payloads(owner, 0, changed)
            txn = owner.transaction()
            txn.set_data(root + paths.reading_path("0"), member)
            txn.set_data(root + paths.history_path("0"), data)
            began = time.perf_counter()
            txn.commit()
            # the history is what the leader's path reads (assess would add its own cost per poll)
            wait_for(lambda: getattr(cache.view().histories.get("0"), "value", None) == 99.5,
                     10, "the cache to see a changed reading", period=0.001)
            out["update_latency_ms"] = round((time.perf_counter() - began) * 1000, 2)
        except Exception as exc:  # noqa: BLE001 - a failed trial is recorded in the report; the bench goes on
            out["update_error"] = _error(exc)
    finally:
        try:
            cache.stop()
        except Exception as exc:  # noqa: BLE001 - a failed trial is recorded in the report; the bench goes on
            out["stop_error"] = _error(exc)
    return out


# ---------------------------------------------------------------------------
# 6. `clustersim up -n 100 --interval 1` on this machine


def _children_of(pid):
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


def scale(bench, cfg, log):
    import fcntl
    import pty
    import struct
    import termios

    cs = clustersim_command()
    n = cfg.scale_nodes
    hosts = bench.chroot("scale")
    runtime = bench.tempdir("run-")
    name = "benchS"
    rows, cols = 50, 160
    out = {"params": {"nodes": n, "interval_s": 1.0, "cpu_window_s": cfg.scale_cpu_window,
                      "terminal": f"pseudo-terminal {cols}x{rows} (the live rich table)",
                      "zookeeper": "the benchmark's shared server (--zk)"},
           "observer_uses_cache": _uses_cache("cluster_sim.supervisor.observer")}
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    drained = {"bytes": 0}

    def drain():
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            drained["bytes"] += len(chunk)

    reader = threading.Thread(target=drain, daemon=True, name="pty-drain")
    up = None
    t0 = time.time()
    try:
        try:
            up = bench.spawn(cs + ["up", "-n", str(n), "--interval", "1", "--zk", hosts, "--name", name],
                             "scale-up", env={"CLUSTERSIM_RUNTIME_DIR": runtime, "TERM": "xterm-256color"},
                             stop_signal=signal.SIGINT, stdout=slave)
        finally:
            os.close(slave)
        reader.start()
        try:
            _scale_run(bench, cfg, up, runtime, name, n, t0, drained, out, log)
        except Exception as exc:  # keep what was measured before the failure
            out["error"] = _error(exc)
            log(f"up -n {n}: {_error(exc)}")
    finally:
        if up is not None:
            pids = _node_pids(runtime, name)
            began = time.time()
            code, killed = bench.stop(up, signal.SIGINT, timeout=90)
            out["shutdown"] = {"code": code, "killed": killed, "seconds": round(time.time() - began, 2),
                               "nodes_left_running": _leftovers(pids)}
        if reader.is_alive():
            reader.join(5)
        try:
            os.close(master)
        except OSError:
            pass
    return out


def _frame_cost(n, cols, rows, frames=40):
    """What one frame of the live table costs at ``n`` nodes, rendered here (ms)."""
    import io

    from rich.console import Console

    from cluster_sim.supervisor.events import Notice
    from cluster_sim.supervisor.listeners.printers import LivePrinter
    from cluster_sim.supervisor.state import ClusterState, NodeView

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


def _scale_run(bench, cfg, up, runtime, name, n, t0, drained, out, log):
    marks = {}

    def published():
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
    zk_pid = bench.zk.server(1).pid
    watched = [up.pid, zk_pid, *node_pids, *helpers]
    before = {pid: procfs.cpu_seconds(pid) for pid in watched}
    bytes_before, began = drained["bytes"], time.monotonic()
    time.sleep(cfg.scale_cpu_window)
    after = {pid: procfs.cpu_seconds(pid) for pid in watched}
    elapsed = time.monotonic() - began
    tty_bytes = drained["bytes"] - bytes_before

    def used(pid):
        if before.get(pid) is None or after.get(pid) is None:
            return None
        return after[pid] - before[pid]

    def pct(pids):
        values = [used(p) for p in pids if used(p) is not None]
        return round(100.0 * sum(values) / elapsed, 1)

    per_node = [100.0 * used(p) / elapsed for p in node_pids if used(p) is not None]
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
            "uss_median": _mb(statistics.median(uss)), "uss_max": _mb(max(uss)),
            "rss_median": _mb(statistics.median(rss)), "rss_max": _mb(max(rss)),
            "pss_median": _mb(statistics.median(pss)),
        }
    sup = procfs.memory(up.pid)
    if sup:
        out["supervisor_memory_mb"] = {k: _mb(v) for k, v in sup.items()}
    try:
        out["frame_ms"] = round(_frame_cost(n, 160, 50), 2)
    except Exception as exc:  # the view's internals are not this benchmark's to fix
        out["frame_error"] = _error(exc)
    log(f"up -n {n}: supervisor {out['cpu_pct']['supervisor']}% of a core, refresh "
        f"{out['refresh_hz']} Hz, node USS median {out.get('node_memory_mb', {}).get('uss_median')} MB")


# ---------------------------------------------------------------------------
# 7. steady state: a round's close -> its row in the API


def _listar(api_url, after=0, timeout=5.0):
    """The API's rows with id > ``after`` (GET /listar, as `clustersim check` reads them)."""
    import requests

    answer = requests.get(api_url.rstrip("/") + "/listar", params={"after": after}, timeout=timeout)
    answer.raise_for_status()
    rows = answer.json()
    if not isinstance(rows, list):
        raise RuntimeError(f"{api_url}/listar did not answer a list")
    return rows


def _stored_at(row):
    """The row's `at` (ISO time the API stored it) as seconds since the epoch."""
    from datetime import datetime

    return datetime.fromisoformat(row["at"]).timestamp()


def round_latency(bench, cfg, log):
    """`clustersim up -n 5 --interval 1` as a user runs it (embedded ZooKeeper and API):
    for each round of a steady run, the row's `at` minus the round's close."""
    return _latency_run(bench, cfg, log, cfg.latency_rounds, "benchL")


def _latency_run(bench, cfg, log, rounds, name, extra=()):
    """One steady run of `up` (`extra`: more of its options) measured as round_latency describes."""
    from cluster_sim.node.settings import NodeSettings

    cs = clustersim_command()
    n, interval = cfg.latency_nodes, cfg.latency_interval
    settings = NodeSettings(node_id="x", interval=interval, session_timeout=4.0)  # `up`'s default timeout
    runtime = bench.tempdir("run-")
    args = ["up", "-n", str(n), "--interval", f"{interval:g}", "--plain", "--name", name, *extra]
    out = {"params": {"nodes": n, "interval_s": interval, "rounds": rounds, "lag_s": settings.round_lag,
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
        pids = _node_pids(runtime, name)
        # from the first round that opens after the cluster is steady
        first = math.floor(time.time() / interval) + 1
        last = first + rounds - 1
        rows = _latency_collect(bench, up, api_url, first, last, interval, settings, log)
        status = control_status(runtime, name)
        out["nodes_running_at_end"] = len(_running_with_values(status))
        out.update(_latency_report(rows, first, last, interval, n))
    finally:
        began = time.time()
        code, killed = bench.stop(up, signal.SIGINT, timeout=40)
        out["shutdown"] = {"code": code, "killed": killed, "seconds": round(time.time() - began, 2),
                           "nodes_left_running": _leftovers(pids)}
    lat = out["latency"]
    out["met"] = lat["n"] > 0 and lat["p99"] <= out["params"]["target_p99_ms"]
    log(f"round latency{' (' + ' '.join(extra) + ')' if extra else ''}: {lat['n']} rounds, p50 {lat['p50']} ms, "
        f"p99 {lat['p99']} ms, max {lat['max']} ms "
        f"(target p99 <= {out['params']['target_p99_ms']:g} ms: {'met' if out['met'] else 'NOT met'}); "
        f"partial {len(out['rounds']['partial'])}, short {len(out['rounds']['short'])}, "
        f"lost {out['rounds']['lost']}")
    return out


# ---------------------------------------------------------------------------
# 8. what the fault relays cost with no fault set

RELAY_NOISE_MS = 5.0     # a p50 difference within this is no difference: 7a's run-to-run spread


def relay_overhead(bench, cfg, log):
    """The relays `up` puts between every node and ZooKeeper and the API (for `partition` and
    `slow`), with no fault set: an echo round trip direct and relayed (netfault.bench), and
    measurement 7's round close -> row stored with `up --no-relays` and with the relays, run
    one after the other on the same machine."""
    from cluster_sim.netfault.bench import bench_relay

    echo = bench_relay(round_trips=cfg.relay_round_trips).to_json()
    log(f"relay: echo round trip p50 {echo['direct']['median_us']} us direct, {echo['relayed']['median_us']} us "
        f"relayed (+{echo['overhead_median_us']} us)")
    without = _latency_run(bench, cfg, log, cfg.relay_rounds, "benchR0", extra=("--no-relays",))
    relayed = _latency_run(bench, cfg, log, cfg.relay_rounds, "benchR1")
    a, b = without["latency"], relayed["latency"]
    out = {"params": {"nodes": cfg.latency_nodes, "interval_s": cfg.latency_interval, "rounds": cfg.relay_rounds,
                      "echo_round_trips": cfg.relay_round_trips, "noise_ms": RELAY_NOISE_MS},
           "echo": echo, "without_relays": without, "with_relays": relayed}
    if a.get("n") and b.get("n"):
        out["difference_ms"] = {k: round(b[k] - a[k], 1) for k in ("p50", "p90", "p99")}
        out["met"] = abs(out["difference_ms"]["p50"]) <= RELAY_NOISE_MS
        log(f"relay: round close -> stored p50 {a['p50']} ms without, {b['p50']} ms with "
            f"({out['difference_ms']['p50']:+} ms; within {RELAY_NOISE_MS:g} ms: {'yes' if out['met'] else 'NO'})")
    return out


def _latency_steady(bench, up, runtime, name, n, log):
    """Wait until all ``n`` nodes are publishing and a full round was stored; the API's URL."""
    seen = {}

    def steady():
        if up.poll() is not None:
            raise RuntimeError(f"up exited ({up.returncode}): {bench.log_tail(up)}")
        status = control_status(runtime, name, timeout=2.0)
        if not status.get("api_url") or status["leader"] is None or len(_running_with_values(status)) < n:
            return False
        rows = _listar(status["api_url"], seen.get("after", 0))
        if rows:
            seen["after"] = rows[-1]["id"]
        return status["api_url"] if any(row.get("count") == n for row in rows) else False

    api_url = wait_for(steady, 120, f"{n} nodes publishing and a round of {n} readings stored", period=0.2)
    log(f"round latency: {n} nodes steady, API {api_url}")
    return api_url


def _latency_collect(bench, up, api_url, first, last, interval, settings, log):
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


def _latency_report(rows, first, last, interval, n):
    latencies = [_stored_at(row) - (row["round"] + 1) * interval for row in rows]
    stored = {row["round"] for row in rows}
    missing = [r for r in range(first, last + 1) if r not in stored]
    partial = [[row["round"], row["missing"]] for row in rows if row.get("missing")]
    # short: fewer readings than nodes running (all of them ran throughout) or than the row expected
    short = [[row["round"], row.get("count"), row.get("expected")] for row in rows
             if (row.get("count") or 0) < n or (row.get("count") or 0) < (row.get("expected") or 0)]
    epochs = sorted({row.get("epoch") for row in rows if row.get("epoch") is not None})
    return {
        "latency": summary_ms(latencies, also=(90, 99)),
        "rounds": {"expected": last - first + 1, "stored": len(rows), "first": first, "last": last,
                   "lost": len(missing), "missing": missing[:50], "partial": partial[:50],
                   "short": short[:50], "empty": sum(1 for row in rows if not row.get("count")),
                   "epochs": epochs, "leaders": sorted({str(row.get("leader")) for row in rows})},
    }


MEASUREMENTS = [
    ("handover", "graceful handover", handover),
    ("crash", "crash detection", crash),
    ("kill", "clustersim kill typed", kill_command),
    ("first_mean", "up -n 5 to the first mean", first_mean),
    ("round", "a leader round", leader_round),
    ("scale", "up -n 100", scale),
    ("latency", "round close to row stored, steady state", round_latency),
    ("relay", "the fault relays' cost, no fault set", relay_overhead),
]
