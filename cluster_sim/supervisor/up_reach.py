"""How a cluster `up` starts is reached from outside: the addresses it announces (a
wildcard --listen names the outgoing interface), the join line's ZooKeeper, and the
web view and the recording (one listener feeds both).

    announce_address("0.0.0.0")        # '192.168.1.20': what students are told to reach
    class Cluster(Reach, Shutdown): ...  # up.py: self._web_listeners(), self._zk_for_students()
"""

import socket
from typing import Any, List

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


class Reach:
    """Cluster's half that faces the students and the browser (see up.py for the attributes)."""

    o: Any
    zk: Any
    hosts: str
    web: Any
    recorder: Any
    manager: Any

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

            wildcard = o.listen in ("0.0.0.0", "::")
            try:
                host, port = parse_address(o.web, default_host=o.listen if wildcard else "127.0.0.1")
                self.web = WebView(host, port, title=f"clustersim · {o.name}", lang=o.lang,
                                   advertise=announce_address(o.listen) if host in ("0.0.0.0", "::") else None)
                self.web.start()
            except (ValueError, PortInUse, WebViewError, OSError) as exc:
                raise UpError(f"--web {o.web}: {exc}") from None
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
