"""The API as a leader and a user see it: real server on a free port, real HTTP.

    .venv/bin/python -m pytest tests/test_api.py
"""

import itertools
import json
import math
import select
import signal
import socket
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from cluster_sim.api import PortInUse, Store, make_server
from cluster_sim.api.store import COLUMNS

from conftest import running

TIMEOUT = 10  # seconds: a deadline for any single wait, never a sleep
ROOT = Path(__file__).resolve().parent.parent




@pytest.fixture(scope="module")
def shared_api():
    """One server for the property tests: hypothesis runs many examples."""
    store = Store(":memory:")
    with running(store) as url:
        yield url
    store.close()


def send(url, **params):
    return requests.get(url + "/nuevo", params=params, timeout=TIMEOUT)


def listed(url, **params):
    answer = requests.get(url + "/listar", params=params, timeout=TIMEOUT)
    assert answer.status_code == 200
    return answer.json()


def row_count(url):
    return requests.get(url + "/health", timeout=TIMEOUT).json()["rows"]


def assert_json_error(answer, status):
    assert answer.status_code == status, answer.text
    assert answer.headers["Content-Type"] == "application/json"
    assert isinstance(answer.json()["error"], str) and answer.json()["error"]


def raw(url, data: bytes) -> bytes:
    """Send bytes as they are and read the whole answer (the API closes after it)."""
    port = int(url.rsplit(":", 1)[1])
    chunks = []
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        try:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        except (ConnectionResetError, BrokenPipeError):
            pass  # refused mid-send: what matters is that the server lives on
    return b"".join(chunks)


def raw_status(answer: bytes):
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    assert b"content-type: application/json" in head.lower()
    return status, json.loads(body)


# --- delivering and listing ---------------------------------------------------

def test_a_value_sent_is_listed_with_its_fields(api):
    answer = send(api, dato=21.5, cluster="c1", epoch=2, round=1, leader="3",
                  count=4, min=19.25, max=23, sensor="temp")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/json"
    body = answer.json()
    assert body["duplicate"] is False
    [row] = listed(api)
    assert row == body["row"] and row["id"] == body["id"]
    assert row["dato"] == 21.5
    assert (row["cluster"], row["epoch"], row["round"], row["leader"]) == ("c1", 2, 1, "3")
    assert (row["count"], row["min"], row["max"]) == (4, 19.25, 23.0)
    assert row["sensor"] == "temp"
    at = datetime.fromisoformat(row["at"])
    assert at.utcoffset().total_seconds() == 0
    assert len(row["at"].split(".")[1]) == len("123+00:00")  # milliseconds


def test_original_leader_rows_are_always_stored(api):
    for _ in range(2):
        assert send(api, dato=5).status_code == 200
    rows = listed(api)
    assert [r["dato"] for r in rows] == [5.0, 5.0]
    assert all(set(r) == {"id", "dato", "at"} for r in rows)
    assert rows[0]["id"] < rows[1]["id"]


def test_the_same_round_sent_twice_is_stored_once(api):
    first = send(api, dato=1.5, cluster="c", epoch=1, round=7).json()
    again = send(api, dato=9.9, cluster="c", epoch=1, round=7)
    assert again.status_code == 200
    assert again.json() == {"id": first["id"], "duplicate": True, "row": first["row"]}
    assert listed(api) == [first["row"]]


def test_rounds_without_a_cluster_are_also_stored_once(api):
    send(api, dato=1, round=3)
    assert send(api, dato=1, round=3).json()["duplicate"] is True
    assert send(api, dato=1, round=3, cluster="").json()["duplicate"] is True
    assert row_count(api) == 1


def test_a_lower_epoch_is_fenced_and_stores_nothing(api):
    send(api, dato=1, cluster="c", epoch=5, round=1)
    answer = send(api, dato=2, cluster="c", epoch=4, round=2)
    assert_json_error(answer, 409)
    assert answer.json() == {"error": "fenced: epoch 4 < 5", "epoch": 4, "highest_epoch": 5}
    assert [r["round"] for r in listed(api)] == [1]


def test_a_fenced_resend_of_a_stored_round_is_still_fenced(api):
    send(api, dato=1, cluster="c", epoch=1, round=1)
    send(api, dato=1, cluster="c", epoch=2, round=2)
    assert send(api, dato=1, cluster="c", epoch=1, round=1).status_code == 409


