"""The API run inside `clustersim up`: a server thread that can be stopped and
started again on the same port and database (the api-outage demo).

    api = ApiService(db_path)          # picks a free loopback port
    api.start(); api.url; api.stop(); api.start(); api.close()
"""

import threading

from cluster_sim.api.server import make_server
from cluster_sim.api.store import Store
from cluster_sim.ports import free_port


class ApiService:
    def __init__(self, db_path, host="127.0.0.1", port=None, token=None):
        self.store = Store(db_path)
        self.token = token
        self.host = host
        self.port = port or free_port(host)
        self.server = None
        self.thread = None

    @property
    def url(self):
        return f"http://{self.host}:{self.port}"

    @property
    def running(self):
        return self.server is not None

    def start(self):
        if self.server is None:
            self.server = make_server(self.host, self.port, self.store, token=self.token)
            self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1},
                                           name="api", daemon=True)
            self.thread.start()

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(5)
            self.server = self.thread = None

    def close(self):
        self.stop()
        close = getattr(self.store, "close", None)
        if close:
            close()
