"""What each failover costs ZooKeeper, from the servers' own ``mntr`` figures.

A light poll (every `period`, 0.25 s) asks each server for ``mntr`` and keeps a short ring of
its counters: requests received (``zk_packets_received``), watch notifications delivered (the
sum of ``zk_sum_node_{created,deleted,changed,children}_watch_count``: ZooKeeper counts, for
each change, how many watchers it notified), and request latency (the read and update latency
summaries). The baseline beside a failover's figures is a window as long at the same moment of an
earlier round (the nodes publish on the round's grid), else the seconds before. It is also a listener of the manager's events: on each failover (LeaderElected
with a previous leader) it waits until the second after the leader left is measured, then
posts a messages.FailoverMeasured carrying an events.FailoverCost on the manager's queue.
Beside the server's figures it counts the candidates the recipe woke (events.CandidateWoken,
each node's own count); where ``mntr`` does not answer (a ZooKeeper that does not whitelist
it) that count is all there is (source "nodes").

    sampler = CostSampler(lambda: [("127.0.0.1", 2181)], post=manager.post, recipe="herd")
    manager.listeners.append(sampler); sampler.start(); ...; sampler.stop()
    counters = mntr_counters("127.0.0.1", 2181)      # one server's counters now (None: no mntr)
    cost = failover_cost(status_json)                # the last failover's cost `status --json` shows

The server's figures are the whole server's: the supervisor's own watches and reads are in
them (its baseline shows them); `woken` is the recipe's alone.
"""

import math
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable, Deque, Dict, List, Mapping, Optional, Sequence, Tuple

from cluster_sim.engine import events as ev
from cluster_sim.engine.messages import FailoverMeasured, Message
from cluster_sim.zk.probe import four_letter_word

__all__ = ["Counters", "CostSampler", "failover_cost", "mntr_counters", "measure"]

WATCH_SUMS = ("zk_sum_node_created_watch_count", "zk_sum_node_deleted_watch_count",
              "zk_sum_node_changed_watch_count", "zk_sum_node_children_watch_count")
WINDOW = 1.0          # the second after the leader left
BASELINE = 5.0        # the seconds before it, for the rate the class compares the burst with
GRACE = 0.5           # the nodes' own reports of being woken arrive through the manager's queue
MNTR_TIMEOUT = 2.0    # a server busy with a herd of 1,000 answers mntr late: a late sample, not none
LOOK_BACK = 2.0       # at most this long between the leader leaving and its successor's election
GIVE_UP = 60.0        # a failover whose window never got measured (ZooKeeper gone) is dropped


@dataclass(frozen=True)
class Counters:
    """One server's cumulative counters at one moment."""
    received: int               # requests received
    notifications: int          # watch notifications delivered
    latency_sum: float          # ms, over every read and update
    latency_count: int
    latency_p999: float         # ms: the recent requests' 99.9th percentile (a sliding minute)


def mntr_counters(host: str, port: int, timeout: float = 0.5) -> Optional[Counters]:
    """The server's counters, or None (down, or mntr not whitelisted)."""
    try:
        reply = four_letter_word(host, port, "mntr", timeout)
    except OSError:
        return None
    values: Dict[str, str] = {}
    for line in reply.splitlines():
        key, sep, value = line.partition("\t")
        if sep:
            values[key.strip()] = value.strip()
    if "zk_packets_received" not in values:
        return None

    def num(name: str) -> float:
        try:
            return float(values.get(name, "0"))
        except ValueError:
            return 0.0

    return Counters(received=int(num("zk_packets_received")),
                    notifications=int(sum(num(name) for name in WATCH_SUMS)),
                    latency_sum=num("zk_sum_readlatency") + num("zk_sum_updatelatency"),
                    latency_count=int(num("zk_cnt_readlatency") + num("zk_cnt_updatelatency")),
                    latency_p999=max(num("zk_p999_readlatency"), num("zk_p999_updatelatency")))


Sample = Tuple[float, Dict[str, Counters]]      # (when, server address -> its counters)


@dataclass
class _Failover:
    node: str
    after: Optional[str]
    left_at: float
    leader_ms: Optional[int]


def _left_at(elected: ev.LeaderElected, lost: Optional[float]) -> float:
    """When the old leader left ZooKeeper, as near as the supervisor knows: `failover_ms` before the
    election (from its kill or exit); for one that crashed or froze, never more than LOOK_BACK (its
    znodes go only when its session expires, just before the election); its leader znode seen gone,
    if earlier.
    On a loaded machine the election may come a second after the wake-ups: the window starts here."""
    at = elected.elected_at or elected.ts
    if elected.failover_ms is not None:
        # a leader that left (SIGTERM, a stop) closed its session at once: its znodes went then,
        # however long the election took on a loaded machine (3 s at 1,000 herd candidates)
        at -= elected.failover_ms / 1000 if elected.how == "left" else min(elected.failover_ms / 1000, LOOK_BACK)
    if lost is not None and at - LOOK_BACK <= lost < at:
        at = lost
    return at


def _earlier(ring: Sequence[Sample], start: Sample, end: Sample, interval: float,
             period: float) -> Optional[Tuple[Sample, Sample]]:
    """The same window at the same moment of an earlier round (the nodes publish on the round's
    grid: that is the fair comparison), whole rounds back and clear of the window itself; else the
    BASELINE seconds before the window. None when the ring does not reach back."""
    if interval > 0:
        back = interval * math.ceil((end[0] - start[0] + period) / interval)
        first = next((s for s in reversed(ring) if s[0] <= start[0] - back and s[1]), None)
        last = next((s for s in ring if s[0] >= end[0] - back and s[1]), None)
        if first is not None and last is not None and last[0] - first[0] > period / 2 and last[0] <= start[0]:
            return first, last
    before = next((s for s in ring if s[0] >= start[0] - BASELINE and s[1]), None)
    return (before, start) if before is not None and start[0] - before[0] > period / 2 else None


