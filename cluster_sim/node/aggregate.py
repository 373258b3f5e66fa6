"""One round's aggregate: the mean, count, min and max of the nodes' readings.

    agg = aggregate_round(readings, round_no=4242, interval=1.0, live=True)
    agg.mean, agg.count        # (None, 0) for a round in which nobody sampled

A round uses, per node, that node's own reading for the round (event time).
Nodes of the original design keep no history: their current value counts in
live rounds only, as the original leader counted it.
"""

import json
from dataclasses import asdict, dataclass, field
from typing import Dict, List, Optional

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

    def to_bytes(self) -> bytes:
        return json.dumps(asdict(self), separators=(",", ":")).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> "Aggregate":
        obj = json.loads(data.decode())
        return cls(**{k: obj.get(k) for k in cls.__dataclass_fields__ if k in obj})


def aggregate_round(
    readings: Dict[str, Reading], round_no: int, interval: float, live: bool, computed_at: float = 0.0
) -> Aggregate:
    values, nodes = [], []
    for node_id in sorted(readings):
        reading = readings[node_id]
        if reading.bare:
            value = reading.value if live else None
        else:
            value = reading.value_in_round(round_no, interval)
        if value is not None:
            values.append(value)
            nodes.append(node_id)
    if not values:
        return Aggregate(round=round_no, mean=None, count=0, computed_at=computed_at)
    return Aggregate(
        round=round_no,
        mean=round(sum(values) / len(values), 6),
        count=len(values),
        min=min(values),
        max=max(values),
        nodes=nodes,
        computed_at=computed_at,
    )
