"""The watermark, /clustersim/last_round: the newest round the leader committed to the outbox.

The leader advances it in the transaction that commits each round, versioned on
the version it last read. A claim (a node joining, or coming back under its id)
rewrites it unchanged, versioned too, in the claim's own transaction. So the two
exclude each other: a claim whose sample is of a round stored meanwhile fails
(and the node takes a sample of an open round), and a store computed before a
claim landed fails (and the leader reads the new member before computing the
round again). A node's sample is in its round's row or in no stored round.

Publishers read it to know which samples the cluster has stored and may be
forgotten (sensor.trim).

    mark = read(client)          # Watermark(round=1700000000, dropped=0, data=b'{...}', version=41)
    mark.stored(1700000000)      # True: that round is in the outbox (or delivered)
    txn.set_data(paths.LAST_ROUND, mark.data, version=mark.version)   # a claim's fence
"""

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from kazoo.exceptions import NoNodeError

from cluster_sim.protocol import paths

if TYPE_CHECKING:
    from kazoo.client import KazooClient


class WatermarkMoved(Exception):
    """A round was stored (or a member claimed its id) since the watermark was read."""


@dataclass(frozen=True)
class Watermark:
    round: Optional[int]   # the last round committed; None: none yet (or unreadable)
    dropped: int           # outbox entries dropped so far
    data: bytes            # the znode's bytes, for a write that leaves it unchanged
    version: Optional[int]  # the znode's version; None: no such znode

    def stored(self, round_no: int) -> bool:
        return self.round is not None and round_no <= self.round


def parse(data: bytes, version: Optional[int]) -> Watermark:
    try:
        obj = json.loads(data.decode() or "null")
    except ValueError:
        obj = None
    if isinstance(obj, dict) and isinstance(obj.get("round"), int) and not isinstance(obj.get("round"), bool):
        dropped = obj.get("dropped")
        return Watermark(obj["round"], dropped if isinstance(dropped, int) else 0, data, version)
    return Watermark(None, 0, data, version)


def read(client: "KazooClient") -> Watermark:
    try:
        data, stat = client.get(paths.LAST_ROUND)
    except NoNodeError:
        return Watermark(None, 0, b"", None)
    return parse(data or b"", stat.version)


def encode(round_no: int, epoch: int, dropped: int) -> bytes:
    return json.dumps({"round": round_no, "epoch": epoch, "dropped": dropped}).encode()
