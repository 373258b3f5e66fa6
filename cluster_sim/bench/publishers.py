"""Many publishing nodes from a few sessions: what a leader sees of a large cluster,
without a process per node.

Each simulated node is written as clustersim's publisher writes it: its latest
value bare in an ephemeral /mediciones/app{ID} and its history (the last samples,
stamped with the writer's session) in /clustersim/history/app{ID}, both in one
transaction, one sample early in every round (stamped with that time, as a sensor
stamps it, even when the writing lags). Node ``ids[i]`` belongs to writer session
``i % sessions``, so the leader takes each for a clustersim node that publishes
every sample (completeness.py) and waits for it like for any other. The nodes of
one session are written ``PER_TXN`` to a transaction: one process writing for
1,000 nodes pays kazoo's per-request cost once per transaction, not per node.

    pubs = Publishers(bench, hosts, [str(i) for i in range(101, 1101)], interval=1.0).start()
    pubs.published     # rounds every node has published a sample of
    pubs.close()       # the sessions go: every member znode with them
"""

import random
import threading
import time
from typing import TYPE_CHECKING, Any, Dict, List, Sequence

from cluster_sim.bench.support import BenchSession
from cluster_sim.node.readings import Reading, encode, encode_bare
from cluster_sim.node.sensor import Sample
from cluster_sim.protocol import paths

if TYPE_CHECKING:
    from kazoo.client import KazooClient

HISTORY = 12       # samples each history keeps (what the bench's leader round uses)
OFFSET = 0.1       # of an interval: when in its round each node samples
PER_TXN = 25       # nodes per transaction (both znodes of each)


class Publishers:
    def __init__(self, bench: BenchSession, hosts: str, ids: Sequence[str], interval: float,
                 sessions: int = 8) -> None:
        self.bench = bench
        self.hosts = hosts
        self.ids = list(ids)
        self.interval = interval
        self.writers: List["KazooClient"] = [bench.client(hosts) for _ in range(sessions)]
        self.samples: Dict[str, List[Sample]] = {node_id: [] for node_id in self.ids}
        self.rng = random.Random(len(self.ids))
        self.published = 0          # rounds published by every node
        self.failed = 0             # transactions that failed
        self.late = 0               # rounds whose publishing ended after the round closed
        self.took: List[float] = []  # seconds each round's publishing took
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-publishers", daemon=True)

    def start(self) -> "Publishers":
        for path in (paths.READINGS, paths.HISTORY):
            self.writers[0].ensure_path(path)
        self._publish(first=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        next_round = int(time.time() / self.interval) + 1
        while not self._stop.is_set():
            at = (next_round + OFFSET) * self.interval
            if self._stop.wait(max(0.0, at - time.time())):
                return
            self._publish(at)
            next_round += 1   # every round sampled, late or not: a sensor samples on its own clock

    def _publish(self, at: float = 0.0, first: bool = False) -> None:
        began = time.time()
        at = at or began
        round_end = (int(at / self.interval) + 1) * self.interval
        txns: Dict[int, Any] = {}
        pending: List[Any] = []
        for i, node_id in enumerate(self.ids):
            w = i % len(self.writers)
            writer = self.writers[w]
            history = self.samples[node_id]
            seq = history[-1][0] + 1 if history else 1
            value = round(self.rng.uniform(75, 85), 2)
            history.append((seq, at, value))
            del history[:-HISTORY]
            reading = Reading(value=value, ts=at, seq=seq, pid=200000 + i, host="bench", history=list(history),
                              session=writer.client_id[0])
            txn = txns.get(w)
            if txn is None:
                txn = txns[w] = writer.transaction()
            if first:
                txn.create(paths.history_path(node_id), encode(reading))
                txn.create(paths.reading_path(node_id), encode_bare(value), ephemeral=True)
            else:
                txn.set_data(paths.reading_path(node_id), encode_bare(value))
                txn.set_data(paths.history_path(node_id), encode(reading))
            if len(txn.operations) >= 2 * PER_TXN:
                pending.append(txns.pop(w).commit_async())
        pending += [txn.commit_async() for txn in txns.values()]
        for result in pending:
            try:
                if any(isinstance(r, Exception) for r in result.get(timeout=30)):
                    self.failed += 1
            except Exception:  # noqa: BLE001 - counted; the measurement reports it
                self.failed += 1
        done = time.time()
        self.took.append(done - began)
        if done > round_end:
            self.late += 1
        self.published += 1

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)
        for writer in self.writers:
            self.bench.close_client(writer)
