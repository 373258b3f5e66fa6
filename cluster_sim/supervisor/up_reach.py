"""How a cluster `up` starts is reached from outside: the addresses it announces (a
wildcard --listen names the outgoing interface), the join line's ZooKeeper, and the
web view and the recording (one listener feeds both).

    announce_address("0.0.0.0")        # '192.168.1.20': what students are told to reach
    class Cluster(Reach, Shutdown): ...  # up.py: self._web_listeners(), self._zk_for_students()
"""

import queue
import signal
import socket
import threading
from typing import Any, Callable, Dict, List, Optional

from cluster_sim.supervisor.up_rules import UpError
from cluster_sim.presentation.wording import describe


def url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def announce_address(listen: str) -> str:
    if listen in ("0.0.0.0", "::"):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
                probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
                return str(probe.getsockname()[0])
        except OSError:
            return socket.gethostname()
    return listen


def final_picture(status: Dict[str, Any]) -> Dict[str, Any]:
    """The status as the page's last picture once the cluster stopped: a stopped node holds no
    role, and the leader is only one whose node still runs (a student's, remote)."""
    alive = {n.get("id") for n in status.get("nodes") or () if n.get("state") in ("running", "remote", "paused")}
    nodes = [n if n.get("id") in alive else dict(n, role=None) for n in status.get("nodes") or ()]
    leader = status.get("leader") if status.get("leader") in alive else None
    return dict(status, nodes=nodes, leader=leader)


class Reach:
    """Cluster's half that faces the students and the browser (see up.py for the attributes)."""

    o: Any
    zk: Any
    hosts: str
    web: Any
    recorder: Any
    manager: Any

    results: Any
    # a demo run with --step: runs the step it waits for (Demo.press), False when none waits
    step_gate: Optional[Callable[[], Optional[str]]] = None

    def _submit(self, request: Dict[str, Any], reply: Any) -> None: ...

    def _web_at_stop(self) -> None:
        """`up`'s web view closes with the cluster. A demo's stays up (keep_page_up, then
        close_web): its last picture, every local node stopped, and the results."""
        if self.web is None:
            return
        if self.results is None or self.manager is None:
            self.web.close()
            return
        from cluster_sim.words import lookup

        from cluster_sim.engine.digest import status

        final = final_picture(status(self.manager.state, self.manager.clock()))
        self.web.finish(final, self.results, lookup("page.stopped", self.o.lang))

    def keep_page_up(self, out: Any = None) -> None:
        """After a demo's results: the page stays until Ctrl-C (or SIGTERM, SIGHUP); then it closes."""
        if self.web is None or self.results is None or threading.current_thread() is not threading.main_thread():
            return
        from cluster_sim.words import lookup

        print(lookup("page.staysUp", self.o.lang), file=out, flush=True)
        over = threading.Event()
        previous = {s: signal.signal(s, lambda *_: over.set()) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
        try:
            while not over.wait(0.5):
                pass
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
            self.close_web()

    def close_web(self) -> None:
        if self.web is not None:
            self.web.close()

    def _page_command(self, request: Dict[str, Any]) -> Dict[str, Any]:
        """A control request from the teacher's page (web/teacher.py checked it): the same
        command registry as `clustersim kill`, on the manager's loop; its answer. "next step"
        goes to the demo's step gate, the one Enter goes through."""
        from cluster_sim.web.teacher import NEXT_STEP
        from cluster_sim.words import lookup

        if request.get("cmd") == NEXT_STEP:
            ran = self.step_gate() if self.step_gate is not None else None
            if not ran:
                return {"ok": False, "error": lookup("no_step_waits", self.o.lang)}
            return {"ok": True, "message": lookup("next_step_ran", self.o.lang, title=ran)}
        reply: "queue.Queue[Dict[str, Any]]" = queue.Queue(1)
        self._submit(request, reply)
        try:
            return reply.get(timeout=15.0)
        except queue.Empty:
            return {"ok": False, "error": "the supervisor did not answer within 15 s"}

    def _zk_for_students(self) -> str:
        """ZooKeeper as a student's machine reaches it: an embedded server by the address we
        listen on (the outgoing interface's for a wildcard), a given one as it was given."""
        if self.zk is None:
            return self.hosts
        address = url_host(announce_address(self.o.listen))
        return ",".join(f"{address}:{server.rsplit(':', 1)[-1]}" for server in self.hosts.split(","))

    def _web_listeners(self) -> List[Any]:
        """The web view (`--web`) and the recording (`--record`, the same page with the
        session inline): one listener feeds both, from the same typed events."""
        o = self.o
        sinks: List[Any] = []
        if o.web:
            from cluster_sim.base.ports import PortInUse
            from cluster_sim.web import WebView, WebViewError, parse_address
            from cluster_sim.web.teacher import teacher_key
            from cluster_sim.words import lookup

            wildcard = o.listen in ("0.0.0.0", "::")
            try:
                host, port = parse_address(o.web, default_host=o.listen if wildcard else "127.0.0.1")
                self.web = WebView(host, port, title=f"clustersim · {o.name}", lang=o.lang,
                                   advertise=announce_address(o.listen) if host in ("0.0.0.0", "::") else None,
                                   control=self._page_command, key=teacher_key(o.secret))
                self.web.start()
            except (ValueError, PortInUse, WebViewError, OSError) as exc:
                raise UpError(f"--web {o.web}: {exc}") from None
            # on this terminal only: never an event (the students' page, recordings and exports carry events)
            print(lookup("teacher_url", o.lang, url=self.web.teacher_url), flush=True)
            sinks.append(self.web)
        if o.record:
            from cluster_sim.web import WebRecorder

            self.recorder = WebRecorder(o.record, title=f"clustersim · {o.name}", lang=o.lang)
            sinks.append(self.recorder)
        if not sinks:
            return []
        from cluster_sim.web import Feed

        def worded(event: Any) -> Any:
            # rounds counted from the cluster's start, as on the terminal
            return describe(event, o.lang, self.manager.state.round_base() if self.manager is not None else None)

        return [Feed(*sinks, describe=worded)]
