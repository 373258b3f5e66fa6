"""The web view and a web recording as one listener on the supervisor's event stream.

    view = WebView(host, port, title=f"clustersim · {name}", lang=lang).start()
    recorder = WebRecorder("class.html", title=f"clustersim · {name}", lang=lang)
    feed = Feed(view, recorder, describe=lambda e: wording.describe(e, lang))
    manager.listeners.append(feed)        # event(e) for each event, frame(state, now) ~4 times a second
    ...
    view.close(); recorder.close(results=...)

Duck-typed to the spine's Listener (event, frame), so it imports nothing
from the supervisor. Each event becomes one record (adapt.event_record),
handed to every sink; the state is turned into its status dict only when a
sink wants a snapshot (someone watches the view; the recording's next
frame is due), once for all of them, on the manager's own thread.
"""

from typing import Any, Callable, Optional

from cluster_sim.engine.digest import status
from cluster_sim.engine.state import ClusterState
from cluster_sim.web.adapt import event_record

__all__ = ["Feed"]


class Feed:
    def __init__(self, *sinks: Any, describe: Optional[Callable[[Any], Optional[str]]] = None):
        self.sinks = list(sinks)
        self.describe = describe

    def event(self, event: Any) -> None:
        record = event_record(event, self.describe)
        if record is not None:
            for sink in self.sinks:
                sink.publish(record)

    def frame(self, state: Any, now: float) -> None:
        wanting = [sink for sink in self.sinks if sink.wants_snapshot(now)]
        if wanting:
            # the supervisor's state: a large cluster's status with its "summary" (engine/digest.py);
            # anything else with a to_json (duck-typed), as it says itself
            snapshot = status(state, now) if isinstance(state, ClusterState) else state.to_json(now)
            for sink in wanting:
                sink.offer_snapshot(snapshot, now)
