"""One set of rules: the cluster's settings live in ZooKeeper (real ZooKeeper), a
member joined with only --zk runs on them, and a contradicting option is refused
in one line. Judged against the nodes' truth logs."""

import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest

from cluster_sim.protocol import paths
from cluster_sim.base import zkclient
from cluster_sim.node.free_id import next_free_id
from cluster_sim.node.leader import Leadership
from cluster_sim.node.main import Node
from cluster_sim.node.settings import NodeSettings
from cluster_sim.protocol.rules import ClusterRules, Contradiction
from cluster_sim.protocol.rules_znode import RulesConflict, check_grid, establish, read, refusal

from conftest import INTERVAL, SESSION_TIMEOUT, clustersim, stored_rounds, wait_until
from ground_truth import GroundTruth

SECRET = "s3cret"


def rules(**changes):
    base = dict(interval=2.0, session_timeout=4.0, round_lag=1.0, round_deadline=8.0, history=40,
                outbox_bound=100, retry_max=30.0, api_url="http://10.0.0.5:8080", secret_required=False)
    return ClusterRules(**{**base, **changes})


def one_line(result):
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def without_secret():
    return {k: v for k, v in os.environ.items() if k != "CLUSTERSIM_SECRET"}


# -- the pure parts ---------------------------------------------------------------
def test_a_contradiction_is_one_line_naming_the_clusters_value_and_the_way_out():
    found = rules().contradictions({"interval": 5.0, "session_timeout": 4.0, "api_url": "http://10.0.0.5:8080/"})
    assert found == [Contradiction("interval", 5.0, 2.0)]
    assert refusal(found[0]) == "--interval 5 contradicts the cluster's interval 2 s; leave it out: the cluster sets it"
    api = rules().contradictions({"api_url": "http://localhost:8080"})[0]
    assert refusal(api, "or start a new cluster").startswith(
        "--api-url http://localhost:8080 contradicts the cluster's API http://10.0.0.5:8080; or start")


@pytest.mark.parametrize("children, picked", [
    ([], "1"),
    (["app1", "app2", "app7"], "8"),
    (["app3", "hot", "app²", "app" + "9" * 30, "app04"], "5"),   # names that are not small integers are skipped
])
def test_the_picked_id_is_the_lowest_integer_above_every_id_seen(children, picked):
    assert next_free_id(children) == picked


def test_a_grid_other_than_the_clusters_is_refused():
    mine = NodeSettings(node_id="1", interval=2.0, session_timeout=4.0, lag=1.0, round_deadline=8.0)
    check_grid(rules(), mine)   # the same grid: nothing to say
    with pytest.raises(RulesConflict, match="interval 5 s is not the cluster's 2 s"):
        check_grid(rules(), NodeSettings(node_id="1", interval=5.0, session_timeout=4.0, round_deadline=8.0))


# -- the znode, on real ZooKeeper -------------------------------------------------
def test_the_first_member_writes_the_rules_and_a_later_one_adopts_or_is_refused(zk_client):
    assert read(zk_client) is None                      # a bare ZooKeeper
    first = rules(interval=1.0)
    assert establish(zk_client, first, given={"interval": 1.0}) == first
    assert read(zk_client) == first
    # a later member with other defaults: what it did not give is the cluster's
    assert establish(zk_client, rules(interval=5.0), given={}) == first
    with pytest.raises(RulesConflict, match="--interval 5 contradicts the cluster's interval 1 s"):
        establish(zk_client, rules(interval=5.0), given={"interval": 5.0})


