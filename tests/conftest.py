"""Shared test fixtures: a real ZooKeeper server for the whole session (each
test gets its own chroot on it, so tests never see each other's znodes),
and a driver for `clustersim up` run as a real subprocess. The run fails if
it leaves anything in the temp directory (see the guard below)."""

import json
import os
import shutil
import tempfile
import threading
from contextlib import contextmanager
import signal
import subprocess
import sys
import time
import uuid

import pytest
import requests

from cluster_sim import control
from cluster_sim.base import procfs
from cluster_sim.base import zkclient
from cluster_sim.api.server import make_server
from cluster_sim.api.store import Store
from cluster_sim.base.reaper import Reaper
from cluster_sim.zk import ZooKeeperCluster

# Short everything: the suite must stay well under 10 minutes on 2 cores.
INTERVAL = 0.5
SESSION_TIMEOUT = 2.0
# Tests marked `long` (a 10-minute ZooKeeper outage) run only when asked:
#   CLUSTERSIM_LONG_TESTS=1 .venv/bin/python -m pytest -p no:cacheprovider tests/test_completeness.py -m long
LONG_TESTS = "CLUSTERSIM_LONG_TESTS"


def pytest_collection_modifyitems(config, items):
    import os

    if os.environ.get(LONG_TESTS) == "1":
        return
    skip = pytest.mark.skip(reason=f"takes more than 10 minutes; run with {LONG_TESTS}=1")
    for item in items:
        if "long" in item.keywords:
            item.add_marker(skip)


# -- nothing left in the temp directory --------------------------------------------------
# The run gets a temp directory of its own: the first process (the xdist controller, or the
# only one) makes it in the real temp dir and points TMPDIR and tempfile at it before any
# test or worker starts, so everything the suite starts makes its temp files there: xdist
# workers, `up` and its nodes, ZooKeeper's data dirs (clustersim-*), multiprocessing's fork
# server (pymp-*), Chromium and chromedriver (org.chromium.*), a test's own tmp* dirs. Its
# entries at the start: none. At the end, anything in it was made by the suite and left
# behind: the run fails naming it. This is the filter: by where, not by name. A filter by
# name on the shared temp dir (clustersim-*, pymp-*, tmp*) would also catch a concurrent
# run's files of the same names (another checkout's suite, a user's `up`) and fail for them.
# pytest's own tmp_path directories stay in the real temp dir (kept by pytest, by design).

def _is_worker(config):
    return hasattr(config, "workerinput")


@pytest.hookimpl(trylast=True)  # after pytest's own tmp_path plugin is configured
def pytest_configure(config):
    if _is_worker(config):
        return  # its TMPDIR came from the controller
    factory = getattr(config, "_tmp_path_factory", None)
    if factory is not None:
        factory.getbasetemp()  # made now, in the real temp dir, before tempfile points elsewhere
    config._clustersim_tmp = (tempfile.mkdtemp(prefix="clustersim-tests-"), os.environ.get("TMPDIR"))
    os.environ["TMPDIR"] = tempfile.tempdir = config._clustersim_tmp[0]


