"""The HTTP API the leader delivers to: the original `/nuevo?dato=` plus fencing.

    serve(host="127.0.0.1", port=8080, db="api.db")   # blocks until Ctrl-C/SIGTERM

    # in a test: a free port, a thread, an in-memory store
    server = make_server("127.0.0.1", 0, Store(":memory:"))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    requests.get(url + "/nuevo", params={"dato": 21.5, "epoch": 3, "round": 7})

Endpoints (every answer is JSON):

    GET  /nuevo?dato=N[&cluster=&epoch=&round=&leader=&count=&min=&max=&expected=&missing=&...]
    POST /nuevo            the same fields as a JSON object or a form body
    GET  /listar[?after=ID]  every stored row, in id order
    GET  /health           {"ok": true, "rows": N, "rounds": rows with a round, "last": row or null}

`dato` must be a plain finite decimal number; `epoch`, `round`, `count` and
`expected` non-negative integers; `min`/`max` finite numbers; `missing` a
comma-separated list of node ids (a partial round: members that had not
caught up when the round was finalized). Other parameters (at most
20, names and values up to 128 characters) are stored as extra fields. An
epoch lower than one already accepted for the cluster answers 409; a round
already stored answers 200 with the stored row and "duplicate": true.

Longer than 400 lines: it is the API's whole wire contract in one place (every
field's validation, the epoch fence, the endpoints), so what a request may carry
and what it is answered is read in one file; storage is store.py's.
"""

import errno
import json
import math
import re
import signal
import socket
import socketserver
import sys
import threading
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import parse_qsl

from cluster_sim import __version__
from cluster_sim.base.ports import PortInUse
from cluster_sim.base.secret import TOKEN_HEADER, token_matches
from cluster_sim.api.store import Store

Pairs = List[Tuple[str, str]]            # a delivery's (name, text) pairs, in order
Answer = Tuple[int, Any]                 # (HTTP status, the JSON body)

MAX_QUERY = 4096          # characters of the raw query string
MAX_BODY = 16 * 1024      # bytes of a POST body
MAX_DRAIN = 256 * 1024    # bytes of a refused body read anyway (see _discard)
MAX_NUMBER = 64           # characters of dato, min, max
MAX_TEXT = 128            # characters of cluster, leader, extra names and values
MAX_EXTRA = 20            # extra parameters
MAX_FIELDS = 40           # parameters of any kind, checked while parsing
MAX_INT = 2 ** 63 - 1     # sqlite's INTEGER
MAX_MISSING = 1024        # characters of the missing list (the leader cuts it to fit)

# plain decimals only: float() would also take "1_0", " 5", "nan", "٣" or "inf"
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_INTEGER = re.compile(r"\d{1,19}", re.ASCII)
_NODE_IDS = re.compile(r"[A-Za-z0-9_.-]{1,64}(?:,[A-Za-z0-9_.-]{1,64})*", re.ASCII)
_HANG_UPS = (ConnectionError, TimeoutError, socket.timeout)


