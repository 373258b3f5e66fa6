"""The sensor: a sample every interval, into memory, whatever ZooKeeper does.

Samples fall on a grid (``k * interval + offset``) so each node has exactly one
reading per round. Sampling never touches the network: a sample goes into the
in-memory history and the node's truth log, and the publisher (a thread of its
own, see publisher.py) sends the latest history when it can. A ZooKeeper
server that hangs, a lost connection, a slow network: the history keeps every
sample, and once published again it covers the outage.

It keeps up to `cap` samples (10 minutes' worth, settings.history_cap) and
forgets the old ones only when told that the cluster stored their rounds
(`trim`, called by the publisher with the watermark): a ZooKeeper outage
longer than the usual window loses nothing.

    sensor = Sensor("3", interval=5.0, history=24, cap=122, on_sample=publisher.kick)
    sensor.seed(previous)      # continue the history an earlier process published
    sensor.take()              # the first sample, taken at once
    sensor.attach_truth(log)   # once the id is ours: every sample from now on is logged
    sensor.start(); ...; sensor.stop()
    seq, history = sensor.latest()
    sensor.trim(watermark=1700000000, keep=1)    # forget what is stored, but the newest sample
"""

import random
import threading
import time
from collections import deque
from typing import TYPE_CHECKING, Callable, Deque, Iterable, List, Optional, Tuple

from cluster_sim.node.readings import round_of

if TYPE_CHECKING:
    from cluster_sim.protocol.truth import TruthLog

Sample = Tuple[int, float, float]   # (seq, ts, value), as a history holds it


def uniform_sampler(low: float = 75.0, high: float = 85.0,
                    rng: Optional[random.Random] = None) -> Callable[[], float]:
    rng = rng or random.Random()
    return lambda: round(rng.uniform(low, high), 2)


class Sensor(threading.Thread):
    def __init__(self, node_id: str, interval: float, history: int, sample: Optional[Callable[[], float]] = None,
                 clock: Callable[[], float] = time.time, truth: Optional["TruthLog"] = None,
                 on_sample: Optional[Callable[[], None]] = None, cap: Optional[int] = None) -> None:
        super().__init__(name=f"sensor-{node_id}", daemon=True)
        self.node_id = node_id
        self.interval = interval
        self.offset = min(0.1 * interval, 0.25)
        self.sample = sample or uniform_sampler()
        self.clock = clock
        self.truth = truth
        self.on_sample: Callable[[], None] = on_sample or (lambda: None)
        self.window = max(1, history)
        self.history: Deque[Sample] = deque(maxlen=max(self.window, cap or 0))
        self.seq = 0
        self._own_from = 1  # seq of the first sample this process takes (after a seeded history)
        self._halt = threading.Event()  # not `_stop`: that name is threading.Thread's own (join calls it)
        self._lock = threading.Lock()

    def seed(self, previous: Iterable[Sample]) -> None:
        """Continue from what an earlier process with this id published (its
        samples may still be needed for rounds not yet stored)."""
        with self._lock:
            for seq, ts, value in previous:
                self.history.append((seq, ts, value))
                self.seq = max(self.seq, seq)
            self._own_from = self.seq + 1

    def attach_truth(self, truth: "TruthLog") -> None:
        """Log from now on, starting with the samples this process took so far (those
        the claim published: one, or two when a claim's lost answer kept one)."""
        with self._lock:
            self.truth = truth
            own = [entry for entry in self.history if entry[0] >= self._own_from]
        for seq, ts, value in own:
            truth.sample(seq, ts, value, round_of(ts, self.interval), self.interval)

    def take(self) -> None:
        with self._lock:
            self.seq += 1
            ts = round(self.clock(), 3)
            value = float(self.sample())
            self.history.append((self.seq, ts, value))
            seq = self.seq
        if self.truth is not None:
            self.truth.sample(seq, ts, value, round_of(ts, self.interval), self.interval)
        self.on_sample()

    def drop_newest(self) -> None:
        """Forget the newest sample: taken for a claim that did not succeed, never published."""
        with self._lock:
            if self.history:
                self.history.pop()
                self.seq -= 1

    def trim(self, watermark: Optional[int], keep: int) -> None:
        """Forget the oldest samples beyond the newest `keep` whose rounds are stored (at or
        below the round `watermark`; None: no round stored yet, nothing to keep them for)."""
        with self._lock:
            while len(self.history) > keep and (
                    watermark is None or round_of(self.history[0][1], self.interval) <= watermark):
                self.history.popleft()

    def newest_round(self) -> Optional[int]:
        """The round of the newest sample (None: no sample yet)."""
        with self._lock:
            return round_of(self.history[-1][1], self.interval) if self.history else None

    def latest(self) -> Tuple[int, List[Sample]]:
        """(seq of the newest sample, a copy of the history), for the publisher."""
        with self._lock:
            return self.seq, list(self.history)

    def next_sample_time(self, now: float) -> float:
        k = int((now - self.offset) // self.interval) + 1
        return k * self.interval + self.offset

    def run(self) -> None:
        while not self._halt.is_set():
            due = self.next_sample_time(self.clock())
            while not self._halt.is_set():
                left = due - self.clock()
                if left <= 0:
                    break
                self._halt.wait(left)
            if self._halt.is_set():
                break
            if not self.sampled_this_round():
                self.take()

    def sampled_this_round(self) -> bool:
        """One sample per round: a late wake-up (a pause, a starved thread) must not add a
        second sample to a round whose first may already be stored."""
        with self._lock:
            newest = self.history[-1][1] if self.history else None
        return newest is not None and round_of(newest, self.interval) == round_of(self.clock(), self.interval)

    def stop(self) -> None:
        self._halt.set()
