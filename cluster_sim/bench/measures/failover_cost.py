"""Measurement 10: what a failover costs ZooKeeper under each recipe, at N nodes: `clustersim up
-n N --recipe R` on an embedded ZooKeeper, the leader killed (SIGTERM) a few times, and each
failover's cost as the supervisor measured it from the server's mntr (events.FailoverCost, in
`status --json`). A step of `clustersim bench` at 100 nodes; more sizes with `--cost-nodes`:

    python -m cluster_sim.bench --only failover_cost --cost-nodes 100 1000
    result = failover_cost_step(bench, cfg, log)             # the bench's step: {"runs": {recipe: {n: [...]}}}
    rows = measure(nodes=100, recipe="herd", kills=3)        # [FailoverCost, ...], one per kill
    python -m cluster_sim.bench.measures.failover_cost --nodes 100 --recipe herd   # the same, on its own

The herd's notifications and requests should grow with N (every candidate is woken and races);
the election's should not (one candidate is woken). The server's figures include every other
watcher and request (each node's publishes notify the leader's and the supervisor's watches):
the baseline rates beside them say how much is the failover's. Runs with more than 200 nodes
must hold the machine's lock: `flock /work/big.lock python -m ...`. Above RELAYS_UP_TO nodes the
nodes connect straight to ZooKeeper (`--no-relays`): a thousand relayed connections are the
supervisor's CPU, which a failover's figures should not wait on.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict
from typing import Any, Dict, List, Optional, Sequence

from cluster_sim import control
from cluster_sim.adapters.zk_cost import failover_cost
from cluster_sim.bench.support import clustersim_command
from cluster_sim.bench.rows_cost import above, median
from cluster_sim.bench.up_control import control_status, running_with_values
from cluster_sim.engine.events import FailoverCost

__all__ = ["measure", "table", "main", "failover_cost_step", "RELAYS_UP_TO"]

RELAYS_UP_TO = 200


def _wait(predicate: Any, timeout: float, what: str, period: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except Exception:  # noqa: BLE001 - the supervisor may not answer yet
            value = None
        if value:
            return value
        time.sleep(period)
    raise TimeoutError(f"no {what} within {timeout:g} s")


def _ask(runtime: str, name: str, message: Dict[str, Any]) -> Dict[str, Any]:
    """A control command, in-process: a CLI's start-up on a loaded machine would move the kill
    off its moment in the round."""
    import socket

    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(30.0)
    try:
        sock.connect(os.path.join(runtime, f"{name}.sock"))
        sock.sendall(control.encode(message))
        return dict(control.decode(control.read_line(sock)))
    finally:
        sock.close()


def measure(nodes: int, recipe: str, kills: int = 3, interval: float = 5.0, session_timeout: float = 4.0,
            log: Any = print, extra: Sequence[str] = (), into: Optional[List[FailoverCost]] = None) -> List[FailoverCost]:
    """Start `up -n nodes --recipe recipe`, kill the leader `kills` times (restarting it each time,
    once the cost is in), and return each failover's cost."""
    runtime = tempfile.mkdtemp(prefix="clustersim-fcost-")
    os.chmod(runtime, 0o700)
    env = dict(os.environ, CLUSTERSIM_RUNTIME_DIR=runtime, CLUSTERSIM_MAX_NODES=str(max(nodes, 200)))
    name = f"fcost{uuid.uuid4().hex[:6]}"
    cs = clustersim_command()
    up = subprocess.Popen(cs + ["up", "-n", str(nodes), "--recipe", recipe, "--interval", f"{interval:g}",
                                "--session-timeout", f"{session_timeout:g}", "--plain", "--name", name, *extra],
                          env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                          start_new_session=True)
    costs: List[FailoverCost] = [] if into is None else into     # `into`: what was measured, also on a failure
    # a status of N nodes is built on the supervisor's loop (a megabyte at 1,000): asked less often there
    period = 0.2 if nodes <= RELAYS_UP_TO else 1.0
    try:
        def steady() -> Optional[Dict[str, Any]]:
            """A leader, and (nearly) every node running and in the election; a node that crashed
            (on a loaded machine one may, while connecting) is started again."""
            status = control_status(runtime, name)
            for node in status["nodes"]:
                if node["state"] == "crashed":
                    _ask(runtime, name, {"cmd": "start", "id": str(node["id"])})
            queued = [n for n in status["nodes"] if n["election"]["position"] is not None]
            enough = nodes - nodes // 50
            return status if (status["leader"] and len(running_with_values(status)) >= enough
                              and len(queued) >= enough) else None
        began = time.time()
        _wait(steady, 120 + nodes * 0.5, f"{nodes} nodes running, in the election, and a leader", period)
        log(f"{recipe} n={nodes}: steady after {time.time() - began:.1f} s")
        time.sleep(2 * interval)     # quiet rounds: the first kill's baseline must not be the start-up's
        for trial in range(1, kills + 1):
            status = _wait(steady, 120 + nodes * 0.5, "a steady cluster", period)
            # late in the round, so that the window (a poll before, a second after) ends before the next
            # tick: the nodes publish just after each tick, and on a loaded machine that takes seconds
            phase = max(interval / 2, interval - 1.75)
            time.sleep((phase - time.time() % interval) % interval)
            before = failover_cost(status)
            leader = status["leader"]
            _ask(runtime, name, {"cmd": "kill", "id": str(leader), "hard": False})

            def measured() -> Optional[FailoverCost]:
                cost = failover_cost(control_status(runtime, name))
                return cost if cost is not None and (before is None or cost.ts != before.ts) else None
            try:
                cost = _wait(measured, 30 + session_timeout + nodes * 0.1, "failover cost", period)
            except TimeoutError:
                now = control_status(runtime, name)
                log(f"{recipe} n={nodes}: no cost after killing {leader}; leader now {now['leader']}, "
                    f"last failover cost {now.get('failover_cost')}")
                raise
            costs.append(cost)
            log(f"{recipe} n={nodes} kill {trial}/{kills}: {cost.after} -> {cost.node}: woken {cost.woken}, "
                f"notifications {cost.notifications} (baseline {cost.notifications_baseline_per_s}/s), requests "
                f"{cost.requests} in {cost.window_s} s (baseline {cost.baseline_per_s}/s), leader {cost.leader_ms} ms, "
                f"latency {cost.latency_avg_ms} ms (p99.9 {cost.latency_max_ms} ms)")
            _ask(runtime, name, {"cmd": "start", "id": str(leader)})

            def back() -> bool:
                row = next((n for n in control_status(runtime, name)["nodes"] if n["id"] == str(leader)), None)
                return bool(row and row["state"] == "running" and row["election"]["position"] is not None)
            try:
                _wait(back, 60 + nodes * 0.2, f"node {leader} back in the election", period)
            except TimeoutError as exc:
                log(f"{recipe} n={nodes}: {exc}; going on without it")
            # two quiet rounds: the next failover's baseline (the same moment of an earlier round)
            # must not be this one's
            time.sleep(2 * interval)
    finally:
        up.send_signal(signal.SIGINT)
        try:
            up.wait(120)
        except subprocess.TimeoutExpired:
            os.killpg(up.pid, signal.SIGKILL)
            up.wait(10)
        shutil.rmtree(runtime, ignore_errors=True)
    return costs


