"""Ground truth: every sample a node takes, appended to a local log.

The system's own view (the readings in ZooKeeper, the rows in the API) cannot
prove itself complete: a leader with a stale view stores a short round and
believes it. So every node also writes down, on its own disk, each sample the
moment it takes it, and each time ZooKeeper confirmed a publish. `clustersim
check --truth DIR` recomputes every round from these logs.

    log = TruthLog(truth_dir("default"), node_id="3", cluster="ab12cd")
    log.sample(seq=7, ts=1700000000.1, value=80.2, round_no=1700000000, interval=1.0)
    log.published(seq=7)       # ZooKeeper holds every sample up to seq 7
    log.close()

One JSON object per line, in ``<dir>/node-<ID>.jsonl`` (appended across
restarts of the node, so a restarted node keeps its past)::

    {"k": "s", "cluster": "ab12cd", "node": "3", "seq": 7, "ts": 1700000000.1,
     "value": 80.2, "round": 1700000000, "interval": 1.0, "pid": 4242}
    {"k": "p", "cluster": "ab12cd", "node": "3", "seq": 7, "pid": 4242}

``k`` is ``s`` for a sample taken, ``p`` for "published up to seq". A sample
never published (the node died first) was never available to any leader: the
check reports it apart from losses. The check reads the logs back with

    truth = read_truth(truth_dir("default"))    # typed; bad or cut lines counted, skipped
    truth = read_truths([mine, "collected/"])   # several directories (students' logs), merged
"""

import json
import math
import os
import re
import threading
from dataclasses import dataclass, field
from typing import IO, Any, Dict, List, Optional, Tuple

from cluster_sim.base.runtime import runtime_dir


def truth_dir(name: str) -> str:
    """Where the nodes of cluster `name` started by this user keep their logs (created by
    the first log written there, not by asking)."""
    return os.path.join(runtime_dir(create=False), f"{name}.truth")


def log_path(directory: str, node_id: str) -> str:
    return os.path.join(directory, f"node-{node_id}.jsonl")


class TruthLog:
    def __init__(self, directory: str, node_id: str, cluster: str) -> None:
        if os.path.dirname(os.path.abspath(directory)) == os.path.abspath(runtime_dir(create=False)):
            runtime_dir()  # created private (0700), as the control sockets need it
        os.makedirs(directory, mode=0o700, exist_ok=True)
        self.node_id = node_id
        self.cluster = cluster
        self.pid = os.getpid()
        self._lock = threading.Lock()  # the sensor and the publisher both write
        self._file: Optional[IO[str]] = open(log_path(directory, node_id), "a", buffering=1)
        self._published = 0

    def _write(self, obj: dict) -> None:
        line = json.dumps(obj, separators=(",", ":")) + "\n"
        with self._lock:
            if self._file is None:
                return
            try:
                self._file.write(line)  # line-buffered: in the OS at once, survives our crash
            except (OSError, ValueError):
                pass  # a full disk must not stop the sensor; the check will say the truth is short

    def sample(self, seq: int, ts: float, value: float, round_no: int, interval: float) -> None:
        self._write({"k": "s", "cluster": self.cluster, "node": self.node_id, "seq": seq, "ts": ts,
                     "value": value, "round": round_no, "interval": interval, "pid": self.pid})

    def published(self, seq: int) -> None:
        if seq > self._published:
            self._published = seq
            self._write({"k": "p", "cluster": self.cluster, "node": self.node_id, "seq": seq,
                         "pid": self.pid})

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                try:
                    self._file.close()
                except OSError:
                    pass
                self._file = None


# -- reading the logs back ---------------------------------------------------------------
#
#     truth = read_truth("/run/user/1000/clustersim/default.truth")
#     nodes = truth.clusters["ab12cd"].nodes          # node id -> NodeTruth
#     nodes["3"].in_round(1700000000)                 # its last published sample there
#     truth.bad_lines, truth.partial_lines            # skipped, never fatal
#
# The reader never trusts a line: anything that is not a well-formed sample or
# publish mark is counted and skipped, so a truncated or scribbled-on log still
# yields every good line it holds.

