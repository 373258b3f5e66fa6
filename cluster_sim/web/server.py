"""The web view: the students' read-only page, the teacher's page (teacher.py) and a live
Server-Sent Events stream, from the standard library.

    view = WebView("127.0.0.1", 8080, snapshot=lambda: state_as_json(), title="clustersim · default",
                   lang="es").start()
    print(view.url)                        # http://127.0.0.1:8080/
    view.publish({"kind": "leader_elected", "ts": time.time(), "node": "2", "epoch": 3})
    ...
    view.close()                           # every socket closed, every thread joined

GET / is the page (cluster_sim/web/page.py: HTML, CSS and JS inline, no
external resource). GET /events is the stream: a `hello`, the notable
events a late joiner missed and the latest snapshot, `ready`, then every new
event and a fresh snapshot at most `snapshot_hz` times a second (only while
someone watches, and only when it changed), with a comment line as a
heartbeat every `heartbeat` seconds so proxies keep the stream open. GET
/snapshot.json is the latest snapshot. Any other method answers 405.

With `control` and `key` (teacher.py) the view also serves the teacher's
page at /teacher/<key>/ (`teacher_url`) and takes POST /control from it
only: each request is checked (key in constant time, same origin, JSON, a
fault command) and handed to `control(request) -> answer`, the
supervisor's command registry; a refusal is a status code and a JSON error,
and changes nothing. Without them the view is read-only.

Cost to the caller: publish() and offer_snapshot() only append to a queue.
A pump thread encodes each message once for all clients (hub.py) and wakes
them at most `flush_hz` times a second, so a busy stream costs a few
batched writes per client per second. A client that cannot keep up is
dropped; it never makes anyone wait.

`snapshot` is called on the pump thread; when the state lives on another
thread (the supervisor's loop), leave it out and have that thread call
`offer_snapshot(state.to_json(now))` when `wants_snapshot(now)` says so
(feed.py does both for the supervisor's listeners).

Longer than 400 lines: the web view's whole HTTP surface in one server (the page, its
event stream, the teacher's control endpoint), so what a browser may ask is read in one file.
"""

import errno
import json
import socket
import threading
import time
from collections import deque
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Deque, Dict, FrozenSet, List, Optional, Tuple
from urllib.parse import urlsplit

from cluster_sim.base.ports import PortInUse
from cluster_sim.web.adapt import worded_in, DATA_KINDS, event_record, live_snapshot
from cluster_sim.web.hub import Behind, Closed, Hub, sse
from cluster_sim.web.page import render_page
from cluster_sim.web.teacher import MAX_BODY, check_control, key_matches, page_request

__all__ = ["WebView", "WebViewError", "PortInUse", "STICKY_KINDS", "parse_address"]

# The latest event of these kinds reaches every late joiner, however old.
STICKY_KINDS = frozenset({"cluster_started", "join_command", "cluster_open", "recipe_for_teaching", "ended"})
READY = sse("ready", {})
HEARTBEAT = b": heartbeat\n\n"
RETRY = b"retry: 2000\n\n"          # the browser reconnects after 2 s if the stream breaks

# Headers of every answer: the page may only talk to this server, load nothing from anywhere.
_SECURITY = (
    ("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; "
     "style-src 'unsafe-inline'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
)


class WebViewError(Exception):
    """The web view cannot serve where it was asked to; the message is one line."""


def parse_address(text: str, default_host: str = "127.0.0.1") -> Tuple[str, int]:
    """`[HOST:]PORT` (as `up --web` takes it) -> (host, port); ValueError with one line if it is none."""
    text = str(text).strip()
    host, sep, port = text.rpartition(":")
    host = host.strip("[]") if sep else default_host
    if not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"{text!r} is not [HOST:]PORT with a port 0..65535")
    if sep and not host:
        raise ValueError(f"{text!r} has no host before the ':'")
    return host, int(port)


def _wildcard(host: str) -> bool:
    return host in ("", "0.0.0.0", "::")


