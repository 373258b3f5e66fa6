"""One cluster session: what `up`, `demo` and `chaos` all run.

    code = ClusterSession(Cluster(options)).run()                 # up: no driver
    code = ClusterSession(Cluster(options), driver=script).run()  # demo: a scenario; chaos: a plan

In order: the cluster starts (Cluster.start); the driver, if any, is told
(`started`, on this thread: it adds its listeners) and runs on a thread of its
own, asking the manager to stop when it is done; the manager's loop runs here
until then, or until Ctrl-C, SIGTERM, SIGHUP or `clustersim stop`. Then the
driver is told the loop is over and joined, and the cluster is stopped in
reverse order (Cluster.stop: heal, settle, drain, save, ... teardown).

Signals are the same for all three commands. Before the manager runs, one ends
the start-up (KeyboardInterrupt: 130). While it runs, the first goes to the
driver (`interrupt`: True when the driver winds down and stops the cluster
itself, as chaos does to undo its faults and judge), else stops the manager.
Once the loop is over, every signal only ends the shutdown's waits (settle,
drain: `Cluster.skip_drain`); the clean-up itself is never cut short.
"""

import signal
import threading
from types import FrameType
from typing import Any, Callable, Dict, Optional, Protocol, Union

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
_Handler = Union[Callable[[int, Optional[FrameType]], Any], int, None]


class Driver:
    """What runs on a cluster besides its supervisor: a demo's script, chaos's plan.
    Override what applies; the defaults do nothing."""

    name = "driver"
    join_timeout = 10.0        # how long the shutdown waits for the driver's thread

    def started(self, cluster: Any) -> None:
        """The cluster is up (on the main thread, before the loop): add listeners."""

    def run(self, cluster: Any) -> None:
        """The driver's work, on its own thread; it ends by stopping the manager."""

    def interrupt(self, signal_name: str) -> bool:
        """The first signal while the loop runs: True when the driver stops the cluster itself."""
        return False

    def over(self) -> None:
        """The manager's loop has ended: nobody answers requests any more."""


class _Cluster(Protocol):
    manager: Any
    skip_drain: threading.Event

    def start(self) -> None: ...

    def run(self) -> None: ...

    def stop(self) -> None: ...


class ClusterSession:
    """Start, signals, driver, stop: the one harness of every command that runs a cluster."""

    def __init__(self, cluster: _Cluster, driver: Optional[Driver] = None) -> None:
        self.cluster = cluster
        self.driver = driver
        self.interrupted = threading.Event()   # a signal came while the cluster was up
        self._thread: Optional[threading.Thread] = None

    def run(self) -> int:
        """0 once the cluster has stopped; 130 when a signal ended its start-up.
        Start-up errors (UpError, ...) propagate, after everything started is stopped."""
        on_main = threading.current_thread() is threading.main_thread()
        previous = self._install(self._on_signal) if on_main else {}
        try:
            self.cluster.start()
            if self.driver is not None:
                self._start_driver(self.driver)
            self.cluster.run()
            return 0
        except KeyboardInterrupt:
            return 130
        finally:
            if on_main:
                self._install(self._skip_waits)
            try:
                self._end_driver()
                self.cluster.stop()
            finally:
                for s, handler in previous.items():
                    signal.signal(s, handler)

    def _start_driver(self, driver: Driver) -> None:
        driver.started(self.cluster)
        self._thread = threading.Thread(target=driver.run, args=(self.cluster,), name=driver.name, daemon=True)
        self._thread.start()

    def _end_driver(self) -> None:
        if self.driver is None:
            return
        self.driver.over()
        if self._thread is not None:
            self._thread.join(self.driver.join_timeout)

    # -- signals ----------------------------------------------------------------
    @staticmethod
    def _install(handler: Callable[[int, Optional[FrameType]], None]) -> Dict[int, _Handler]:
        return {s: signal.signal(s, handler) for s in SIGNALS}

    def _on_signal(self, signum: int, _frame: Optional[FrameType]) -> None:
        manager = self.cluster.manager
        if manager is None:
            raise KeyboardInterrupt          # still starting: end the start-up; stop() cleans up
        if self.interrupted.is_set():
            # a second Ctrl-C before the loop has ended: what it does after (_skip_waits)
            self._skip_waits(signum, _frame)
            return
        self.interrupted.set()
        name = signal.Signals(signum).name
        if self.driver is not None and self.driver.interrupt(name):
            return
        from cluster_sim.engine.events import StopWhy

        manager.stop_from_signal(StopWhy(name))   # no lock in a signal handler (see there)

    def _skip_waits(self, _signum: int, _frame: Optional[FrameType]) -> None:
        # a second Ctrl-C must not cut the clean-up short; it only ends the waits for the
        # last rounds and the deliveries
        self.cluster.skip_drain.set()
