"""Listeners on the supervisor's event stream: the live view and the plain
printer (printers.py), the exporter (exporter.py), the web view and its
recording (cluster_sim.web.Feed), and a demo's own.

    class Leaders(Listener):
        def event(self, event):
            if isinstance(event, LeaderElected):
                print(event.node, event.failover_ms)

    manager.listeners.append(Leaders())

The manager hands every event to every listener once, in order (`event`), and
offers the state about four times a second (`frame`). Both run on the
manager's loop: a listener is quick and never blocks. One that raises is
reported once (a `ListenerFailed` event) and the cluster goes on.
"""

from cluster_sim.engine.events import Event
from cluster_sim.engine.state import ClusterState

__all__ = ["Listener"]


class Listener:
    """Does nothing; a listener overrides what it needs."""

    def event(self, event: Event) -> None:
        """One event, as it happens."""

    def frame(self, state: ClusterState, now: float) -> None:
        """The state at `now` (about four times a second, and once at the end)."""