class _Handler(BaseHTTPRequestHandler):
    server_version = "clustersim-web"
    protocol_version = "HTTP/1.0"     # one request per connection: the stream ends with it
    timeout = 30                      # an idle connection (no request line) does not hold a thread forever

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass                          # the supervisor's screen is not a web server's log

    def __getattr__(self, name: str) -> Callable[[], None]:
        if name.startswith("do_"):    # POST, PUT, DELETE, HEAD, anything: read-only
            return self._refuse
        raise AttributeError(name)

    def _refuse(self) -> None:
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, b"read-only: GET only\n", "text/plain; charset=utf-8",
                   extra=(("Allow", "GET"),))

    def _json(self, status: int, data: Any) -> None:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8") + b"\n"
        self._send(status, body, "application/json; charset=utf-8")

    def do_POST(self) -> None:
        view: "WebView" = self.server.view  # type: ignore[attr-defined]
        path = urlsplit(self.path).path
        if path != "/control" and not (path.startswith("/teacher/") and path.endswith("/control")):
            self._refuse()
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        refusal = check_control(self.headers, length, view.key if view.control else None)
        if refusal is not None:
            self._json(refusal[0], {"ok": False, "error": refusal[1]})
            return
        request, error = page_request(self.rfile.read(min(length, MAX_BODY)))
        if request is None or view.control is None:
            self._json(HTTPStatus.BAD_REQUEST, {"ok": False, "error": error})
            return
        # answered by the cluster: 200 even when it refuses (the answer's "ok" and words say so, as to the CLI)
        self._json(HTTPStatus.OK, view.control(request))

    def _send(self, status: int, body: bytes, ctype: str, extra: Tuple[Tuple[str, str], ...] = ()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in _SECURITY + tuple(extra):
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        view: "WebView" = self.server.view  # type: ignore[attr-defined]
        path = urlsplit(self.path).path
        page = view.page
        if path.startswith("/teacher/"):
            # /teacher/<key>/...: the teacher's page, and the stream its relative addresses name
            key, _, rest = path[len("/teacher/"):].partition("/")
            if not (view.key and view.control and key_matches(view.key, key)):
                self._json(HTTPStatus.FORBIDDEN, {"ok": False, "error": "missing or wrong teacher key"})
                return
            path, page = "/" + rest, view.teacher_page
        if path in ("/", "/index.html"):
            self._send(HTTPStatus.OK, page, "text/html; charset=utf-8")
        elif path == "/events":
            self._stream(view)
        elif path == "/snapshot.json":
            latest = view.latest_snapshot()
            body = b"null" if latest is None else latest
            self._send(HTTPStatus.OK, body + b"\n", "application/json")
        elif path == "/favicon.ico":
            self._send(HTTPStatus.NO_CONTENT, b"", "text/plain")
        else:
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8")

    def _stream(self, view: "WebView") -> None:
        hub = view.hub
        if hub.clients >= view.max_clients:
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, b"too many viewers\n", "text/plain; charset=utf-8",
                       extra=(("Retry-After", "10"),))
            return
        try:
            backlog, cursor = hub.join()
        except Closed:
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, b"closing\n", "text/plain; charset=utf-8")
            return
        behind = False
        try:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("X-Accel-Buffering", "no")   # nginx: do not buffer the stream
            for name, value in _SECURITY:
                self.send_header(name, value)
            self.end_headers()
            self.connection.settimeout(view.send_timeout)   # a peer that stops reading is dropped
            hello = sse("hello", {"title": view.title, "lang": view.lang, "now": view.clock()})
            self.wfile.write(RETRY + hello + backlog + READY)
            while True:
                frames, cursor = hub.wait(cursor, view.heartbeat)
                self.wfile.write(b"".join(frames) if frames else HEARTBEAT)
        except Behind:
            behind = True
        except (Closed, OSError):       # closing, or the viewer went away (reset, timeout, broken pipe)
            pass
        finally:
            hub.leave(behind)
        self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False            # close() joins the threads itself, after closing their sockets
    allow_reuse_address = True

    def __init__(self, address: Tuple[str, int], view: "WebView", family: int) -> None:
        self.address_family = family
        self.view = view
        self._open: Dict[threading.Thread, socket.socket] = {}
        self._open_lock = threading.Lock()
        self.closing = False
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(target=self.process_request_thread, args=(request, client_address),
                                  name="clustersim-web-client", daemon=True)
        with self._open_lock:
            if self.closing:
                self.shutdown_request(request)
                return
            self._open[thread] = request
        thread.start()

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._open_lock:
                self._open.pop(threading.current_thread(), None)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass                          # a viewer that hangs up mid-answer is not news

    def close_connections(self, timeout: float) -> None:
        with self._open_lock:
            self.closing = True
            open_now = dict(self._open)
        for sock in open_now.values():
            try:
                sock.shutdown(socket.SHUT_RDWR)   # wakes a thread blocked reading or writing
            except OSError:
                pass
        deadline = time.monotonic() + timeout
        for thread in open_now:
            thread.join(max(0.0, deadline - time.monotonic()))