def measure(ring: Sequence[Sample], woken: Sequence[float], f: _Failover, recipe: str, period: float,
            interval: float = 0.0) -> ev.FailoverCost:
    """The cost of failover `f` from the ring of samples and the times candidates were woken."""
    # the nearest samples the servers answered (a server busy with a herd may miss a poll)
    start = next((s for s in reversed(ring) if s[0] <= f.left_at - period and s[1]), None)
    end = next((s for s in ring if s[0] >= f.left_at + WINDOW and s[1]), None)
    woke = sum(1 for t in woken if f.left_at - period <= t <= f.left_at + WINDOW)
    now = time.time()
    if start is None or end is None or not start[1] or not end[1]:
        return ev.FailoverCost(now, f.node, after=f.after, recipe=recipe, leader_ms=f.leader_ms, woken=woke,
                               source="nodes")
    servers = [a for a in end[1] if a in start[1]]
    a, b = [start[1][s] for s in servers], [end[1][s] for s in servers]
    count = sum(y.latency_count for y in b) - sum(x.latency_count for x in a)
    latency = (sum(y.latency_sum for y in b) - sum(x.latency_sum for x in a)) / count if count > 0 else None
    earlier = _earlier(ring, start, end, interval, period)
    baseline = notified = None
    if earlier is not None:
        (t0, was), (t1, now_) = earlier
        common = [s for s in servers if s in was and s in now_]
        baseline = (sum(now_[s].received for s in common) - sum(was[s].received for s in common)) / (t1 - t0)
        notified = (sum(now_[s].notifications for s in common) - sum(was[s].notifications for s in common)) / (t1 - t0)
    return ev.FailoverCost(
        now, f.node, after=f.after, recipe=recipe, leader_ms=f.leader_ms, woken=woke,
        notifications=sum(y.notifications for y in b) - sum(x.notifications for x in a),
        requests=sum(y.received for y in b) - sum(x.received for x in a),
        window_s=round(end[0] - start[0], 3), baseline_per_s=None if baseline is None else round(baseline, 1),
        notifications_baseline_per_s=None if notified is None else round(notified, 1),
        latency_avg_ms=None if latency is None else round(latency, 3),
        latency_max_ms=max((y.latency_p999 for y in b), default=None), source="mntr")


class CostSampler(threading.Thread):
    def __init__(self, servers: Callable[[], List[Tuple[str, int]]], post: Callable[[Message], None],
                 recipe: str = "election", interval: float = 0.0, period: float = 0.25,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(name="zk-cost", daemon=True)
        self.servers = servers
        self.post = post
        self.recipe = recipe
        self.interval = interval      # the cluster's round interval: the baseline is the same moment of an earlier round
        self.period = period
        self.clock = clock
        # a loaded supervisor (1,000 nodes) may hear of the election many seconds late: the ring
        # reaches back GIVE_UP seconds beyond the baseline
        keep = int((max(BASELINE, 2 * interval) + 2 * WINDOW + GRACE + GIVE_UP) / period) + 4
        self.ring: Deque[Sample] = deque(maxlen=keep)
        self._woken: Deque[float] = deque(maxlen=20_000)
        self._lost: Dict[str, float] = {}            # a leader -> when its leader znode went (LeaderLost)
        self._pending: List[_Failover] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()

    # -- a listener of the manager's events (on its loop: never blocks) --------------
    def event(self, event: ev.Event) -> None:
        with self._lock:
            if isinstance(event, ev.CandidateWoken):
                self._woken.append(event.ts)
            elif isinstance(event, ev.LeaderLost):
                self._lost[event.node] = event.ts
            elif isinstance(event, ev.LeaderElected) and event.after is not None and not event.original:
                left = _left_at(event, self._lost.pop(event.after, None))
                self._pending.append(_Failover(event.node, event.after, left, event.failover_ms))

    def frame(self, state: Any, now: float) -> None:
        pass

    # -- the poll ---------------------------------------------------------------------
    def run(self) -> None:
        while not self._stop.is_set():
            started = self.clock()
            try:
                self._poll(started)
            except Exception:  # noqa: BLE001 - a bad answer or a bug loses one poll, never the sampler
                pass
            self._stop.wait(max(0.0, self.period - (self.clock() - started)))

    def _poll(self, started: float) -> None:
        """One sample of every server; then the failovers whose second is over are measured."""
        counters = {f"{h}:{p}": c for h, p in self.servers()
                    for c in [mntr_counters(h, p, timeout=MNTR_TIMEOUT)] if c is not None}
        taken = (started + self.clock()) / 2
        with self._lock:
            self.ring.append((taken, counters))
            due = [f for f in self._pending if taken >= f.left_at + WINDOW + GRACE]
            self._pending = [f for f in self._pending if f not in due and taken - f.left_at < GIVE_UP]
            ring, woken = list(self.ring), list(self._woken)
        for f in due:
            self.post(FailoverMeasured(measure(ring, woken, f, self.recipe, self.period, self.interval)))

    def stop(self) -> None:
        self._stop.set()


def failover_cost(status: Mapping[str, Any]) -> Optional[ev.FailoverCost]:
    """The last failover's cost a `status --json` answer carries (None: no failover measured yet)."""
    raw = status.get("failover_cost") if isinstance(status, Mapping) else None
    if not isinstance(raw, Mapping):
        return None
    ts = raw.get("ts")
    return ev.typed_from(ev.FailoverCost, raw, ts=float(ts) if isinstance(ts, (int, float)) else 0.0)
