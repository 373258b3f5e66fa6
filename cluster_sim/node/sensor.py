"""The sensor thread: a reading every interval into /mediciones/app{ID}.

Samples fall on a grid (``k * interval + offset``) so each node has exactly one
reading per round. The last ``history`` samples travel with every write, and
sampling goes on while ZooKeeper is unreachable: once the node reconnects,
its history covers the outage and a leader can still fill those rounds.

    sensor = Sensor(client, "3", interval=5.0, history=24, report=print)
    sensor.claim()      # creates the ephemeral znode; NodeExistsError if taken
    sensor.start()
    ...
    sensor.stop()
"""

import os
import random
import socket
import threading
import time
from collections import deque

from kazoo.exceptions import ConnectionLoss, NodeExistsError, NoNodeError, SessionExpiredError
from kazoo.protocol.states import KazooState

from cluster_sim import paths
from cluster_sim.node import readings


def uniform_sampler(low=75.0, high=85.0, rng=None):
    rng = rng or random.Random()
    return lambda: round(rng.uniform(low, high), 2)


class Sensor(threading.Thread):
    def __init__(self, client, node_id, interval, history, sample=None, clock=time.time, report=None):
        super().__init__(name=f"sensor-{node_id}", daemon=True)
        self.client = client
        self.node_id = node_id
        self.path = paths.reading_path(node_id)
        self.interval = interval
        self.offset = min(0.1 * interval, 0.25)
        self.sample = sample or uniform_sampler()
        self.clock = clock
        self.report = report or (lambda kind, **kw: None)
        self.history = deque(maxlen=max(1, history))
        self.seq = 0
        self.host = socket.gethostname()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self.taken_over = False
        client.add_listener(self._on_state)

    def _on_state(self, state):
        # kazoo calls this on its own thread, which must not block: just wake.
        if state == KazooState.CONNECTED:
            self._wake.set()

    def _take_sample(self):
        self.seq += 1
        self.history.append((self.seq, round(self.clock(), 3), float(self.sample())))

    def _data(self):
        seq, ts, value = self.history[-1]
        return readings.encode(
            readings.Reading(
                value=value, ts=ts, seq=seq, pid=os.getpid(), host=self.host,
                history=list(self.history),
            )
        )

    def claim(self):
        """Take the node id: create the ephemeral znode with a first reading."""
        with self._lock:
            self._take_sample()
            self.client.create(self.path, self._data(), ephemeral=True, makepath=True)

    def publish(self):
        with self._lock:
            data = self._data()
            try:
                try:
                    self.client.set(self.path, data)
                except NoNodeError:
                    # our session was lost and a new one started: the znode is gone
                    self.client.create(self.path, data, ephemeral=True, makepath=True)
                    self.report("republished", seq=self.seq)
            except NodeExistsError:
                self.taken_over = True
                self.report("error", text=f"node id {self.node_id} was taken by another process")
            except (ConnectionLoss, SessionExpiredError):
                pass  # published again on reconnect; the history keeps the gap covered
            except Exception as exc:  # never let a sensor die silently
                self.report("error", text=f"sensor write failed: {exc!r}")

    def next_sample_time(self, now):
        k = int((now - self.offset) // self.interval) + 1
        return k * self.interval + self.offset

    def run(self):
        while not self._stop.is_set():
            due = self.next_sample_time(self.clock())
            while not self._stop.is_set():
                left = due - self.clock()
                if left <= 0:
                    break
                if self._wake.wait(left):
                    self._wake.clear()
                    if self.client.connected and not self._stop.is_set():
                        self.publish()
            if self._stop.is_set():
                break
            with self._lock:
                self._take_sample()
            if self.client.connected:
                self.publish()

    def stop(self):
        self._stop.set()
        self._wake.set()
        try:
            self.client.remove_listener(self._on_state)
        except Exception:
            pass
