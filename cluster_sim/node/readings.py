"""What a node writes to ZooKeeper, and how anyone reads it back.

Every node writes its latest value as a bare number to /mediciones/app{ID},
as the original design did, so an original leader can average it. clustersim
nodes also write JSON with a short history of their samples to
/clustersim/history/app{ID} (in the same transaction), so a leader can fill
the rounds it missed and know when a node's readings for a round are all in.
JSON in /mediciones (what older clustersim nodes wrote) is still accepted.
Anything else is garbage: it raises ``BadReading`` and never enters a mean.

    data = encode(Reading(value=80.2, ts=1700000000.0, seq=7, history=[...], session=0x1234))
    reading = decode(data, mtime=stat.mtime / 1000)
    reading = decode(data, since=ts)   # only the samples from ts on, and the newest before it
    reading.value_in_round(round_no, interval)
    encode_bare(80.2)        # b"80.2": what /mediciones/app{ID} holds
"""

import json
import math
from array import array
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union, overload

if TYPE_CHECKING:
    from kazoo.client import KazooClient

MAX_BYTES = 256 * 1024  # a reading znode larger than this is garbage
VALUE_BOUNDS = (-1e9, 1e9)


class BadReading(ValueError):
    """The znode's data is not a reading we can trust."""


Sample = Tuple[int, float, float]   # (seq, ts, value)


