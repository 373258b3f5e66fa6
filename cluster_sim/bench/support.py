"""The benchmark's plumbing: one ZooKeeper, processes that are always cleaned up,
an API that timestamps every stored row (the watches on the election are in watches.py).

    with BenchSession(tick_ms=200) as bench:
        hosts = bench.chroot("handover")          # HOST:PORT/bench-handover-1a2b3c
        api = bench.api()                         # ApiService in this process
        proc = bench.spawn([...], "node-1")       # own session, log in the temp dir
        client = bench.client(hosts)
        watch = ElectionWatch(client)             # watches.py
        ...
    # every process, client, server and temp dir is gone here (also on Ctrl-C);
    # a reaper process cleans up even if the benchmark itself is SIGKILLed
"""

import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple, TypeVar


from cluster_sim.base import zkclient

if TYPE_CHECKING:
    from kazoo.client import KazooClient

    from cluster_sim.base.reaper import Reaper
    from cluster_sim.zk import ZooKeeperCluster

T = TypeVar("T")
Proc = Any   # a subprocess.Popen carrying its log's path (spawn sets .log_path, log_tail reads it)
Row = Tuple[float, Dict[str, Any]]   # (when the API stored it, the row)

# -- statistics ------------------------------------------------------------


def percentile(values: Iterable[float], q: float) -> Optional[float]:
    """The q-th percentile (0..100), linear interpolation between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return None
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * q / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary_ms(seconds: Iterable[Optional[float]], also: Sequence[float] = ()) -> Dict[str, Any]:
    """{"n", "p50", "p95", "min", "max", "mean", "samples"} in milliseconds,
    plus "pQ" for every percentile Q in ``also`` (e.g. ``also=(90, 99)``)."""
    ms = [s * 1000.0 for s in seconds if s is not None]
    keys = [f"p{q:g}" for q in also]
    if not ms:
        return dict({"n": 0, "p50": None, "p95": None, "min": None, "max": None, "mean": None, "samples": []},
                    **{k: None for k in keys})

    def at(q: float) -> float:
        value = percentile(ms, q)
        assert value is not None  # (ms is not empty)
        return round(value, 2)

    out: Dict[str, Any] = {
        "n": len(ms),
        "p50": at(50),
        "p95": at(95),
        "min": round(min(ms), 2),
        "max": round(max(ms), 2),
        "mean": round(sum(ms) / len(ms), 2),
        "samples": [round(v, 2) for v in ms],
    }
    for key, q in zip(keys, also):
        out[key] = at(q)
    return out


def wait_for(predicate: Callable[[], T], timeout: float, what: str, period: float = 0.05) -> T:
    """Poll ``predicate`` until it returns something truthy; TimeoutError after ``timeout``."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except Exception as exc:  # what we wait for may not exist yet
            last_error = exc
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout:g} s waiting for {what}"
                               + (f" (last error: {last_error!r})" if last_error else ""))
        time.sleep(period)


def clustersim_command() -> List[str]:
    """How a user types `clustersim`: the console script next to this python, if any."""
    script = os.path.join(os.path.dirname(sys.executable), "clustersim")
    if os.path.isfile(script) and os.access(script, os.X_OK):
        return [script]
    return [sys.executable, "-m", "cluster_sim"]


def wait_for_item(cond: threading.Condition, items: List[T], start: int, predicate: Callable[[T], Any],
                  timeout: float) -> Optional[T]:
    """The first of ``items[start:]`` (a list that grows under ``cond``) that
    satisfies ``predicate``, waiting up to ``timeout`` seconds; or None."""
    deadline = time.monotonic() + timeout
    index = start
    with cond:
        while True:
            while index < len(items):
                if predicate(items[index]):
                    return items[index]
                index += 1
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            cond.wait(left)


# -- the API, timestamping arrivals -------------------------------------------


