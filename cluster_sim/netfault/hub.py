"""One thread that moves the bytes of every relay: a selector loop.

Over 400 lines on purpose: accepting, connecting, reading, delivering and
closing are one state machine per connection, and read best in one place.

    hub = Hub()
    relay = Relay(("127.0.0.1", 2181), hub=hub)   # relay.py: the public face
    hub.call(lambda: ...)                          # run on the hub's thread, wait for the result
    hub.close()                                    # every relay, connection and socket closed

A supervisor with 30 nodes and a 3-server ensemble owns about 120 relays, so
they share this one thread rather than a thread per connection. Everything
about relays and connections changes on this thread only; other threads ask
it to act through `call()`, which wakes the selector through a socket pair.

A connection (`_Conn`) is two pipes, client -> upstream and upstream ->
client. A pipe holds chunks read from its source until they are due (a slow
link) and its destination can take them. Reading stops while a pipe holds
more than LIMIT bytes, so a stalled side pushes back through TCP exactly as a
slow network would, and while the relay is partitioned nothing is read or
written at all: no RST, no FIN, the peers' own timeouts decide.

"""

import errno
import random
import selectors
import socket
import threading
import time
from collections import deque
from typing import Any, Callable, Deque, Dict, List, Optional, Set, Tuple

__all__ = ["Hub", "HubClosed", "LIMIT", "delay"]

LIMIT = 256 * 1024          # bytes a pipe may hold before we stop reading its source
CHUNK = 64 * 1024           # one recv
ACCEPT_BACKOFF = 0.1        # out of file descriptors: try accepting again this much later
CALL_TIMEOUT = 10.0

# connection states
PENDING = "pending"         # accepted while partitioned: not connected upstream (it hangs)
CONNECTING = "connecting"   # upstream connect in flight
OPEN = "open"
CLOSED = "closed"

_R, _W = selectors.EVENT_READ, selectors.EVENT_WRITE


class HubClosed(RuntimeError):
    """The hub was closed: its relays no longer exist."""


class _Pipe:
    """Bytes travelling one way: chunks with the time each may be delivered."""

    __slots__ = ("src", "dst", "chunks", "size", "eof", "shut", "last_due", "stalled", "moved")

    def __init__(self, src: socket.socket, dst: Optional[socket.socket]):
        self.src = src
        self.dst = dst
        self.chunks: Deque[List[Any]] = deque()   # [due, bytes]
        self.size = 0
        self.eof = False          # the source said it sends no more (FIN)
        self.shut = False         # we passed that on (shutdown of the destination's write side)
        self.last_due = 0.0       # dues never go back: order is kept per direction
        self.stalled = False      # the destination's buffer is full: wait until it is writable
        self.moved = 0            # bytes delivered

    def push(self, data: bytes, due: float) -> None:
        due = max(due, self.last_due)
        self.last_due = due
        self.chunks.append([due, data])
        self.size += len(data)

    def release(self, now: float) -> None:
        """Every held chunk is due now (heal: what was held is delivered)."""
        for chunk in self.chunks:
            chunk[0] = min(chunk[0], now)
        self.last_due = now

    def next_due(self) -> Optional[float]:
        return self.chunks[0][0] if self.chunks else None


class _Conn:
    __slots__ = ("relay", "client", "upstream", "state", "up", "down")

    def __init__(self, relay: Any, client: socket.socket):
        self.relay = relay
        self.client = client
        self.upstream: Optional[socket.socket] = None
        self.state = PENDING
        self.up = _Pipe(client, None)      # client -> upstream
        self.down: Optional[_Pipe] = None  # upstream -> client, once connecting

    def sockets(self) -> List[socket.socket]:
        return [s for s in (self.client, self.upstream) if s is not None]


