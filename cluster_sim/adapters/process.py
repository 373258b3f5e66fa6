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
    proc.running()                          # by its pid (a pidfd), not by what the fork server says
    for proc in spawner.exited(): ...       # the processes that ended since (one epoll, not one per node)

Whether a node still runs is asked of the kernel (a pidfd per node), never only of the
fork server: a node's sentinel is a pipe from the fork server, and when that server is gone
it reads EOF, which multiprocessing reports as exit code 255 while the node runs on.
"""

import io
import multiprocessing
import multiprocessing.util
import os
import select
import selectors
import signal
import sys
from multiprocessing import forkserver, popen_forkserver, reduction, spawn
from multiprocessing.context import ForkServerProcess, set_spawning_popen
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING, Any, Dict, List, Optional

from cluster_sim.base import procfs
from cluster_sim.node import main as node_main

if TYPE_CHECKING:
    from cluster_sim.node.settings import NodeSettings
    from cluster_sim.base.reaper import Reaper


# multiprocessing's resource tracker (a helper process) warns of "leaked
# semaphore objects" when the supervisor is SIGKILLed, then cleans them up
# anyway. It inherits our -W options: give it one that keeps it quiet.
_QUIET_TRACKER = "ignore:resource_tracker:UserWarning"


# What a node is told by multiprocessing before it runs, less the supervisor's main module:
# multiprocessing would run that again in every node (`clustersim`'s script imports the whole
# command line, click and the fault commands), a megabyte and more of private memory per node
# and tens of milliseconds per start. The node's target is importable by name; it needs none of it.
_NOT_FOR_NODES = ("init_main_from_name", "init_main_from_path")

# glibc keeps, in every thread, a cache of the blocks it freed (tcache: up to 7 of each of 64 sizes),
# counted as in use and never trimmed; a leader's dozen threads filled theirs over minutes, and its
# memory crept with them (docs/benchmarks.md, "Why the leader misses 9c"). glibc reads its tunables
# when a process starts, never after: the fork server starts with them, and every node forked from it
# inherits them. The supervisor and what else it starts keep glibc's defaults.
NODE_MALLOC_TUNABLES = "glibc.malloc.tcache_count=0"


def _start_fork_server() -> None:
    saved = os.environ.get("GLIBC_TUNABLES")
    os.environ["GLIBC_TUNABLES"] = f"{saved}:{NODE_MALLOC_TUNABLES}" if saved else NODE_MALLOC_TUNABLES
    try:
        forkserver.ensure_running()
    finally:
        if saved is None:
            del os.environ["GLIBC_TUNABLES"]
        else:
            os.environ["GLIBC_TUNABLES"] = saved


class _NodePopen(popen_forkserver.Popen):
    """multiprocessing's fork-server launch (Python 3.11's `_launch`), without the main module."""

    def _launch(self, process_obj: Any) -> None:
        prep_data = {k: v for k, v in spawn.get_preparation_data(process_obj._name).items()
                     if k not in _NOT_FOR_NODES}
        buf = io.BytesIO()
        set_spawning_popen(self)
        try:
            reduction.dump(prep_data, buf)
            reduction.dump(process_obj, buf)
        finally:
            set_spawning_popen(None)
        self.sentinel, w = forkserver.connect_to_new_process(self._fds)  # type: ignore[attr-defined]
        _parent_w = os.dup(w)    # the child's sentinel of its parent, as multiprocessing keeps it
        self.finalizer = multiprocessing.util.Finalize(self, multiprocessing.util.close_fds,  # type: ignore
                                                       (_parent_w, self.sentinel))
        with open(w, "wb", closefd=True) as f:
            f.write(buf.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


class _NodeProcess(ForkServerProcess):
    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        return _NodePopen(process_obj)


class Spawner:
    def __init__(self, log_dir: str, reaper: Optional["Reaper"] = None) -> None:
        if _QUIET_TRACKER not in sys.warnoptions:
            sys.warnoptions.append(_QUIET_TRACKER)
        self.ctx = multiprocessing.get_context("forkserver")
        # the node's code, SIGUSR1 blocked; this module too: a node unpickles its _NodeProcess
        self.ctx.set_forkserver_preload(["cluster_sim.node.preload", __name__])
        _start_fork_server()
        self.events = self.ctx.Queue()
        self.alive_r, self.alive_w = self.ctx.Pipe(duplex=False)
        self.log_dir = log_dir
        self.reaper = reaper
        # the fork server's socket lives in multiprocessing's own temp dir (pymp-*), which
        # it removes only at a clean exit: the reaper removes it if we are SIGKILLed
        self.mp_tempdir = multiprocessing.util.get_temp_dir()
        if reaper is not None:
            reaper.watch_path(self.mp_tempdir)
        # each node's pidfd (readable once it has ended): the manager asks which ended many
        # times a second, and a poll per node would cost O(nodes) each time
        self._ended = selectors.DefaultSelector()
        self._pending: List[NodeProcess] = []   # ended, the fork server has not told the code yet
        self._live: Dict[int, NodeProcess] = {}  # by id(): every node not yet reaped (a pid may be reused)

    def spawn(self, settings: "NodeSettings") -> "NodeProcess":
        log_path = os.path.join(self.log_dir, f"node-{settings.node_id}.log")
        process = _NodeProcess(
            target=node_main.process_main,
            args=(settings.to_dict(), self.events, self.alive_r, log_path),
            name=f"clustersim-node-{settings.node_id}",
            daemon=True,
        )
        process.start()
        # multiprocessing keeps every child in a set it polls, child by child, at each start():
        # O(nodes) per start, O(nodes²) to start a lecture hall. This spawner watches its own
        # (exited(), the reaper), so the node leaves that set.
        multiprocessing.process._children.discard(process)  # type: ignore[attr-defined]
        assert process.pid is not None  # started
        if self.reaper is not None:
            self.reaper.watch_pid(process.pid)
        node = NodeProcess(settings.node_id, process, log_path, self.reaper)
        # the pidfd: readable when the process has ended, whatever the fork server says
        watch = node.pidfd if node.pidfd is not None else process.sentinel
        self._ended.register(watch, selectors.EVENT_READ, node)
        self._live[id(node)] = node
        return node

    def live(self) -> List["NodeProcess"]:
        """Every node this spawner started and exited() has not returned yet (at shutdown:
        the ones to stop, including any the manager no longer holds)."""
        return list(self._live.values())

    def exited(self) -> List["NodeProcess"]:
        """The nodes whose process ended since the last call (each once): poll() has their code."""
        for key, _ in self._ended.select(0):
            self._ended.unregister(key.fileobj)
            self._pending.append(key.data)
        ended: List[NodeProcess] = []
        waiting: List[NodeProcess] = []
        for node in self._pending:   # (the fork server writes the code once it has reaped it)
            (ended if node.poll() is not None else waiting).append(node)
        self._pending = waiting
        for node in ended:
            self._live.pop(id(node), None)
            node.release(ended=True)
        return ended

    def close(self) -> None:
        for node in self._live.values():
            node.release(ended=False)
        self._ended.close()
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
        self.pidfd = _pidfd(self.pid)   # None: no pidfds here (then /proc), or it had ended already
        self._gone = False

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

    def running(self) -> bool:
        """Asked of the kernel: True while the process exists and is not a zombie."""
        if self._gone:
            return False
        if self.pidfd is not None:
            poller = select.poll()
            poller.register(self.pidfd, select.POLLIN)
            return not poller.poll(0)
        return procfs.alive(self.pid)

    def release(self, ended: bool) -> None:
        """Close the pidfd (the spawner: once the node was reaped, or at close, when
        running() goes on asking /proc)."""
        if self.pidfd is not None:
            os.close(self.pidfd)
            self.pidfd = None
        self._gone = self._gone or ended

    def poll(self) -> Optional[int]:
        code = self.process.exitcode
        if code is not None and self.running():
            return None   # a sentinel that read EOF (the fork server gone): "255", and it runs on
        if code is not None and self.reaper is not None:
            self.reaper.forget_pid(self.pid)
            self.reaper = None
        return code

    def join(self, timeout: Optional[float]) -> Optional[int]:
        self.process.join(timeout)
        return self.poll()


def _pidfd(pid: int) -> Optional[int]:
    try:
        return os.pidfd_open(pid)
    except ProcessLookupError:
        return None    # it has ended already: its sentinel tells
    except (AttributeError, OSError):
        return None    # no pidfds (an old kernel, a sandbox): running() reads /proc
