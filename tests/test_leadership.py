"""No two leaders, ever: fenced terms, gap-free failover, ensemble faults."""

from conftest import INTERVAL, SESSION_TIMEOUT, dump, stored_rounds, wait_until
from ground_truth import GroundTruth
from test_cluster import up_args


def check_passes(up):
    result = up.cli("check")
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_paused_leader_is_fenced_and_nothing_of_its_epoch_lands_after_the_new_one(start_up, zk_hosts):
    up = start_up(*up_args(zk_hosts, 3))
    first = up.wait_ready(3)["leader"]
    old_epoch = up.status()["epoch"]
    wait_until(lambda: len(stored_rounds(up.rows())) >= 2, 15, "some rounds")
    assert up.cli("pause", first).returncode == 0
    new = wait_until(lambda: (lambda s: s if s["leader"] not in (None, first) else None)(up.status()),
                     SESSION_TIMEOUT + 15, "a new leader")
    assert new["epoch"] > old_epoch
    # keep it frozen well past its session timeout, then wake it up
    wait_until(lambda: len([r for r in stored_rounds(up.rows()) if r["epoch"] == new["epoch"]]) >= 3,
               20, "rounds of the new epoch")
    assert up.cli("resume", first).returncode == 0
    gone = wait_until(lambda: up.events("stepped_down", node=first, epoch=old_epoch), 20,
                      "the old leader saying it stepped down")[-1]
    assert gone.code == "session_expired"           # it slept through its session: it knows why it lost
    assert f"node {first} stepped down (epoch {old_epoch}): its ZooKeeper session expired" in up.output()
    wait_until(lambda: next(n for n in up.status()["nodes"] if n["id"] == first)["role"] == "follower",
               20, "the old leader back as a follower")
    # a few more rounds after the old leader is back
    last = max(r["round"] for r in stored_rounds(up.rows()))
    wait_until(lambda: max(r["round"] for r in stored_rounds(up.rows())) >= last + 4, 20, "more rounds")
    rows = stored_rounds(up.rows())
    first_new = min(r["id"] for r in rows if r["epoch"] == new["epoch"])
    late = [r for r in rows if r["id"] > first_new and r["epoch"] < new["epoch"]]
    assert not late, dump(late)
    assert up.status()["leader"] == new["leader"]
    check_passes(up)


def test_hard_kill_of_the_leader_loses_no_round(start_up, zk_hosts):
    up = start_up(*up_args(zk_hosts, 3))
    first = up.wait_ready(3)["leader"]
    wait_until(lambda: len(stored_rounds(up.rows())) >= 2, 15, "some rounds")
    assert up.cli("kill", first, "--hard").returncode == 0
    new_epoch = wait_until(lambda: (lambda s: s["epoch"] if s["leader"] not in (None, first) else None)(up.status()),
                           SESSION_TIMEOUT + 15, "a new leader")
    wait_until(lambda: len([r for r in stored_rounds(up.rows()) if r["epoch"] == new_epoch]) >= 3, 20,
               "rounds of the new leader")
    rows = stored_rounds(up.rows())
    numbers = sorted(r["round"] for r in rows)
    assert numbers == list(range(numbers[0], numbers[-1] + 1)), numbers
    # the rounds of the outage came from the histories and kept the survivors' readings
    outage = [r for r in rows if r["epoch"] == new_epoch and r["count"] >= 2]
    assert outage
    out = check_passes(up)
    assert "ok" in out.lower() or "pass" in out.lower()


def test_check_reports_a_missing_round(start_up, zk_hosts):
    up = start_up(*up_args(zk_hosts, 2))
    up.wait_ready(2)
    wait_until(lambda: len(stored_rounds(up.rows())) >= 2, 15, "some rounds")
    import requests
    rows = stored_rounds(up.rows())
    status = up.status()
    # an aggregate far ahead of the others leaves a gap that check must report
    r = requests.get(status["api_url"] + "/nuevo", params={
        "dato": 80, "round": max(x["round"] for x in rows) + 50, "epoch": status["epoch"],
        "leader": "x", "count": 1, "cluster": rows[0]["cluster"]}, timeout=5)
    assert r.status_code == 200
    result = up.cli("check")
    assert result.returncode == 1
    assert "gap" in (result.stdout + result.stderr).lower() or "missing" in (result.stdout + result.stderr).lower()


