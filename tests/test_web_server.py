"""The web view's server, without a browser: the page, the read-only rule, the stream, bounded
memory, slow clients, heartbeats and a close that leaks nothing."""

import os
import socket
import threading
import time

import pytest
import requests

from cluster_sim.base.ports import PortInUse
from cluster_sim.engine.events import Notice
from cluster_sim.engine.state import ClusterState, NodeView
from cluster_sim.web import server as web_server
from cluster_sim.web.hub import Hub
from cluster_sim.web.server import WebView, WebViewError
from conftest import wait_until
from web_support import SSE


def status(leader="1", epoch=1, value=80.0):
    state = ClusterState(name="t", leader=leader, epoch=epoch, zk_connected=True)
    for i in ("1", "2", "3"):
        state.nodes[i] = NodeView(id=i, pid=100 + int(i), state="running",
                                  role="LEADER" if i == leader else "follower", value=value, reading_ts=0.0)
    state.events.append(Notice(ts=1.0, message="hello"))
    return state.to_json(1.0)


@pytest.fixture
def view():
    views = []

    def make(**kw):
        v = WebView("127.0.0.1", 0, title=kw.pop("title", "clustersim · t"), **kw).start()
        views.append(v)
        return v
    yield make
    for v in views:
        v.close()


def test_the_page_is_self_contained_and_read_only(view):
    v = view(snapshot=lambda: status())
    page = requests.get(v.url, timeout=5)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    html = page.text
    assert "clustersim · t" in html
    # nothing loaded from anywhere: no external script, style, font or image
    for needle in ("<link", " src=", "@import", "url(", "https:", "//cdn"):
        assert needle not in html, needle
    for method in ("POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "BREW"):
        answer = requests.request(method, v.url + "events", timeout=5)
        assert answer.status_code == 405, method
        assert answer.headers["Allow"] == "GET"
    assert requests.get(v.url + "nope", timeout=5).status_code == 404


def test_stream_starts_with_the_snapshot_then_every_event(view):
    current = {"status": status(leader="1", epoch=1)}
    v = view(snapshot=lambda: current["status"])
    v.publish({"kind": "leader_elected", "ts": 10.0, "node": "1", "epoch": 1})
    v.publish({"kind": "reading_published", "ts": 10.5, "node": "2", "value": 81.0})  # data: not kept
    wait_until(lambda: v.hub.latest_snapshot() is None and not v._pending, 5, "the pump to take the events")
    client = SSE(v.url)
    try:
        assert "text/event-stream" in client.headers
        messages = client.until(lambda name, data: name == "ready")
        names = [m[0] for m in messages]
        assert names[0] == "hello" and messages[0][1]["title"] == "clustersim · t"
        events = [data for name, data in messages if name == "event"]
        assert [e["kind"] for e in events] == ["leader_elected"]        # the late joiner's backlog
        snapshot = [data for name, data in messages if name == "snapshot"]
        if not snapshot:   # the first snapshot is taken once someone watches: it follows at once
            snapshot = [client.until(lambda name, data: name == "snapshot")[-1][1]]
        expected = dict(current["status"])
        expected.pop("events")
        assert snapshot[0]["state"] == expected
        # live: a new event, and a snapshot when the state changes
        current["status"] = status(leader="2", epoch=2)
        v.publish({"kind": "leader_elected", "ts": 20.0, "node": "2", "epoch": 2, "after": "1"})
        seen = client.until(lambda name, data: name == "snapshot" and data["state"]["leader"] == "2")
        assert any(name == "event" and data["node"] == "2" and data["after"] == "1" for name, data in seen)
    finally:
        client.close()


def test_a_late_joiner_gets_the_sticky_events_however_old(view):
    v = view(hub=Hub(history=3))
    v.publish({"kind": "join_command", "ts": 1.0, "command": "clustersim node <ID> --zk h:1"})
    for i in range(10):
        v.publish({"kind": "node_paused", "ts": 2.0 + i, "node": str(i)})
    wait_until(lambda: not v._pending, 5, "the pump")
    client = SSE(v.url)
    try:
        events = [d for name, d in client.until(lambda name, data: name == "ready") if name == "event"]
        assert [e["kind"] for e in events] == ["join_command", "node_paused", "node_paused", "node_paused"]
        assert [e.get("node") for e in events[1:]] == ["7", "8", "9"]
    finally:
        client.close()


def test_heartbeats_keep_an_idle_stream_open(view):
    v = view(heartbeat=0.2)
    client = SSE(v.url)
    try:
        client.until(lambda name, data: name == "ready")
        client.until(lambda name, data: name == ":" and data == "heartbeat", timeout=5)
        v.publish({"kind": "api_stopped", "ts": 1.0})
        client.until(lambda name, data: name == "event")   # and the stream still flows
    finally:
        client.close()


def test_a_slow_client_is_dropped_and_never_holds_the_publisher(view):
    v = view(hub=Hub(live=50, live_bytes=1 << 20), send_timeout=2.0)
    stuck = SSE(v.url, rcvbuf=4096)          # connects, then never reads
    good = SSE(v.url)
    try:
        good.until(lambda name, data: name == "ready")
        wait_until(lambda: v.viewers == 2, 5, "two viewers")
        blob = "x" * 1500
        started = time.monotonic()
        n = 0
        while v.hub.dropped == 0 and time.monotonic() - started < 20:
            for _ in range(50):
                n += 1
                v.publish({"kind": "notice", "ts": float(n), "text": blob})   # queued, returns at once
            last = n
            good.until(lambda name, data: name == "event" and data["ts"] == float(last))
        assert v.hub.dropped == 1, "the client that stopped reading is dropped"
        wait_until(lambda: v.viewers == 1, 5, "the slow viewer to be gone")
        v.publish({"kind": "notice", "ts": -1.0, "text": "still here"})
        good.until(lambda name, data: name == "event" and data["text"] == "still here")
    finally:
        stuck.close()
        good.close()


def test_each_message_is_encoded_once_for_all_clients(view, monkeypatch):
    calls = []
    real = web_server.sse
    monkeypatch.setattr(web_server, "sse", lambda name, data: calls.append(name) or real(name, data))
    v = view()
    clients = [SSE(v.url) for _ in range(5)]
    try:
        for c in clients:
            c.until(lambda name, data: name == "ready")
        calls.clear()
        for i in range(20):
            v.publish({"kind": "node_paused", "ts": float(i), "node": "1"})
        for c in clients:
            c.until(lambda name, data: name == "event" and data["ts"] == 19.0)
        assert calls.count("event") == 20
    finally:
        for c in clients:
            c.close()


def test_snapshots_are_only_taken_while_someone_watches(view):
    calls = []
    v = view(snapshot=lambda: calls.append(1) or status(), snapshot_hz=20, heartbeat=0.3)
    for i in range(3):   # several turns of the pump with nobody watching
        v.publish({"kind": "api_stopped", "ts": float(i)})
        wait_until(lambda: not v._pending, 5, "the pump to take the event")
    assert calls == []
    client = SSE(v.url)
    try:
        client.until(lambda name, data: name == "snapshot")
        assert calls
        assert v.wants_snapshot()
    finally:
        client.close()
    wait_until(lambda: v.viewers == 0, 5, "the viewer to leave")
    assert not v.wants_snapshot()


def _fds():
    return len(os.listdir("/proc/self/fd"))


def test_close_ends_every_stream_and_leaks_nothing():
    threads, fds = threading.active_count(), _fds()
    v = WebView("127.0.0.1", 0, snapshot=lambda: status()).start()
    clients = [SSE(v.url) for _ in range(3)]
    for c in clients:
        c.until(lambda name, data: name == "ready")
    idle = socket.create_connection(("127.0.0.1", v.port))   # connected, never sends a request
    v.close()
    for c in clients:
        with pytest.raises((EOFError, ConnectionError)):
            while True:
                c.next()
        c.close()
    try:
        assert idle.recv(10) == b""     # closed, or reset when it was still in the listen queue
    except ConnectionResetError:
        pass
    idle.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", v.port), timeout=2).close()
    assert threading.active_count() == threads
    assert _fds() == fds
    v.close()   # idempotent


def test_bad_addresses_say_so_in_one_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PortInUse, match=f"port {port} on 127.0.0.1 is already in use"):
            WebView("127.0.0.1", port).start()
    with pytest.raises(WebViewError) as err:
        WebView("999.1.1.1", 0).start()
    assert "\n" not in str(err.value) and "999.1.1.1" in str(err.value)