_LOG_NAME = re.compile(r"node-(.+)\.jsonl")
_SEQ_MAX = 2 ** 53


@dataclass(frozen=True)
class TruthSample:
    seq: int
    ts: float
    value: float
    round: int
    interval: float
    pid: Optional[int]
    published: bool = False   # a "p" mark of the same process covers its seq


@dataclass
class NodeTruth:
    node: str
    samples: List[TruthSample] = field(default_factory=list)   # in ts order
    marks: Dict[Optional[int], int] = field(default_factory=dict)  # pid -> highest published seq
    pids: List[int] = field(default_factory=list)              # in the order they first wrote

    @property
    def published_seq(self) -> int:
        """The highest seq ZooKeeper confirmed, over every process of the node (0: none)."""
        return max(self.marks.values(), default=0)

    @property
    def unpublished(self) -> List[TruthSample]:
        return [s for s in self.samples if not s.published]

    def in_round(self, round_no: int) -> Optional[TruthSample]:
        """The sample a leader counts for this node in `round_no`: its last published one."""
        found = None
        for s in self.samples:
            if s.round == round_no and s.published:
                found = s  # samples are in ts order: the last one wins, as in the leader
        return found


@dataclass
class ClusterTruth:
    cluster: str
    nodes: Dict[str, NodeTruth] = field(default_factory=dict)

    @property
    def end(self) -> Optional[float]:
        """The newest sample any of its nodes logged: where a stopped cluster stopped."""
        return max((s.ts for node in self.nodes.values() for s in node.samples), default=None)

    @property
    def interval(self) -> Optional[float]:
        """The round interval the samples were taken on (the most frequent one)."""
        seen: Dict[float, int] = {}
        for node in self.nodes.values():
            for s in node.samples:
                seen[s.interval] = seen.get(s.interval, 0) + 1
        return max(seen, key=lambda i: seen[i]) if seen else None


@dataclass
class Truth:
    directory: str
    clusters: Dict[str, ClusterTruth] = field(default_factory=dict)
    files: int = 0
    lines: int = 0            # lines read, good or not
    bad_lines: int = 0        # not JSON, not an object, a field missing or out of range
    partial_lines: int = 0    # a last line cut short (its node was killed mid-write)
    duplicates: int = 0       # a sample logged twice (same process, same seq)
    unreadable: List[str] = field(default_factory=list)  # files that could not be read


def read_truth(directory: str) -> Truth:
    """Read every ``node-<ID>.jsonl`` in `directory` (which must exist).

    Raises FileNotFoundError or NotADirectoryError for the directory itself;
    a file that cannot be read is listed in ``unreadable`` and skipped."""
    logs: Dict[str, bytes] = {}
    unreadable = []
    for name in sorted(os.listdir(directory)):
        if not _LOG_NAME.fullmatch(name):
            continue
        try:
            with open(os.path.join(directory, name), "rb") as f:
                logs[name] = f.read()
        except OSError:
            unreadable.append(name)
    truth = parse_truth(logs, directory)
    truth.unreadable = unreadable
    return truth


def read_truths(directories: List[str]) -> Truth:
    """Several directories' logs as one truth (the teacher's, and the students' collected).
    A node's log found in more than one is read as one log: a sample copied twice is
    counted once (same process, same seq). Raises as read_truth for a missing directory."""
    if len(directories) == 1:
        return read_truth(directories[0])
    logs: Dict[str, bytes] = {}
    unreadable = []
    for directory in directories:
        for name in sorted(os.listdir(directory)):
            if not _LOG_NAME.fullmatch(name):
                continue
            try:
                with open(os.path.join(directory, name), "rb") as f:
                    data = f.read()
            except OSError:
                unreadable.append(os.path.join(directory, name))
                continue
            before = logs.get(name, b"")
            # a log cut mid-line must not glue its last line to the next copy's first
            logs[name] = before + (b"\n" if before and not before.endswith(b"\n") else b"") + data
    truth = parse_truth(logs, ", ".join(directories))
    truth.unreadable = unreadable
    return truth


