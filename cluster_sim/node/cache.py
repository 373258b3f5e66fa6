"""Every reading, kept fresh in memory by ZooKeeper watches.

The original leader read each reading znode one by one, every round: 0.7 s
for 1,000 readings, most of a round at 10,000. The leader keeps this cache
instead: a children watch on /mediciones and a data watch on every reading,
so computing a round reads memory, not the network.

    cache = ReadingsCache(client).start(timeout=10)
    readings, bad = cache.snapshot()     # like readings.read_all(client)
    cache.stop()
"""

import threading

from kazoo.exceptions import NoNodeError
from kazoo.protocol.states import EventType, KazooState

from cluster_sim import paths
from cluster_sim.node.readings import BadReading, decode


class ReadingsCache:
    def __init__(self, client, path=paths.READINGS):
        self.client = client
        self.path = path
        self._lock = threading.Lock()
        self._readings = {}
        self._bad = {}
        self._children = set()
        self._pending = set()     # children whose first read has not come back yet
        self._loaded = threading.Event()
        self._stopped = False
        self._disconnected = False

    def start(self, timeout=10.0):
        self.client.add_listener(self._on_state)
        self.client.ensure_path(self.path)
        self.client.ChildrenWatch(self.path, self._on_children)
        self._loaded.wait(timeout)
        return self

    @property
    def loaded(self):
        return self._loaded.is_set()

    def stop(self):
        self._stopped = True
        try:
            self.client.remove_listener(self._on_state)
        except Exception:
            pass

    def _on_state(self, state):
        # kazoo does not re-register raw watches when it reconnects, and a
        # fetch may have failed while the connection was down: once connected
        # again, read (and watch) every reading anew.
        if state == KazooState.CONNECTED:
            if self._disconnected and not self._stopped:
                self._disconnected = False
                self.client.handler.spawn(self._refetch_all)
        else:
            self._disconnected = True

    def _refetch_all(self):
        with self._lock:
            children = list(self._children)
        for child in children:
            self._fetch(child)

    def snapshot(self):
        with self._lock:
            return dict(self._readings), dict(self._bad)

    # -- watches (kazoo's threads: never block here) ----------------------
    def _on_children(self, children):
        if self._stopped:
            return False  # removes the children watch
        children = set(children)
        with self._lock:
            new = children - self._children
            gone = self._children - children
            self._children = children
            for child in gone:
                self._forget(child)
            self._pending |= new
            if not self._pending:
                self._loaded.set()
        for child in new:
            self._fetch(child)
        return True

    def _fetch(self, child):
        if self._stopped:
            return
        result = self.client.get_async(f"{self.path}/{child}", watch=self._on_data)
        result.rawlink(lambda res, child=child: self._stored(child, res))

    def _on_data(self, event):
        child = event.path.rsplit("/", 1)[-1]
        if self._stopped or event.type == EventType.DELETED:
            with self._lock:
                self._forget(child)
            return
        with self._lock:
            watched = child in self._children
        if watched:
            self._fetch(child)

    def _stored(self, child, result):
        node_id = paths.node_id_from_reading(child)
        try:
            data, stat = result.get_nowait()
        except NoNodeError:
            with self._lock:
                self._forget(child)
                self._done(child)
            return
        except Exception:
            with self._lock:
                self._done(child)
            return
        try:
            reading, why = decode(data, mtime=stat.mtime / 1000.0), None
        except BadReading as exc:
            reading, why = None, str(exc)
        with self._lock:
            if child in self._children:
                if reading is not None:
                    self._readings[node_id] = reading
                    self._bad.pop(node_id, None)
                else:
                    self._bad[node_id] = why
                    self._readings.pop(node_id, None)
            self._done(child)

    def _forget(self, child):
        node_id = paths.node_id_from_reading(child)
        self._readings.pop(node_id, None)
        self._bad.pop(node_id, None)

    def _done(self, child):
        self._pending.discard(child)
        if not self._pending:
            self._loaded.set()