def test_web_addresses_as_up_web_takes_them():
    from cluster_sim.web import parse_address

    assert parse_address("8080") == ("127.0.0.1", 8080)
    assert parse_address("8080", default_host="0.0.0.0") == ("0.0.0.0", 8080)     # --listen implies the host
    assert parse_address("0.0.0.0:0") == ("0.0.0.0", 0)
    assert parse_address("[::1]:80") == ("::1", 80)
    for bad in ("x", "h:99999", ":80", "h:-1", ""):
        with pytest.raises(ValueError) as err:
            parse_address(bad)
        assert "\n" not in str(err.value)


def test_the_feed_hands_each_event_to_every_sink_and_the_state_only_to_those_that_want_it(view, tmp_path):
    import dataclasses
    from typing import ClassVar

    from cluster_sim.web import Feed, WebRecorder
    from cluster_sim.web.recording import expand

    @dataclasses.dataclass(frozen=True)
    class NodePaused:                    # the shape of the event spine's typed events
        ts: float
        node: str
        kind: ClassVar[str] = "node_paused"

    class State:                         # counts the status dicts made
        made = 0

        def to_json(self, now):
            State.made += 1
            return status()

    v = view()
    recorder = WebRecorder(str(tmp_path / "r.html"), clock=lambda: 5.0)
    feed = Feed(v, recorder, describe=lambda e: f"node {e.node} paused")
    feed.frame(State(), 1.0)             # nobody watches the view: only the recorder wants it
    assert State.made == 1 and not v.wants_snapshot(1.0)
    client = SSE(v.url)
    try:
        client.until(lambda name, data: name == "ready")
        wait_until(lambda: v.wants_snapshot(2.0), 5, "the view to want a snapshot")
        feed.frame(State(), 2.0)
        feed.event(NodePaused(ts=2.5, node="3"))
        assert State.made == 2          # once for both sinks
        seen = client.until(lambda name, data: name == "event")
        assert seen[-1][1] == {"ts": 2.5, "kind": "node_paused", "node": "3", "text": "node 3 paused"}
        assert any(name == "snapshot" for name, _ in seen)
    finally:
        client.close()
    data = expand(recorder.data())
    assert [e["kind"] for e in data["events"]] == ["node_paused"] and len(data["frames"]) == 2
