""""API OK" means the leader's deliveries arrive: a leader that cannot reach its API is named
(status --json, the event log, the table's header), and so is its recovery; every node says
whether it reaches the API; a student's terminal words it (issue 18)."""

import re
import signal
import socket
import subprocess
import sys
import time

from conftest import INTERVAL, SESSION_TIMEOUT, running, wait_until
from test_cluster import up_args

from cluster_sim.api.store import Store


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def delivery_failing(up, leader):
    delivery = up.status().get("delivery") or {}
    return delivery if delivery.get("leader") == leader and delivery.get("ok") is False else None


def test_a_leader_that_cannot_reach_the_api_is_named_and_its_recovery_too(start_up, zk_hosts, tmp_path):
    # the cluster's API is not there (yet): as for a student's laptop behind a firewall, every
    # member has the right address and none reaches it; the one that leads is named
    port = free_port()
    nowhere = f"http://127.0.0.1:{port}"
    up = start_up(*up_args(zk_hosts, 1, "--api-url", nowhere, "--retry-max", 0.5))
    up.wait_ready(1)
    log_path = tmp_path / "node7.log"
    log = open(log_path, "w")
    student = subprocess.Popen([sys.executable, "-m", "cluster_sim", "node", "7", "--zk", zk_hosts,
                                "--api-url", nowhere, "--interval", str(INTERVAL), "--retry-max", "0.5",
                                "--session-timeout", str(SESSION_TIMEOUT)],
                               stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    store = Store(":memory:")
    try:
        # a follower knows it too (its probe), and the table's notes say so
        node = wait_until(lambda: next((n for n in up.status()["nodes"] if n["id"] == "7"
                                        and n["api_ok"] is False), None), 20, "node 7 shown unable to reach the API")
        assert node["remote"] is True and node["role"] == "follower"
        assert "cannot reach the API" in next(x for x in up.cli("status").stdout.splitlines()
                                              if x.split() and x.split()[0] == "7")
        # node 1 leaves: node 7, the only candidate left, leads into the void
        assert up.cli("kill", "1").returncode == 0
        wait_until(lambda: up.status()["leader"] == "7", SESSION_TIMEOUT + 15, "node 7 leading")
        delivery = wait_until(lambda: delivery_failing(up, "7"), 20, "node 7 named in status --json")
        named_after = time.time() - delivery["since"]     # since its first failed delivery
        assert delivery["url"] == nowhere and delivery["error"] == "ConnectionError"
        event = wait_until(lambda: up.events("api_down", node="7"), 10, "the event naming node 7")[-1]
        logged_after = event.ts - delivery["since"]
        print(f"named in status --json {named_after:.2f} s, logged {logged_after:.2f} s after the first failure")
        assert event.url == nowhere
        assert re.search(rf"leader 7 cannot reach the API at {re.escape(nowhere)} since \d\d:\d\d:\d\d "
                         r"\(ConnectionError\); rounds wait in its outbox", up.output())
        status = up.cli("status")
        assert f"leader 7 cannot reach the API at {nowhere}" in status.stdout and "  OK" not in status.stdout
        # the student's own plain output words it (not "api_down: since=179...")
        text = wait_until(lambda: "cannot reach the API" in log_path.read_text() and log_path.read_text(), 10,
                          "the student's line")
        assert re.search(rf"cannot reach the API at {re.escape(nowhere)} since \d\d:\d\d:\d\d \(ConnectionError\); "
                         "rounds wait in the outbox", text)
        assert "api_down:" not in text
        wait_until(lambda: "I'm the leader: (id = 7)" in log_path.read_text(), 10, "the original's line")
        # the API appears: node 7's rounds arrive, and the screens say so
        with running(store, port=port):
            back = wait_until(lambda: up.events("api_back", node="7"), 30, "the recovery event")[-1]
            assert back.url == nowhere
            assert f"leader 7 reaches the API at {nowhere} again" in up.output()
            wait_until(lambda: (up.status().get("delivery") or {}).get("ok") is True, 10, "delivery shown OK")
            assert any(row.get("leader") == "7" for row in store.rows()), "node 7's rounds stored"
            wait_until(lambda: "answers again" in log_path.read_text(), 20, "the student's recovery line")
            wait_until(lambda: next(n for n in up.status()["nodes"] if n["id"] == "7")["api_ok"] is True, 10,
                       "node 7 no longer noted")
            student.send_signal(signal.SIGINT)
            assert student.wait(15) == 0
    finally:
        if student.poll() is None:
            student.kill()
            student.wait(10)
        log.close()
        store.close()


def test_a_students_terminal_shows_the_live_view_in_the_clusters_language(zk_hosts, zk_client, tmp_path):
    from terminal import Terminal

    from cluster_sim.protocol import paths
    from cluster_sim.node.settings import NodeSettings
    from cluster_sim.protocol.rules import ClusterRules

    nowhere = f"http://127.0.0.1:{free_port()}"
    settings = NodeSettings(node_id="", zk=zk_hosts, api_url=nowhere, interval=INTERVAL,
                            session_timeout=SESSION_TIMEOUT)
    zk_client.create(paths.RULES, ClusterRules.from_settings(settings, api_url=nowhere, lang="es").to_bytes(),
                     makepath=True)
    with Terminal.clustersim("node", "7", "--zk", zk_hosts, "--api-url", nowhere, "--interval", INTERVAL,
                             "--session-timeout", SESSION_TIMEOUT, "--truth-dir", tmp_path / "truth",
                             cols=140, rows=30) as term:
        # the only node leads; its deliveries fail: its own screen says so, in Spanish
        screen = term.wait_for(lambda s: "no puede acceder a la API" in s and "LÍDER (época" in s and s, 30,
                               "the live view naming the failure")
        assert "clustersim · nodo 7" in screen and f"en {nowhere}" in screen and "lectura " in screen
        # the original's lines still print, above the view
        term.wait_for(lambda s: "I'm the leader: (id = 7)" in s and "Media: " in s, 20, "the original's lines")
        term.interrupt()
        assert term.wait_exit(20) == 0
