"""`clustersim chaos`: a seeded fault plan played on a cluster, ending in a verdict.

    code = run_chaos(ChaosOptions(duration=120, seed=1, name="default"))   # 0: nothing lost or wrong

On a running cluster (`--name`), the plan is made from what its status says
(its nodes, interval, session timeout, embedded ZooKeeper servers and API,
whether its nodes go through relays) and played through its control socket,
each step printed as a line; the cluster keeps running afterwards. When no
cluster runs under that name, chaos starts one as `clustersim up` would
(`-n`, `--interval`, `--session-timeout`, `--zk-servers`), shows it live,
plays the plan through the manager, and stops it at the end. Either way the
verdict follows: a table on the terminal, JSON with `--json FILE`; the exit
code is 0 only when nothing was lost, wrong, duplicated or stale and the
cluster recovered (1 otherwise, 2 when the plan cannot be made, 130 on
Ctrl-C, after every fault injected is undone).
"""

import json
import queue
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, TextIO, Tuple

from cluster_sim import control
from cluster_sim.faults import registry
from cluster_sim.node.settings import NodeSettings
from cluster_sim.node.options import CHAOS_PACE
from cluster_sim.supervisor.session import Driver
from cluster_sim.chaos.plan import KINDS, Plan, PlanError, plan
from cluster_sim.chaos.run import REQUEST_TIMEOUT, ChaosRun, RunResult, node_ids

__all__ = ["ChaosOptions", "applicable", "make_plan", "run_chaos"]


@dataclass
class ChaosOptions:
    duration: float = 120.0
    seed: Optional[int] = None            # None: a random one, shown (and in the JSON) to replay the run
    faults: Optional[Tuple[str, ...]] = None   # None: every kind that applies to the cluster
    json_path: Optional[str] = None
    name: str = "default"
    # for a cluster chaos starts itself: its node settings template (interval, session timeout),
    # declared with the node's options (node_options: chaos's pace, else NodeSettings' defaults)
    nodes: int = 5
    node: NodeSettings = field(default_factory=lambda: NodeSettings(node_id="", **CHAOS_PACE))
    zk_servers: int = 3
    plain: Optional[bool] = None
    lang: str = "en"


def applicable(status: dict) -> Dict[str, str]:
    """Kind -> why it cannot apply to this cluster ("" when it can)."""
    servers = len(status.get("zk_servers") or []) if status.get("zk_embedded", True) else 0
    local = len(node_ids(status))
    why: Dict[str, str] = {}
    for kind in KINDS:
        why[kind] = registry.unmet(registry.kind(kind), local_nodes=local, relays=bool(status.get("relays")),
                                   zk_servers=servers, api_embedded=bool(status.get("api_embedded")))
    return why


def make_plan(options: ChaosOptions, status: dict, seed: int) -> Tuple[Plan, List[str]]:
    """The plan for this cluster, and notes on the kinds left out; PlanError (one line) when a
    kind asked for cannot apply or the cluster does not say how it runs."""
    interval, session = status.get("interval"), status.get("session_timeout")
    if not isinstance(interval, (int, float)) or not isinstance(session, (int, float)) or not interval or not session:
        raise PlanError(f"cluster {options.name!r} does not say its interval and session timeout "
                        "(a supervisor older than clustersim chaos): restart it")
    why = applicable(status)
    notes: List[str] = []
    if options.faults is None:
        kinds = tuple(k for k in KINDS if not why[k])
        notes += [f"{k} left out: {why[k]}" for k in KINDS if why[k]]
    else:
        bad = [k for k in options.faults if why.get(k)]
        if bad:
            raise PlanError(f"{bad[0]} cannot apply to cluster {options.name!r}: {why[bad[0]]}")
        kinds = tuple(options.faults)
    if not kinds:
        raise PlanError(f"no fault applies to cluster {options.name!r}")
    servers = len(status.get("zk_servers") or []) if status.get("zk_embedded") else 0
    made = plan(seed, options.duration, kinds, node_ids(status), zk_servers=servers,
                api_embedded=bool(status.get("api_embedded")), session_timeout=float(session),
                interval=float(interval))
    return made, notes