def table(rows: Dict[str, Dict[int, List[FailoverCost]]]) -> str:
    """Markdown rows: recipe, N, and the medians over the kills."""
    lines = ["| recipe | nodes | kills | woken | notifications (above baseline) | requests (above baseline) "
             "| window s | leader ms | latency avg ms | p99.9 ms |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for recipe, by_n in rows.items():
        for n, costs in sorted(by_n.items()):
            kills = [asdict(c) for c in costs]    # the fields rows_cost reads, once per kill

            def med(get: Any, kills: List[Dict[str, Any]] = kills) -> str:
                value = median([get(kill) for kill in kills])
                if value is None:
                    return "—"
                return f"{value:,.0f}" if abs(value) >= 10 or float(value).is_integer() else f"{value:.2f}"
            lines.append(
                f"| {recipe} | {n:,} | {len(costs)} | {med(lambda c: c['woken'])} "
                f"| {med(lambda c: c['notifications'])} "
                f"({med(lambda c: above(c, 'notifications', 'notifications_baseline_per_s'))}) "
                f"| {med(lambda c: c['requests'])} ({med(lambda c: above(c, 'requests', 'baseline_per_s'))}) "
                f"| {med(lambda c: c['window_s'])} | {med(lambda c: c['leader_ms'])} | {med(lambda c: c['latency_avg_ms'])} "
                f"| {med(lambda c: c['latency_max_ms'])} |")
    return "\n".join(lines)


def failover_cost_step(bench: Any, cfg: Any, log: Any) -> Dict[str, Any]:
    """The bench's step 10: each recipe of ``cfg.cost_recipes`` at each size of ``cfg.cost_sizes``,
    ``cfg.cost_kills`` kills each; every kill's cost as the event's fields. A cluster that fails keeps
    the kills it measured and its error; the others still run."""
    runs: Dict[str, Dict[str, Any]] = {}
    errors: List[str] = []
    for n in cfg.cost_sizes:
        for recipe in cfg.cost_recipes:
            costs: List[FailoverCost] = []
            run: Dict[str, Any] = {"relays": n <= RELAYS_UP_TO}
            try:
                measure(n, recipe, kills=cfg.cost_kills, interval=cfg.cost_interval,
                        session_timeout=cfg.cost_session_timeout, into=costs, log=log,
                        extra=[] if n <= RELAYS_UP_TO else ["--no-relays"])
            except Exception as exc:  # noqa: BLE001 - a failed cluster keeps what it measured
                run["error"] = f"{type(exc).__name__}: {exc}"
                errors.append(f"{recipe} n={n}: {run['error']}")
            run["kills"] = [asdict(cost) for cost in costs]
            runs.setdefault(recipe, {})[str(n)] = run
    result: Dict[str, Any] = {"params": {"sizes": list(cfg.cost_sizes), "recipes": list(cfg.cost_recipes),
                                         "kills": cfg.cost_kills, "interval_s": cfg.cost_interval,
                                         "session_timeout_s": cfg.cost_session_timeout,
                                         "relays_up_to": RELAYS_UP_TO},
                              "runs": runs}
    if errors:
        result["error"] = "; ".join(errors)
    return result


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cluster_sim.bench.measures.failover_cost",
                                     description="What a failover costs ZooKeeper under each recipe, at N nodes.")
    parser.add_argument("--nodes", type=int, action="append", help="cluster sizes (repeat); default 100")
    parser.add_argument("--recipe", action="append", choices=["election", "herd"], help="recipes (repeat); default both")
    parser.add_argument("--kills", type=int, default=3, help="leader kills per cluster (default 3)")
    parser.add_argument("--interval", type=float, default=5.0, help="the cluster's interval (default 5 s)")
    parser.add_argument("--no-relays", action="store_true", help="nodes straight to ZooKeeper (large N)")
    args = parser.parse_args(argv)
    rows: Dict[str, Dict[int, List[FailoverCost]]] = {}
    for recipe in args.recipe or ["election", "herd"]:
        for n in args.nodes or [100]:
            costs: List[FailoverCost] = []
            try:
                measure(n, recipe, kills=args.kills, interval=args.interval, into=costs,
                        extra=["--no-relays"] if args.no_relays else [],
                        log=lambda line: print(line, file=sys.stderr, flush=True))
            except Exception as exc:  # noqa: BLE001 - a failed run keeps the kills it measured
                print(f"{recipe} n={n}: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
            if costs:
                rows.setdefault(recipe, {})[n] = costs
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
