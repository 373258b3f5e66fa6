"""A web view of a cluster that is already running, from outside its supervisor.

    python -m cluster_sim.web --name default --port 8080 [--host 0.0.0.0] [--lang es]

    view = WebView(port=8080, title="clustersim · default").start()
    recorder = WebRecorder("class.html", title="clustersim · default")   # if wanted
    follower = Follower("default", period=0.25).start(view, recorder)
    ...
    follower.close(); view.close(); recorder.close()

It polls `status` over the control socket; each poll's status is the
snapshot offered to every sink that wants one, and the events the status
carries that the previous poll had not (`events`, the newest of the
supervisor's own log as export records, and `events_total`, how many there
have been) are published to them: the supervisor's own events, decided by
its core (engine/core.py), with their own times and failover times,
never derived again here. Data-only events (readings, rounds) are not in
the log: the snapshots carry them. A burst of more than EVENTS_SHOWN events
between two polls loses the oldest of them. Each sink words them in its
own language, as any event (the supervisor's sentence is dropped for the
kinds this version knows). It needs nothing from the
supervisor but its control socket (the user's own).
"""

import argparse
import signal
import sys
import threading
import time
from typing import Any, Callable, Dict, List, NoReturn, Optional

from cluster_sim import control

__all__ = ["Follower", "main"]


class Follower:
    def __init__(self, name: str = "default", period: float = 0.25, timeout: float = 5.0,
                 clock: Callable[[], float] = time.time):
        self.name = name
        self.period = period
        self.timeout = timeout
        self.clock = clock
        self.error: Optional[str] = None        # the last poll's trouble (None while it answers)
        self.polls = 0
        self._latest: Optional[Dict[str, Any]] = None
        self._seen: Optional[int] = None        # the supervisor's events_total at the last poll
        self._started: Any = None               # ... and when that supervisor started (another one restarts the count)
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self.sinks: List[Any] = []            # where what each poll finds goes (start() sets them)

    def latest(self) -> Optional[Dict[str, Any]]:
        """The last status polled (the web view's snapshot callable)."""
        return self._latest

    def poll(self) -> Optional[Dict[str, Any]]:
        """One status poll; the events it reveals go to the sinks. None when the cluster did not answer."""
        try:
            answer = control.send(self.name, {"cmd": "status"}, timeout=self.timeout)
        except control.ControlError as exc:
            self.error = str(exc)
            return None
        status = answer.get("status") if answer.get("ok") else None
        if not isinstance(status, dict):
            self.error = str(answer.get("error") or "no status in the answer")
            return None
        self.error = None
        self.polls += 1
        self.take(status, self.clock())
        return status

    def take(self, status: Dict[str, Any], now: float) -> None:
        """One status: its new events, then the snapshot, to every sink."""
        records = [_unworded(r) for r in self.new_events(status)]
        self._latest = status
        for sink in self.sinks:
            for record in records:
                sink.publish(record)
            if sink.wants_snapshot(now):
                sink.offer_snapshot(status, now)

    def new_events(self, status: Dict[str, Any]) -> List[Dict[str, Any]]:
        """The events in `status` that the last one did not have (all it has, the first time)."""
        total, shown = status.get("events_total"), status.get("events")
        if isinstance(total, bool) or not isinstance(total, int) or not isinstance(shown, list):
            return []                     # a supervisor that does not say: snapshots only
        seen, started = self._seen, self._started
        self._seen, self._started = total, status.get("started_at")
        if seen is None or total < seen or started != self._started:   # the first poll, or another supervisor
            seen = total - len(shown)
        fresh = total - seen
        return [e for e in shown[len(shown) - min(fresh, len(shown)):] if isinstance(e, dict)]

    def start(self, *sinks: Any) -> "Follower":
        """Poll on a thread of its own, handing what each poll finds to `sinks`."""
        self.sinks = list(sinks)
        self._seen = None                 # the sinks get the log's newest events first
        self._thread = threading.Thread(target=self._run, name="clustersim-web-follow", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            self.poll()
            self._stop.wait(max(0.0, self.period - (time.monotonic() - started)))

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(self.timeout + 1)
            self._thread = None


def _unworded(record: Dict[str, Any]) -> Dict[str, Any]:
    """`record` without the supervisor's sentence when this version knows its kind: each sink words
    it in its own language (adapt.event_record), as any other event. A kind it does not know keeps
    the supervisor's words."""
    from cluster_sim.engine.events import KINDS

    if record.get("kind") in KINDS and "text" in record:
        return {k: v for k, v in record.items() if k != "text"}
    return record


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, as every clustersim command, not a usage block
        print(f"clustersim web: {message} (--help for the options)", file=sys.stderr)
        raise SystemExit(2)


def main(argv: Optional[List[str]] = None) -> int:
    from cluster_sim.web.server import PortInUse, WebView, WebViewError

    parser = _Parser(prog="python -m cluster_sim.web",
                                     description="A read-only web view of a running clustersim cluster.")
    parser.add_argument("--name", default="default", help="the cluster's name (as given to up --name)")
    parser.add_argument("--host", default="127.0.0.1", help="address to serve on (0.0.0.0: the whole network)")
    parser.add_argument("--port", type=int, default=8080, help="port to serve on (0: any free one)")
    parser.add_argument("--lang", default="en", choices=("en", "es"), help="language of the page")
    parser.add_argument("--period", type=float, default=0.25, help="seconds between status polls")
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"--port must be 0..65535 (got {args.port})")
    if not 0.05 <= args.period <= 60:
        parser.error(f"--period must be 0.05..60 s (got {args.period:g})")
    follower = Follower(args.name, period=args.period)
    if follower.poll() is None:
        print(f"clustersim web: {follower.error}", file=sys.stderr)
        return 2
    view = WebView(args.host, args.port, title=f"clustersim · {args.name}", lang=args.lang)
    try:
        view.start()
    except (PortInUse, WebViewError) as exc:
        print(f"clustersim web: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    follower.start(view)
    print(f"web view of cluster {args.name!r}: {view.url}", flush=True)
    try:
        stop.wait()
    finally:
        follower.close()
        view.close()
    return 0