@pytest.hookimpl(trylast=True)  # after xdist has stopped its workers
def pytest_sessionfinish(session):
    own = getattr(session.config, "_clustersim_tmp", None)
    if own is None:
        return
    directory, before = own
    _remove_own_multiprocessing_dir()
    tempfile.tempdir = None
    if before is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.environ["TMPDIR"] = before
    left = sorted(os.listdir(directory))
    shutil.rmtree(directory, ignore_errors=True)
    if left:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        line = f"left in the temp dir by the suite: {', '.join(left)}"
        if reporter is not None:
            reporter.write("\n")  # below the progress line
            reporter.write_sep("=", line, red=True)
        else:
            print(line, file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _remove_own_multiprocessing_dir():
    """This process's multiprocessing temp dir (pymp-*: the socket of the fork server a demo run
    in this process started) lasts until the process exits, after the check: remove it now,
    by the finalizer multiprocessing registered for it (so it does not fail again at exit)."""
    from multiprocessing import util

    for finalizer in list(getattr(util, "_finalizer_registry", {}).values()):
        if getattr(finalizer, "_callback", None) is getattr(util, "_remove_temp_dir", None):
            finalizer()


def wait_until(predicate, timeout=20.0, what="condition", period=0.05):
    """Poll `predicate` until it returns something truthy; fail after `timeout`."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as exc:  # the thing we wait for may not exist yet
            last_error = exc
        time.sleep(period)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}"
                         + (f" (last error: {last_error!r})" if last_error else ""))


def pid_alive(pid):
    return procfs.alive(pid)


@pytest.fixture(scope="session")
def zk_server():
    # the reaper stops this server even if pytest itself is killed
    reaper = Reaper.start(grace=0.5)
    server = ZooKeeperCluster(tick_ms=100, reaper=reaper)
    server.start()
    yield server
    server.stop()
    reaper.close()


@pytest.fixture
def zk_hosts(zk_server):
    """A private chroot on the shared server: HOST:PORT/t-xxxx."""
    return f"{zk_server.address}/t-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def zk_client(zk_hosts):
    client = zkclient.connect(zk_hosts, session_timeout=10.0, connect_timeout=10.0)
    yield client
    zkclient.close(client)


@pytest.fixture(autouse=True)
def state_dir(tmp_path, monkeypatch):
    """Where `up` saves rounds it could not deliver: never the user's own
    ~/.local/state during tests (every `up` subprocess inherits this)."""
    path = tmp_path / "state"
    monkeypatch.setenv("CLUSTERSIM_STATE_DIR", str(path))
    return path


@pytest.fixture(autouse=True)
def runtime_dir(tmp_path_factory, monkeypatch):
    """Every test's sockets and truth logs in its own directory: never the user's
    /tmp/clustersim-UID (and nothing left there). Not inside tmp_path, which a test
    may list to show it left nothing behind."""
    path = tmp_path_factory.mktemp("run")
    path.chmod(0o700)
    monkeypatch.setenv("CLUSTERSIM_RUNTIME_DIR", str(path))
    return path


def clustersim(*args, timeout=30.0, check=False):
    """Run the CLI as a user would; returns the CompletedProcess."""
    result = subprocess.run([sys.executable, "-m", "cluster_sim", *args], capture_output=True,
                            text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"clustersim {' '.join(args)} failed: {result.stderr}")
    return result


class Up:
    """`clustersim up --plain --events FILE` in a subprocess, with helpers to watch it."""

    def __init__(self, tmp_path, name, args, **popen):
        self.name = name
        self.log_path = tmp_path / f"up-{name}.log"
        self.events_path = tmp_path / f"up-{name}.events.jsonl"
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "cluster_sim", "up", "--plain", "--name", name,
             "--events", str(self.events_path), *args],
            stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            # a process group of its own, as a shell gives a command: a test may signal the whole group
            # (as `timeout` or a service manager does) without signalling pytest
            start_new_session=True, **popen,
        )
        self.started = time.monotonic()

    def output(self):
        return self.log_path.read_text()

    def events(self, kind=None, **fields):
        """The events exported so far (typed), of `kind` and with these field values."""
        from cluster_sim.eventlog import read_events
        from cluster_sim.engine.events import from_record

        found = [from_record(r) for r in read_events(str(self.events_path))] if self.events_path.exists() else []
        return [e for e in found if (kind is None or e.kind == kind)
                and all(getattr(e, k, None) == v for k, v in fields.items())]

    def status(self):
        answer = control.send(self.name, {"cmd": "status"}, timeout=5.0)
        assert answer["ok"], answer
        return answer["status"]

    def wait_ready(self, nodes, timeout=30.0):
        def ready():
            if self.proc.poll() is not None:
                raise AssertionError(f"up exited early ({self.proc.returncode}):\n{self.output()}")
            status = self.status()
            running = [n for n in status["nodes"] if n["value"] is not None and n["state"] == "running"]
            return status if len(running) >= nodes and status["leader"] else None
        return wait_until(ready, timeout, f"{nodes} running nodes and a leader")

    def cli(self, *args, **kw):
        return clustersim(*[str(a) for a in args], "--name", self.name, **kw)

    def rows(self):
        url = self.status()["api_url"]
        return requests.get(url + "/listar", timeout=5).json()

    def leader(self):
        return self.status()["leader"]

    def stop(self, sig=signal.SIGINT, timeout=40.0):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
                raise AssertionError(f"up did not stop on {sig!r}:\n{self.output()}")
        self._log.close()
        return self.proc.returncode


@pytest.fixture
def start_up(tmp_path, runtime_dir):
    """start_up(*args) -> Up; every cluster is stopped (and checked) at the end."""
    started = []

    def start(*args, name=None, **popen):
        up = Up(tmp_path, name or f"t{uuid.uuid4().hex[:6]}", [str(a) for a in args], **popen)
        started.append(up)
        return up

    yield start
    for up in started:
        up.stop()


def stored_rounds(rows):
    return [r for r in rows if r.get("round") is not None]


def dump(obj):
    return json.dumps(obj, indent=1, default=str)


@contextmanager
def running(store, port=0, **server_options):
    """A real API server on a free loopback port (or on `port`: the same API
    back after an outage), in a thread."""
    server = make_server("127.0.0.1", port, store, **server_options)
    # a short poll interval only makes shutdown() return sooner
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
        assert not thread.is_alive()


@pytest.fixture
def api():
    store = Store(":memory:")
    with running(store) as url:
        yield url
    store.close()


@pytest.fixture(scope="module")
def stop_the_fork_server():
    """Modules that run a demo in this process (run_demo) start multiprocessing's fork
    server: they use this fixture to stop it at the end."""
    yield
    server = getattr(sys.modules.get("multiprocessing.forkserver"), "_forkserver", None)
    stop = getattr(server, "_stop", None)
    if stop is not None:
        stop()
