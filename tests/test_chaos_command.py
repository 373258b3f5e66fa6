"""`clustersim chaos` as a user types it: bad input in one line, a fault kind the cluster
cannot take refused before anything is injected, and a short run on a cluster chaos starts
itself (the long run on a running cluster is test_chaos_live.py)."""

import json

from conftest import INTERVAL, SESSION_TIMEOUT, clustersim


def one_line(result, code=2):
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr


def test_bad_input_is_one_line(runtime_dir):
    assert "unknown fault 'martian'" in one_line(clustersim("chaos", "--faults", "kill,martian"))
    assert "--duration must be between 1 and 86400 seconds" in one_line(clustersim("chaos", "--duration", "0"))
    assert "--zk-servers must be one of 1, 3, 5, 7" in one_line(clustersim("chaos", "--zk-servers", "2"))
    assert "-n must be between 2" in one_line(clustersim("chaos", "-n", "1"))
    assert "--seed 'x' is not a whole number" in one_line(clustersim("chaos", "--seed", "x"))


def test_a_kind_the_cluster_cannot_take_is_refused_before_anything_happens(start_up):
    up = start_up("-n", 2, "--interval", INTERVAL, "--session-timeout", SESSION_TIMEOUT, "--no-relays")
    up.wait_ready(2)
    error = one_line(up.cli("chaos", "--faults", "kill,quorum", "--duration", "10"))
    assert "quorum cannot apply to cluster" in error and "--zk-servers 3" in error
    error = one_line(up.cli("chaos", "--faults", "partition", "--duration", "10"))
    assert "partition cannot apply" in error and "relays" in error
    # nothing was injected: every node still runs, no fault event
    assert all(n["state"] == "running" for n in up.status()["nodes"])
    assert not up.events("node_killed") and not up.events("partitioned")
    # and a node of this cluster cannot be cut off by hand either
    result = up.cli("partition", "1")
    assert result.returncode == 1 and "without relays" in result.stderr


def test_chaos_on_a_cluster_of_its_own(runtime_dir, tmp_path):
    verdict_path = tmp_path / "verdict.json"
    result = clustersim("chaos", "--duration", "8", "--seed", "3", "-n", "3", "--interval", str(INTERVAL),
                        "--session-timeout", str(SESSION_TIMEOUT), "--zk-servers", "1", "--plain",
                        "--faults", "kill,partition,slow,sigstop,api-outage", "--name", "own",
                        "--json", str(verdict_path), timeout=240)
    verdict = json.loads(verdict_path.read_text())
    assert result.returncode == (0 if verdict["ok"] else 1), result.stdout[-3000:] + result.stderr
    assert verdict["ok"], verdict["problems"]
    assert verdict["seed"] == 3 and sum(verdict["faults"].values()) >= 1 and verdict["refused"] == {}
    assert verdict["cluster"]["nodes"] == ["1", "2", "3"] and verdict["cluster"]["zk_servers"] == 1
    out = result.stdout
    # the cluster's own event log shows each fault; chaos adds only its opening and the settling
    assert "chaos: chaos on cluster 'own': seed 3" in out and "chaos: settled" in out
    assert "Leadership timeline" in out and out.index("Leadership timeline") < out.index("clustersim chaos · seed 3")
    assert "OK: nothing lost, wrong, duplicated or stale" in out
    # it stopped what it started
    gone = clustersim("status", "--name", "own")
    assert gone.returncode == 1 and "no cluster named" in gone.stderr
