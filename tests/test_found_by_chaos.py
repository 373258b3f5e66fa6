"""What `clustersim chaos --duration 120 --seed 1` found, each kept as a short regression
test against real ZooKeeper (both fixed in cluster_sim/node/: a restarting node waits out a
dropped connection while it waits for its id, and takes its first sample when its claim lands).

1. A restarted node waiting for its id crashed when its ZooKeeper connection dropped.
2. A restarted node's first sample, taken before it owned its id, was missing from its round
   without the row saying so.
"""

from conftest import INTERVAL, SESSION_TIMEOUT, stored_rounds, wait_until


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