class BadRequest(Exception):
    """A request the API refuses; str() is the JSON error message."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class _Pairs(list):
    """A JSON object kept as (key, value) pairs, so repeated keys can be seen."""


def parse_delivery(pairs: Pairs) -> Tuple[Optional[float], Dict[str, Any]]:
    """(name, text) pairs of a delivery -> (dato, fields) for Store.record."""
    given: Dict[str, str] = {}
    for name, value in pairs:
        if name in given:
            raise BadRequest(f"parameter {_short(name)} given more than once")
        given[name] = value
    if "dato" not in given:
        # an empty round (no node had a reading) is sent with count=0 and no dato
        if given.get("count") != "0" or "round" not in given:
            raise BadRequest("missing parameter 'dato'")
        dato: Optional[float] = None
    else:
        dato = _number("dato", given.pop("dato"))
    fields: Dict[str, Any] = {}
    for name in ("epoch", "round", "count", "expected"):
        if name in given:
            fields[name] = _integer(name, given.pop(name))
    if "missing" in given:
        fields["missing"] = _node_ids("missing", given.pop("missing"))
    for name in ("min", "max"):
        if name in given:
            fields[name] = _number(name, given.pop(name))
    for name in ("cluster", "leader"):
        if name in given:
            fields[name] = _text(name, given.pop(name))
    for name in ("id", "at"):
        if name in given:
            raise BadRequest(f"parameter {name!r} is reserved: the API sets it")
    if len(given) > MAX_EXTRA:
        raise BadRequest(f"more than {MAX_EXTRA} extra parameters")
    for name, value in given.items():
        if not name or len(name) > MAX_TEXT:
            raise BadRequest(f"parameter names must have 1 to {MAX_TEXT} characters")
        fields[name] = _text(_short(name), value)
    return dato, fields


def _number(name: str, text: str) -> float:
    if len(text) > MAX_NUMBER:
        raise BadRequest(f"{name} is longer than {MAX_NUMBER} characters")
    if not _NUMBER.fullmatch(text):
        raise BadRequest(f"{name} {text!r} is not a number")
    value = float(text)
    if not math.isfinite(value):
        raise BadRequest(f"{name} {text!r} is not finite")
    return value


def _integer(name: str, text: str) -> int:
    if not _INTEGER.fullmatch(text) or int(text) > MAX_INT:
        raise BadRequest(f"{name} {_short(text)} is not a non-negative integer")
    return int(text)


def _node_ids(name: str, text: str) -> str:
    if len(text) > MAX_MISSING:
        raise BadRequest(f"{name} is longer than {MAX_MISSING} characters")
    if text and not _NODE_IDS.fullmatch(text):
        raise BadRequest(f"{name} must be comma-separated node ids")
    return text


def _text(name: str, text: str) -> str:
    if len(text) > MAX_TEXT:
        raise BadRequest(f"{name} is longer than {MAX_TEXT} characters")
    return text


def _short(text: str, limit: int = 40) -> str:
    """repr() for error messages, cut so a huge input does not echo back whole."""
    return repr(text if len(text) <= limit else text[:limit] + "...")


def form_pairs(data: bytes) -> Pairs:
    """A query string or form body -> (name, value) pairs; BadRequest if not UTF-8."""
    try:
        return parse_qsl(
            data.decode("utf-8"), keep_blank_values=True,
            encoding="utf-8", errors="strict", max_num_fields=MAX_FIELDS,
        )
    except UnicodeError:
        raise BadRequest("parameters are not valid UTF-8") from None
    except ValueError:  # parse_qsl's max_num_fields
        raise BadRequest(f"more than {MAX_FIELDS} parameters") from None


def json_pairs(data: bytes) -> Pairs:
    """A JSON object body -> (name, text) pairs: numbers become their repr."""
    try:
        obj = json.loads(data.decode("utf-8"), object_pairs_hook=_Pairs)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise BadRequest("body is not valid JSON") from None
    if not isinstance(obj, _Pairs):
        raise BadRequest("body must be a JSON object")
    if len(obj) > MAX_FIELDS:
        raise BadRequest(f"more than {MAX_FIELDS} parameters")
    pairs: Pairs = []
    for name, value in obj:
        # bool is an int, and a nested object is a _Pairs, i.e. a list
        if isinstance(value, (bool, list)) or value is None:
            raise BadRequest(f"{_short(name)} must be a string or a number")
        pairs.append((name, value if isinstance(value, str) else repr(value)))
    return pairs


class _Handler(BaseHTTPRequestHandler):
    server_version = "clustersim-api/" + __version__
    timeout = 10  # a client that stalls mid-request loses its thread after this
    server: "_Server"

    def do_GET(self) -> None:
        self._dispatch(self._get)

    def do_POST(self) -> None:
        self._dispatch(self._post)

    def _not_allowed(self) -> Answer:
        return 405, {"error": f"method {self.command} not allowed"}

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = lambda self: self._dispatch(
        self._not_allowed
    )

    def _get(self) -> Answer:
        path, _, query = self.path.partition("?")
        if path == "/nuevo":
            return self._deliver(self._query_pairs(query))
        if path == "/listar":
            return 200, self.server.store.rows(after_id=self._after(query))
        if path == "/health":
            return 200, dict(ok=True, **self.server.store.health())
        return 404, {"error": f"no such path: {_short(path)}"}

    def _post(self) -> Answer:
        path, _, query = self.path.partition("?")
        if path in ("/listar", "/health"):
            return self._not_allowed()
        if path != "/nuevo":
            return 404, {"error": f"no such path: {_short(path)}"}
        pairs = self._query_pairs(query)
        body = self._read_body()
        if body.strip():
            ctype = self.headers.get("Content-Type", "")
            json_body = "json" in ctype or body.lstrip().startswith(b"{")
            pairs += json_pairs(body) if json_body else form_pairs(body)
        return self._deliver(pairs)

    def _deliver(self, pairs: Pairs) -> Answer:
        pairs = self._authorize(pairs)
        dato, fields = parse_delivery(pairs)
        low, high = self.server.bounds
        for name, value in (("dato", dato), ("min", fields.get("min")), ("max", fields.get("max"))):
            if value is not None and not low <= value <= high:
                raise BadRequest(f"{name} {value:g} is outside the accepted range [{low:g}, {high:g}]")
        return self.server.store.record(dato, fields)

    def _authorize(self, pairs: Pairs) -> Pairs:
        """With a secret, writes need its token: in a header, or with
        --legacy-auth as ?token= (for the original design's GET /nuevo)."""
        token = self.server.token
        given = [v for k, v in pairs if k == "token"]
        pairs = [(k, v) for k, v in pairs if k != "token"]
        if token is None:
            return pairs
        header = self.headers.get(TOKEN_HEADER)
        if header is None and self.server.legacy_auth and len(given) == 1:
            header = given[0]
        if not token_matches(token, header):
            raise BadRequest("a valid token is required to write (header " + TOKEN_HEADER + ")", 401)
        return pairs

    def _query_pairs(self, query: str) -> Pairs:
        if len(query) > MAX_QUERY:
            raise BadRequest(f"query string longer than {MAX_QUERY} characters", 414)
        # http.server decoded the request line as latin-1: get its bytes back
        return form_pairs(query.encode("latin-1"))

    def _after(self, query: str) -> int:
        after = dict(self._query_pairs(query)).get("after", "0")
        if not _INTEGER.fullmatch(after):
            raise BadRequest(f"after {_short(after)} is not a row id")
        return min(int(after), MAX_INT)

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            raise BadRequest("chunked bodies are not supported: send Content-Length", 411)
        raw = self.headers.get("Content-Length", "0").strip()
        if not _INTEGER.fullmatch(raw):
            raise BadRequest("bad Content-Length")
        length = int(raw)
        if length > MAX_BODY:
            self._discard(length)
            raise BadRequest(f"body larger than {MAX_BODY} bytes", 413)
        body = self.rfile.read(length)
        if len(body) < length:
            raise BadRequest("body shorter than its Content-Length")
        return body

    def _discard(self, length: int) -> None:
        """Read a refused body: closing with unread input sends a TCP reset,
        which can destroy our answer before the client reads it."""
        left = min(length, MAX_DRAIN)
        while left > 0:
            chunk = self.rfile.read(min(left, 65536))
            if not chunk:
                break
            left -= len(chunk)

    def _dispatch(self, route: Callable[[], Answer]) -> None:
        try:
            status, body = route()
        except BadRequest as e:
            status, body = e.status, {"error": str(e)}
        except _HANG_UPS:
            self.close_connection = True  # the client is gone: nobody to answer
            return
        except Exception:
            traceback.print_exc()  # a real bug: keep its trace visible, keep serving
            status, body = 500, {"error": "internal error (the trace is on the API's stderr)"}
        self._send_json(status, body)

    def _send_json(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode("ascii")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if status == 405:
                self.send_header("Allow", "GET, POST")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
        except _HANG_UPS:
            self.close_connection = True

    def send_error(self, code: int, message: Optional[str] = None, explain: Optional[str] = None) -> None:
        # http.server's own refusals (bad request line, huge headers, unknown
        # method) answer JSON too; an unknown method is a 405 like PUT is
        if code == HTTPStatus.NOT_IMPLEMENTED:
            code, message = 405, f"method {_short(self.command or '')} not allowed"
        if self.request_version == "HTTP/0.9":
            # http.server takes an unparsable line for HTTP/0.9 and would then
            # answer without status line or headers: give the client both
            self.request_version = "HTTP/1.0"
        self.close_connection = True
        # http.server quotes the request line: keep a junk line from echoing back whole
        self._send_json(code, {"error": (message or HTTPStatus(code).phrase)[:200]})

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per request would drown the supervisor's terminal


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: Tuple[str, int], store: Store, token: Optional[str] = None, legacy_auth: bool = False,
                 bounds: Tuple[float, float] = (-1e9, 1e9)) -> None:
        self.store = store
        self.token = token
        self.legacy_auth = legacy_auth
        self.bounds = bounds
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's FQDN, which can hang for
        # seconds on a machine with a slow resolver; the name is never used
        socketserver.TCPServer.server_bind(self)
        # an AF_INET(6) address: (host, port, ...); typeshed allows a unix path too
        self.server_name, self.server_port = self.server_address[:2]  # type: ignore[assignment]

    def handle_error(self, request: Any, client_address: Any) -> None:
        # a client that hung up is no bug; anything else keeps its traceback
        if not isinstance(sys.exc_info()[1], _HANG_UPS):
            super().handle_error(request, client_address)


def make_server(host: str, port: int, store: Store, token: Optional[str] = None, legacy_auth: bool = False,
                bounds: Tuple[float, float] = (-1e9, 1e9)) -> ThreadingHTTPServer:
    """Bind (and listen on) host:port; call serve_forever() on the result.

    token: writes must carry it (see cluster_sim.base.secret); bounds: the range a
    value (dato, min, max) must lie in."""
    try:
        return _Server((host, port), store, token=token, legacy_auth=legacy_auth, bounds=bounds)
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            raise PortInUse(f"port {port} on {host} is already in use") from None
        raise


def serve(host: str = "127.0.0.1", port: int = 8080, db: Optional[object] = None, token: Optional[str] = None,
          legacy_auth: bool = False, bounds: Tuple[float, float] = (-1e9, 1e9)) -> int:
    """Serve until SIGINT or SIGTERM, then close cleanly and return 0.

    db None keeps the rows in memory only: they are gone when the API stops.
    Raises PortInUse before serving. Call it from the main thread: signals only
    reach that one (elsewhere, use make_server and shut it down yourself)."""
    store = Store(str(db) if db else ":memory:")
    try:
        server = make_server(host, port, store, token=token, legacy_auth=legacy_auth, bounds=bounds)
    except BaseException:
        store.close()
        raise
    stop = threading.Event()
    restore = _stop_on_signals(stop)
    thread = threading.Thread(target=server.serve_forever, name="clustersim-api", daemon=True)
    thread.start()
    shown_host = f"[{host}]" if ":" in host else host
    where = db if db else "in memory"
    print(f"clustersim API on http://{shown_host}:{server.server_address[1]} (db: {where})", flush=True)
    try:
        while not stop.wait(1.0):  # a timeout keeps signals prompt on every platform
            pass
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
        store.close()
        restore()
    return 0


def _stop_on_signals(stop: threading.Event) -> Callable[[], None]:
    """SIGINT/SIGTERM set `stop`; returns a function that restores the old handlers."""
    old: Dict[int, Any] = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            old[signum] = signal.signal(signum, lambda *_: stop.set())
        except ValueError:  # not the main thread, which alone receives signals
            pass

    def restore() -> None:
        for signum, handler in old.items():
            signal.signal(signum, handler)

    return restore
