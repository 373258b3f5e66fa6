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
check reports it apart from losses.
"""

import json
import os
import threading
from typing import Optional

from cluster_sim import control


def truth_dir(name: str) -> str:
    """Where the nodes of cluster `name` started by this user keep their logs."""
    return os.path.join(control.runtime_dir(), f"{name}.truth")


def log_path(directory: str, node_id: str) -> str:
    return os.path.join(directory, f"node-{node_id}.jsonl")


class TruthLog:
    def __init__(self, directory: str, node_id: str, cluster: str):
        os.makedirs(directory, mode=0o700, exist_ok=True)
        self.node_id = node_id
        self.cluster = cluster
        self.pid = os.getpid()
        self._lock = threading.Lock()  # the sensor and the publisher both write
        self._file: Optional[object] = open(log_path(directory, node_id), "a", buffering=1)
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
