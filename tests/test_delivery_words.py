"""What the screens say of a leader that cannot deliver, without a cluster: the core's decision
from the leader znode and the nodes' reports, the teacher's header and `status`, a student's
live view and plain lines, in English and Spanish (issue 18). The same against real ZooKeeper:
test_delivery_reach.py."""

import io
import re
import time

from rich.console import Console

from cluster_sim.node.readings import Reading, decode, encode
from cluster_sim.node.say import line
from cluster_sim.node.screen import FOLLOWING, LEADING, NodeScreen, render as render_node
from cluster_sim.engine import events as ev
from cluster_sim.engine.core import step
from cluster_sim.engine.messages import ZkSnapshot, parse_report
from cluster_sim.engine.model import Model, rules_for
from cluster_sim.engine.state import FOLLOWER, LEADER, RUNNING, ClusterState, NodeView
from cluster_sim.presentation.status_view import status_text
from cluster_sim.presentation.view import render
from cluster_sim.presentation.wording import describe

from english import english_in

T0 = time.time()
URL = "http://localhost:8080"


def text_of(renderable, width=160):
    console = Console(record=True, width=width, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def leader_znode(node="18", ok=None, since=None, error=""):
    return {"id": node, "epoch": 3, "api_ok": ok, "api_down_since": since, "api_url": URL, "api_error": error}


def snapshot(ts, leader, readings=None):
    readings = readings if readings is not None else {leader["id"]: Reading(value=80.0, ts=ts - 0.1)}
    return ZkSnapshot(ts=ts, connected=True, readings=readings, election=tuple(readings), leader=leader)


def model():
    return Model(ClusterState(name="t", api_ok=True, rounds_stored=7), rules=rules_for(interval=1.0, session_timeout=4.0))


def test_a_remote_leader_that_cannot_deliver_is_named_from_its_znode_and_so_is_its_recovery():
    m = model()
    assert not [e for e in step(m, snapshot(T0, leader_znode()), T0) if e.logged and e.kind.startswith("api")]
    assert m.state.delivery.leader == "18" and m.state.delivery.ok is None
    (down,) = [e for e in step(m, snapshot(T0 + 1, leader_znode(ok=False, since=T0 + 0.9, error="ConnectionError")),
                               T0 + 1) if e.logged]
    assert isinstance(down, ev.ApiDown) and (down.node, down.url, down.error) == ("18", URL, "ConnectionError")
    assert re.fullmatch(rf"leader 18 cannot reach the API at {URL} since \d\d:\d\d:\d\d \(ConnectionError\); "
                        "rounds wait in its outbox", describe(down))
    status = m.state.to_json(T0 + 1)
    assert status["delivery"] == {"leader": "18", "ok": False, "url": URL, "since": T0 + 0.9,
                                  "error": "ConnectionError"}
    # the same failure said again (every round rewrites the znode) is not a new event
    assert not [e for e in step(m, snapshot(T0 + 2, leader_znode(ok=False, since=T0 + 0.9,
                                                                 error="ConnectionError")), T0 + 2) if e.logged]
    (back,) = [e for e in step(m, snapshot(T0 + 3, leader_znode(ok=True, since=T0 + 0.9)), T0 + 3) if e.logged]
    assert isinstance(back, ev.ApiBack) and describe(back) == f"leader 18 reaches the API at {URL} again: its outbox drains"
    assert m.state.to_json(T0 + 3)["delivery"]["ok"] is True


def test_a_local_leaders_report_and_its_znode_name_it_once():
    m = model()
    m.state.nodes["2"] = NodeView("2", pid=102, state=RUNNING, role=LEADER)
    report = parse_report({"node": "2", "kind": "api_down", "ts": T0, "since": T0, "error": "HTTP 503", "url": URL})
    (down,) = step(m, report, T0)
    assert isinstance(down, ev.ApiDown) and down.url == URL
    znode = leader_znode("2", ok=False, since=T0, error="HTTP 503")
    assert not [e for e in step(m, snapshot(T0 + 0.2, znode), T0 + 0.2) if e.kind.startswith("api")]
    # its recovery: the report, with the rounds it delivered, tells it (the znode only updates the header)
    assert not [e for e in step(m, snapshot(T0 + 1, leader_znode("2", ok=True, since=T0)), T0 + 1)
                if e.kind.startswith("api")]
    (back,) = step(m, parse_report({"node": "2", "kind": "api_back", "ts": T0 + 2, "delivered": 4, "url": URL}),
                   T0 + 2)
    assert describe(back) == "API back: 4 rounds delivered"


def test_each_node_says_whether_it_reaches_the_api_and_older_nodes_say_nothing():
    reading = Reading(value=80.0, ts=T0, history=[(1, T0, 80.0)], api_ok=False, api_url=URL)
    assert (decode(encode(reading)).api_ok, decode(encode(reading)).api_url) == (False, URL)
    assert decode(b'{"value": 80.0, "ts": 1.0, "newer_field": [1]}').api_ok is None   # unknown fields ignored
    m = model()
    readings = {"18": Reading(value=80.0, ts=T0), "5": reading}
    events = step(m, ZkSnapshot(ts=T0, connected=True, readings=readings, election=("18", "5"),
                                leader=leader_znode()), T0)
    assert [e for e in events if isinstance(e, ev.NodeReachesApi)] == [ev.NodeReachesApi(T0, "5", ok=False, url=URL)]
    nodes = {n["id"]: n for n in m.state.to_json(T0)["nodes"]}
    assert nodes["5"]["api_ok"] is False and nodes["18"]["api_ok"] is None


def failing_state(lang="en"):
    m = model()
    m.state.lang = lang
    m.state.api_url = "http://10.0.0.5:8080"
    step(m, snapshot(T0, leader_znode(ok=False, since=T0, error="ConnectionError"),
                     readings={"18": Reading(value=80.0, ts=T0, api_ok=False, api_url=URL)}), T0)
    return m.state


def test_the_header_never_says_api_ok_while_the_leader_cannot_deliver():
    for lang, words in (("en", "leader 18 cannot reach the API at"), ("es", "el líder 18 no puede acceder a la API en")):
        state = failing_state(lang)
        header = text_of(render(state, T0 + 1))
        api_line = next(x for x in header.splitlines() if x.strip("│ ").startswith("API"))
        assert words in api_line and URL in api_line and " OK" not in api_line, api_line
        plain = status_text(state.to_json(T0 + 1), lang)
        assert words in plain
        note = "cannot reach the API" if lang == "en" else "sin acceso a la API"
        assert note in next(x for x in plain.splitlines() if x.split() and x.split()[0] == "18")
        if lang == "es":
            assert english_in(api_line) == [] and english_in(describe(state.events[-1], "es")) == []


def screen(**kw):
    values = dict(node="18", connected=True, role=FOLLOWING, value=80.25, leader="3", epoch=4, last_round=123,
                  last_mean=79.5, delivery_ok=False, api_url=URL, api_since=T0, api_error="ConnectionError")
    values.update(kw)
    return NodeScreen(**values)


def test_a_students_live_view_in_english():
    text = text_of(render_node(screen()))
    assert "node 18" in text and "follower" in text and "reading 80.25" in text
    assert "node 3 (epoch 4)" in text and "round 123" in text and "79.50" in text
    assert re.search(rf"leader 3 cannot reach the API at {URL} since \d\d:\d\d:\d\d", text)
    led = text_of(render_node(screen(role=LEADING, leader="18", delivery_ok=True)))
    assert "LEADER (epoch 4)" in led and f"the leader delivers to {URL}" in led and "OK" in led
    assert "not connected to ZooKeeper" in text_of(render_node(screen(connected=False)))
    assert "none — election in progress" in text_of(render_node(screen(leader=None, last_round=None)))
    assert "this node cannot reach the API" in text_of(render_node(screen(own_api_ok=False, own_api_url=URL)))


def test_a_students_live_view_in_spanish_has_no_english():
    views = [screen(), screen(role=LEADING, leader="18", delivery_ok=True), screen(connected=False),
             screen(leader=None, last_round=None, role=""), screen(delivery_ok=None, own_api_ok=False, own_api_url=URL)]
    for view in views:
        text = text_of(render_node(view, "es"))
        assert english_in(text) == [], text
    text = text_of(render_node(screen(), "es"))
    assert "nodo 18" in text and "lectura 80,25" in text and "ronda 123" in text
    assert "el líder 3 no puede acceder a la API" in text


def test_a_students_plain_lines_are_worded():
    down = line("api_down", {"url": URL, "since": T0, "error": "ConnectionError"})
    assert re.fullmatch(rf"cannot reach the API at {URL} since \d\d:\d\d:\d\d \(ConnectionError\); "
                        "rounds wait in the outbox", down)
    assert line("api_back", {"url": URL, "delivered": 3}) == f"the API at {URL} answers again: 3 rounds delivered"
    assert line("leader", {"epoch": 3}) == "leader, epoch 3"
    fields = {"url": URL, "since": T0, "error": "ConnectionError", "delivered": 1, "host": "lab-3",
              "zk": "10.0.0.5:2181", "state": "SUSPENDED", "epoch": 3, "reason": "SIGINT"}
    for kind in ("api_down", "api_back", "started", "connection", "leader", "stopped"):
        spanish = line(kind, fields, "es")
        assert spanish and english_in(spanish) == [], spanish
    assert line("warn", {"text": "a node's own sentence"}) is None   # printed as the node put it
