"""Node processes as the supervisor sees them: start, signal, reap.

Nodes are forked from a multiprocessing fork server that has already imported
the node's code (kazoo, requests), so a node starts in milliseconds and shares
most of its memory with its siblings. Each node gets the supervisor's event
queue and the read end of a pipe the supervisor never writes: when the
supervisor dies, that pipe closes and the node leaves the cluster by itself.

    spawner = Spawner(events=queue, log_dir=tmp)
    proc = spawner.spawn(settings)         # a NodeProcess
    proc.pause(); proc.resume(); proc.terminate(); proc.kill()
    proc.close_sampling()                   # at shutdown, before terminate(): see node/main.py
    proc.poll()                             # exit code, or None while running
"""

import multiprocessing
import multiprocessing.util
import os
import signal
import sys
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING, Optional

from cluster_sim.node import main as node_main

if TYPE_CHECKING:
    from cluster_sim.node.settings import NodeSettings
    from cluster_sim.base.reaper import Reaper


# multiprocessing's resource tracker (a helper process) warns of "leaked
# semaphore objects" when the supervisor is SIGKILLed, then cleans them up
# anyway. It inherits our -W options: give it one that keeps it quiet.
_QUIET_TRACKER = "ignore:resource_tracker:UserWarning"


class Spawner:
    def __init__(self, log_dir: str, reaper: Optional["Reaper"] = None) -> None:
        if _QUIET_TRACKER not in sys.warnoptions:
            sys.warnoptions.append(_QUIET_TRACKER)
        self.ctx = multiprocessing.get_context("forkserver")
        self.ctx.set_forkserver_preload(["cluster_sim.node.preload"])  # the node's code, SIGUSR1 blocked
        self.events = self.ctx.Queue()
        self.alive_r, self.alive_w = self.ctx.Pipe(duplex=False)
        self.log_dir = log_dir
        self.reaper = reaper
        # the fork server's socket lives in multiprocessing's own temp dir (pymp-*), which
        # it removes only at a clean exit: the reaper removes it if we are SIGKILLed
        self.mp_tempdir = multiprocessing.util.get_temp_dir()
        if reaper is not None:
            reaper.watch_path(self.mp_tempdir)

    def spawn(self, settings: "NodeSettings") -> "NodeProcess":
        log_path = os.path.join(self.log_dir, f"node-{settings.node_id}.log")
        process = self.ctx.Process(
            target=node_main.process_main,
            args=(settings.to_dict(), self.events, self.alive_r, log_path),
            name=f"clustersim-node-{settings.node_id}",
            daemon=True,
        )
        process.start()
        assert process.pid is not None  # started
        if self.reaper is not None:
            self.reaper.watch_pid(process.pid)
        return NodeProcess(settings.node_id, process, log_path, self.reaper)

    def close(self) -> None:
        self.alive_w.close()
        self.events.close()
        self.events.join_thread()
        if self.reaper is not None:
            # this process removes it when it exits; until then the fork server (kept for
            # the next cluster this process may start: a demo, a test) listens in it
            self.reaper.forget_path(self.mp_tempdir)


class NodeProcess:
    def __init__(self, node_id: str, process: BaseProcess, log_path: str,
                 reaper: Optional["Reaper"] = None) -> None:
        self.node_id = node_id
        self.process = process
        self.log_path = log_path
        self.reaper = reaper
        self.paused = False
        self.stop_requested: Optional[str] = None  # "SIGTERM" / "SIGKILL" when we asked it to go

    @property
    def pid(self) -> int:
        assert self.process.pid is not None  # a NodeProcess holds a started process (Spawner.spawn)
        return self.process.pid

    def _signal(self, sig: int) -> None:
        try:
            os.kill(self.pid, sig)
        except ProcessLookupError:
            pass

    def pause(self) -> None:
        self._signal(signal.SIGSTOP)
        self.paused = True

    def resume(self) -> None:
        self._signal(signal.SIGCONT)
        self.paused = False

    def close_sampling(self) -> None:
        """At shutdown: stop sampling, publish the history final, and stay (node/main.py)."""
        if self.paused:
            self.resume()  # a stopped process cannot run its handler
        self._signal(signal.SIGUSR1)

    def terminate(self) -> None:
        self.stop_requested = "SIGTERM"
        if self.paused:
            self.resume()  # a stopped process cannot run its SIGTERM handler
        self._signal(signal.SIGTERM)

    def kill(self) -> None:
        self.stop_requested = "SIGKILL"
        self._signal(signal.SIGKILL)

    def poll(self) -> Optional[int]:
        code = self.process.exitcode
        if code is not None and self.reaper is not None:
            self.reaper.forget_pid(self.pid)
            self.reaper = None
        return code

    def join(self, timeout: Optional[float]) -> Optional[int]:
        self.process.join(timeout)
        return self.poll()
