"""Node processes of one system (clustersim or the original) on one chroot, delivering to one API.

    nodes = NodeSet(bench, "clustersim", hosts, api, interval=1.0, session_timeout=4.0, n=3, label="handover")
    nodes.start_all(); nodes.wait_steady(); ...; nodes.close()
"""

import os
import signal
import sys
from typing import Dict, List, Optional

from cluster_sim.base import procfs
from cluster_sim.bench.support import Api, BenchSession, Proc, wait_for
from cluster_sim.bench.watches import ElectionWatch


READINGS = "/mediciones"


class NodeSet:
    """``n`` node processes (clustersim or original) delivering to ``api``."""

    def __init__(self, bench: BenchSession, system: str, hosts: str, api: Api, interval: float,
                 session_timeout: float, n: int, label: str) -> None:
        self.bench = bench
        self.system = system
        self.hosts = hosts
        self.api = api
        self.interval = interval
        self.session_timeout = session_timeout
        self.ids = [str(i) for i in range(1, n + 1)]
        self.label = label
        self.procs: Dict[str, Proc] = {}
        self.starts = 0
        self.client = bench.client(hosts)
        self.client.ensure_path(READINGS)
        self.watch = ElectionWatch(self.client)

    def command(self, node_id: str) -> List[str]:
        common = ["--interval", f"{self.interval:g}", "--session-timeout", f"{self.session_timeout:g}"]
        if self.system == "clustersim":
            # truth logs inside the bench's own temporary directory, removed with it
            assert self.bench.tmp is not None  # (a started session's)
            return [sys.executable, "-m", "cluster_sim", "node", node_id, "--zk", self.hosts,
                    "--api-url", self.api.url, "--truth-dir", os.path.join(self.bench.tmp, "truth"), *common]
        return [sys.executable, "-m", "cluster_sim.bench.original_app", node_id, "--zk", self.hosts,
                "--api", self.api.url, *common]

    @property
    def stop_signal(self) -> int:
        # the original handles SIGINT (Ctrl-C in its terminal); clustersim's kill sends SIGTERM
        return signal.SIGINT if self.system == "original" else signal.SIGTERM

    def start(self, node_id: str) -> None:
        # a node killed hard leaves its znode until its session expires
        path = f"{READINGS}/app{node_id}"
        wait_for(lambda: self.client.exists(path) is None, 2 * self.session_timeout + 10,
                 f"{path} to go away")
        self.starts += 1
        self.procs[node_id] = self.bench.spawn(
            self.command(node_id), f"{self.label}-{self.system}-n{node_id}-{self.starts}",
            stop_signal=self.stop_signal)

    def start_all(self) -> None:
        for node_id in self.ids:
            self.start(node_id)

    def ensure_running(self) -> None:
        for node_id in self.ids:
            proc = self.procs.get(node_id)
            if proc is None or proc.poll() is not None:
                if proc is not None:
                    self.bench.reap(proc)
                self.start(node_id)

    def _dead(self) -> List[str]:
        return [i for i, p in self.procs.items() if p.poll() is not None]

    def wait_steady(self, timeout: float = 60.0) -> Optional[str]:
        """All nodes in the election and publishing, and the leader delivering; returns the leader."""
        def complete() -> bool:
            dead = self._dead()
            if dead:
                proc = self.procs[dead[0]]
                raise RuntimeError(f"node {dead[0]} exited ({proc.returncode}): "
                                   f"{self.bench.log_tail(proc)}")
            if sorted(self.watch.contenders()) != sorted(self.ids):
                return False
            return all(self.client.exists(f"{READINGS}/app{i}") for i in self.ids)

        wait_for(complete, timeout, f"{len(self.ids)} {self.system} nodes in the election")
        leader = self.watch.leader
        mark = self.api.mark()
        if self.system == "clustersim":
            found = self.api.wait_row(mark, lambda t, row: row.get("leader") == leader, 3 * self.interval + 10)
        else:
            found = self.api.wait_row(mark, None, 3 * self.interval + 10)
        if found is None:
            raise TimeoutError(f"leader {leader} delivered nothing within {3 * self.interval + 10:g} s")
        return leader

    def memory(self) -> Dict[str, Dict[str, int]]:
        out = {}
        for node_id, proc in self.procs.items():
            mem = procfs.memory(proc.pid)
            if mem:
                out[node_id] = mem
        return out

    def close(self) -> None:
        # SIGTERM, not the original's SIGINT: a node still importing has no handler yet, and
        # SIGINT may be ignored altogether (inherited from a shell that ran us in the background)
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            self.bench.stop(proc, signal.SIGTERM, timeout=10)
        self.bench.close_client(self.client)