class WebView:
    """The read-only web view of one cluster. See the module docstring."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, snapshot: Optional[Callable[[], Any]] = None,
                 title: str = "clustersim", lang: str = "en", *, describe: Optional[Callable] = None,
                 advertise: Optional[str] = None, snapshot_hz: float = 4.0, flush_hz: float = 10.0,
                 heartbeat: float = 5.0, send_timeout: float = 10.0, max_clients: int = 200,
                 hub: Optional[Hub] = None, clock: Callable[[], float] = time.time,
                 control: Optional[Callable[[Dict[str, Any]], Dict[str, Any]]] = None, key: Optional[str] = None):
        self.host, self.port = host, int(port)
        self.snapshot = snapshot
        self.title, self.lang = str(title), str(lang)
        # the page holds no phrases: every event reaches it worded, in the page's language
        self.describe = describe or worded_in(self.lang)
        self.advertise = advertise
        self.snapshot_period = 1.0 / snapshot_hz
        self.flush_period = 1.0 / flush_hz
        self.heartbeat = heartbeat
        self.send_timeout = send_timeout
        self.max_clients = max_clients
        self.clock = clock
        self.hub = hub or Hub()
        self.page = render_page({"title": self.title, "lang": self.lang, "mode": "live"}).encode("utf-8")
        self.control, self.key = control, key     # the teacher's page (teacher.py), or read-only
        self.teacher_page = render_page({"title": self.title, "lang": self.lang, "mode": "live",
                                         "teacher": True}).encode("utf-8") if control and key else b""
        self.errors = 0                  # snapshot() calls that raised (the view goes on)
        self.last_error: Optional[str] = None
        # events and offered snapshots, in the order they came: a snapshot never overtakes an event
        self._pending: Deque[Tuple[bool, Any]] = deque(maxlen=100_000)
        self._offered_at = float("-inf")
        self._last_state: Optional[bytes] = None
        self._drawn: Optional[FrozenSet[str]] = None   # a large cluster's rows on the page (None: every row)
        self._server: Optional[_Server] = None
        self._threads: list = []
        self._stop = threading.Event()

    # -- life -------------------------------------------------------------
    def start(self) -> "WebView":
        """Bind and serve; PortInUse or WebViewError (one line) when it cannot."""
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        try:
            self._server = _Server((self.host, self.port), self, family)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortInUse(f"port {self.port} on {self.host} is already in use") from None
            if isinstance(exc, socket.gaierror) or exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT):
                raise WebViewError(f"cannot serve the web view on {self.host!r}: not an address of this "
                                   "machine") from None
            raise WebViewError(f"cannot serve the web view on {self.host}:{self.port}: "
                               f"{exc.strerror or exc}") from None
        self.port = self._server.server_address[1]
        for target, name in ((self._serve, "clustersim-web"), (self._pump, "clustersim-web-pump")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    @property
    def url(self) -> str:
        host = self.advertise or (socket.gethostname() if _wildcard(self.host) else self.host)
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}/"

    @property
    def teacher_url(self) -> Optional[str]:
        """The teacher's page (with controls): its address carries the key. None when read-only."""
        return f"{self.url}teacher/{self.key}/" if self.control and self.key else None

    @property
    def viewers(self) -> int:
        return self.hub.clients

    def close(self, timeout: float = 5.0) -> None:
        """Stop serving: every stream ends, every socket is closed, every thread joined. Idempotent."""
        self._stop.set()
        self.hub.close()
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()            # serve_forever returns
            server.server_close()        # the listening socket
            server.close_connections(timeout)
        for thread in self._threads:
            thread.join(timeout)
        self._threads = []

    def __enter__(self) -> "WebView":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- feeding it -------------------------------------------------------
    def publish(self, event: Any) -> None:
        """One event (a dict with kind and ts, a typed event, or a text event): queued, never blocks."""
        record = event_record(event, self.describe, self.clock)
        if record is not None:
            self._pending.append((False, record))

    def wants_snapshot(self, now: Optional[float] = None) -> bool:
        """Whether offer_snapshot() would be used now: someone watches and the last one is old enough."""
        now = self.clock() if now is None else now
        return self.hub.clients > 0 and now - self._offered_at >= self.snapshot_period

    def offer_snapshot(self, snapshot: dict, now: Optional[float] = None) -> None:
        """The current status dict (ClusterState.to_json), from the thread that owns the state."""
        self._offered_at = self.clock() if now is None else now
        self._pending.append((True, snapshot))

    def finish(self, snapshot: Optional[dict], results: Any, refusal: str) -> None:
        """The session is over but the page stays (a demo's end): its last picture and the results,
        for every viewer and every late joiner, until close(); the controls answer `refusal`."""
        if snapshot is not None:
            self._pending.append((True, snapshot))
        self._pending.append((False, {"kind": "ended", "ts": self.clock(), "results": results, "text": ""}))
        self.control = lambda request: {"ok": False, "error": refusal}

    def latest_snapshot(self) -> Optional[bytes]:
        """The latest snapshot sent, as JSON: {"ts", "state"}."""
        frame = self.hub.latest_snapshot()
        if frame is None:
            return None
        return frame.split(b"\ndata: ", 1)[1].rstrip(b"\n")

    # -- threads ----------------------------------------------------------
    def _serve(self) -> None:
        server = self._server
        if server is not None:
            server.serve_forever(poll_interval=0.2)

    def _pump(self) -> None:
        next_snapshot = 0.0
        while not self._stop.wait(self.flush_period):
            offered = self._send_pending()
            if not offered and self.snapshot is not None and self.hub.clients and time.monotonic() >= next_snapshot:
                next_snapshot = time.monotonic() + self.snapshot_period
                try:
                    taken = self.snapshot()
                except Exception as exc:  # whatever the source's trouble, the view goes on; keep the last
                    self.errors += 1
                    self.last_error = f"{type(exc).__name__}: {exc}"
                else:
                    self._send_snapshot(taken)
            self.hub.flush()

    def _send_pending(self) -> bool:
        """Encode what was queued, in order; whether a snapshot was among it."""
        watched = self.hub.clients > 0
        offered = False
        while self._pending:
            is_snapshot, record = self._pending.popleft()
            if is_snapshot:
                offered = True
                self._send_snapshot(record)
                continue
            kind = record["kind"]
            data = kind in DATA_KINDS
            if data and not watched:
                continue                 # nobody to animate it for, and late joiners get the snapshot
            if data and self._drawn is not None and record.get("node") is not None \
                    and str(record["node"]) not in self._drawn:
                continue                 # a large cluster: the page draws a few rows, no flow for the rest
            self.hub.put(sse("event", record), keep=not data,
                         sticky=kind if kind in STICKY_KINDS else None)
        return offered

    def _send_snapshot(self, snapshot: Any) -> None:
        state = live_snapshot(snapshot)     # a large cluster's: the rows the page draws
        if state is None:
            return
        rows: List[Any] = state["nodes"] if isinstance(state.get("nodes"), list) else []
        self._drawn = (frozenset(str(n.get("id")) for n in rows if isinstance(n, dict))
                       if isinstance(state.get("summary"), dict) else None)
        body = json.dumps(state, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
        if body == self._last_state:
            return
        self._last_state = body
        ts = json.dumps(self.clock()).encode("ascii")
        self.hub.put(b'event: snapshot\ndata: {"ts":' + ts + b',"state":' + body + b"}\n\n", snapshot=True)
