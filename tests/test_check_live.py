"""`clustersim check` judges a real cluster up to now: a stall past the round deadline fails it
and says since when, a cluster stopped cleanly passes offline with its truth logs, and a row whose
member's log is not here is reported unverified. Real ZooKeeper, real nodes, a real API.

    .venv/bin/python -m pytest tests/test_check_live.py
"""

import json
import re
import shutil

from cluster_sim.api.store import Store

from conftest import clustersim, dump, running, stored_rounds, wait_until
from test_cluster import up_args


def test_a_stall_past_the_deadline_fails_check_until_the_outbox_drains(start_up, zk_hosts):
    up = start_up(*up_args(zk_hosts, 3, "--retry-max", 0.5))
    up.wait_ready(3)
    wait_until(lambda: len(stored_rounds(up.rows())) >= 2, 15, "some rounds")
    assert up.cli("check").returncode == 0
    assert up.cli("api-stop").returncode == 0

    def failing():
        result = up.cli("check")
        return result if result.returncode == 1 else None

    # a round is due interval + lag + deadline (session timeout + 2 intervals) after it opens
    stalled = wait_until(failing, 30, "check to fail on the stall", period=0.5)
    assert re.search(r"\d+ rounds? due and not stored since \d\d:\d\d:\d\d \(round \d+; newest stored round \d+\)",
                     stalled.stdout), stalled.stdout + stalled.stderr
    assert "the API cannot be read (cannot reach" in stalled.stdout
    late = json.loads(up.cli("check", "--json").stdout)
    assert late["ok"] is False and late["due_unstored"]["count"] >= 1, dump(late)
    assert late["due_unstored"]["since"] is not None and late["api_unreachable"]
    # rounds as the live view counts them, from the cluster's start; --json keeps their own numbers
    status = up.status()
    base = int(status["started_at"] // status["interval"])
    shown = " ".join(stalled.stdout.replace("│", " ").split())
    assert f"round 1 of this cluster is round {base + 1}" in shown, shown
    assert int(re.search(r"\(round (\d+);", shown).group(1)) == late["due_unstored"]["first_round"] - base

    assert up.cli("api-start").returncode == 0
    wait_until(lambda: up.status()["outbox"]["depth"] == 0, 30, "the outbox drained")
    passed = wait_until(lambda: (lambda r: r if r.returncode == 0 else None)(up.cli("check")), 20,
                        "check to pass again", period=0.5)
    assert "nothing due is missing" in passed.stdout, passed.stdout
    after = json.loads(up.cli("check", "--json").stdout)
    assert after["due_unstored"]["count"] == 0 and after["unverified"] == {"count": 0, "nodes": []}, dump(after)


def test_a_cleanly_stopped_cluster_passes_offline_and_a_missing_log_is_unverified(start_up, zk_hosts, tmp_path):
    store = Store(":memory:")
    with running(store) as api:
        up = start_up(*up_args(zk_hosts, 3, "--api-url", api))
        status = up.wait_ready(3)
        truth = status["truth_dir"]
        wait_until(lambda: len(stored_rounds(up.rows())) >= 6, 20, "some rounds")
        leader = up.leader()
        assert up.stop() == 0
        collected = tmp_path / "collected"
        shutil.copytree(truth, collected)

        whole = clustersim("check", "--api-url", api, "--truth", str(collected), "--json")
        out = json.loads(whole.stdout)
        assert whole.returncode == 0, dump(out)
        assert out["unverified"]["count"] == 0 and out["now"] is not None
        [cluster] = out["clusters"].values()
        assert cluster["truth"]["owed_until"] >= cluster["last"], dump(cluster)

        # the leader's log stays on "its machine": the rows it counted cannot be recomputed here
        (collected / f"node-{leader}.jsonl").unlink()
        part = clustersim("check", "--api-url", api, "--truth", str(collected))
        assert part.returncode == 0, part.stdout + part.stderr
        assert re.search(rf"\d+ of \d+ rows could not be verified: node {leader}'s truth log is not here",
                         part.stdout), part.stdout
        assert "every stored round matches" not in part.stdout
        # given back as a second directory, every row is verified again
        mine = tmp_path / "from-the-leader"
        mine.mkdir()
        shutil.copy(f"{truth}/node-{leader}.jsonl", mine)
        both = clustersim("check", "--api-url", api, "--truth", str(collected), "--truth", str(mine), "--json")
        assert both.returncode == 0 and json.loads(both.stdout)["unverified"]["count"] == 0, both.stdout
    store.close()


def test_check_zk_reads_the_clusters_rules_and_judges_its_rounds_up_to_now(zk_client, zk_hosts, api):
    import time

    from cluster_sim.protocol import paths
    from cluster_sim.protocol.rules import ClusterRules
    from test_check_due import deliver
    from test_check_truth import stored

    zk_client.create(paths.CLUSTER_ID, b"feed01", makepath=True)
    absent = clustersim("check", "--api-url", api, "--zk", zk_hosts)   # a cluster made before rules
    assert absent.returncode == 0 and "has no rules znode" in absent.stdout, absent.stdout + absent.stderr
    rules = ClusterRules(interval=1.0, session_timeout=2.0, round_lag=0.5, round_deadline=2.0, history=60,
                         outbox_bound=100, retry_max=1.0, api_url=api, secret_required=False)
    zk_client.create(paths.RULES, rules.to_bytes())
    now = int(time.time())
    deliver(api, [stored(r, cluster="feed01") for r in range(now - 60, now - 50)])
    result = clustersim("check", "--api-url", api, "--zk", zk_hosts, "--json")
    out = json.loads(result.stdout)
    assert result.returncode == 1, dump(out)
    assert out["due_unstored"]["first_round"] == now - 50 and out["due_unstored"]["count"] >= 45, dump(out)
    assert out["due_unstored"]["newest_row_age_s"] is not None
    nowhere = clustersim("check", "--api-url", api, "--zk", zk_hosts + "-none")
    assert nowhere.returncode == 2 and "no clustersim cluster there" in nowhere.stderr, nowhere.stderr
    assert len(nowhere.stderr.strip().splitlines()) == 1
