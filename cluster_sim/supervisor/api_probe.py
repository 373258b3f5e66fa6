"""Asks the API for its health once a second, for the table's header.

    probe = ApiProbe("http://127.0.0.1:8080", post=manager_queue.put)
    probe.start(); ...; probe.stop()
"""

import threading

import requests


class ApiProbe(threading.Thread):
    def __init__(self, api_url, post, period=1.0):
        super().__init__(name="api-probe", daemon=True)
        self.url = api_url.rstrip("/") + "/health"
        self.post = post
        self.period = period
        self._stop = threading.Event()

    def run(self):
        session = requests.Session()
        while not self._stop.is_set():
            try:
                response = session.get(self.url, timeout=(0.5, 1.0))
                body = response.json() if response.ok else {}
                self.post(("api", True, body.get("rows"), body.get("last")))
            except (requests.RequestException, ValueError):
                self.post(("api", False, None, None))
            self._stop.wait(self.period)
        session.close()

    def stop(self):
        self._stop.set()
