"""A member's host agent: the teacher's zk-kill/zk-start/zk-pause/zk-resume N,
carried out on this machine's server of an ensemble across machines.

    agent = ZkAgent(server, start=lambda: server.launch(dist, ensemble=True),
                    hosts=layout.connect_string, secret=secret)
    agent.start()       # a taker named zk{N} (remote_requests.py), on a session of its own
    agent.down          # True while the teacher keeps the server stopped
    agent.stop()        # its card goes with its session; a frozen server is thawed

The agent's client talks to the whole ensemble (its connect string), so it
registers once a quorum serves and simply waits while none does (kazoo retries
forever). What each request does, here:

    zk-kill    {}               stop our java (SIGTERM, then SIGKILL)
    zk-start   {}               start it again, on the same data
    zk-pause   {"seconds": S}   SIGSTOP our java, and a timer sends SIGCONT in S s
    zk-resume  {}               SIGCONT now (the timer then does nothing)

The answer is written before zk-kill/zk-pause: with our own server stopped the
session moves to another server, but a 3-server ensemble may have no quorum then.
"""

import threading
from typing import Any, Callable, Dict, Mapping, Optional

from kazoo.exceptions import KazooException

from cluster_sim.protocol import remote_requests as rr
from cluster_sim.protocol.taker import Taker

__all__ = ["ZkAgent", "PAUSE_BOUND"]

PAUSE_BOUND = 30.0     # a zk-pause without --for thaws by itself after this many seconds
READ_BOUND = 1.0       # how long an answer may wait to be read before our server stops or freezes


class ZkAgent:
    def __init__(self, server: Any, start: Callable[[], None], hosts: str, secret: Optional[str] = None,
                 session_timeout: float = 10.0):
        self.server = server            # zk/server.py's ManagedServer of this machine
        self._launch = start
        self.hosts = hosts
        self.secret = secret
        self.session_timeout = session_timeout
        self.down = False               # stopped by the teacher: not a crash of java
        self.client: Any = None
        self._lock = threading.Lock()   # the acts and the member's own stop
        self._thaw: Optional[threading.Timer] = None
        # the loop of every taker (protocol/taker.py), on our client, which stop() closes
        self.taker = Taker(rr.server_taker(server.index), self._carry_out, relays=False,
                           connect=lambda: self.client, name="zk-agent")
        self.target = self.taker.target

    @property
    def session(self) -> Optional[int]:
        """The session our card is under; None until a quorum served us once."""
        return self.taker.session

    def start(self) -> None:
        from cluster_sim.base import zkclient

        self.client = zkclient.make_client(self.hosts, self.session_timeout, secret=self.secret)
        self.client.start_async()      # no quorum yet (or ever): it keeps trying, we keep waiting
        self.taker.start()

    def stop(self) -> None:
        from cluster_sim.base import zkclient

        self.taker.stop(5.0)
        with self._lock:
            if self._thaw is not None:
                self._thaw.cancel()
            self.server.resume()
        if self.client is not None:
            zkclient.close(self.client)

    def _answer(self, path: str, body: Mapping[str, Any], outcome: Dict[str, Any]) -> None:
        self.taker.answer(path, body, outcome)      # the supervisor reports that we did not answer

    def _read(self, path: str) -> None:
        """Wait (a bound) until the supervisor read our answer (it deletes the request): its
        session may be on our server, which, frozen, would leave it waiting for a ConnectionLoss."""
        import time

        deadline = time.monotonic() + READ_BOUND
        while time.monotonic() < deadline:
            try:
                if self.client.exists(path) is None:
                    return
            except KazooException:
                return
            time.sleep(0.05)

    def _carry_out(self, path: str, body: Mapping[str, Any]) -> None:
        cmd, args = str(body.get("cmd")), body.get("args") or {}
        with self._lock:
            if cmd == "zk-kill":
                if not self.server.running:
                    return self._answer(path, body, {"ok": False, "code": "zk_not_running"})
                self.down = True
                self._answer(path, body, {"ok": True})
                self._read(path)
                self.server.stop()
            elif cmd == "zk-start":
                if self.server.running:
                    return self._answer(path, body, {"ok": False, "code": "zk_running"})
                self._launch()
                self.down = False
                self._answer(path, body, {"ok": True})
            elif cmd == "zk-pause":
                self._pause(path, body, args.get("seconds"))
            elif cmd == "zk-resume":
                if not self.server.resume():
                    return self._answer(path, body, {"ok": False, "code": "zk_not_frozen"})
                self._answer(path, body, {"ok": True})
            else:
                self._answer(path, body, {"ok": False, "code": "unknown", "error": f"unknown request {cmd!r}"})
        return None

    def _pause(self, path: str, body: Mapping[str, Any], seconds: Any) -> None:
        if seconds is None:
            seconds = PAUSE_BOUND
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 < seconds <= 600:
            return self._answer(path, body, {"ok": False, "code": "bad_pause", "error": f"pause for {seconds!r} s?"})
        if not self.server.running or self.server.paused:
            code = "zk_frozen" if self.server.paused else "zk_not_running"
            return self._answer(path, body, {"ok": False, "code": code})
        self._answer(path, body, {"ok": True, "seconds": seconds})
        self._read(path)
        self.server.pause()
        if self._thaw is not None:
            self._thaw.cancel()
        # nobody may be able to reach us to thaw it (no quorum): the bound does
        self._thaw = threading.Timer(float(seconds), self._thaw_now)
        self._thaw.daemon = True
        self._thaw.start()
        return None

    def _thaw_now(self) -> None:
        with self._lock:
            self.server.resume()
