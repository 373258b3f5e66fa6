"""Play a chaos plan on a running cluster through its control socket, then judge the result.

    p = plan(seed=1, duration=120, faults=KINDS, nodes=node_ids(status), zk_servers=3,
             session_timeout=4.0, interval=1.0)
    result = ChaosRun("default", p).run()      # blocks for the plan's duration, then settles
    result.verdict.ok, result.verdict.to_json()

The run talks to the supervisor only as `clustersim kill` does (control.send),
and watches it through `status`: a poller records who leads when (for the
longest time without a leader). A step aimed at LEADER hits whoever leads
when it is played; a node that is already down or faulted is replaced by
another free node (from a generator seeded by the plan's seed), and a step
with no free node left is skipped and logged. Whatever happens (Ctrl-C, a
refused step, an error), every fault injected is undone before the run ends.

After the last step the run waits for the cluster to settle (a leader, every
local node running and CONNECTED, the API up, the outbox empty, rounds
flowing again), then judges the API's rows and the nodes' truth logs with
`clustersim check`'s own function (check_judge.judge), up to the end of the
run on the cluster's round grid: a round due by then and not stored fails
the run. verdict.py builds the verdict from that.

Every fault is a control command of the supervisor: network faults
(`partition`, `slow`, `heal`) act on the nodes' relays, `sigstop` is
`zk-pause`/`zk-resume` (and the supervisor thaws a frozen server itself
when it stops). A command the supervisor refuses (an older one, a node that
cannot be reached from here) is reported in the verdict as "not injected",
never as a failure.
"""

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from cluster_sim import control
from cluster_sim.chaos.plan import LEADER, NODE_KINDS, Plan, Step
from cluster_sim.chaos.verdict import Executed, Verdict, build_verdict, row_time

__all__ = ["ChaosRun", "RunResult", "node_ids", "unsettled"]

POLL = 0.2                # seconds between status polls
REQUEST_TIMEOUT = 20.0    # zk-kill waits for a JVM to stop
SETTLE_ROUNDS = 3         # rounds closed after the last heal that must be stored before it counts as settled

def node_ids(status: dict) -> List[str]:
    """The nodes this supervisor runs (remote ones cannot be killed, paused or cut off from here)."""
    return [str(n["id"]) for n in status.get("nodes") or [] if not n.get("remote")]


@dataclass
class RunResult:
    executed: List[Executed]
    terms: List[list]
    window: Tuple[float, float]
    settled: bool
    rows: List[dict]
    check: dict
    verdict: Verdict


def acting_leader(status: dict) -> Optional[str]:
    """The leader, if it can act: its leader znode outlives a node paused, killed hard, cut
    off from ZooKeeper or suspended (until its session expires), but none of those leads."""
    leader = status.get("leader")
    node = next((n for n in status.get("nodes") or [] if n.get("id") == leader), None)
    if leader is None or node is None:
        return leader  # a node the supervisor does not list (a student's original node): as shown
    faults = node.get("faults") or {}
    if node.get("state") not in (None, "running") or (faults.get("zk") or {}).get("partitioned") \
            or node.get("connection") in ("SUSPENDED", "LOST"):
        return None
    return leader


class _Watch(threading.Thread):
    """Polls status; keeps the latest and the leadership terms [node, epoch, start, end]."""

    def __init__(self, status: Callable[[], dict], clock: Callable[[], float]):
        super().__init__(daemon=True, name="chaos-watch")
        self._status = status
        self._clock = clock
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.latest: Optional[dict] = None
        self.error: Optional[str] = None
        self.terms: List[list] = []
        self._key: Optional[tuple] = None

    def poll(self) -> Optional[dict]:
        try:
            status = self._status()
        except control.ControlError as exc:
            self.error = str(exc)
            return None
        now = self._clock()
        key = (acting_leader(status), status.get("epoch"))
        with self.lock:
            self.latest, self.error = status, None
            if key != self._key:
                # poll resolution (POLL): TODO use the supervisor's leader events once it exports them
                if self.terms and self.terms[-1][3] is None:
                    self.terms[-1][3] = now
                if key[0] is not None:
                    self.terms.append([str(key[0]), key[1], now, None])
                self._key = key
        return status

    def run(self) -> None:
        while not self.stop.wait(POLL):
            self.poll()


