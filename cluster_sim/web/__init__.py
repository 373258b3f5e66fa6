"""The web view: the cluster as a picture in a browser, live (Server-Sent Events) and recorded.

    from cluster_sim.web import Feed, WebRecorder, WebView

    view = WebView("0.0.0.0", 8080, title="clustersim · default", lang="es", advertise="192.168.1.20").start()
    print(view.url)                                 # students open it; nothing on it changes the cluster
    recorder = WebRecorder("class.html", title="clustersim · default", lang="es")
    manager.listeners.append(Feed(view, recorder))  # events and snapshots to both
    ...
    view.close()
    recorder.close(results={"title": "Results", "rows": [["hard kill", "3020 ms"]]})

Modules: server.py (WebView: the HTTP server and the stream), teacher.py (the
teacher's key and control requests), hub.py (the
fan-out: encode once, bounded), adapt.py (the one tolerant adapter from
events and status dicts to what the page reads), page.py with page.html,
page.css and the scripts words.js, model.js, picture.js, panels.js,
play.js (the picture), recording.py (WebRecorder: the same page
with the session inline), feed.py (the listener), follow.py (a web view of a
running cluster through its control socket, from outside the supervisor).
"""

from cluster_sim.web.feed import Feed
from cluster_sim.web.recording import RecordingError, WebRecorder
from cluster_sim.web.server import PortInUse, WebView, WebViewError, parse_address

__all__ = ["WebView", "WebViewError", "PortInUse", "WebRecorder", "RecordingError", "Feed", "parse_address"]