def test_a_higher_epoch_is_accepted_and_raises_the_fence(api):
    assert send(api, dato=1, cluster="c", epoch=2, round=1).status_code == 200
    assert send(api, dato=1, cluster="c", epoch=2, round=2).status_code == 200  # equal: fine
    assert send(api, dato=1, cluster="c", epoch=6, round=3).status_code == 200
    answer = send(api, dato=1, cluster="c", epoch=5, round=4)
    assert answer.status_code == 409 and answer.json()["highest_epoch"] == 6


def test_a_duplicate_with_a_higher_epoch_still_raises_the_fence(api):
    send(api, dato=1, cluster="c", epoch=1, round=1)
    assert send(api, dato=1, cluster="c", epoch=3, round=1).json()["duplicate"] is True
    assert send(api, dato=1, cluster="c", epoch=2, round=2).status_code == 409


def test_fences_are_kept_per_cluster(api):
    send(api, dato=1, cluster="a", epoch=9, round=1)
    assert send(api, dato=1, cluster="b", epoch=1, round=1).status_code == 200
    assert send(api, dato=1, epoch=1, round=1).status_code == 200  # no cluster: its own key


def test_same_round_from_many_threads_is_stored_once(api):
    answers = []

    def deliver():
        answers.append(send(api, dato=3, cluster="c", epoch=1, round=1).json())

    threads = [threading.Thread(target=deliver) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
    assert sorted(a["duplicate"] for a in answers) == [False] + [True] * 15
    assert len({a["id"] for a in answers}) == 1
    assert row_count(api) == 1


# --- refusing bad input ----------------------------------------------------------

@pytest.mark.parametrize("dato", [
    "nan", "NaN", "inf", "-inf", "Infinity", "1e999", "", "abc", "1" * 65,
    "1_0", " 5", "5 ", "0x10", "1,5", "٣", "1e", ".", "--1",
])
def test_bad_dato_gets_400_and_stores_nothing(api, dato):
    assert_json_error(send(api, dato=dato), 400)
    assert listed(api) == []


@pytest.mark.parametrize("query", [
    "dato=%ff", "dato=1&leader=%c3%28", "dato=1&%ff=1", "", "leader=3",
    "dato=1&dato=2", "dato=1&id=5", "dato=1&at=now", "dato=1&=x",
])
def test_bad_query_gets_400_and_stores_nothing(api, query):
    answer = requests.get(api + "/nuevo?" + query, timeout=TIMEOUT)
    assert_json_error(answer, 400)
    assert listed(api) == []


def test_raw_non_utf8_bytes_in_the_request_line_get_400(api):
    status, body = raw_status(raw(api, b"GET /nuevo?dato=1&leader=\xff HTTP/1.0\r\n\r\n"))
    assert status == 400 and "UTF-8" in body["error"]
    assert listed(api) == []


@pytest.mark.parametrize("field, value", [
    ("epoch", "abc"), ("epoch", "-1"), ("epoch", "1.5"), ("epoch", ""),
    ("round", "99999999999999999999"), ("round", "1e3"), ("count", "x"),
    ("min", "nan"), ("max", "inf"), ("min", ""), ("leader", "x" * 129),
    ("cluster", "c" * 129), ("note", "v" * 129), ("k" * 129, "v"),
])
def test_bad_optional_fields_get_400_and_store_nothing(api, field, value):
    assert_json_error(send(api, dato=1, **{field: value}), 400)
    assert listed(api) == []


def test_extra_parameters_are_bounded(api):
    twenty = {f"x{i}": str(i) for i in range(20)}
    assert send(api, dato=1, **twenty).status_code == 200
    assert_json_error(send(api, dato=1, x20="20", **twenty), 400)
    assert [r["x19"] for r in listed(api)] == ["19"]


def test_an_overlong_query_is_refused(api):
    answer = send(api, dato=1, note="x" * 5000)
    assert answer.status_code in (400, 414)
    assert answer.headers["Content-Type"] == "application/json"
    assert listed(api) == []


# --- POST, listing, health, other paths --------------------------------------------

def test_post_json_and_form_bodies_are_stored(api):
    as_json = requests.post(api + "/nuevo", json={"dato": 2.5, "round": 1, "epoch": 1,
                                                  "cluster": "c", "note": "json"}, timeout=TIMEOUT)
    as_form = requests.post(api + "/nuevo", data={"dato": "3.5", "round": "2", "epoch": "1",
                                                  "cluster": "c", "note": "form"}, timeout=TIMEOUT)
    assert as_json.status_code == as_form.status_code == 200
    rows = listed(api)
    assert [(r["dato"], r["round"], r["note"]) for r in rows] == [(2.5, 1, "json"), (3.5, 2, "form")]


@pytest.mark.parametrize("body, status", [
    ("x" * (16 * 1024 + 1), 413),
    ("{not json", 400),
    ("[1, 2]", 400),
    ('{"dato": true}', 400),
    ('{"dato": NaN}', 400),
    ('{"dato": 1, "dato": 2}', 400),
    ('{"dato": 1, "note": {"a": 1}}', 400),
])
def test_bad_post_bodies_are_refused(api, body, status):
    answer = requests.post(api + "/nuevo", data=body.encode(), timeout=TIMEOUT,
                           headers={"Content-Type": "application/json"})
    assert_json_error(answer, status)
    assert listed(api) == []


def test_listar_after_an_id(api):
    ids = [send(api, dato=i).json()["id"] for i in range(4)]
    assert [r["id"] for r in listed(api, after=ids[1])] == ids[2:]
    assert_json_error(requests.get(api + "/listar?after=x", timeout=TIMEOUT), 400)


def test_health_counts_rows(api):
    assert requests.get(api + "/health", timeout=TIMEOUT).json() == {"ok": True, "rows": 0, "rounds": 0,
                                                                     "last": None}
    send(api, dato=1)
    last = send(api, dato=2, round=1).json()["row"]
    send(api, dato=2, round=1)  # a duplicate is not a new row
    send(api, dato="nan")       # nor is a refusal
    health = requests.get(api + "/health", timeout=TIMEOUT).json()
    assert health == {"ok": True, "rows": 2, "rounds": 1, "last": last}   # one row has no round


def test_unknown_paths_and_methods_answer_json(api):
    assert_json_error(requests.get(api + "/nope", timeout=TIMEOUT), 404)
    assert_json_error(requests.post(api + "/nope", timeout=TIMEOUT), 404)
    for method in ("PUT", "DELETE", "PATCH", "OPTIONS", "BREW"):
        assert_json_error(requests.request(method, api + "/nuevo", timeout=TIMEOUT), 405)
    assert_json_error(requests.post(api + "/listar", timeout=TIMEOUT), 405)
    head = requests.head(api + "/health", timeout=TIMEOUT)
    assert head.status_code == 405 and head.content == b""


class BrokenStore(Store):
    def record(self, dato, fields=None):
        raise RuntimeError("a bug in the store")


def test_a_bug_answers_500_shows_its_trace_and_the_server_goes_on(capsys):
    store = BrokenStore(":memory:")
    with running(store) as url:
        assert_json_error(send(url, dato=1), 500)
        assert requests.get(url + "/health", timeout=TIMEOUT).status_code == 200
    store.close()
    err = capsys.readouterr().err
    assert "Traceback" in err and "a bug in the store" in err


def test_the_server_survives_a_flood_of_bad_requests(api):
    bad_http = [
        lambda: send(api, dato="abc"),
        lambda: requests.get(api + "/nuevo?dato=%ff", timeout=TIMEOUT),
        lambda: requests.get(api + "/nowhere", timeout=TIMEOUT),
        lambda: requests.post(api + "/nuevo", data="{", timeout=TIMEOUT),
        lambda: requests.delete(api + "/listar", timeout=TIMEOUT),
    ]
    bad_raw = [
        b"garbage\r\n\r\n",
        b"\x00\xff\xfe\r\n\r\n",
        b"GET /nuevo?dato=1\xff HTTP/1.0\r\n\r\n",
        b"POST /nuevo HTTP/1.0\r\nContent-Length: abc\r\n\r\n",
        b"POST /nuevo HTTP/1.0\r\nContent-Length: 100\r\n\r\ndato=1",  # body cut short
        b"GET /" + b"x" * 70000 + b" HTTP/1.0\r\n\r\n",
        b"",  # connect, say nothing, hang up
    ]
    for i in range(200):
        if i % 2:
            answer = bad_http[i // 2 % len(bad_http)]()
            assert answer.status_code >= 400
            assert answer.headers["Content-Type"] == "application/json"
        else:
            answer = raw(api, bad_raw[i // 2 % len(bad_raw)])
            if answer:  # b"": the client hung up first, or was reset mid-send
                assert raw_status(answer)[0] >= 400
    assert row_count(api) == 0
    assert send(api, dato=1).status_code == 200
    assert row_count(api) == 1


def test_an_idle_connection_does_not_block_others(api):
    port = int(api.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT):
        assert send(api, dato=1).status_code == 200


# --- the store on disk --------------------------------------------------------------

def test_a_reopened_store_keeps_rows_and_fences(tmp_path):
    db = tmp_path / "api.db"
    store = Store(str(db))
    with running(store) as url:
        send(url, dato=1, cluster="c", epoch=3, round=1)
        send(url, dato=2)
        before = listed(url)
    store.close()

    store = Store(str(db))
    with running(store) as url:
        assert listed(url) == before
        assert requests.get(url + "/health", timeout=TIMEOUT).json()["rows"] == 2
        assert send(url, dato=1, cluster="c", epoch=2, round=2).status_code == 409
        assert send(url, dato=1, cluster="c", epoch=3, round=1).json()["duplicate"] is True
        assert send(url, dato=3).json()["id"] > before[-1]["id"]
    assert store.stats()["fences"] == {"c": 3}
    store.close()


def test_store_used_directly():
    store = Store(":memory:")
    assert store.stats() == {"rows": 0, "rounds": 0, "last": None, "fences": {}}
    for i in range(5):
        store.record(float(i), {"round": i, "epoch": 1})
    assert [r["round"] for r in store.rows(after_id=1, limit=2)] == [1, 2]  # ids start at 1
    with pytest.raises(ValueError):
        store.record(1.0, {"id": 9})
    with pytest.raises(ValueError):
        store.record(float("nan"), {})
    assert store.stats()["rows"] == 5 and store.stats()["fences"] == {"": 1}
    store.close()


# --- binding and serving ------------------------------------------------------------

def test_a_taken_port_raises_port_in_use():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PortInUse) as caught:
            make_server("127.0.0.1", port, Store(":memory:"))
    assert str(port) in str(caught.value) and "\n" not in str(caught.value)


def test_serve_prints_its_address_and_stops_cleanly_on_sigterm(tmp_path):
    db = tmp_path / "served.db"
    code = "import sys; from cluster_sim.api import serve; sys.exit(serve(port=0, db=sys.argv[1]))"
    proc = subprocess.Popen([sys.executable, "-c", code, str(db)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ready, _, _ = select.select([proc.stdout], [], [], TIMEOUT)
        assert ready, "serve() printed nothing before the deadline"
        line = proc.stdout.readline().strip()
        assert line.startswith("clustersim API on http://127.0.0.1:") and line.endswith(f"(db: {db})")
        url = line.split()[3]
        assert send(url, dato=4.25).status_code == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(TIMEOUT) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(TIMEOUT)
    assert proc.stderr.read() == ""
    reopened = Store(str(db))
    assert [r["dato"] for r in reopened.rows()] == [4.25]
    reopened.close()


# --- properties ----------------------------------------------------------------------

numberish = st.one_of(
    st.text(max_size=80),
    st.floats().map(repr),
    st.integers().map(str),
    st.text(alphabet="0123456789.eE+-_ infaINFA", max_size=12),
    st.from_regex(r"\A[+-]?[0-9]{0,4}\.?[0-9]{0,4}([eE][+-]?[0-9]{1,4})?\Z"),
)


@settings(max_examples=300, deadline=None)
@given(text=numberish)
def test_any_dato_is_refused_or_stored_as_its_float(shared_api, text):
    before = row_count(shared_api)
    answer = send(shared_api, dato=text)
    assert answer.status_code in (200, 400), answer.text
    if answer.status_code == 400:
        assert row_count(shared_api) == before
    else:
        stored = answer.json()["row"]["dato"]
        assert math.isfinite(stored) and stored == float(text) and abs(stored) <= 1e9
        assert listed(shared_api, after=answer.json()["id"] - 1)[0]["dato"] == stored


@settings(max_examples=150, deadline=None)
@given(value=st.floats(allow_nan=True, allow_infinity=True))
def test_any_json_float_is_stored_exactly_when_finite(shared_api, value):
    answer = requests.post(shared_api + "/nuevo", data=json.dumps({"dato": value}),
                           timeout=TIMEOUT, headers={"Content-Type": "application/json"})
    if math.isfinite(value) and abs(value) <= 1e9:  # the default accepted range
        assert answer.status_code == 200 and answer.json()["row"]["dato"] == value
    else:
        assert answer.status_code == 400


_clusters = (f"prop-{i}" for i in itertools.count())  # a fresh fence per example


@settings(max_examples=150, deadline=None)
@given(text=st.one_of(st.text(max_size=25), st.integers().map(str)))
def test_any_epoch_is_refused_or_stored_as_its_integer(shared_api, text):
    before = row_count(shared_api)
    answer = send(shared_api, dato=1, epoch=text, cluster=next(_clusters))
    assert answer.status_code in (200, 400), answer.text
    if answer.status_code == 400:
        assert row_count(shared_api) == before
    else:
        assert answer.json()["row"]["epoch"] == int(text) >= 0


@settings(max_examples=150, deadline=None)
@given(extra=st.dictionaries(
    st.text(min_size=1, max_size=130).filter(lambda k: k not in COLUMNS + ("dato",)),
    st.text(max_size=130), max_size=4))
def test_any_extra_field_is_refused_or_echoed_exactly(shared_api, extra):
    before = row_count(shared_api)
    answer = requests.get(shared_api + "/nuevo", params={"dato": 1, **extra}, timeout=TIMEOUT)
    assert answer.status_code in (200, 400), answer.text
    if answer.status_code == 400:
        assert row_count(shared_api) == before
    else:
        row = answer.json()["row"]
        assert {k: row[k] for k in extra} == extra


def test_an_empty_round_is_stored_without_a_value(api):
    url = api
    r = requests.get(url + "/nuevo", params={"round": 5, "count": 0, "epoch": 1, "cluster": "c"}, timeout=5)
    assert r.status_code == 200, r.text
    rows = requests.get(url + "/listar", timeout=5).json()
    assert rows[-1]["round"] == 5 and rows[-1]["count"] == 0 and rows[-1]["dato"] is None
    # a missing value is only an empty round when it says so
    r = requests.get(url + "/nuevo", params={"round": 6, "count": 2, "epoch": 1, "cluster": "c"}, timeout=5)
    assert r.status_code == 400
    assert len(requests.get(url + "/listar", timeout=5).json()) == len(rows)


def test_with_a_secret_writes_need_the_token_and_values_their_bounds():
    from cluster_sim.base.secret import TOKEN_HEADER, api_token

    with running(Store(":memory:"), token=api_token("s3cret"), bounds=(0, 200)) as url:
        assert requests.get(url + "/nuevo", params={"dato": 80}, timeout=5).status_code == 401
        wrong = {TOKEN_HEADER: api_token("guess")}
        assert requests.get(url + "/nuevo", params={"dato": 80}, headers=wrong, timeout=5).status_code == 401
        # ?token= is only for --legacy-auth
        r = requests.get(url + "/nuevo", params={"dato": 80, "token": api_token("s3cret")}, timeout=5)
        assert r.status_code == 401 and "token" in r.json()["error"]
        good = {TOKEN_HEADER: api_token("s3cret")}
        assert requests.get(url + "/nuevo", params={"dato": 1e6}, headers=good, timeout=5).status_code == 400
        assert requests.get(url + "/listar", timeout=5).json() == []  # reading stays open
        assert requests.get(url + "/nuevo", params={"dato": 80}, headers=good, timeout=5).status_code == 200
        assert [r["dato"] for r in requests.get(url + "/listar", timeout=5).json()] == [80.0]


def test_legacy_auth_takes_the_token_in_the_query():
    from cluster_sim.base.secret import api_token

    with running(Store(":memory:"), token=api_token("s3cret"), legacy_auth=True) as url:
        r = requests.get(url + "/nuevo", params={"dato": 80, "token": api_token("s3cret")}, timeout=5)
        assert r.status_code == 200 and "token" not in r.json()["row"]
        assert requests.get(url + "/nuevo", params={"dato": 81, "token": "x"}, timeout=5).status_code == 401
