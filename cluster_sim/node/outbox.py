"""The durable outbox: aggregates wait in ZooKeeper until the API confirms them.

The leader puts each round's aggregate in ``/clustersim/outbox/r<round>`` in
the same fenced transaction that advances ``/clustersim/last_round``; the
sender deletes an entry only after the API answered 2xx. A leader that dies
leaves its entries behind for the next one, which adopts them. The outbox is
bounded: when full, the oldest entry is dropped, with a warning and a counter.

    outbox = Outbox(client, bound=17280)
    outbox.load()                       # adopt what a predecessor left
    txn = term.transaction(); outbox.add_to(txn, agg); term.commit(txn)
    outbox.added(agg.round)
    r = outbox.wait_oldest(timeout=0.5)
"""

import threading
from typing import TYPE_CHECKING, Any, Iterable, List, Optional

from kazoo.exceptions import NoNodeError

from cluster_sim.protocol import paths

if TYPE_CHECKING:
    from kazoo.client import KazooClient

    from cluster_sim.node.aggregate import Aggregate

DEFAULT_BOUND_SECONDS = 24 * 3600


class Outbox:
    def __init__(self, client: "KazooClient", bound: int) -> None:
        self.client = client
        self.bound = max(1, int(bound))
        self._rounds: List[int] = []  # sorted pending rounds, as this leader knows them
        self._cond = threading.Condition()

    def load(self) -> int:
        try:
            children = self.client.get_children(paths.OUTBOX)
        except NoNodeError:
            children = []
        rounds = []
        for child in children:
            try:
                rounds.append(paths.round_from_outbox_entry(child))
            except ValueError:
                continue
        with self._cond:
            self._rounds = sorted(rounds)
            self._cond.notify_all()
        return len(rounds)

    def add_to(self, txn: Any, agg: "Aggregate") -> List[int]:
        """Add this round's entry to `txn`; returns the rounds it drops to stay bounded."""
        txn.create(paths.outbox_entry(agg.round), agg.to_bytes())
        with self._cond:
            excess = len(self._rounds) + 1 - self.bound
            dropped = self._rounds[:max(0, excess)]
        for r in dropped:
            txn.delete(paths.outbox_entry(r))
        return dropped

    def added(self, round_no: int, dropped: Iterable[int] = ()) -> None:
        with self._cond:
            for r in dropped:
                if r in self._rounds:
                    self._rounds.remove(r)
            self._rounds.append(round_no)
            self._rounds.sort()
            self._cond.notify_all()

    def discard(self, round_no: int) -> None:
        with self._cond:
            if round_no in self._rounds:
                self._rounds.remove(round_no)

    def depth(self) -> int:
        with self._cond:
            return len(self._rounds)

    def oldest(self) -> Optional[int]:
        with self._cond:
            return self._rounds[0] if self._rounds else None

    def wait_oldest(self, timeout: Optional[float]) -> Optional[int]:
        with self._cond:
            if not self._rounds:
                self._cond.wait(timeout)
            return self._rounds[0] if self._rounds else None

    def wake(self) -> None:
        with self._cond:
            self._cond.notify_all()
