"""At shutdown, whether the leader has stored every round the nodes published.

Nodes sample until they are told to stop, and a leader stores a round only
once it closed; stopping them all at once would leave the last round or two
published and never stored. So `up` first tells every local node to stop
sampling (SIGUSR1, node/main.py): each publishes its history one last time,
marked final, and stays in the cluster. Once every node still running has,
the newest sample in any history is the last round anybody published; the
leader, seeing every history final, stores it and every round before it
without waiting for them to close (node/leader.py, closing). Read here from
ZooKeeper, with the supervisor's session:

    progress = read_progress(client, interval=1.0, pids={"1": 4242, "2": 4243})
    progress.closed      # every listed node that published has published its history final
    progress.newest      # the newest round with a sample of a node that stopped (None: none)
    progress.stored      # the watermark: every round up to it is stored or in the outbox
    progress.uncomputed  # rounds with such a sample after the watermark, in order

`read_progress` raises leftover.LeftoverError (one line) when ZooKeeper does
not answer. What `up` says about it is events.SettleStarted / SettleEnded,
and, after the nodes stopped, RoundsUncomputed for any round nobody computed.
"""

import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Set, Tuple

from kazoo.exceptions import NoNodeError

from cluster_sim.protocol import paths
from cluster_sim.node.readings import BadReading, decode, round_of
from cluster_sim.adapters.leftover import BATCH, waiter


@dataclass(frozen=True)
class Progress:
    closed: bool                       # every node asked has published its history, final
    newest: Optional[int]              # the newest round with a published sample
    stored: Optional[int]              # the watermark (None: no round stored yet)
    uncomputed: List[int] = field(default_factory=list)

    @property
    def settled(self) -> bool:
        """Nothing more to wait for: nobody samples, and every published round is stored."""
        return self.closed and not self.uncomputed


def read_progress(client: Any, interval: float, pids: Mapping[str, int], timeout: float = 2.0) -> Progress:
    """Read every history and the watermark (see the module's docstring)."""
    wait = waiter(client, timeout)
    try:
        children = wait(client.get_children_async(paths.HISTORY))
    except NoNodeError:
        children = []
    rounds: Set[int] = set()
    writers: Dict[str, Tuple[Optional[int], bool]] = {}   # node id -> (the pid that wrote its history, final)
    for start in range(0, len(children), BATCH):
        pending = [(c, client.get_async(f"{paths.HISTORY}/{c}")) for c in children[start:start + BATCH]]
        for child, result in pending:
            try:
                data, _ = wait(result)
                reading = decode(data)
            except (NoNodeError, BadReading):
                continue  # pruned meanwhile, or garbage: no sample a leader could count
            writers[paths.node_id_from_reading(child)] = (reading.pid, reading.final)
            if reading.final:
                # only a node that stopped sampling: one still going (a student's, on an external
                # ZooKeeper) has rounds to come that its leader stores in their time
                rounds.update(round_of(ts, interval) for _, ts, _ in reading.history)
    try:
        stored = _watermark(wait(client.get_async(paths.LAST_ROUND))[0])
    except NoNodeError:
        stored = None
    # a process that has published nothing of its own (waiting for its id, or just started)
    # has no sample anyone waits for: closed too
    closed = all(writers.get(node, (None, False)) != (pid, False) for node, pid in pids.items())
    return Progress(closed=closed,
                    newest=max(rounds, default=None), stored=stored,
                    uncomputed=sorted(r for r in rounds if stored is None or r > stored))


def _watermark(data: bytes) -> Optional[int]:
    try:
        obj = json.loads(data.decode() or "null")
    except (ValueError, UnicodeDecodeError):
        return None
    value = obj.get("round") if isinstance(obj, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None
