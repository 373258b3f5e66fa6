"""A node carries out the teacher's requests on itself, on its own machine.

    taker = RequestTaker(node, zk="10.0.0.5:2181", relays=own_netfaults)   # once the id is ours
    taker.start()            # watches /clustersim/requests/app{ID} (remote_requests.py)
    taker.stop()

The taker has a ZooKeeper session of its own, straight to the real servers,
not through the node's relays: the control channel is not part of the
network the lesson cuts, so `heal` reaches a node cut off from ZooKeeper
(whose own session may have expired meanwhile). It is a process of its own
in no other way: a pause freezes it too, a kill ends it.

What each request does, for real, here:

    kill         {"hard": false}  a clean exit (session closed: a new leader at once)
    kill         {"hard": true}   SIGKILL ourselves: the session is left to expire
    pause        {"seconds": N}   a helper process that sends us SIGCONT in N s, then
                                  SIGSTOP: the whole process stops, heartbeats included
    partition    {"from": T}      our own relays (netfault) cut T (zk, api, all)
    slow         {"latency", "jitter"}   our own relays delay every chunk
    heal         {}               our own relays carry bytes again

The answer is written before an act that would stop us from writing it (a
kill, a pause, a cut from ZooKeeper) and after the others (a heal).
"""

import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any, Dict, Mapping, Optional

from cluster_sim.protocol import paths
from cluster_sim.protocol.taker import Taker
from cluster_sim.node.stopping import Stop

__all__ = ["RequestTaker", "RELAY_KEY"]

RELAY_KEY = "self"        # our links in our own NetFaults


class RequestTaker:
    def __init__(self, node: Any, zk: str, relays: Any = None):
        from cluster_sim.base import zkclient

        self.node = node
        self.zk = zk                    # the real servers, not our relays
        self.relays = relays            # netfault.NetFaults of this process, or None
        # the loop of every taker (protocol/taker.py), on a session of our own, closed when it ends
        self.taker = Taker(paths.taker_name(node.s.node_id), self._carry_out, relays=relays is not None,
                           connect=self._connect, close=zkclient.close, host=self._host,
                           on_registered=self._registered, name="requests")
        self.target = self.taker.target

    @property
    def session(self) -> Optional[int]:
        return self.taker.session

    def start(self) -> None:
        self.taker.start()

    def stop(self) -> None:
        self.taker.stop(5.0)

    def _connect(self) -> Any:
        from cluster_sim.base import zkclient

        try:
            return zkclient.connect(self.zk, self.node.s.session_timeout, self.node.s.connect_timeout,
                                    secret=self.node.s.secret or None)
        except zkclient.ZkUnreachable as exc:
            self.node.report("warn", code="no_requests", text=f"cannot take the teacher's requests: {exc}")
            return None

    def _registered(self, first: bool) -> None:
        if first:
            self.node.report("listening")

    def _host(self) -> str:
        return str(self.node.publisher.host) if self.node.publisher else ""

    def _carry_out(self, path: str, body: Mapping[str, Any]) -> None:
        cmd, args = body.get("cmd"), body.get("args") or {}
        words = [cmd] + [f"{key}={value}" for key, value in args.items()]
        self.node.report("request", cmd=cmd, words=words)
        act = {"kill": self._kill, "pause": self._pause, "partition": self._partition, "slow": self._slow,
               "heal": self._heal}.get(str(cmd))
        if act is None:
            self._answer(path, body, {"ok": False, "code": "unknown", "error": f"unknown request {cmd!r}"})
            return
        act(path, body, args)

    def _answer(self, path: str, body: Mapping[str, Any], outcome: Dict[str, Any]) -> None:
        self.taker.answer(path, body, outcome)     # the supervisor reports a node that did not answer

    # -- the acts ----------------------------------------------------------------------
    def _kill(self, path: str, body: Mapping[str, Any], args: Mapping[str, Any]) -> None:
        hard = bool(args.get("hard"))
        self._answer(path, body, {"ok": True, "hard": hard})
        if hard:
            # a crash: no goodbye, the session is left to expire as with SIGKILL from outside
            os.kill(os.getpid(), signal.SIGKILL)
        self.node.stop(Stop.TEACHER)

    def _pause(self, path: str, body: Mapping[str, Any], args: Mapping[str, Any]) -> None:
        seconds = args.get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 < seconds <= 600:
            self._answer(path, body, {"ok": False, "code": "bad_pause", "error": f"pause for {seconds!r} s?"})
            return
        # nobody can send us SIGCONT from the teacher's machine: a helper of ours will, in
        # `seconds`; started before we stop, it wakes us even if what follows fails
        wake = (f"import os, signal, time; time.sleep({float(seconds)!r}); "
                f"os.kill({os.getpid()}, signal.SIGCONT)")
        helper = subprocess.Popen([sys.executable, "-c", wake], stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=True)
        threading.Thread(target=helper.wait, daemon=True, name="pause-helper").start()
        self._answer(path, body, {"ok": True, "seconds": seconds})
        os.kill(os.getpid(), signal.SIGSTOP)     # every thread stops here, heartbeats included

    def _relays(self, path: str, body: Mapping[str, Any]) -> Any:
        if self.relays is None:
            self._answer(path, body, {"ok": False, "code": "no_relays", "error": "this node has no relays"})
        return self.relays

    def _partition(self, path: str, body: Mapping[str, Any], args: Mapping[str, Any]) -> None:
        from cluster_sim.netfault.faults import cut_link, with_fault

        relays = self._relays(path, body)
        if relays is None:
            return
        target = str(args.get("from") or "zk")
        if not relays.can_cut(RELAY_KEY, target):
            self._answer(path, body, {"ok": False, "code": "fault",
                                      "error": f"{target!r} is not a link this node can cut"})
            return
        after = with_fault(relays.fault(RELAY_KEY), lambda link: cut_link(link, None), target, time.time())
        # said first: once cut from ZooKeeper we could not say it
        self._answer(path, body, {"ok": True, "faults": after.to_json()})
        relays.change(RELAY_KEY, target, lambda link: cut_link(link, None), must_reach=True)

    def _slow(self, path: str, body: Mapping[str, Any], args: Mapping[str, Any]) -> None:
        from cluster_sim.netfault import FaultError

        relays = self._relays(path, body)
        if relays is None:
            return
        try:
            faults = relays.slow(RELAY_KEY, args.get("latency"), args.get("jitter") or 0, target="all")
        except FaultError as exc:
            self._answer(path, body, {"ok": False, "code": "fault", "error": str(exc)})
            return
        self._answer(path, body, {"ok": True, "faults": faults.to_json()})

    def _heal(self, path: str, body: Mapping[str, Any], args: Mapping[str, Any]) -> None:
        relays = self._relays(path, body)
        if relays is None:
            return
        had = not relays.fault(RELAY_KEY).clear
        faults = relays.heal(RELAY_KEY)
        # after: the links carry bytes again, and our answer goes through them
        self._answer(path, body, {"ok": True, "had": had, "faults": faults.to_json()})