class Samples(Sequence[Sample]):
    """A decoded history's samples, read as (seq, ts, value) tuples, held as one packed array
    of floats (a seq is exact in one: below 2**53, SEQ_BOUNDS). A leader holds every member's
    history and reads each anew every round: as a list of tuples of floats that was six
    objects a sample, left scattered among a round's short-lived ones, and the memory the
    allocator kept for them was most of a leader's above a follower's at 1,000 members
    (docs/benchmarks.md, "Why the leader misses 9c"). Immutable: one empty one is shared.

        samples = Samples([(1, 10.1, 80.0), (2, 11.1, 81.0)])
        samples[-1], len(samples), list(samples) == [(1, 10.1, 80.0), (2, 11.1, 81.0)]
    """
    __slots__ = ("_flat",)

    def __init__(self, samples: Iterable[Sample] = ()) -> None:
        flat = array("d")
        for seq, ts, value in samples:
            flat.extend((seq, ts, value))
        self._flat = flat

    @classmethod
    def packed(cls, flat: "array[float]") -> "Samples":
        """Samples over ``flat`` (seq, ts, value, seq, ...), taken as it is, not copied."""
        samples = cls.__new__(cls)
        samples._flat = flat
        return samples

    def __len__(self) -> int:
        return len(self._flat) // 3

    @overload
    def __getitem__(self, index: int) -> Sample: ...

    @overload
    def __getitem__(self, index: slice) -> List[Sample]: ...

    def __getitem__(self, index: Union[int, slice]) -> Union[Sample, List[Sample]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        count = len(self)
        at = index + count if index < 0 else index
        if not 0 <= at < count:
            raise IndexError("sample index out of range")
        flat = self._flat
        return int(flat[3 * at]), flat[3 * at + 1], flat[3 * at + 2]

    def __iter__(self) -> Iterator[Sample]:
        flat = self._flat
        for i in range(0, len(flat), 3):
            yield int(flat[i]), flat[i + 1], flat[i + 2]

    def __reversed__(self) -> Iterator[Sample]:
        flat = self._flat
        for i in range(len(flat) - 3, -1, -3):
            yield int(flat[i]), flat[i + 1], flat[i + 2]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Samples, list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None   # type: ignore[assignment]  # (equal to lists: unhashable like them)

    def __repr__(self) -> str:
        return f"Samples({list(self)!r})"

    def __reduce__(self) -> Tuple[Any, ...]:
        return Samples, (list(self),)


NO_SAMPLES = Samples()   # a bare value's history (the original design keeps none)


@dataclass(slots=True)
class Reading:
    value: float
    ts: float                       # wall-clock time of the sample (seconds)
    seq: int = 0
    pid: Optional[int] = None
    host: Optional[str] = None
    bare: bool = False              # written by a node of the original design
    history: Sequence[Sample] = field(default_factory=list)  # (seq, ts, value); decoded: Samples
    session: Optional[int] = None   # the ZooKeeper session that wrote this history
    final: bool = False             # its writer takes no more samples (it left, or died and was seen dead)
    api_ok: Optional[bool] = None   # can its writer reach the API it would deliver to (None: not known yet,
    api_url: Optional[str] = None   # or a node that does not say) ... and that API's address

    def last_round(self, interval: float) -> Optional[int]:
        """The newest round this reading has a sample for: every sample of this
        node up to that round is in it (a history is published whole, in order)."""
        newest = self.history[-1][1] if self.history else (None if self.bare else self.ts)
        return None if newest is None else round_of(newest, interval)

    def value_in_round(self, round_no: int, interval: float) -> Optional[float]:
        """This node's reading for `round_no` (its last sample in that round)."""
        # newest first: the rounds a leader asks about are the latest ones
        for _, ts, value in reversed(self.history):
            sample_round = round_of(ts, interval)
            if sample_round == round_no:
                return value
            if sample_round < round_no:
                break
        if not self.history and round_of(self.ts, interval) == round_no:
            return self.value
        return None


def round_of(ts: float, interval: float) -> int:
    """Rounds are on event time: the round a sample belongs to never changes."""
    return int(math.floor(ts / interval))


TS_BOUNDS = (0.0, 1e11)
SEQ_BOUNDS = (0, 2**53)
_PLAIN = (int, float)   # (not bool, not str: a history of those takes _finite's long way)


def _finite(value: object, what: str, bounds: Tuple[float, float] = VALUE_BOUNDS) -> float:
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


def _from(raw_history: List[object], since: float) -> List[object]:
    """The entries from the newest one taken before `since` on (a history is in time order). An
    entry that is not a sample stops the scan there: kept, it makes the whole reading garbage."""
    for i in range(len(raw_history) - 1, -1, -1):
        item = raw_history[i]
        ts = item[1] if type(item) is list and len(item) == 3 else None
        if type(ts) not in _PLAIN or ts < since:   # type: ignore[operator]
            return raw_history[i:]
    return raw_history


def encode(reading: Reading) -> bytes:
    obj = {
        "value": reading.value,
        "ts": reading.ts,
        "seq": reading.seq,
        "pid": reading.pid,
        "host": reading.host,
        "history": [[s, round(t, 3), v] for s, t, v in reading.history],
    }
    if reading.session is not None:
        obj["session"] = reading.session
    if reading.final:
        obj["final"] = True
    if reading.api_ok is not None:
        obj["api_ok"] = reading.api_ok
    if reading.api_url:
        obj["api_url"] = reading.api_url
    return json.dumps(obj, separators=(",", ":")).encode()


def encode_bare(value: float) -> bytes:
    """The original design's format: what `float(data.decode())` reads back."""
    return repr(float(value)).encode()


_HOSTS_MAX = 4096                  # host names kept once, at most (a lecture hall has fewer machines)
_hosts: Dict[str, str] = {}


def _shared_host(host: str) -> str:
    """One copy of each host's name: a leader holds every member's history, and at 1,000 members
    on a few machines each history held a copy of the same few names. (Not the API address: under
    ``up`` each node's is a relay of its own.)"""
    known = _hosts.get(host)
    if known is None:
        if len(_hosts) >= _HOSTS_MAX:
            _hosts.clear()   # (a bound, not a cache of every name ever read)
        known = _hosts[host] = host
    return known


def decode(data: Optional[bytes], mtime: Optional[float] = None, since: Optional[float] = None) -> Reading:
    """Parse a reading znode. `mtime` (seconds) dates a bare number.

    With `since`, the history keeps only the samples taken from then on and the newest one
    before (so that it still reaches back past `since` when it did): a reader that never asks
    about older rounds (a leader past its watermark; ``math.inf``: the newest sample alone)
    neither holds nor checks the rest. A leader holds every member's history: at 1,000 members
    the samples it would never read again were most of its memory."""
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
        return Reading(value=_finite(text, "value"), ts=mtime or 0.0, bare=True, history=NO_SAMPLES)
    try:
        obj = json.loads(text)
    except ValueError:
        raise BadReading("broken JSON") from None
    if not isinstance(obj, dict):
        raise BadReading("not an object")
    value = _finite(obj.get("value"), "value")
    ts = _finite(obj.get("ts", mtime or 0.0), "ts", TS_BOUNDS)
    history = array("d")
    raw_history = obj.get("history") or []
    if not isinstance(raw_history, list):
        raise BadReading("history is not a list")
    if since is not None:
        raw_history = _from(raw_history, since)
    for item in raw_history:
        if type(item) is list and len(item) == 3:
            seq, t, v = item
            # the common case, checked at once (a leader's first load decodes 10,000 histories):
            # the same values _finite gives; anything else takes the long way and its message
            if (type(seq) is int and SEQ_BOUNDS[0] <= seq <= SEQ_BOUNDS[1]
                    and type(t) in _PLAIN and TS_BOUNDS[0] <= t <= TS_BOUNDS[1]
                    and type(v) in _PLAIN and VALUE_BOUNDS[0] <= v <= VALUE_BOUNDS[1]):
                history.extend((seq, t, v))
                continue
        if not isinstance(item, list) or len(item) != 3:
            raise BadReading("history entry malformed")
        seq, t, v = item
        history.extend((int(_finite(seq, "seq", SEQ_BOUNDS)), _finite(t, "ts", TS_BOUNDS), _finite(v, "value")))
    pid = obj.get("pid")
    host = obj.get("host")
    session = obj.get("session")
    return Reading(
        value=value,
        ts=ts,
        seq=int(_finite(obj.get("seq", 0), "seq", SEQ_BOUNDS)),
        pid=pid if isinstance(pid, int) and not isinstance(pid, bool) else None,
        host=_shared_host(host[:255]) if isinstance(host, str) else None,
        history=Samples.packed(history) if history else NO_SAMPLES,
        session=session if isinstance(session, int) and not isinstance(session, bool) else None,
        final=obj.get("final") is True,
        api_ok=obj.get("api_ok") if isinstance(obj.get("api_ok"), bool) else None,
        api_url=str(obj["api_url"])[:2048] if isinstance(obj.get("api_url"), str) else None,
    )


def merge(member: Optional[Reading], owner: Optional[int], history: Optional[Reading]) -> Optional[Reading]:
    """One node's reading from its two znodes.

    `member` is /mediciones/app{ID} decoded (None if absent), `owner` that
    znode's ephemeral owner, `history` /clustersim/history/app{ID} decoded.
    The history speaks for the member when the same session wrote both;
    otherwise the member is a node of the original design (or a history left
    by an earlier process with this id) and its bare value stands.
    """
    if history is not None and (member is None or (owner is not None and history.session == owner)):
        return history
    return member


def read_all(client: "KazooClient", timeout: float = 10.0) -> Tuple[Dict[str, Reading], Dict[str, str]]:
    """Every reading under /mediciones, read in one pipelined burst.

    Returns ``(readings, bad)``: node id -> Reading, and node id -> why its
    znode was skipped. A child that vanishes mid-read is skipped silently:
    that node just left.
    """
    from kazoo.exceptions import NoNodeError

    from cluster_sim.protocol import paths

    try:
        children = client.get_children(paths.READINGS)
    except NoNodeError:
        return {}, {}
    pending = [(c, client.get_async(f"{paths.READINGS}/{c}"), client.get_async(f"{paths.HISTORY}/{c}"))
               for c in children]
    readings: Dict[str, Reading] = {}
    bad: Dict[str, str] = {}
    for child, result, history_result in pending:
        try:
            data, stat = result.get(timeout=timeout)
        except NoNodeError:
            continue
        node_id = paths.node_id_from_reading(child)
        try:
            member = decode(data, mtime=stat.mtime / 1000.0)
        except BadReading as exc:
            member, why = None, str(exc)
        try:
            history_data, _ = history_result.get(timeout=timeout)
            history = decode(history_data)
        except (NoNodeError, BadReading):
            history = None
        reading = merge(member, stat.ephemeralOwner, history)
        if reading is not None:
            readings[node_id] = reading
        else:
            bad[node_id] = why
    return readings, bad
