"""The API run inside `clustersim up`: a server thread that can be stopped and
started again on the same port and database (the api-outage demo).

    api = ApiService(db_path)          # picks a free loopback port
    api.start(); api.url; api.stop(); api.start(); api.close()
"""

import threading
from http.server import ThreadingHTTPServer
from typing import Optional

from cluster_sim.api.server import make_server
from cluster_sim.api.store import Store
from cluster_sim.base.ports import free_port


class ApiService:
    def __init__(self, db_path: str, host: str = "127.0.0.1", port: Optional[int] = None,
                 token: Optional[str] = None) -> None:
        self.store = Store(db_path)
        self.token = token
        self.host = host
        self.port = port or free_port(host)
        self.server: Optional[ThreadingHTTPServer] = None
        self.thread: Optional[threading.Thread] = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self.server is not None

    def start(self) -> None:
        if self.server is None:
            self.server = make_server(self.host, self.port, self.store, token=self.token)
            self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1},
                                           name="api", daemon=True)
            self.thread.start()

    def stop(self) -> None:
        if self.server is not None:
            assert self.thread is not None  # started with the server
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(5)
            self.server = self.thread = None

    def close(self) -> None:
        self.stop()
        close = getattr(self.store, "close", None)
        if close:
            close()
