"""Watches on the election and the leader znode: when the leader changed, seen from ZooKeeper.

    watch = ElectionWatch(client)          # the election's lowest contender, as it changes
    start = watch.mark(); ...; t, leader = watch.wait_new_leader(start, old="1", timeout=10.0)
    gone = DeletionWatch(client, path); gone.wait(5.0)     # when the znode was deleted (or None)
"""

import json
import threading
import time
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from kazoo.exceptions import KazooException
from kazoo.handlers.threading import KazooTimeoutError

from cluster_sim.bench.support import wait_for_item

if TYPE_CHECKING:
    from kazoo.client import KazooClient

Change = Tuple[float, Optional[str]]   # (when the watch saw it, the leader's id or None)


def _sequence(child: str) -> str:
    return child[-10:]


class _LeaderChanges:
    """What both leader watches share: ``changes``, a list of (time, leader id or None)."""

    cond: threading.Condition
    changes: List[Change]

    def mark(self) -> int:
        with self.cond:
            return len(self.changes)

    def wait_new_leader(self, start: int, old: Optional[str], timeout: float) -> Optional[Change]:
        """The first change at index >= start to a leader other than ``old``: (t, id) or None."""
        return wait_for_item(self.cond, self.changes, start, lambda item: item[1] not in (None, old), timeout)


class ElectionWatch(_LeaderChanges):
    """Follows kazoo's Election: who leads (the lowest /election child's data).

    ``changes`` is a list of ``(time.time(), leader id or None)``, taken when
    the bench's watch saw the new children list.
    """

    def __init__(self, client: "KazooClient", path: str = "/election") -> None:
        self.client = client
        self.path = path
        self.cond = threading.Condition()
        self.ids: Dict[str, str] = {}        # child -> node id (a contender's data never changes)
        self.order: List[str] = []      # children, lowest sequence first
        self.leader: Optional[str] = None
        self.changes = []
        client.ensure_path(path)
        client.ChildrenWatch(path, self._on_children)

    def _on_children(self, children: List[str]) -> None:
        seen = time.time()
        try:
            ordered = sorted(children, key=_sequence)
            unknown = [c for c in ordered if c not in self.ids]
            pending = [(c, self.client.get_async(f"{self.path}/{c}")) for c in unknown]
            found: Dict[str, str] = {}
            for child, result in pending:
                try:
                    data, _ = result.get(timeout=5)
                    found[child] = data.decode(errors="replace")
                except (KazooException, KazooTimeoutError):
                    pass  # gone already
            with self.cond:
                self.ids.update(found)
                alive = set(ordered)
                for child in list(self.ids):
                    if child not in alive:
                        del self.ids[child]
                self.order = [c for c in ordered if c in self.ids]
                leader = self.ids.get(ordered[0]) if ordered else None
                if leader != self.leader:
                    self.leader = leader
                    self.changes.append((seen, leader))
                self.cond.notify_all()
        except Exception:  # noqa: BLE001
            pass  # never break kazoo's watch thread

    def contenders(self) -> List[str]:
        with self.cond:
            return [self.ids[c] for c in self.order]

    def contender_path(self, node_id: object) -> Optional[str]:
        with self.cond:
            for child in self.order:
                if self.ids.get(child) == str(node_id):
                    return f"{self.path}/{child}"
        return None


class LeaderZnodeWatch(_LeaderChanges):
    """Follows /clustersim/leader (JSON with "id"): ``changes`` as (time, id or None)."""

    def __init__(self, client: "KazooClient", path: str = "/clustersim/leader") -> None:
        self.cond = threading.Condition()
        self.leader: Optional[str] = None
        self.changes = []
        client.DataWatch(path, self._on_data)

    def _on_data(self, data: Optional[bytes], stat: Any, event: Any = None) -> None:
        seen = time.time()
        leader = None
        if data:
            try:
                info = json.loads(data.decode())
                leader = str(info["id"]) if isinstance(info, dict) and "id" in info else None
            except (ValueError, UnicodeDecodeError):
                leader = None
        with self.cond:
            if leader != self.leader:
                self.leader = leader
                self.changes.append((seen, leader))
            self.cond.notify_all()


class DeletionWatch:
    """Time at which one znode was deleted (an exists() watch)."""

    def __init__(self, client: "KazooClient", path: str) -> None:
        self.deleted_at: Optional[float] = None
        self.event = threading.Event()
        self.client = client
        self.path = path
        if client.exists(path, watch=self._fired) is None:
            self.deleted_at = time.time()
            self.event.set()

    def _fired(self, event: Any) -> None:
        seen = time.time()
        if event.type == "DELETED":
            self.deleted_at = seen
            self.event.set()
        else:
            try:
                if self.client.exists(self.path, watch=self._fired) is None:
                    self.deleted_at = time.time()
                    self.event.set()
            except KazooException:  # disconnected: the next watch or poll tells
                pass

    def wait(self, timeout: float) -> Optional[float]:
        return self.deleted_at if self.event.wait(timeout) else None