class ChaosRun:
    def __init__(self, name: str, plan: Plan, *, send: Optional[Callable[[dict], dict]] = None,
                 clock: Callable[[], float] = time.time, log: Callable[[str], None] = lambda line: None,
                 settle_timeout: Optional[float] = None, stop: Optional[threading.Event] = None,
                 log_ok: bool = True):
        self.name = name
        self.plan = plan
        self._send = send or (lambda request: control.send(name, request, timeout=REQUEST_TIMEOUT))
        self.clock = clock
        self.log = log
        self.log_ok = log_ok          # False: a step the cluster shows as its own event is not logged again
        s, i = plan.settings.get("session_timeout", 4.0), plan.settings.get("interval", 1.0)
        self.settle_timeout = settle_timeout if settle_timeout is not None else 4 * s + 10 * i + 30
        self.stop = stop or threading.Event()
        self.rng = random.Random(f"clustersim-chaos/{plan.seed}/resolve")
        self.hit: Dict[int, Optional[str]] = {}      # fault id -> the node it acted on
        self.open: Dict[int, List[Step]] = {}        # fault id -> injections not undone yet
        self.executed: List[Executed] = []
        self.unsettled: Optional[str] = None         # why the cluster did not settle, if it did not
        self.watch = _Watch(lambda: self._request({"cmd": "status"})["status"], clock)

    # -- talking to the supervisor -----------------------------------------
    def _request(self, request: dict) -> dict:
        answer = self._send(request)
        if not isinstance(answer, dict):
            raise control.ControlError("the supervisor answered nonsense")
        return answer

    def _status(self) -> dict:
        status = self.watch.poll()
        if status is None:
            raise control.ControlError(self.watch.error or "no status")
        return status

    # -- the run ---------------------------------------------------------------
    def run(self) -> RunResult:
        self._status()  # the cluster answers, or ControlError now, before any fault
        start_wall, start = self.clock(), time.monotonic()
        self.watch.start()
        settled = False
        try:
            for step in self.plan.steps:
                if self.stop.wait(max(0.0, start + step.at - time.monotonic())):
                    self.log("stopping early: undoing every fault injected")
                    break
                self._play(step)
        finally:
            self._undo_everything()
        if not self.stop.is_set():
            settled = self._settle()
        end_wall = self.clock()
        self.watch.stop.set()
        self.watch.join(5)
        status = self._status()
        rows, check = self._check(status, end_wall)
        terms = [list(t) for t in self.watch.terms]
        window = (start_wall, end_wall)
        verdict = build_verdict(self.plan, self.executed, check, terms, rows, window, settled,
                                cluster=_cluster_of(rows, window),
                                unsettled=self.unsettled or ("stopped early" if self.stop.is_set() else ""))
        return RunResult(self.executed, terms, window, settled, rows, check, verdict)

    def _play(self, step: Step) -> None:
        node = None
        if not step.injects and not self._injected(step):
            self._record(step, None, ok=False, sent=False, message="its injection was not made")
            return
        if step.kind in NODE_KINDS:
            node = self._resolve(step)
            if node is None:
                self._record(step, None, ok=False, sent=False, message="no free node to act on")
                return
        try:
            answer = self._request(step.request(node=node))
            ok, message = bool(answer.get("ok")), str(answer.get("message") or answer.get("error") or "")
        except control.ControlError as exc:
            ok, message = False, str(exc)
        self._record(step, node, ok=ok, message=message)
        if step.injects and ok:
            self.hit[step.fault] = node
            self.open.setdefault(step.fault, []).append(step)
        elif not step.injects and ok:
            left = [s for s in self.open.get(step.fault, []) if s.index != step.index]
            if left:
                self.open[step.fault] = left
            else:
                self.open.pop(step.fault, None)

    def _injected(self, undo: Step) -> bool:
        """Whether the injection this step undoes was made (and not undone yet)."""
        return any(s.index == undo.index for s in self.open.get(undo.fault, []))

    def _record(self, step: Step, node: Optional[str], ok: bool, message: str, sent: bool = True) -> None:
        self.executed.append(Executed(at=self.clock(), step=step, node=node, ok=ok, message=message, sent=sent))
        if ok and not self.log_ok:
            return
        who = f" node {node}" if node else (f" server {step.index}" if step.index else "")
        self.log(f"{step.action}{who}: {'ok' if ok else 'refused'}{': ' + message if message else ''}")

    def _resolve(self, step: Step) -> Optional[str]:
        if not step.injects:
            return self.hit.get(step.fault)  # undo on the node the injection hit
        status = self.watch.latest or self._status()
        busy = {n for f, n in self.hit.items() if f in self.open}
        free = [str(n["id"]) for n in status.get("nodes") or []
                if not n.get("remote") and n.get("state") == "running" and str(n["id"]) not in busy]
        want = status.get("leader") if step.node == LEADER else step.node
        if want is not None and str(want) in free:
            return str(want)
        return self.rng.choice(sorted(free)) if free else None

    def _undo_everything(self) -> None:
        """Undo every fault still injected, in reverse order (Ctrl-C, an error, a refused undo)."""
        for fault, steps in sorted(self.open.items(), reverse=True):
            for step in list(steps):
                undo = next((s for s in self.plan.steps
                             if s.fault == fault and not s.injects and s.index == step.index), None)
                if undo is not None:
                    try:
                        self._play(undo)
                    except Exception as exc:  # keep undoing the rest whatever one undo does
                        self.log(f"could not undo fault {fault}: {exc!r}")

    # -- after the last step ---------------------------------------------------
    def _settle(self) -> bool:
        """Wait until the cluster has recovered and stored rounds that closed after the last
        heal (a catch-up of old rounds is not recovery); False after settle_timeout."""
        deadline = time.monotonic() + self.settle_timeout
        interval = float(self.plan.settings.get("interval", 1.0))
        wanted = int(self.clock() // interval) + SETTLE_ROUNDS
        why: Optional[str] = "no status"
        while time.monotonic() < deadline and not self.stop.is_set():
            try:
                status = self._status()
            except control.ControlError as exc:
                status, why = None, str(exc)
            if status is not None:
                from cluster_sim.engine.round_count import round_base, shown

                last = status.get("last_round")
                base = round_base(status.get("started_at"), status.get("interval"))   # as the view counts
                why = unsettled(status) or (None if isinstance(last, int) and last >= wanted
                                            else f"round {shown(wanted, base)} (of this cluster) not stored yet")
                if why is None:
                    self.log("settled: a leader, every node back, rounds flowing")
                    return True
            self.stop.wait(POLL)
        self.log(f"not settled within {self.settle_timeout:g} s: {why}")
        self.unsettled = why
        return False

    def _check(self, status: dict, end: float) -> Tuple[List[dict], dict]:
        """What `clustersim check` judges (the same function), up to the end of the run."""
        from cluster_sim.check import CheckError
        from cluster_sim.check_due import grid_from_status
        from cluster_sim.check_judge import Sources, judge
        from cluster_sim.check_view import as_json

        directory = status.get("truth_dir")
        sources = Sources(status.get("api_url") or "", truth_dirs=[directory] if directory else [],
                          grid=grid_from_status(status), running=True, now=end,
                          known_nodes=[str(n.get("id")) for n in status.get("nodes") or []])
        try:
            judged = judge(sources)
        except CheckError as exc:
            return [], {"ok": False, "violations": [str(exc)], "clusters": {}}
        return judged.rows, as_json(judged.report, judged.truth, judged.note, judged.horizon)


def unsettled(status: dict) -> Optional[str]:
    """Why the cluster has not recovered yet, or None when it has."""
    if status.get("leader") is None:
        return "no leader"
    if status.get("api_ok") is not True:
        return "the API is not answering"
    depth = (status.get("outbox") or {}).get("depth")
    if depth:
        return f"{depth} rounds in the outbox"
    for n in status.get("nodes") or []:
        if n.get("remote"):
            continue
        # "": the node has not reported a change since it connected (nodes report changes only)
        if n.get("state") != "running" or n.get("connection") not in ("CONNECTED", ""):
            return f"node {n.get('id')} is {n.get('state')} ({n.get('connection') or 'not connected'})"
    down = [str(s.get("index")) for s in status.get("zk_servers") or [] if s.get("mode") == "down"]
    if down:
        return f"ZooKeeper server {', '.join(down)} down"
    return None


def _cluster_of(rows: Sequence[dict], window: Tuple[float, float]) -> Optional[str]:
    """The cluster whose rows were stored during the run (a shared API may hold others)."""
    found = Counter(str(r.get("cluster") or "") for r in rows
                    if r.get("round") is not None and window[0] <= (row_time(r) or 0.0) <= window[1])
    return found.most_common(1)[0][0] if found else None