_Parsed = Tuple[str, str, Dict[str, Any]]   # a good line: (kind, cluster, its object)


def parse_truth(logs: Dict[str, bytes], directory: str = "") -> Truth:
    """File name -> its bytes, to a Truth. Pure: the reader's whole logic."""
    truth = Truth(directory=directory, files=len(logs))
    raw: Dict[Tuple[str, str], List[_Parsed]] = {}   # (cluster, node) -> parsed lines
    for name in sorted(logs):
        match = _LOG_NAME.fullmatch(name)
        if not match:
            continue
        data = logs[name]
        lines = data.split(b"\n")
        cut = lines.pop()  # b"" when the file ends with a newline
        truth.lines += len(lines) + (1 if cut else 0)
        for line in lines:
            parsed = _parse_line(line, match.group(1))
            if parsed is None:
                truth.bad_lines += 1 if line.strip() else 0
            else:
                raw.setdefault((parsed[1], match.group(1)), []).append(parsed)
        if cut:
            parsed = _parse_line(cut, match.group(1))
            if parsed is None:
                truth.partial_lines += 1  # written up to the kill: skip it
            else:
                raw.setdefault((parsed[1], match.group(1)), []).append(parsed)
    for (cluster, node_id), entries in sorted(raw.items()):
        node, duplicates = _node_truth(node_id, entries)
        truth.duplicates += duplicates
        truth.clusters.setdefault(cluster, ClusterTruth(cluster)).nodes[node_id] = node
    return truth


def _node_truth(node_id: str, parsed: List[_Parsed]) -> Tuple[NodeTruth, int]:
    node = NodeTruth(node_id)
    samples: Dict[Tuple[Optional[int], int], Dict[str, Any]] = {}
    duplicates = 0
    for kind, _, obj in parsed:
        pid = obj.get("pid")
        if pid is not None and pid not in node.pids:
            node.pids.append(pid)
        if kind == "p":
            node.marks[pid] = max(node.marks.get(pid, 0), obj["seq"])
        elif (pid, obj["seq"]) in samples:
            duplicates += 1
        else:
            samples[(pid, obj["seq"])] = obj
    # seq restarts from the published history when a node restarts, so an
    # unpublished seq of a dead process can reappear in its successor: a
    # mark covers the samples of its own process only
    node.samples = sorted(
        (TruthSample(seq=o["seq"], ts=o["ts"], value=o["value"], round=o["round"],
                     interval=o["interval"], pid=o.get("pid"),
                     published=o["seq"] <= node.marks.get(o.get("pid"), 0))
         for o in samples.values()),
        key=lambda s: (s.ts, s.seq),
    )
    return node, duplicates


def _parse_line(line: bytes, node_id: str) -> Optional[_Parsed]:
    """(kind, cluster, object) for a good line, else None."""
    try:
        obj = json.loads(line.decode("utf-8"))
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None
    if not isinstance(obj, dict) or obj.get("node") != node_id:
        return None  # a line about another node in this node's file: not trusted
    kind, cluster = obj.get("k"), obj.get("cluster")
    if kind not in ("s", "p") or not isinstance(cluster, str) or not _count(obj.get("seq")):
        return None
    pid = obj.get("pid")
    if pid is not None and not _count(pid):
        return None
    if kind == "s":
        if not (_number(obj.get("ts")) and _number(obj.get("value")) and _number(obj.get("interval"))
                and isinstance(obj.get("round"), int) and not isinstance(obj.get("round"), bool)
                and obj["interval"] > 0):
            return None
        obj["ts"], obj["value"], obj["interval"] = float(obj["ts"]), float(obj["value"]), float(obj["interval"])
    return kind, cluster, obj


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _SEQ_MAX


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