def test_ensemble_survives_one_server_and_resumes_after_quorum_loss(start_up):
    up = start_up("-n", 3, "--zk-servers", 3, "--interval", INTERVAL, "--session-timeout", 4)
    status = up.wait_ready(3, timeout=90)
    assert len(status["zk_servers"]) == 3
    servers = wait_until(lambda: sorted(s["mode"] for s in up.status()["zk_servers"]) == ["follower", "follower", "leader"]
                         and up.status()["zk_servers"], 20, "one ZooKeeper leader, two followers")
    # the server the leading node's session talks to: the hardest one to lose
    via = wait_until(lambda: up.status()["leader_zk"], 20, "the leader's ZooKeeper server")
    leader_server = next(s["index"] for s in servers if s["address"] == via)

    def rounds():
        return len(stored_rounds(up.rows()))

    # one server down (the one the leading node is connected to): rounds go on
    assert up.cli("zk-kill", leader_server).returncode == 0
    wait_until(lambda: next(s for s in up.status()["zk_servers"] if s["index"] == leader_server)["mode"] == "down",
               10, "the server shown down")
    before = rounds()
    wait_until(lambda: rounds() >= before + 4, 40, "rounds with one server down")
    # a second server down: no quorum, so no leader acts
    other = next(i for i in (1, 2, 3) if i != leader_server)
    assert up.cli("zk-kill", other).returncode == 0

    def suspended():
        nodes = up.status()["nodes"]
        return all(n["connection"] in ("SUSPENDED", "LOST") for n in nodes)
    wait_until(suspended, 30, "every node SUSPENDED")
    survivor = next(i for i in (1, 2, 3) if i not in (leader_server, other))
    wait_until(lambda: next(s for s in up.status()["zk_servers"] if s["index"] == survivor)["mode"] == "no quorum",
               15, "the surviving server shown running without quorum, not down")
    stalled = rounds()
    # nothing is delivered while quorum is lost
    wait_until(lambda: all(n["connection"] == "SUSPENDED" for n in up.status()["nodes"]), 10, "still suspended")
    assert rounds() <= stalled + 1
    pids = {n["id"]: n["pid"] for n in up.status()["nodes"]}
    # a node started now waits for the quorum past its connect timeout (it used to give up after
    # 10 s, exit 2, and a chaos run that restarted it never settled)
    assert up.cli("start", "4").returncode == 0
    wait_until(lambda: "node 4 waits for ZooKeeper to answer" in up.output(), 30, "node 4 waiting for ZooKeeper")
    assert rounds() <= stalled + 1
    # quorum back: rounds resume, the outage is filled from the histories, no node restarted
    assert up.cli("zk-start", other).returncode == 0
    again = up.cli("zk-start", other)  # a second time: refused in one line, and not logged again
    assert again.returncode == 1 and again.stderr.startswith(f"clustersim: ZooKeeper server {other} is already running"), again.stderr
    wait_until(lambda: rounds() >= stalled + 6, 60, "rounds after quorum is back")
    # and they are real rounds: the leader sees every node's readings again
    back = max(r["round"] for r in stored_rounds(up.rows()))
    wait_until(lambda: [r for r in stored_rounds(up.rows()) if r["round"] > back and r["count"] == 4], 40,
               "live rounds with all four readings (node 4 joined once the quorum was back)")
    assert {n["id"]: n["pid"] for n in up.status()["nodes"] if n["id"] in pids} == pids
    check_passes(up)
    # against what the nodes really sampled: every round, the outage's too, whole
    GroundTruth.load(up.status()["truth_dir"]).assert_rows_match(stored_rounds(up.rows()))
    assert up.output().count(f"ZooKeeper server {other} starting") == 1, up.output()
