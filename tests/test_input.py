"""Hostile and mistaken input: one clear line, a non-zero exit, nothing broken."""

import os
import socket
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cluster_sim import control
from cluster_sim.protocol import paths

from conftest import INTERVAL, clustersim, stored_rounds, wait_until


def one_line_failure(result):
    assert result.returncode != 0, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    return lines[0]


@pytest.mark.parametrize("args", [
    ["node", ""], ["node", "/"], ["node", ".."], ["node", "a\x01b"], ["node", "x" * 65], ["node", "a/b"],
    ["up", "-n", "0"], ["up", "-n", "-3"], ["up", "-n", "1001"], ["up", "-n", "five"],
    ["up", "--zk", "nohostport"], ["up", "--zk", "h:99999"], ["up", "--zk", ":2181"], ["up", "--zk", "h:1/../x"],
    ["node", "1", "--zk", "h:abc"], ["up", "--interval", "0"], ["up", "--session-timeout", "-1"],
    ["zk", "--port", "0"], ["zk", "--port", "70000"], ["api", "--port", "x"], ["kill", "../../etc"],
    ["up", "--name", "a/b"], ["api", "--legacy-auth"],
])
def test_bad_command_line_input_gets_one_line(args, runtime_dir):
    one_line_failure(clustersim(*args))


def test_unreachable_zookeeper_says_so_after_the_connection_timeout():
    line = one_line_failure(clustersim("node", "1", "--zk", "127.0.0.1:1", "--connect-timeout", "1"))
    assert "cannot reach ZooKeeper at 127.0.0.1:1" in line


def test_ports_in_use_get_one_line():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        assert "in use" in one_line_failure(clustersim("api", "--port", str(port)))
        assert "in use" in one_line_failure(clustersim("zk", "--port", str(port)))


def test_missing_java_says_how_to_install_it(tmp_path):
    env = dict(os.environ, PATH=str(tmp_path), JAVA_HOME=str(tmp_path / "nojava"))
    result = subprocess.run([sys.executable, "-m", "cluster_sim", "zk", "--port", "2999"], env=env,
                            capture_output=True, text=True, timeout=30)
    line = one_line_failure(result)
    assert result.returncode == 2 and "apt-get install" in line


# -- the control socket -------------------------------------------------------
def raw_request(name, payload: bytes):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(10)
        sock.connect(control.socket_path(name))
        sock.sendall(payload)
        sock.shutdown(socket.SHUT_WR)
        return control.decode(control.read_line(sock))


def test_control_socket_refuses_malformed_requests_and_other_users(start_up, zk_hosts):
    up = start_up("-n", 1, "--zk", zk_hosts, "--interval", INTERVAL)
    up.wait_ready(1)
    path = control.socket_path(up.name)
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    for payload in (b"garbage\n", b"[1,2]\n", b'{"cmd": "rm -rf"}\n', b"\xff\xfe\n", b'{"cmd": "kill"}\n',
                    b'{"cmd": "kill", "id": {"x": 1}}\n', b'{"cmd": "zk-kill", "index": "x"}\n', b"\n"):
        answer = raw_request(up.name, payload)
        assert answer["ok"] is False and answer["error"], (payload, answer)
    # another user cannot even connect (0700 directory, 0600 socket)
    probe = ("import socket,sys; s=socket.socket(socket.AF_UNIX); "
             "s.connect(sys.argv[1]); s.sendall(b'{\"cmd\":\"status\"}\\n'); print(s.recv(100))")
    system_python = "/usr/bin/python3"  # the venv's may sit where nobody can read it
    if os.getuid() == 0 and os.access(system_python, os.X_OK):
        other = subprocess.run([system_python, "-c", probe, path], capture_output=True, text=True, timeout=20,
                               user=65534)
        assert other.returncode != 0 and "Permission" in other.stderr
    assert up.status()["nodes"][0]["state"] == "running"  # still serving


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_control_decode_takes_any_bytes(data):
    try:
        message = control.decode(data)
    except control.ControlError as exc:
        assert "\n" not in str(exc)
        return
    assert isinstance(message, dict)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=10), st.one_of(st.none(), st.integers(), st.text(max_size=10))))
def test_control_messages_round_trip(message):
    assert control.decode(control.encode(message).rstrip(b"\n")) == message


# -- a node that writes garbage -----------------------------------------------
def test_a_garbage_writing_node_changes_neither_mean_nor_leader(start_up, zk_hosts, zk_client):
    up = start_up("-n", 2, "--zk", zk_hosts, "--interval", INTERVAL, "--session-timeout", 2)
    leader = up.wait_ready(2)["leader"]
    wait_until(lambda: [r for r in stored_rounds(up.rows()) if r["count"] == 2], 15, "a full round")
    garbage = [b"NaN", b"inf", b"\x00\xff binary", b'{"value": "x"}', b"{broken", b"9" * 300_000]
    for i, data in enumerate(garbage):
        zk_client.create(paths.reading_path(f"g{i}"), data, ephemeral=True)
    start = max([r["round"] for r in stored_rounds(up.rows())] or [0])
    rows = wait_until(lambda: [r for r in stored_rounds(up.rows()) if r["round"] > start + 2][:3] or None, 20,
                      "rounds after the garbage appeared")
    for row in rows:
        assert row["count"] == 2 and 75 <= row["dato"] <= 85, row
    status = up.status()
    assert status["leader"] == leader
    bad = {n["id"]: n["garbage"] for n in status["nodes"] if n["id"].startswith("g")}
    assert bad == {f"g{i}": 1 for i in range(len(garbage))}
    warned = up.events("unreadable_reading")
    assert sorted(e.node for e in warned) == sorted(f"g{i}" for i in range(len(garbage)))  # once per node
    warnings = [line for line in up.output().splitlines() if "unreadable reading" in line]
    assert len(warnings) == len(garbage)
