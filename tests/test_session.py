"""One cluster session: up, demo and chaos run the same harness (start, signals, driver, stop),
and every setting has one default, seen the same from each command.

The harness is driven here with a cluster of its own making (a plain object: the harness is
what is tested, not ZooKeeper) and real signals sent to this process; the commands running a
real cluster through it are test_cluster.py, test_demo.py and test_chaos_command.py."""

import os
import re
import signal
import threading

import pytest
from click.testing import CliRunner

from cluster_sim.cli import main
from cluster_sim.node.settings import NodeSettings, default_of
from cluster_sim.node.options import BY_FIELD, CHAOS_PACE
from cluster_sim.engine.model import Model
from cluster_sim.supervisor.session import ClusterSession, Driver
from cluster_sim.engine.state import ClusterState


class _Manager:
    def __init__(self):
        self.stopped = threading.Event()
        self.why = []
        self.listeners = []

    def stop(self, why):
        self.why.append(why)
        self.stopped.set()

    def stop_from_signal(self, why):   # the real one only sets an attribute its loop reads
        self.stop(why)


class _Cluster:
    """The harness's view of a cluster: start, the manager's loop, stop (here: sends one more
    SIGINT, as an impatient user's second Ctrl-C during the shutdown)."""

    def __init__(self):
        self.manager = None
        self.skip_drain = threading.Event()
        self.steps = []

    def start(self):
        self.manager = _Manager()
        self.steps.append("start")

    def run(self):
        self.steps.append("loop")
        # a signal is handled on the main thread between bytecodes: wait in short slices
        while not self.manager.stopped.wait(0.05):
            pass

    def stop(self):
        os.kill(os.getpid(), signal.SIGINT)       # the second Ctrl-C, while the shutdown waits
        self.steps.append("stopped" if self.skip_drain.wait(10) else "stop without skip")


class _Script(Driver):
    """A driver that sends Ctrl-C itself once it runs (the user's first Ctrl-C)."""

    def __init__(self, handles_first=False):
        self.handles_first = handles_first
        self.calls = []
        self.ended = threading.Event()

    def started(self, cluster):
        self.calls.append("started")

    def run(self, cluster):
        self.calls.append("run")
        os.kill(os.getpid(), signal.SIGINT)
        if self.handles_first:                    # chaos: undo, judge, then stop the cluster itself
            self.ended.wait(10)
            cluster.manager.stop("driver done")

    def interrupt(self, signal_name):
        self.calls.append(f"interrupt {signal_name}")
        if self.handles_first:
            self.ended.set()
        return self.handles_first

    def over(self):
        self.calls.append("over")


@pytest.mark.parametrize("driver", [None, _Script(), _Script(handles_first=True)],
                         ids=["up (no driver)", "demo (session stops)", "chaos (driver stops)"])
def test_a_second_ctrl_c_only_skips_the_shutdown_waits_for_every_command(driver):
    cluster = _Cluster()
    session = ClusterSession(cluster, driver=driver)
    if driver is None:
        threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()   # the user's first Ctrl-C
    before = signal.getsignal(signal.SIGINT)
    assert session.run() == 0
    assert cluster.steps == ["start", "loop", "stopped"]      # the stop ran whole; the second Ctrl-C skipped waits
    assert signal.getsignal(signal.SIGINT) is before          # handlers given back
    expected = "driver done" if driver is not None and driver.handles_first else "SIGINT"
    assert cluster.manager.why == [expected]
    if driver is not None:
        assert driver.calls == ["started", "run", "interrupt SIGINT", "over"]


class _SlowToEnd(_Cluster):
    """Its loop takes a while to end after the stop (a loaded machine): the second Ctrl-C comes first."""

    def run(self):
        self.steps.append("loop")
        while not self.manager.stopped.wait(0.05):
            pass
        os.kill(os.getpid(), signal.SIGINT)      # the impatient second Ctrl-C, before the loop has ended
        self.skip_drain.wait(5)                  # (its handler runs on this, the main thread, meanwhile)

    def stop(self):
        self.steps.append("stopped" if self.skip_drain.is_set() else "stop without skip")


def test_a_second_ctrl_c_before_the_loop_ends_still_skips_the_waits():
    cluster = _SlowToEnd()
    session = ClusterSession(cluster)
    threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()   # the first Ctrl-C
    assert session.run() == 0
    assert cluster.steps == ["start", "loop", "stopped"] and cluster.manager.why == ["SIGINT"]


def test_a_signal_while_starting_ends_the_start_and_still_stops():
    class Slow(_Cluster):
        def start(self):
            os.kill(os.getpid(), signal.SIGTERM)      # no manager yet: the start-up ends
            raise AssertionError("the signal did not end the start-up")

        def stop(self):
            self.steps.append("stopped")

    cluster = Slow()
    assert ClusterSession(cluster).run() == 130
    assert cluster.steps == ["stopped"]


def test_up_demo_and_chaos_all_run_the_cluster_session(monkeypatch, runtime_dir):
    """Each command hands its cluster (and its driver) to ClusterSession: nothing starts here."""
    from cluster_sim.chaos.command import ChaosOptions, run_chaos
    from cluster_sim.demo import run_demo
    from cluster_sim.supervisor.up import UpOptions, run_up

    seen = []

    def run(self):
        seen.append((type(self.cluster).__name__, type(self.driver).__name__))
        return 130

    monkeypatch.setattr(ClusterSession, "run", run)
    assert run_up(UpOptions()) == 130
    assert run_demo("failover", yes=True) == 130
    assert run_chaos(ChaosOptions(name="session-test")) == 130
    assert seen == [("Cluster", "NoneType"), ("Cluster", "_ScenarioDriver"), ("Cluster", "_ChaosDriver")]


def _help_default(command, flag):
    text = " ".join(CliRunner().invoke(main, [command, "--help"]).output.split())
    found = re.search(re.escape(flag) + r" S [^[]*\[default: ([0-9.]+)\]", text)
    assert found, (command, flag)
    return float(found.group(1))


def test_the_session_timeout_default_is_declared_once():
    from cluster_sim.chaos.command import ChaosOptions
    from cluster_sim.supervisor.up import UpOptions

    default = default_of("session_timeout")
    seen = {
        "node option": BY_FIELD["session_timeout"].default,
        "up --help": _help_default("up", "--session-timeout"),
        "node --help": _help_default("node", "--session-timeout"),
        "chaos --help": _help_default("chaos", "--session-timeout"),
        "UpOptions": UpOptions().node.session_timeout,
        "ChaosOptions": ChaosOptions().node.session_timeout,
        "NodeSettings": NodeSettings(node_id="").session_timeout,
        "Model": Model(ClusterState()).session_timeout,
    }
    assert seen == {where: default for where in seen}
    assert default == 4.0                             # as README documents for up and node
    # the demo paces itself on purpose (DEMO_PACE), declared with the same option
    assert _help_default("demo", "--session-timeout") == 3.0


def test_the_interval_default_is_declared_once_and_chaos_paces_its_own_cluster():
    from cluster_sim.chaos.command import ChaosOptions
    from cluster_sim.supervisor.up import UpOptions

    assert _help_default("up", "--interval") == UpOptions().node.interval == default_of("interval")
    assert _help_default("chaos", "--interval") == ChaosOptions().node.interval == CHAOS_PACE["interval"]