def test_racing_members_end_on_one_set_of_rules(zk_hosts):
    clients = [zkclient.connect(zk_hosts) for _ in range(4)]
    try:
        results = [None] * 4
        go = threading.Barrier(4)

        def join(i):
            go.wait()
            results[i] = establish(clients[i], rules(interval=float(i + 1)), given={})
        threads = [threading.Thread(target=join, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(20)
        assert len({r.interval for r in results}) == 1 and results[0] == read(clients[0])
    finally:
        for c in clients:
            zkclient.close(c)


def test_a_secret_clusters_rules_carry_its_acl(zk_hosts):
    member = zkclient.connect(zk_hosts, secret=SECRET)
    stranger = zkclient.connect(zk_hosts)
    try:
        establish(member, rules(secret_required=True), given={})
        assert read(stranger).secret_required is True       # anyone reads them
        from kazoo.exceptions import NoAuthError

        with pytest.raises(NoAuthError):
            stranger.set(paths.RULES, rules(interval=9.0).to_bytes())
    finally:
        zkclient.close(stranger)
        zkclient.close(member)


def test_bad_rules_bytes_are_one_line_and_exit_2(zk_client, zk_hosts):
    zk_client.create(paths.RULES, b"{not json", makepath=True)
    result = clustersim("node", "--zk", zk_hosts, "--connect-timeout", "5")
    assert result.returncode == 2
    assert one_line(result) == "clustersim: the cluster's rules are not JSON"


def test_a_node_on_another_grid_is_refused_and_so_is_its_leadership(zk_client, zk_hosts, tmp_path):
    """Defence in depth: a node whose settings bypassed the command line (the supervisor's
    template, a library user) checks them against the rules, and so does a leader."""
    establish(zk_client, rules(interval=INTERVAL, session_timeout=SESSION_TIMEOUT, round_lag=0.25,
                               round_deadline=SESSION_TIMEOUT + 2 * INTERVAL), given={})
    wrong = NodeSettings(node_id="5", zk=zk_hosts, interval=1.0, session_timeout=SESSION_TIMEOUT)
    out = []
    worker = threading.Thread(target=lambda: out.append(Node(wrong).run()))
    worker.start()
    worker.join(30)
    assert out == [2]
    assert zk_client.exists(paths.reading_path("5")) is None   # it never published
    with pytest.raises(RulesConflict, match="interval 1 s is not the cluster's 0.5 s"):
        Leadership(zk_client, wrong, term=None, cluster="x", report=print).run()


# -- a member joined with only --zk, against a running cluster --------------------
def test_a_node_joined_with_only_zk_leads_on_the_clusters_grid(start_up, zk_hosts, tmp_path):
    up = start_up("-n", 2, "--zk", zk_hosts, "--interval", INTERVAL, "--session-timeout", SESSION_TIMEOUT,
                  "--secret", SECRET)
    status = up.wait_ready(2)
    assert status["rules"]["interval"] == INTERVAL and status["rules"]["session_timeout"] == SESSION_TIMEOUT
    assert status["rules"]["api_url"] == status["api_url"] and status["rules"]["secret_required"] is True
    assert status["interval"] == INTERVAL and status["session_timeout"] == SESSION_TIMEOUT

    # refused in one line, before anything is written: a contradicting option, a missing secret
    result = subprocess.run([sys.executable, "-m", "cluster_sim", "node", "--zk", zk_hosts, "--interval", "5"],
                            capture_output=True, text=True, timeout=30, env={**os.environ, "CLUSTERSIM_SECRET": SECRET})
    assert result.returncode == 2
    assert one_line(result) == ("clustersim: --interval 5 contradicts the cluster's interval 0.5 s; "
                                "leave it out: the cluster sets it")
    result = subprocess.run([sys.executable, "-m", "cluster_sim", "node", "--zk", zk_hosts],
                            capture_output=True, text=True, timeout=30, env=without_secret())
    assert result.returncode == 2 and "requires its secret" in one_line(result)
    assert {n["id"] for n in up.status()["nodes"]} == {"1", "2"}

    # the student's line: the defaults (interval 5, session timeout 4, localhost:8080) are not the cluster's
    log_path = tmp_path / "student.log"
    with open(log_path, "w") as log:
        student = subprocess.Popen([sys.executable, "-m", "cluster_sim", "node", "--zk", zk_hosts,
                                    "--truth-dir", status["truth_dir"]],
                                   stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "CLUSTERSIM_SECRET": SECRET})
        try:
            wait_until(lambda: next((n for n in up.status()["nodes"] if n["id"] == "3" and n["value"]), None),
                       20, "the student's node as node 3")
            assert "took id 3: the lowest free one in this cluster" in log_path.read_text()
            joined_at = time.time()
            for victim in ("1", "2"):
                assert up.cli("kill", victim).returncode == 0
            wait_until(lambda: up.leader() == "3", 20, "the student's node leading")
            # rounds go on at the cluster's API, led by node 3, up to now on the cluster's grid
            def led_to_now():
                rows = [r for r in stored_rounds(up.rows()) if r["leader"] == "3"]
                due = int(time.time() / INTERVAL) - 1
                return rows if len(rows) >= 4 and rows[-1]["round"] >= due - 3 else None
            rows = wait_until(led_to_now, SESSION_TIMEOUT + 15, "rounds stored by node 3 up to now")
            assert all(r["round"] >= int(joined_at / INTERVAL) - 5 for r in rows)   # 0.5 s rounds, not 5 s ones
            first = rows[0]["round"]
            stored = {r["round"] for r in stored_rounds(up.rows()) if r["round"] >= first}
            assert stored == set(range(first, max(stored) + 1))      # no gap, no round twice
        finally:
            student.send_signal(signal.SIGINT)
            assert student.wait(20) == 0
    GroundTruth.load(status["truth_dir"]).assert_rows_match(
        [r for r in stored_rounds(up.rows()) if r["leader"] == "3"], allow_partial=True)


def test_up_on_a_cluster_with_other_rules_is_refused_in_one_line(start_up, zk_hosts):
    up = start_up("-n", 1, "--zk", zk_hosts, "--interval", INTERVAL, "--session-timeout", SESSION_TIMEOUT)
    up.wait_ready(1)
    result = clustersim("up", "--plain", "--zk", zk_hosts, "--interval", "1", "--name", f"x{uuid.uuid4().hex[:6]}",
                        timeout=60)
    assert result.returncode == 2
    servers = zk_hosts.split("/")[0]
    assert one_line(result) == ("clustersim: --interval 1 contradicts the cluster's interval 0.5 s; leave it out "
                                f"(the cluster sets it), or start a new cluster: --zk {servers}/NAME")
    assert {n["id"] for n in up.status()["nodes"]} == {"1"}


def test_up_on_a_cluster_with_rules_takes_what_was_not_given(start_up, zk_hosts):
    first = start_up("-n", 1, "--zk", zk_hosts, "--interval", INTERVAL, "--session-timeout", SESSION_TIMEOUT)
    status = first.wait_ready(1)
    # no --interval, no --api-url: the cluster's, not the defaults (5 s, an API of its own)
    second = start_up("-n", 1, "--zk", zk_hosts)
    wait_until(lambda: second.status()["rules"], 20, "the second supervisor up")
    theirs = second.status()
    assert theirs["interval"] == INTERVAL and theirs["session_timeout"] == SESSION_TIMEOUT
    assert theirs["api_url"] == status["api_url"] and theirs["rules"] == status["rules"]


def test_up_on_a_cluster_whose_api_is_gone_says_so_in_one_line(zk_client, zk_hosts, runtime_dir):
    """A second `up --zk` after the first one stopped: its embedded API, named by the rules, is gone."""
    from cluster_sim.base.ports import free_ports

    gone = f"http://127.0.0.1:{free_ports('127.0.0.1', 1)[0]}"
    establish(zk_client, rules(interval=INTERVAL, session_timeout=SESSION_TIMEOUT, api_url=gone), given={})
    result = clustersim("up", "--plain", "--zk", zk_hosts, "--name", f"x{uuid.uuid4().hex[:6]}", timeout=60)
    assert result.returncode == 2
    assert one_line(result) == (f"clustersim: the cluster's API {gone} does not answer (an earlier `up` that served "
                                f"it has stopped?): start it again, or start a new cluster: "
                                f"--zk {zk_hosts.split('/')[0]}/NAME")


def test_a_lecture_hall_gets_a_longer_session_timeout_unless_one_is_typed():
    from dataclasses import replace

    from cluster_sim.node.settings import DEFAULT_SESSION_TIMEOUT, default_session_timeout
    from cluster_sim.supervisor.up import UpOptions, hall_pace

    assert [default_session_timeout(n) for n in (5, 400, 450, 1000, 5000)] == [DEFAULT_SESSION_TIMEOUT, 4.0, 4.5, 10.0, 10.0]
    typed_nothing = UpOptions(nodes=1000, given=("nodes",))
    hall_pace(typed_nothing)
    assert typed_nothing.session_timeout == 10.0
    small = UpOptions(nodes=5, given=("nodes",))
    hall_pace(small)
    assert small.session_timeout == DEFAULT_SESSION_TIMEOUT
    typed = UpOptions(nodes=1000, given=("nodes", "session_timeout"))
    typed.node = replace(typed.node, session_timeout=3.0)
    hall_pace(typed)
    assert typed.session_timeout == 3.0            # what the teacher typed stands
    made = UpOptions(nodes=1000)                   # options a program made (given None): left as they are
    hall_pace(made)
    assert made.session_timeout == DEFAULT_SESSION_TIMEOUT
