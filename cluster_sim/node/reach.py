"""Can this node reach the API it would deliver to? Known by every node, leader or not.

A leader learns it from its deliveries (the sender calls `observe`); a follower
from a cheap probe, GET /health of its API every few seconds on a thread of its
own, so sampling and publishing never wait for the network. A probe is skipped
while deliveries keep telling. Any HTTP answer below 500 counts as reachable (an
API of the original design has no /health: its 404 still proves the way is open).
A change calls `on_change` (the publisher writes it into the node's history
znode, where the supervisor and other machines read it).

    reach = ApiReach("http://10.0.0.5:8080", on_change=publisher.refresh)
    reach.start(); ...; reach.ok        # True, False, or None (not known yet)
    reach.observe(False, "ConnectionError")   # from a delivery
    reach.stop()
"""

import threading
import time
from typing import Callable, Optional

from cluster_sim.node.settings import REACH_PERIOD

PERIOD = REACH_PERIOD   # seconds between probes (a class of 100 nodes: 20 small requests a second)
PROBES_PER_S = 20.0     # what one supervisor's nodes send its API at most: `up -n N` probes every N/20 s


def period_for(nodes: int) -> float:
    """The probe period of each of ``nodes`` local nodes: PERIOD, longer past 100 nodes."""
    return max(PERIOD, nodes / PROBES_PER_S)


TIMEOUT = (1.5, 2.0)    # connect, read: a firewall that drops packets costs at most this


class ApiReach(threading.Thread):
    def __init__(self, api_url: str, on_change: Optional[Callable[[], None]] = None,
                 period: float = PERIOD, clock: Callable[[], float] = time.monotonic,
                 shown: Optional[str] = None) -> None:
        super().__init__(name="api-reach", daemon=True)
        self.url = api_url.rstrip("/")
        # the API as people know it (a node behind relays of its own probes through them)
        self.shown = (shown or api_url).rstrip("/")
        self.on_change = on_change
        self.period = period
        self.clock = clock
        self.ok: Optional[bool] = None
        self.error = ""
        self._told_at = -1e18          # when a delivery last said (monotonic)
        self._stop = threading.Event()

    def observe(self, ok: bool, error: str = "") -> None:
        """What a delivery (or a probe) just found."""
        self._told_at = self.clock()
        changed = ok is not self.ok
        self.ok, self.error = ok, "" if ok else error
        if changed and self.on_change is not None:
            try:
                self.on_change()
            except Exception:  # noqa: BLE001 - a listener's failure must not stop deliveries or probes
                pass

    def probe(self) -> None:
        import requests

        try:
            answer = requests.get(self.url + "/health", timeout=TIMEOUT)
        except requests.RequestException as exc:
            self._probed(False, type(exc).__name__)
            return
        self._probed(answer.status_code < 500, f"HTTP {answer.status_code}")

    def _probed(self, ok: bool, error: str) -> None:
        told = self._told_at
        self.observe(ok, error)
        self._told_at = told    # a probe does not stand in for a delivery

    def run(self) -> None:
        import random

        # a first probe soon, at a random moment: nodes started together do not probe together
        self._stop.wait(random.uniform(0.2, 1.0))
        while not self._stop.is_set():
            if self.clock() - self._told_at >= self.period:
                self.probe()
            self._stop.wait(self.period * random.uniform(0.8, 1.2))

    def stop(self) -> None:
        self._stop.set()
