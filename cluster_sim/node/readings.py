"""What a node writes under /mediciones, and how anyone reads it back.

clustersim nodes write JSON with their latest reading and a short history
(so a new leader can fill the rounds it missed); nodes of the original design
write a bare number. Both are accepted. Anything else is garbage: it raises
``BadReading`` and never enters a mean.

    data = encode(Reading(value=80.2, ts=1700000000.0, seq=7, history=[...]))
    reading = decode(data, mtime=stat.mtime / 1000)
    reading.value_in_round(round_no, interval)
"""

import json
import math
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

MAX_BYTES = 256 * 1024  # a reading znode larger than this is garbage
VALUE_BOUNDS = (-1e9, 1e9)


class BadReading(ValueError):
    """The znode's data is not a reading we can trust."""


@dataclass
class Reading:
    value: float
    ts: float                       # wall-clock time of the sample (seconds)
    seq: int = 0
    pid: Optional[int] = None
    host: Optional[str] = None
    bare: bool = False              # written by a node of the original design
    history: List[Tuple[int, float, float]] = field(default_factory=list)  # (seq, ts, value)

    def value_in_round(self, round_no: int, interval: float) -> Optional[float]:
        """This node's reading for `round_no` (its last sample in that round)."""
        found = None
        for _, ts, value in self.history:
            if round_of(ts, interval) == round_no:
                found = value
        if found is None and round_of(self.ts, interval) == round_no:
            found = self.value
        return found


def round_of(ts: float, interval: float) -> int:
    """Rounds are on event time: the round a sample belongs to never changes."""
    return int(math.floor(ts / interval))


TS_BOUNDS = (0.0, 1e11)
SEQ_BOUNDS = (0, 2**53)


def _finite(value, what, bounds=VALUE_BOUNDS) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise BadReading(f"{what} is not a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise BadReading(f"{what} is not a number") from None
    if not math.isfinite(number):
        raise BadReading(f"{what} is not finite")
    if not bounds[0] <= number <= bounds[1]:
        raise BadReading(f"{what} is out of bounds")
    return number


def encode(reading: Reading) -> bytes:
    return json.dumps(
        {
            "value": reading.value,
            "ts": reading.ts,
            "seq": reading.seq,
            "pid": reading.pid,
            "host": reading.host,
            "history": [[s, round(t, 3), v] for s, t, v in reading.history],
        },
        separators=(",", ":"),
    ).encode()


def decode(data: Optional[bytes], mtime: Optional[float] = None) -> Reading:
    """Parse a reading znode. `mtime` (seconds) dates a bare number."""
    if data is None or len(data) == 0:
        raise BadReading("empty")
    if len(data) > MAX_BYTES:
        raise BadReading("oversized")
    try:
        text = data.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise BadReading("not UTF-8") from None
    if text[:1] != "{":
        # the original design: str(float) in the znode, nothing else
        return Reading(value=_finite(text, "value"), ts=mtime or 0.0, bare=True)
    try:
        obj = json.loads(text)
    except ValueError:
        raise BadReading("broken JSON") from None
    if not isinstance(obj, dict):
        raise BadReading("not an object")
    value = _finite(obj.get("value"), "value")
    ts = _finite(obj.get("ts", mtime or 0.0), "ts", TS_BOUNDS)
    history = []
    raw_history = obj.get("history") or []
    if not isinstance(raw_history, list):
        raise BadReading("history is not a list")
    for item in raw_history:
        if not isinstance(item, list) or len(item) != 3:
            raise BadReading("history entry malformed")
        seq, t, v = item
        history.append((int(_finite(seq, "seq", SEQ_BOUNDS)), _finite(t, "ts", TS_BOUNDS), _finite(v, "value")))
    pid = obj.get("pid")
    host = obj.get("host")
    return Reading(
        value=value,
        ts=ts,
        seq=int(_finite(obj.get("seq", 0), "seq", SEQ_BOUNDS)),
        pid=pid if isinstance(pid, int) and not isinstance(pid, bool) else None,
        host=str(host)[:255] if isinstance(host, str) else None,
        history=history,
    )


def read_all(client, timeout: float = 10.0):
    """Every reading under /mediciones, read in one pipelined burst.

    Returns ``(readings, bad)``: node id -> Reading, and node id -> why its
    znode was skipped. A child that vanishes mid-read is skipped silently:
    that node just left.
    """
    from kazoo.exceptions import NoNodeError

    from cluster_sim import paths

    try:
        children = client.get_children(paths.READINGS)
    except NoNodeError:
        return {}, {}
    pending = [(c, client.get_async(f"{paths.READINGS}/{c}")) for c in children]
    readings, bad = {}, {}
    for child, result in pending:
        try:
            data, stat = result.get(timeout=timeout)
        except NoNodeError:
            continue
        node_id = paths.node_id_from_reading(child)
        try:
            readings[node_id] = decode(data, mtime=stat.mtime / 1000.0)
        except BadReading as exc:
            bad[node_id] = str(exc)
    return readings, bad