def _seed(options: ChaosOptions) -> int:
    if options.seed is not None:
        return options.seed
    import random

    return random.SystemRandom().randrange(1, 1_000_000)


def _clock(ts: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(ts)) + f".{int(ts * 1000) % 1000:03d}"


def run_chaos(options: ChaosOptions, out: Optional[TextIO] = None) -> int:
    """The command (see the module docstring); returns its exit code."""
    out = out if out is not None else sys.stdout
    try:
        status = control.send(options.name, {"cmd": "status"}, timeout=5.0)
    except control.NotRunning:
        return _on_own_cluster(options, out)
    except (control.ControlError, OSError) as exc:
        return _fail(str(exc), 2)
    if not status.get("ok"):
        return _fail(str(status.get("error") or "the cluster refused status"), 2)
    return _on_running_cluster(options, status["status"], out)


def _fail(line: str, code: int) -> int:
    print(f"clustersim chaos: {line}", file=sys.stderr)
    return code


def _on_running_cluster(options: ChaosOptions, status: dict, out: TextIO) -> int:
    seed = _seed(options)
    try:
        made, notes = make_plan(options, status, seed)
    except PlanError as exc:
        return _fail(str(exc), 2)
    start = time.time()

    def log(line: str) -> None:
        now = time.time()
        out.write(f"{_clock(now)} +{now - start:5.1f}s {line}\n")
        out.flush()

    log(_opening(options, made))
    for note in notes:
        log(note)
    stop = threading.Event()
    interrupted = []

    def on_signal(signum: int, _frame: object) -> None:
        interrupted.append(signum)
        stop.set()

    on_main = threading.current_thread() is threading.main_thread()
    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)} if on_main else {}
    try:
        result = ChaosRun(options.name, made, log=log, stop=stop).run()
    except control.ControlError as exc:
        return _fail(f"the cluster stopped answering: {exc}", 1)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    return _finish(options, made, notes, result, out, interrupted=bool(interrupted))


def _opening(options: ChaosOptions, made: Plan) -> str:
    counts = " · ".join(f"{k} {n}" for k, n in made.count().items() if n)
    return (f"chaos on cluster {options.name!r}: seed {made.seed}, plan {made.fingerprint()}, "
            f"{made.duration:g} s, {len(made.faults)} faults ({counts})")


