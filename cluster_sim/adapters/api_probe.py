"""Asks the API for its health once a second, for the table's header.

    probe = ApiProbe("http://127.0.0.1:8080", post=manager.post)   # posts messages.ApiHealth
    probe.start(); ...; probe.stop()
"""

import math
import threading
from typing import Any, Callable, Optional, Type, overload

import requests

from cluster_sim.engine.messages import ApiHealth


@overload  # an int field gets an int (or None), a float field a float
def _number(value: object, kind: Type[int]) -> Optional[int]: ...


@overload
def _number(value: object, kind: Type[float]) -> Optional[float]: ...


def _number(value: object, kind: type) -> Optional[float]:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    if kind is float:
        return float(value)
    return value if isinstance(value, int) else None


def health(body: Any) -> ApiHealth:
    """The probe's message for a /health answer (anything unexpected in it is left out)."""
    body = body if isinstance(body, dict) else {}
    last = body.get("last") if isinstance(body.get("last"), dict) else {}
    return ApiHealth(ok=True, rows=_number(body.get("rows"), int), last_round=_number(last.get("round"), int),
                     last_mean=_number(last.get("dato"), float), last_count=_number(last.get("count"), int),
                     last_id=_number(last.get("id"), int), rounds=_number(body.get("rounds"), int))


class ApiProbe(threading.Thread):
    def __init__(self, api_url: str, post: Callable[[ApiHealth], None], period: float = 1.0) -> None:
        super().__init__(name="api-probe", daemon=True)
        self.url = api_url.rstrip("/") + "/health"
        self.post = post
        self.period = period
        self._stop = threading.Event()

    def run(self) -> None:
        session = requests.Session()
        while not self._stop.is_set():
            try:
                response = session.get(self.url, timeout=(0.5, 1.0))
                self.post(health(response.json() if response.ok else {}))
            except (requests.RequestException, ValueError):
                self.post(ApiHealth(ok=False))
            self._stop.wait(self.period)
        session.close()

    def stop(self) -> None:
        self._stop.set()
