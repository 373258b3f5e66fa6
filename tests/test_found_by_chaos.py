"""What `clustersim chaos --duration 120 --seed 1` found, each kept as a short regression
test against real ZooKeeper (all fixed in cluster_sim/node/).

1. A restarted node waiting for its id crashed when its ZooKeeper connection dropped (it now
   waits out a dropped connection while it waits for its id).
2. A restarted node's first sample, taken before it owned its id, was missing from its round
   without the row saying so (it now takes its first sample when its claim lands).
3. A node whose session expired while a server was frozen came back under a new session with
   its history still stamped with the old one (a publish stamped before the expiry and retried
   after it). The leader took it for a node of the original design: its samples were left out
   of the rounds (stored short) and its bare value, its newest sample, went into the live round
   (a wrong mean). The publisher now stamps every attempt with the session that commits it; the
   leader counts such a node by its samples, waits for the rest, and never by its bare value.
"""

import time

from cluster_sim.protocol import paths
from cluster_sim.node import readings
from conftest import INTERVAL, SESSION_TIMEOUT, stored_rounds, wait_until
from ground_truth import GroundTruth
from test_completeness import fault_lasts


def node(status, node_id):
    return next(n for n in status["nodes"] if n["id"] == node_id)


def fresh(up, node_id, old_pid):
    n = node(up.status(), node_id)
    return n["state"] == "running" and n["pid"] != old_pid and n["age_s"] is not None \
        and n["age_s"] < 2 * INTERVAL + 1


def test_a_node_cut_off_while_it_waits_for_its_id_starts_once_healed(start_up):
    up = start_up("-n", 2, "--interval", INTERVAL, "--session-timeout", SESSION_TIMEOUT)
    status = up.wait_ready(2)
    victim = next(n["id"] for n in status["nodes"] if n["id"] != status["leader"])
    wait_until(lambda: len(stored_rounds(up.rows())) >= 2, 20, "two rounds stored")
    assert up.cli("kill", victim, "--hard").returncode == 0
    # its old session lives on for the session timeout: the new process waits for its id meanwhile
    started = up.cli("start", victim)
    assert started.returncode == 0, started.stderr
    assert up.cli("partition", victim).returncode == 0
    # the old session expires (its election znode goes), then a few more rounds: by then the new
    # process, cut off for more than a session timeout, has lost its connection and its session
    wait_until(lambda: node(up.status(), victim)["role"] == "", 3 * SESSION_TIMEOUT + 5, "the old session to expire")
    base = max(r["round"] for r in stored_rounds(up.rows()))
    wait_until(lambda: max(r["round"] for r in stored_rounds(up.rows())) >= base + 5, 20, "five more rounds")
    assert up.cli("heal", victim).returncode == 0

    def settled():
        n = node(up.status(), victim)
        running = n["state"] == "running" and n["age_s"] is not None and n["age_s"] < 2 * INTERVAL + 1
        return n if n["state"] == "crashed" or running else None
    final = wait_until(settled, 3 * SESSION_TIMEOUT + 15, "the node running again, or crashed")
    assert final["state"] == "running", "\n".join(up.cli("logs", victim, "-n", "15").stdout.splitlines())


def test_a_node_restarted_before_its_old_session_expires_is_in_every_round_it_sampled(start_up):
    up = start_up("-n", 3, "--interval", INTERVAL, "--session-timeout", SESSION_TIMEOUT)
    status = up.wait_ready(3)
    victim = next(n["id"] for n in status["nodes"] if n["id"] != status["leader"])
    old_pid = node(status, victim)["pid"]
    wait_until(lambda: len(stored_rounds(up.rows())) >= 2, 20, "two rounds stored")
    assert up.cli("kill", victim, "--hard").returncode == 0
    assert up.cli("start", victim).returncode == 0          # before its old session expires
    wait_until(lambda: fresh(up, victim, old_pid), 3 * SESSION_TIMEOUT + 10, "the node running again")
    base = max(r["round"] for r in stored_rounds(up.rows()))
    wait_until(lambda: max(r["round"] for r in stored_rounds(up.rows())) >= base + 4, 20, "four more rounds")
    result = up.cli("check")
    assert result.returncode == 0, result.stdout[-3000:]


def test_a_member_whose_history_another_session_stamped_counts_by_its_samples_never_its_bare_value(
        start_up, zk_hosts, zk_client):
    # a session long enough that the member znode outlives the fault: the case is a member
    # present, under a session that did not write its history
    up = start_up("-n", 3, "--zk", zk_hosts, "--interval", INTERVAL, "--session-timeout", 6)
    status = up.wait_ready(3)
    victim = next(n["id"] for n in status["nodes"] if n["id"] != status["leader"])
    base = int(time.time() // INTERVAL)
    wait_until(lambda: max([r["round"] for r in stored_rounds(up.rows())] or [0]) >= base + 1, 20, "rounds stored")
    assert up.cli("pause", victim).returncode == 0
    # what the chaos run left in ZooKeeper: the history stamped by another session, and in the
    # member znode a bare value that is no sample of any round (it would show as a wrong mean)
    data, stat = zk_client.get(paths.history_path(victim))
    history = readings.decode(data)
    owner = zk_client.exists(paths.reading_path(victim)).ephemeralOwner
    assert history.session == owner
    history.session = owner + 1
    zk_client.set(paths.history_path(victim), readings.encode(history), version=stat.version)
    zk_client.set(paths.reading_path(victim), readings.encode_bare(99.99))
    fault_lasts(4 * INTERVAL)   # four rounds close meanwhile (the leader waits for the victim: none is stored)
    assert up.cli("resume", victim).returncode == 0
    after = int(time.time() // INTERVAL) + 3
    wait_until(lambda: max(r["round"] for r in stored_rounds(up.rows())) >= after, 30, "three more rounds")
    rows = stored_rounds(up.rows())
    assert not any(r["dato"] > 90 for r in rows), rows   # 99.99 entered no mean
    GroundTruth.load(up.status()["truth_dir"]).assert_rows_match(rows)
    result = up.cli("check")
    assert result.returncode == 0, result.stdout[-3000:]
