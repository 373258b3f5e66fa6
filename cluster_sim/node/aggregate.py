"""One round's aggregate: the mean, count, min and max of the nodes' readings.

    agg = aggregate_values({"1": 80.1, "2": 79.9}, round_no=4242, missing=["3"])
    agg.mean, agg.count, agg.expected, agg.partial      # 80.0, 2, 3, True
    agg = aggregate_round(readings, round_no=4242, interval=1.0, live=True)
    agg.mean, agg.count        # (None, 0) for a round in which nobody sampled

A round with `missing` members is partial: it was finalized at its deadline
while those members (present in the cluster) had not published up to it.

A round uses, per node, that node's own reading for the round (event time).
Nodes of the original design keep no history: their current value counts in
live rounds only, as the original leader counted it.
"""

import json
from dataclasses import asdict, dataclass, field
from typing import Dict, Iterable, List, Optional

from cluster_sim.node.readings import Reading


@dataclass
class Aggregate:
    round: int
    mean: Optional[float]
    count: int
    min: Optional[float] = None
    max: Optional[float] = None
    nodes: List[str] = field(default_factory=list)
    computed_at: float = 0.0
    missing: List[str] = field(default_factory=list)   # members owed but not caught up
    expected: Optional[int] = None                     # count + len(missing); None: not known

    @property
    def partial(self) -> bool:
        return bool(self.missing)

    def to_bytes(self) -> bytes:
        return json.dumps(asdict(self), separators=(",", ":")).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> "Aggregate":
        obj = json.loads(data.decode())
        return cls(**{k: obj.get(k) for k in cls.__dataclass_fields__ if k in obj})


def aggregate_values(values: Dict[str, float], round_no: int, missing: Iterable[str] = (),
                     computed_at: float = 0.0) -> Aggregate:
    """The aggregate of one value per node; `missing` names members owed but absent."""
    nodes = sorted(values)
    numbers = [values[n] for n in nodes]
    owed = sorted(missing)
    expected = len(numbers) + len(owed)
    if not numbers:
        return Aggregate(round=round_no, mean=None, count=0, computed_at=computed_at,
                         missing=owed, expected=expected)
    return Aggregate(
        round=round_no, mean=round(sum(numbers) / len(numbers), 6), count=len(numbers),
        min=min(numbers), max=max(numbers), nodes=nodes, computed_at=computed_at,
        missing=owed, expected=expected,
    )


def aggregate_round(
    readings: Dict[str, Reading], round_no: int, interval: float, live: bool, computed_at: float = 0.0
) -> Aggregate:
    values = {}
    for node_id, reading in readings.items():
        value = (reading.value if live else None) if reading.bare else reading.value_in_round(round_no, interval)
        if value is not None:
            values[node_id] = value
    return aggregate_values(values, round_no, computed_at=computed_at)