class Api:
    """An ApiService in this process whose store records when each row was stored.

    ``rows`` is a list of ``(time.time(), row)`` taken right after the row was
    committed (duplicates and refusals are not rows).
    """

    def __init__(self) -> None:
        from cluster_sim.api.service import ApiService

        self.service = ApiService(":memory:")
        self.rows: List[Row] = []
        self.duplicates = 0  # re-sent rounds the store answered with the stored row
        self.cond = threading.Condition()
        store = self.service.store
        record = store.record

        def timed_record(dato: Optional[float], fields: Optional[Dict[str, Any]] = None) -> Tuple[int, dict]:
            status, body = record(dato, fields)
            if status == 200 and isinstance(body, dict) and not body.get("duplicate"):
                stored_at = time.time()
                with self.cond:
                    self.rows.append((stored_at, body.get("row") or {}))
                    self.cond.notify_all()
            elif status == 200 and isinstance(body, dict):
                with self.cond:
                    self.duplicates += 1
            return status, body

        store.record = timed_record  # type: ignore[method-assign]  # the server calls server.store.record(...)
        self.service.start()

    @property
    def url(self) -> str:
        return self.service.url

    def mark(self) -> int:
        with self.cond:
            return len(self.rows)

    def wait_row(self, start: int, predicate: Optional[Callable[[float, Dict[str, Any]], Any]] = None,
                 timeout: float = 10.0) -> Optional[Row]:
        """The first (time, row) at index >= start that satisfies predicate(t, row), or None."""
        return wait_for_item(self.cond, self.rows, start, lambda item: predicate is None or predicate(*item),
                             timeout)

    def snapshot(self, start: int = 0) -> List[Row]:
        with self.cond:
            return list(self.rows[start:])

    def close(self) -> None:
        self.service.close()


# -- the session: everything started is stopped --------------------------------


