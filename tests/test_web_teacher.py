"""The teacher's page, without a browser: only its address (the key) serves the controls, and
POST /control is taken only with the key, from the server's own origin, as JSON, for a command of
the fault registry; anything else is a status code and a JSON error, and reaches nothing."""

import json

import pytest
import requests

from cluster_sim.web.server import WebView
from cluster_sim.web.teacher import KEY_HEADER, teacher_key

KEY = teacher_key("s3cret")


@pytest.fixture
def teacher():
    calls = []

    def control(request):
        calls.append(request)
        return {"ok": request.get("id") != "9", "message": "node 2 killed (SIGTERM)", "error": "no node 9"}
    view = WebView("127.0.0.1", 0, title="clustersim · t", control=control, key=KEY).start()
    try:
        yield view, calls
    finally:
        view.close()


def post(view, body, key=KEY, origin="same", ctype="application/json"):
    headers = {"Content-Type": ctype}
    if key is not None:
        headers[KEY_HEADER] = key
    if origin == "same":
        origin = f"http://127.0.0.1:{view.port}"
    if origin is not None:
        headers["Origin"] = origin
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return requests.post(f"http://127.0.0.1:{view.port}/control", data=data, headers=headers, timeout=5)


def test_the_key_is_derived_from_the_secret_or_random():
    assert teacher_key("s3cret") == KEY and teacher_key("other") != KEY and len(KEY) == 32
    assert teacher_key(None) != teacher_key(None)


def test_only_the_teachers_address_serves_the_controls(teacher):
    view, _ = teacher
    assert view.teacher_url == f"{view.url}teacher/{KEY}/"
    page = requests.get(view.teacher_url, timeout=5)
    assert page.status_code == 200 and '"teacher":true' in page.text
    students = requests.get(view.url, timeout=5)
    assert students.status_code == 200 and '"teacher":true' not in students.text
    assert requests.get(view.teacher_url + "snapshot.json", timeout=5).status_code == 200
    wrong = requests.get(f"{view.url}teacher/{'0' * 32}/", timeout=5)
    assert wrong.status_code == 403 and wrong.json()["ok"] is False
    assert '"teacher":true' not in wrong.text


def test_a_good_request_reaches_the_command_registry_marked_as_from_the_page(teacher):
    view, calls = teacher
    answer = post(view, {"cmd": "partition", "id": "2", "from": "api", "extra": {"x": 1}})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"ok": True, "message": "node 2 killed (SIGTERM)", "error": "no node 9"}
    assert calls == [{"cmd": "partition", "id": "2", "from": "api", "via": "page"}]
    refused = post(view, {"cmd": "kill", "id": "9"})          # the cluster refuses, in its words, as to the CLI
    assert refused.status_code == 200 and refused.json()["ok"] is False and len(calls) == 2


@pytest.mark.parametrize("what, kwargs, status", [
    ("no key", {"key": None}, 403),
    ("a wrong key", {"key": "0" * 32}, 403),
    ("a key one character short", {"key": KEY[:-1]}, 403),
    ("another origin", {"origin": "http://evil.example:8080"}, 403),
    ("no origin", {"origin": None}, 403),
    ("not JSON", {"ctype": "text/plain"}, 415),
])
def test_a_request_without_the_key_or_from_elsewhere_changes_nothing(teacher, what, kwargs, status):
    view, calls = teacher
    answer = post(view, {"cmd": "kill", "id": "2"}, **kwargs)
    assert answer.status_code == status, (what, answer.text)
    assert answer.json()["ok"] is False and answer.json()["error"]
    assert calls == [], what


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", json.dumps({"cmd": "stop"}),
                                  json.dumps({"cmd": "logs", "id": "1"}), json.dumps({"id": "1"}), b"x" * 5000])
def test_a_bad_or_unknown_command_is_refused(teacher, body):
    view, calls = teacher
    answer = post(view, body)
    assert answer.status_code in (400, 413) and answer.json()["ok"] is False
    assert calls == []


def test_a_read_only_view_takes_no_control_request():
    view = WebView("127.0.0.1", 0).start()
    try:
        assert view.teacher_url is None
        answer = post(view, {"cmd": "kill", "id": "2"})
        assert answer.status_code == 403 and "read-only" in answer.json()["error"]
        assert requests.get(f"{view.url}teacher/{KEY}/", timeout=5).status_code == 403
        assert requests.put(view.url, timeout=5).status_code == 405
    finally:
        view.close()