def _finish(options: ChaosOptions, made: Plan, notes: Sequence[str], result: RunResult, out: TextIO,
            interrupted: bool) -> int:
    from rich.console import Console

    from cluster_sim.chaos.view import render

    verdict = result.verdict
    if options.json_path:
        data = verdict.to_json()
        data["notes"] = list(notes) + data["notes"]
        data["plan"] = made.to_json()
        data["cluster"] = {"name": options.name, "nodes": list(made.nodes), "zk_servers": made.zk_servers,
                           **{k: made.settings.get(k) for k in ("interval", "session_timeout", "api_embedded")}}
        try:
            with open(options.json_path, "w") as f:
                json.dump(data, f, indent=1)
                f.write("\n")
        except OSError as exc:
            print(f"clustersim chaos: cannot write {options.json_path}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    Console(file=out, highlight=False).print(render(verdict))
    if interrupted:
        return 130
    return 0 if verdict.ok else 1


# --------------------------------------------------------------------------- a cluster of its own

def manager_send(manager: Any, over: threading.Event,
                 timeout: float = REQUEST_TIMEOUT) -> Callable[[dict], dict]:
    """A `send` for ChaosRun that goes through the manager's queue, as the control socket does."""
    def send(request: dict) -> dict:
        if over.is_set():
            raise control.ControlError("the cluster is stopping")
        reply: "queue.Queue[dict]" = queue.Queue(maxsize=1)
        manager.submit_request(request, reply)
        deadline = time.monotonic() + timeout
        while True:
            try:
                return reply.get(timeout=0.1)
            except queue.Empty:
                if over.is_set():
                    raise control.ControlError("the cluster is stopping") from None
                if time.monotonic() > deadline:
                    raise control.ControlError(f"the cluster did not answer within {timeout:g} s") from None
    return send


class _ChaosDriver(Driver):
    """Chaos on a cluster of its own: wait until it is ready, make the plan, play it. The first
    Ctrl-C ends the plan (every fault undone, then the verdict); the next stops the cluster."""

    name = "chaos"
    join_timeout = REQUEST_TIMEOUT

    def __init__(self, options: ChaosOptions, seed: int) -> None:
        self.options = options
        self.seed = seed
        self.over_ = threading.Event()    # the manager's loop has ended: nobody answers requests
        self.stop = threading.Event()     # Ctrl-C: undo every fault, judge, stop
        self.box: Dict[str, Any] = {}

    def interrupt(self, signal_name: str) -> bool:
        self.box["interrupted"] = True
        if self.stop.is_set():
            return False                  # a second Ctrl-C: stop now
        self.stop.set()
        return True

    def over(self) -> None:
        self.over_.set()
        self.stop.set()

    def run(self, cluster: Any) -> None:
        from cluster_sim.engine import events as ev

        manager, box, options = cluster.manager, self.box, self.options

        def log(line: str) -> None:
            manager.announce(ev.Notice(time.time(), message=f"chaos: {line}"))

        try:
            send = manager_send(manager, self.over_)
            status = _wait_ready(send, options, self.stop)
            made, notes = make_plan(options, status, self.seed)
            box["plan"], box["notes"] = made, notes
            log(_opening(options, made))
            for note in notes:
                log(note)
            # each step shows in the event log as the cluster's own event: only refusals are logged
            box["result"] = ChaosRun(options.name, made, send=send, log=log, stop=self.stop, log_ok=False).run()
        except PlanError as exc:
            box["error"], box["code"] = str(exc), 2
        except control.ControlError as exc:
            if not self.stop.is_set():
                box["error"], box["code"] = str(exc), 1
        except Exception as exc:  # a bug must still stop the cluster, in one line
            box["error"], box["code"] = f"{type(exc).__name__}: {exc}", 1
        finally:
            manager.stop(ev.StopWhy.CHAOS_FINISHED)


def _on_own_cluster(options: ChaosOptions, out: TextIO) -> int:
    from cluster_sim.supervisor.session import ClusterSession
    from cluster_sim.supervisor.up import Cluster, UpError, UpOptions
    from cluster_sim.zk.install import ZooKeeperUnavailable
    from cluster_sim.base.zkclient import ZkUnreachable

    driver = _ChaosDriver(options, _seed(options))
    up = UpOptions(nodes=options.nodes, name=options.name, node=options.node, zk_servers=options.zk_servers,
                   plain=options.plain, lang=options.lang)
    try:
        code = ClusterSession(Cluster(up, out=out), driver=driver).run()
    except (UpError, ZooKeeperUnavailable, ZkUnreachable) as exc:
        return _fail(str(exc), 2)
    box = driver.box
    if "error" in box:
        return _fail(box["error"], box["code"])
    if code == 130 or "result" not in box:
        return _fail("interrupted before the plan started", 130)
    return _finish(options, box["plan"], box["notes"], box["result"], out, interrupted=bool(box.get("interrupted")))


def _wait_ready(send: Callable[[dict], dict], options: ChaosOptions, stop: threading.Event,
                timeout: float = 120.0) -> dict:
    """The status once every node runs and a leader has stored a round: the plan starts from there."""
    deadline = time.monotonic() + timeout
    while not stop.is_set():
        status = send({"cmd": "status"})["status"]
        running = [n for n in status.get("nodes") or [] if n.get("state") == "running"]
        if status.get("leader") and len(running) >= options.nodes and (status.get("rounds_stored") or 0) >= 1:
            return status
        if time.monotonic() > deadline:
            raise control.ControlError(f"the cluster was not ready within {timeout:g} s")
        stop.wait(0.2)
    raise control.ControlError("interrupted")