class BenchSession:
    """One ZooKeeper for the whole run, and a registry of what must be cleaned up."""

    def __init__(self, tick_ms: int = 200, log: Optional[Callable[[str], None]] = None) -> None:
        self.tick_ms = tick_ms
        self.log: Callable[[str], None] = log or (lambda text: None)
        self.tmp: Optional[str] = None
        self.reaper: Optional["Reaper"] = None
        self.zk: Optional["ZooKeeperCluster"] = None
        self.root: Optional["KazooClient"] = None
        self.zk_version = ""
        self._procs: List[Tuple[Proc, int, Any]] = []      # (Popen, stop signal, log file)
        self._clients: List["KazooClient"] = []
        self._apis: List[Api] = []
        self._lock = threading.Lock()

    # -- life cycle
    def start(self) -> "BenchSession":
        from cluster_sim.base.reaper import Reaper
        from cluster_sim.zk import ZooKeeperCluster, server_version

        self.tmp = tempfile.mkdtemp(prefix="clustersim-bench-")
        # cleans up after us even if this process is SIGKILLed
        self.reaper = Reaper.start(grace=3.0)
        self.reaper.watch_path(self.tmp)
        self.zk = ZooKeeperCluster(tick_ms=self.tick_ms, reaper=self.reaper)
        self.zk.start()
        self.zk_version = server_version(self.zk.host, self.zk.server(1).port, timeout=2.0)
        self.root = zkclient.connect(self.zk.address, session_timeout=10.0, connect_timeout=10.0)
        return self

    def __enter__(self) -> "BenchSession":
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for proc, sig, _ in list(self._procs):
            self._stop(proc, sig)
        for client in list(self._clients):
            zkclient.close(client)
        self._clients.clear()
        for api in list(self._apis):
            try:
                api.close()
            except OSError:
                pass
        self._apis.clear()
        if self.root is not None:
            zkclient.close(self.root)
            self.root = None
        if self.zk is not None:
            self.zk.stop()
            self.zk = None
        if self.tmp and os.path.isdir(self.tmp):
            shutil.rmtree(self.tmp, ignore_errors=True)
        if self.reaper is not None:
            if self.tmp:
                self.reaper.forget_path(self.tmp)
            self.reaper.close()
            self.reaper = None

    # -- ZooKeeper
    @property
    def address(self) -> str:
        assert self.zk is not None  # started
        return self.zk.address

    def chroot(self, label: str) -> str:
        """A fresh chroot on the shared server: HOST:PORT/bench-label-xxxxxx."""
        assert self.root is not None and self.zk is not None  # started
        name = f"bench-{label}-{uuid.uuid4().hex[:6]}"
        self.root.ensure_path("/" + name)
        return f"{self.zk.address}/{name}"

    def client(self, hosts: str, session_timeout: float = 10.0) -> "KazooClient":
        client = zkclient.connect(hosts, session_timeout=session_timeout, connect_timeout=10.0)
        with self._lock:
            self._clients.append(client)
        return client

    def close_client(self, client: "KazooClient") -> None:
        zkclient.close(client)
        with self._lock:
            if client in self._clients:
                self._clients.remove(client)

    # -- the API
    def api(self) -> Api:
        api = Api()
        with self._lock:
            self._apis.append(api)
        return api

    def close_api(self, api: Api) -> None:
        api.close()
        with self._lock:
            if api in self._apis:
                self._apis.remove(api)

    # -- processes
    def tempdir(self, prefix: str) -> str:
        path = tempfile.mkdtemp(prefix=prefix, dir=self.tmp)
        os.chmod(path, 0o700)
        return path

    def spawn(self, args: Sequence[str], name: str, env: Optional[Dict[str, str]] = None,
              stop_signal: int = signal.SIGTERM, stdout: Any = None) -> Proc:
        """Start ``args`` in its own session (Ctrl-C reaches only us); output to a log."""
        assert self.tmp is not None and self.reaper is not None  # started
        log_path = os.path.join(self.tmp, f"{name}.log")
        log = open(log_path, "ab")
        full_env = dict(os.environ, PYTHONUNBUFFERED="1")
        proc: Proc
        if env:
            full_env.update(env)
        try:
            proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                    stdout=stdout if stdout is not None else log,
                                    stderr=log, env=full_env, start_new_session=True)
        except BaseException:
            log.close()
            raise
        proc.log_path = log_path
        with self._lock:
            self._procs.append((proc, stop_signal, log))
        self.reaper.watch_pid(proc.pid)
        return proc

    def stop(self, proc: Proc, sig: Optional[int] = None, timeout: float = 15.0) -> Tuple[Optional[int], bool]:
        """Signal ``proc`` (its registered stop signal by default), wait, SIGKILL if needed.

        Returns the exit code, and whether it had to be killed."""
        for entry in list(self._procs):
            if entry[0] is proc:
                return self._stop(proc, sig or entry[1], timeout)
        return proc.poll(), False

    def _stop(self, proc: Proc, sig: int, timeout: float = 15.0) -> Tuple[Optional[int], bool]:
        killed = False
        if proc.poll() is None:
            try:
                proc.send_signal(sig)
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                killed = True
            except OSError:
                pass
        if proc.poll() is None or killed:
            killed = True
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # its own session: the whole group
            except OSError:
                pass
            try:
                proc.kill()
            except OSError:
                pass
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                pass
        self._forget(proc)
        return proc.returncode, killed

    def reap(self, proc: Proc, timeout: float = 15.0) -> Tuple[Optional[int], bool]:
        """Wait for a process we killed ourselves (SIGKILL) and forget it."""
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return self._stop(proc, signal.SIGKILL)
        self._forget(proc)
        return proc.returncode, False

    def _forget(self, proc: Proc) -> None:
        with self._lock:
            for entry in list(self._procs):
                if entry[0] is proc:
                    self._procs.remove(entry)
                    try:
                        entry[2].close()
                    except OSError:
                        pass
        if self.reaper is not None:
            self.reaper.forget_pid(proc.pid)

    def log_tail(self, proc: Proc, lines: int = 5) -> str:
        try:
            with open(proc.log_path, "rb") as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(0, f.tell() - 4000))
                text = f.read().decode(errors="replace")
        except (OSError, AttributeError):
            return ""
        return " | ".join(text.strip().splitlines()[-lines:])