class Hub:
    """The selector thread shared by relays (see the module docstring)."""

    def __init__(self, name: str = "netfault"):
        self._sel = selectors.DefaultSelector()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._sel.register(self._wake_r, _R, None)
        self._lock = threading.Lock()
        self._calls: Deque[Callable[[], None]] = deque()
        self._closed = False
        self._relays: Set[Any] = set()
        self._timed: Set[_Pipe] = set()           # pipes whose head chunk is not due yet
        self._pipe_conn: Dict[int, _Conn] = {}    # id(pipe) -> its connection
        self._paused_listeners: Dict[Any, float] = {}  # relay -> when to accept again
        self.errors: List[str] = []               # unexpected failures, for tests and status (bounded)
        self._rng = random.Random()
        self._thread = threading.Thread(target=self._run, daemon=True, name=name)
        self._thread.start()

    # -- other threads ----------------------------------------------------
    def call(self, fn: Callable[[], Any], timeout: float = CALL_TIMEOUT) -> Any:
        """Run `fn` on the hub's thread and return what it returned (or raise what it raised)."""
        if threading.current_thread() is self._thread:
            return fn()
        done = threading.Event()
        box: Dict[str, Any] = {}

        def run() -> None:
            try:
                box["value"] = fn()
            except BaseException as exc:  # handed back to the caller, re-raised there
                box["error"] = exc
            finally:
                done.set()

        with self._lock:
            if self._closed:
                raise HubClosed("the relay hub is closed")
            self._calls.append(run)
        self._wake()
        if not done.wait(timeout):
            raise TimeoutError(f"the relay hub did not answer within {timeout:g} s")
        if "error" in box:
            raise box["error"]
        return box.get("value")

    def _wake(self) -> None:
        try:
            self._wake_w.send(b"x")
        except (BlockingIOError, OSError):
            pass  # already full of wake-ups, or closing: the loop wakes either way

    def close(self, timeout: float = CALL_TIMEOUT) -> None:
        """Close every relay and connection, then the hub's own sockets. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._calls.append(lambda: None)
        self._wake()
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    # -- what a Relay asks of its hub (any thread; hub_process.HubProcess answers the same) --
    def attach(self, relay: Any) -> None:
        """Serve the relay's listener."""
        self.call(lambda: self.add_relay(relay))

    def set_fault(self, relay: Any, fault: Any) -> None:
        """The relay's link is now `fault` (a relay.LinkFault): its connections follow."""
        def apply() -> None:
            if relay.closed:
                return
            relay.partitioned = fault.partitioned
            relay.latency = fault.latency_ms / 1000.0
            relay.jitter = fault.jitter_ms / 1000.0
            self.relay_changed(relay, healed=fault.clear)
        self.call(apply)

    def relay_stats(self, relay: Any) -> Tuple[int, int, int, int, int, int]:
        """(accepted, open, pending, held bytes, bytes up, bytes down) of a relay."""
        return self.call(lambda: (relay.accepted, *self.conn_stats(relay)))

    def detach(self, relay: Any) -> None:
        """Close the relay's listener and connections. Idempotent; a closed hub closed them already."""
        def remove() -> None:
            if not relay.closed:
                relay.closed = True
                self.remove_relay(relay)
        try:
            self.call(remove)
        except HubClosed:
            pass

    # -- relays (hub thread) ----------------------------------------------
    def add_relay(self, relay: Any) -> None:
        self._relays.add(relay)
        self._sel.register(relay.listener, _R, relay)

    def remove_relay(self, relay: Any) -> None:
        for conn in list(relay.conns):
            self._close_conn(conn)
        self._relays.discard(relay)
        self._paused_listeners.pop(relay, None)
        self._unregister(relay.listener)
        relay.listener.close()

    def relay_changed(self, relay: Any, healed: bool) -> None:
        """The relay's faults changed: re-decide every connection of it."""
        now = time.monotonic()
        for conn in list(relay.conns):
            if healed:
                conn.up.release(now)
                if conn.down is not None:
                    conn.down.release(now)
                if conn.state == PENDING:
                    if conn.up.eof:
                        self._close_conn(conn)  # the client gave up while it hung
                        continue
                    self._connect(conn)
                    if conn.state == CLOSED:
                        continue
            self._guarded(conn, self._pump, now)

    # -- the loop ----------------------------------------------------------
    def _run(self) -> None:
        try:
            while True:
                with self._lock:
                    calls, self._calls = self._calls, deque()
                    closing = self._closed
                for run in calls:
                    run()
                if closing:
                    break
                events = self._sel.select(self._timeout())
                now = time.monotonic()
                for key, mask in events:
                    if key.fileobj is self._wake_r:
                        self._drain_wake()
                    elif key.data is None:
                        continue
                    elif isinstance(key.data, tuple):
                        self._on_socket(key.data[0], key.data[1], mask, now)
                    else:
                        self._accept(key.data, now)
                self._timers(time.monotonic())
        finally:
            self._shutdown()

    def _timeout(self) -> Optional[float]:
        dues = [d for d in (p.next_due() for p in self._timed) if d is not None]
        dues += list(self._paused_listeners.values())
        if not dues:
            return None
        return max(0.0, min(dues) - time.monotonic())

    def _timers(self, now: float) -> None:
        for pipe in [p for p in self._timed if (p.next_due() or 0.0) <= now]:
            self._timed.discard(pipe)
            conn = self._pipe_conn.get(id(pipe))
            if conn is not None and conn.state != CLOSED:
                self._guarded(conn, self._pump, now)
        for relay, when in list(self._paused_listeners.items()):
            if when <= now:
                del self._paused_listeners[relay]
                self._set_events(relay.listener, _R, relay)

    def _drain_wake(self) -> None:
        try:
            while self._wake_r.recv(4096):
                pass
        except (BlockingIOError, OSError):
            pass

    def _shutdown(self) -> None:
        for relay in list(self._relays):
            try:
                self.remove_relay(relay)
            except OSError:
                pass  # closing anyway
            relay.closed = True
        self._sel.close()
        self._wake_r.close()
        self._wake_w.close()
        with self._lock:
            calls, self._calls = self._calls, deque()
        for run in calls:  # callers waiting on a call made while we closed: let them go
            run()

    # -- accepting ---------------------------------------------------------
    def _accept(self, relay: Any, now: float) -> None:
        while True:
            try:
                client, _ = relay.listener.accept()
            except BlockingIOError:
                return
            except OSError as exc:
                if exc.errno in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM):
                    # out of descriptors: the connection waits in the backlog; do
                    # not spin on a listener that stays readable
                    self._set_events(relay.listener, 0, relay)
                    self._paused_listeners[relay] = now + ACCEPT_BACKOFF
                    self._note(f"{relay.name}: accept: {exc.strerror}")
                return
            client.setblocking(False)
            _nodelay(client)
            conn = _Conn(relay, client)
            relay.conns.add(conn)
            relay.accepted += 1
            self._pipe_conn[id(conn.up)] = conn
            if not relay.partitioned:
                self._connect(conn)
            if conn.state != CLOSED:
                self._guarded(conn, self._pump, now)

    def _connect(self, conn: _Conn) -> None:
        relay = conn.relay
        try:
            upstream = socket.socket(relay.family, socket.SOCK_STREAM)
        except OSError as exc:
            self._note(f"{relay.name}: socket: {exc.strerror}")
            self._close_conn(conn, reset=True)
            return
        upstream.setblocking(False)
        _nodelay(upstream)
        conn.upstream = upstream
        conn.up.dst = upstream
        conn.down = _Pipe(upstream, conn.client)
        self._pipe_conn[id(conn.down)] = conn
        code = upstream.connect_ex(relay.target_sockaddr)
        if code == 0:
            conn.state = OPEN
        elif code in (errno.EINPROGRESS, errno.EAGAIN, errno.EWOULDBLOCK):
            conn.state = CONNECTING
        else:
            # the target refuses (a stopped API, a killed ZooKeeper server): the
            # client's connection was accepted already, so the closest we can
            # say is a reset, at once
            self._close_conn(conn, reset=True)

    # -- moving bytes --------------------------------------------------------
    def _on_socket(self, conn: _Conn, side: str, mask: int, now: float) -> None:
        if conn.state != CLOSED:
            self._guarded(conn, self._move, side, mask, now)

    def _guarded(self, conn: _Conn, fn: Callable[..., None], *args: Any) -> None:
        try:
            fn(conn, *args)
        except (ConnectionError, OSError):
            # a peer reset its end (or went away while we wrote): pass the reset on, as the network would
            self._close_conn(conn, reset=True)
        except Exception as exc:  # a bug here must not stop every other relay: drop this connection
            self._note(f"{conn.relay.name}: {type(exc).__name__}: {exc}")
            self._close_conn(conn, reset=True)

    def _move(self, conn: _Conn, side: str, mask: int, now: float) -> None:
        if side == "upstream" and conn.state == CONNECTING and mask & _W:
            code = conn.upstream.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)  # type: ignore[union-attr]
            if code:
                self._close_conn(conn, reset=True)
                return
            conn.state = OPEN
        if mask & _R:
            pipe = conn.up if side == "client" else conn.down
            if pipe is not None:
                self._read(conn, pipe, now)
        if conn.state != CLOSED and mask & _W:
            pipe = conn.up if side == "upstream" else conn.down
            if pipe is not None:
                pipe.stalled = False
        if conn.state != CLOSED:
            self._pump(conn, now)

    def _read(self, conn: _Conn, pipe: _Pipe, now: float) -> None:
        data = pipe.src.recv(CHUNK)
        if not data:
            pipe.eof = True
            if conn.state == PENDING:
                self._close_conn(conn)  # the client gave up on a connection that hung
            return
        relay = conn.relay
        pipe.push(data, now + delay(relay, self._rng))

    def _pump(self, conn: _Conn, now: float) -> None:
        """Deliver what is due, pass on a FIN, close when both ways are done,
        and register for exactly the events that can move something."""
        relay = conn.relay
        blocked = relay.partitioned or conn.state != OPEN
        if not blocked:
            for pipe in (conn.up, conn.down):
                if pipe is not None:
                    self._flush(pipe, now)
            if conn.up.shut and conn.down is not None and conn.down.shut:
                self._close_conn(conn)
                return
        # reading: never while partitioned, except to see a hanging client give up
        up = conn.up
        read_client = not up.eof and up.size < LIMIT and (
            conn.state == PENDING or (conn.state in (OPEN, CONNECTING) and not relay.partitioned))
        down = conn.down
        read_upstream = (down is not None and conn.state == OPEN and not relay.partitioned
                         and not down.eof and down.size < LIMIT)
        write_upstream = conn.state == CONNECTING or (not blocked and up.stalled)
        write_client = not blocked and down is not None and down.stalled
        self._set_events(conn.client, (_R if read_client else 0) | (_W if write_client else 0),
                         (conn, "client"))
        if conn.upstream is not None:
            self._set_events(conn.upstream, (_R if read_upstream else 0) | (_W if write_upstream else 0),
                             (conn, "upstream"))
        for pipe in (up, down):
            if pipe is None:
                continue
            due = pipe.next_due()
            if due is not None and due > now and not blocked and not pipe.stalled:
                self._timed.add(pipe)
            else:
                self._timed.discard(pipe)

    def _flush(self, pipe: _Pipe, now: float) -> None:
        dst = pipe.dst
        if dst is None:
            return
        while pipe.chunks and pipe.chunks[0][0] <= now and not pipe.stalled:
            data = pipe.chunks[0][1]
            try:
                sent = dst.send(data)
            except BlockingIOError:
                sent = 0
            pipe.moved += sent
            pipe.size -= sent
            if sent < len(data):
                pipe.chunks[0][1] = data[sent:]
                pipe.stalled = True  # wait until the destination can take more
                return
            pipe.chunks.popleft()
        if not pipe.chunks and pipe.eof and not pipe.shut:
            pipe.shut = True
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass  # the other side is gone already; the reset shows up on its own read

    # -- bookkeeping -----------------------------------------------------------
    def _set_events(self, sock: socket.socket, events: int, data: Any) -> None:
        try:
            key = self._sel.get_key(sock)
        except KeyError:
            key = None
        if key is None:
            if events:
                self._sel.register(sock, events, data)
        elif not events:
            self._sel.unregister(sock)
        elif key.events != events:
            self._sel.modify(sock, events, data)

    def _unregister(self, sock: socket.socket) -> None:
        try:
            self._sel.unregister(sock)
        except (KeyError, ValueError):
            pass  # never registered (no event was wanted), or already closed

    def _close_conn(self, conn: _Conn, reset: bool = False) -> None:
        if conn.state == CLOSED:
            return
        conn.state = CLOSED
        conn.relay.conns.discard(conn)
        for pipe in (conn.up, conn.down):
            if pipe is not None:
                self._timed.discard(pipe)
                self._pipe_conn.pop(id(pipe), None)
                conn.relay.moved[pipe is conn.up] += pipe.moved
        for sock in conn.sockets():
            self._unregister(sock)
            if reset:
                try:
                    # SO_LINGER 0: close() sends RST, as a refused or reset connection does
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                except OSError:
                    pass
            sock.close()

    def _note(self, text: str) -> None:
        self.errors = (self.errors + [text])[-50:]

    # -- looking (hub thread) ----------------------------------------------
    def conn_stats(self, relay: Any) -> Tuple[int, int, int, int, int]:
        """(open, pending, held bytes, bytes up, bytes down) of a relay's connections."""
        opened = pending = held = 0
        up, down = relay.moved[True], relay.moved[False]
        for conn in relay.conns:
            if conn.state == PENDING:
                pending += 1
            else:
                opened += 1
            held += conn.up.size + (conn.down.size if conn.down is not None else 0)
            up += conn.up.moved
            down += conn.down.moved if conn.down is not None else 0
        return opened, pending, held, up, down


def delay(relay: Any, rng: random.Random) -> float:
    """Seconds a chunk the relay reads now waits: its latency, plus or minus up to its jitter."""
    if not relay.jitter:
        return relay.latency
    return max(0.0, relay.latency + rng.uniform(-relay.jitter, relay.jitter))


def _nodelay(sock: socket.socket) -> None:
    # without it, Nagle plus delayed ACKs would add up to 40 ms to small writes
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError:
        pass  # not TCP (a test's socket pair): nothing to tune
