"""The herd recipe (`--recipe herd`, for teaching) and what a failover costs ZooKeeper (real
ZooKeeper): the recipe is a cluster rule, its candidates race for one leader znode with the same
fencing, every screen marks it, and each failover's cost is measured from the server's mntr."""

import json
import subprocess
import sys
import threading

import pytest
from kazoo.exceptions import NoNodeError

from cluster_sim.adapters.zk_cost import failover_cost, mntr_counters
from cluster_sim.base import zkclient
from cluster_sim.node.herd import HERD_NAME, HerdElection
from cluster_sim.protocol import paths
from cluster_sim.protocol.rules import ClusterRules, RulesError
from cluster_sim.protocol.rules_znode import refusal

from conftest import stored_rounds, wait_until
from test_cluster import up_args
from test_rules import one_line, rules


# -- the rule ---------------------------------------------------------------------
def test_the_recipe_is_a_rule_of_the_cluster_election_unless_told():
    assert rules().recipe == "election" and not rules().teaching
    assert rules(recipe="herd").teaching
    # rules an older clustersim wrote (no recipe) read as kazoo's Election
    older = {k: v for k, v in rules().to_json().items() if k != "recipe"}
    assert ClusterRules.from_json(older).recipe == "election"
    assert ClusterRules.from_bytes(rules(recipe="herd").to_bytes()).recipe == "herd"
    with pytest.raises(RulesError, match="the cluster's recipe 'stampede' is not one this clustersim knows"):
        ClusterRules.from_json(dict(rules().to_json(), recipe="stampede"))
    found = rules().contradictions({"recipe": "herd"})
    assert refusal(found[0]) == "--recipe herd contradicts the cluster's recipe election; leave it out: the cluster sets it"
    assert rules(recipe="herd").contradictions({"recipe": "herd"}) == []


# -- the recipe itself, on a real server ------------------------------------------
def test_herd_candidates_race_for_one_leader_znode_and_a_gone_term_fails_its_check(zk_hosts, zk_client):
    other = zkclient.connect(zk_hosts, session_timeout=10.0, connect_timeout=10.0)
    woken = []
    first = HerdElection(zk_client, paths.ELECTION, paths.HERD_LEADER, "1")
    second = HerdElection(other, paths.ELECTION, paths.HERD_LEADER, "2", on_woken=lambda: woken.append("2"))
    leading = {"1": threading.Event(), "2": threading.Event()}
    release = {"1": threading.Event(), "2": threading.Event()}

    def lead(node):
        leading[node].set()
        release[node].wait(30)

    threads = [threading.Thread(target=first.run, args=(lead, "1"), daemon=True)]
    threads[0].start()
    try:
        wait_until(leading["1"].is_set, 10, "the first candidate leading")
        threads.append(threading.Thread(target=second.run, args=(lead, "2"), daemon=True))
        threads[1].start()
        wait_until(lambda: second.node is not None and other.exists(f"{paths.ELECTION}/{second.node}"), 10,
                   "the second candidate's znode")
        # both are candidates in /election (named so that kazoo's Election ignores them); the one
        # leader znode names the winner and its candidate znode
        children = zk_client.get_children(paths.ELECTION)
        assert {first.node, second.node} <= set(children) and all(HERD_NAME in c for c in (first.node, second.node))
        data, _ = zk_client.get(paths.HERD_LEADER)
        assert json.loads(data) == {"id": "1", "candidate": first.node}
        assert not leading["2"].is_set() and woken == []
        old_term = f"{paths.ELECTION}/{first.node}"

        release["1"].set()                          # the term ends: the leader znode goes, the herd is woken
        wait_until(leading["2"].is_set, 10, "the second candidate leading")
        assert woken == ["2"]
        data, _ = other.get(paths.HERD_LEADER)
        assert json.loads(data)["id"] == "2"
        # the fence: the leader znode has the same path in every term, the term's own znode does not;
        # a write of the old term (its candidate znode gone) fails its check
        txn = other.transaction()
        txn.check(old_term, 0)
        assert isinstance(txn.commit()[0], NoNodeError)
        txn = other.transaction()
        txn.check(f"{paths.ELECTION}/{second.node}", 0)
        assert txn.commit() == [True]
    finally:
        for event in release.values():
            event.set()
        first.cancel()
        second.cancel()
        for thread in threads:
            thread.join(10)
        zkclient.close(other)
    assert not any(t.is_alive() for t in threads)


def test_a_cancelled_candidate_stops_waiting_without_leading(zk_hosts, zk_client):
    zk_client.create(paths.HERD_LEADER, b'{"id": "x"}', ephemeral=True, makepath=True)   # someone leads
    election = HerdElection(zk_client, paths.ELECTION, paths.HERD_LEADER, "5")
    led = []
    thread = threading.Thread(target=election.run, args=(lambda: led.append(1),), daemon=True)
    thread.start()
    wait_until(lambda: election.node is not None, 10, "the candidate's znode")
    election.cancel()
    thread.join(10)
    assert not thread.is_alive() and led == []


# -- a cluster under each recipe: a kill of the leader and what it cost -----------
@pytest.mark.parametrize("recipe", ["election", "herd"])
def test_a_failovers_cost_under_each_recipe(start_up, zk_hosts, recipe):
    up = start_up(*up_args(zk_hosts, 4, "--recipe", recipe))
    status = up.wait_ready(4)
    assert status["recipe"] == recipe and status["rules"]["recipe"] == recipe
    assert status["recipe_teaching"] is (recipe == "herd")
    text = up.cli("status").stdout
    assert ("herd: FOR TEACHING" in text) is (recipe == "herd")
    assert bool(up.events("recipe_for_teaching")) is (recipe == "herd")
    host, _, port = zk_hosts.split("/")[0].rpartition(":")
    assert mntr_counters(host, int(port)) is not None          # the test server whitelists mntr

    def queued():
        s = up.status()
        seats = [n for n in s["nodes"] if n["election"]["position"] is not None]
        return s if len(seats) == 4 and s["leader"] else None
    status = wait_until(queued, 20, "all four in the election")
    leader = status["leader"]
    watches = {n["id"]: n["election"]["watches"] for n in status["nodes"]}
    if recipe == "herd":      # every candidate watches the one leader znode: the leader's
        assert watches == {n: (None if n == leader else leader) for n in watches}
    else:                     # each watches its predecessor: exactly one watches the leader
        assert list(watches.values()).count(leader) == 1

    # a few rounds first: the cost is compared with the same moment of an earlier round (its baseline)
    wait_until(lambda: len(stored_rounds(up.rows())) >= 4, 30, "a few rounds stored before the kill")
    assert up.cli("kill", leader).returncode == 0

    def its_cost():   # the kill's failover (status carries the last one measured: not a hand-over before it)
        cost = failover_cost(up.status())
        return cost if cost is not None and cost.after == leader else None
    cost = wait_until(its_cost, 30, "the kill's failover cost in status --json")
    new = up.leader()
    assert (cost.after, cost.node, cost.recipe, cost.source) == (leader, new, recipe, "mntr")
    if recipe == "herd":
        assert cost.woken >= 3                 # every remaining candidate was woken
        takes = up.events("takes_over", node=new)[-1]     # (the kill's: its newest)
        assert takes.recipe == "herd" and takes.racers == 3
    else:
        assert 1 <= cost.woken <= 2            # its successor (and one more if a predecessor went too)
    assert cost.notifications >= cost.woken and cost.requests > 0
    assert cost.window_s >= 1.0 and cost.baseline_per_s is not None and cost.latency_avg_ms is not None
    assert cost.leader_ms is not None and cost.latency_max_ms is not None
    [logged] = up.events("failover_cost", after=leader)
    assert (logged.woken, logged.requests) == (cost.woken, cost.requests)
    wait_until(lambda: "cost ZooKeeper" in up.output(), 10, "the cost in the event log")

    if recipe == "election":
        # a member that contradicts the cluster's recipe is refused in one line naming the cluster's
        result = subprocess.run([sys.executable, "-m", "cluster_sim", "node", "--zk", zk_hosts, "--recipe", "herd"],
                                capture_output=True, text=True, timeout=30)
        assert result.returncode == 2
        assert one_line(result) == ("clustersim: --recipe herd contradicts the cluster's recipe election; "
                                    "leave it out: the cluster sets it")


# -- every screen marks the herd, and shows the last failover's cost (pure) --------
COST = {"ts": 1.0, "node": "3", "after": "1", "recipe": "herd", "leader_ms": 12, "woken": 4, "notifications": 41,
        "requests": 130, "window_s": 1.5, "baseline_per_s": 60.2, "notifications_baseline_per_s": 20.0,
        "latency_avg_ms": 0.4, "latency_max_ms": 9.0, "source": "mntr"}


@pytest.mark.parametrize("recipe", ["election", "herd"])
def test_every_screen_marks_the_herd_for_teaching_and_shows_the_cost(recipe):
    from cluster_sim.engine.events import RecipeForTeaching
    from cluster_sim.node.screen import NodeScreen, render as node_render
    from cluster_sim.presentation.status_view import status_text
    from cluster_sim.presentation.view import render
    from cluster_sim.presentation.wording import describe
    from test_view import NOW, cluster, text_of

    state = cluster(rules=dict(rules(recipe=recipe).to_json()), failover_cost=COST,
                    queue=(("2", 1), ("1", 2), ("3", 3)))
    herd = recipe == "herd"
    live = text_of(render(state, NOW), width=200)
    assert ("RECIPE herd: FOR TEACHING" in live) is herd
    assert "1 → 3: 41 watch notifications (before 20/s), 130 requests in 1.5 s (before 60.2/s), 4 woken" in live
    # the queue column: under the herd every candidate watches the leader's znode, else its predecessor
    assert ("#0003 ← 2" if herd else "#0003 ← 1") in live and "#0002 ← 2" in live
    data = state.to_json(NOW)
    assert (data["recipe"], data["recipe_teaching"], data["failover_cost"]) == (recipe, herd, COST)
    assert failover_cost(data).requests == 130
    plain = status_text(data)
    assert ("herd: FOR TEACHING (every candidate watches the one leader znode" in plain) is herd
    assert "Failover" in plain and "130 requests in 1.5 s" in plain
    assert "RECETA manada: PARA ENSEÑAR" in text_of(render(cluster(rules=rules(recipe="herd").to_json(), lang="es"),
                                                           NOW), width=200)
    student = text_of(node_render(NodeScreen(node="4", connected=True, recipe=recipe)))
    assert ("herd: FOR TEACHING" in student) is herd
    assert describe(RecipeForTeaching(NOW), "en").startswith("--recipe herd, FOR TEACHING")


def test_rules_with_a_recipe_are_a_format_an_older_clustersim_refuses():
    assert rules().to_json()["format"] == 1                     # election: as before recipes
    herd = rules(recipe="herd").to_json()
    assert herd["format"] == 2 and ClusterRules.from_json(herd).recipe == "herd"
    with pytest.raises(RulesError, match="in format 3"):
        ClusterRules.from_json(dict(herd, format=3))


def test_the_web_page_marks_the_herd_and_shows_the_last_failovers_cost():
    from cluster_sim.web import WebView
    from test_web_browser import by_id, dom_wait, log_text
    from web_support import headless_browser, page_errors

    state = {"name": "t", "leader": "3", "epoch": 2, "zk_connected": True, "api_ok": True,
             "recipe": "herd", "recipe_teaching": True,
             "nodes": [{"id": "3", "state": "running", "role": "LEADER", "value": 20.0, "age_s": 0.1}]}
    view = WebView("127.0.0.1", 0, snapshot=lambda: state, lang="es").start()
    try:
        with headless_browser() as browser:
            view.publish({"kind": "recipe_for_teaching", "ts": 1.0, "recipe": "herd",
                          "text": "--recipe herd, PARA ENSEÑAR"})
            browser.get(view.url)
            dom_wait(browser, lambda d: by_id(d, "recipe").is_displayed(), 10, "the herd's badge")
            assert by_id(browser, "recipe").text == "RECETA manada: PARA ENSEÑAR"
            assert not by_id(browser, "cost-box").is_displayed()           # no failover yet
            view.publish(dict(COST, kind="failover_cost", text="el relevo 1 → 3"))
            dom_wait(browser, lambda d: by_id(d, "cost-box").is_displayed(), 10, "the failover's cost")
            assert by_id(browser, "cost").text.startswith(
                "1 → 3: 41 notificaciones de watch (antes 20/s), 130 peticiones en 1,5 s (antes 60,2/s), 4 despertados")
            assert "el relevo 1 → 3" in log_text(browser)
            assert not page_errors(browser), page_errors(browser)
    finally:
        view.close()


def test_a_failovers_window_and_its_baseline_from_the_ring_of_mntr_samples():
    """Pure: the window runs from a poll before the leader left to a second after; the baseline is
    the same moment of an earlier round, so the nodes' publishes on the round's grid do not count."""
    from cluster_sim.adapters.zk_cost import Counters, _Failover, measure

    def counters(t):
        publishes = sum(1 for k in range(10) if k * 5 + 0.25 <= t)          # each: 400 notifications
        herd = t >= 12.5                                                    # the failover's burst
        return Counters(received=int(100 * t) + (200 if herd else 0),
                        notifications=400 * publishes + (99 if herd else 0),
                        latency_sum=2.0 * int(100 * t), latency_count=int(100 * t), latency_p999=9.0)

    ring = [(t / 4, {"zk:2181": counters(t / 4)}) for t in range(0, 81)]
    cost = measure(ring, [12.51] * 99 + [3.0], _Failover("3", "1", 12.5, 40), "herd", 0.25, interval=5.0)
    assert (cost.node, cost.after, cost.recipe, cost.source, cost.leader_ms) == ("3", "1", "herd", "mntr", 40)
    assert cost.window_s == 1.25 and cost.requests == 125 + 200 and cost.notifications == 99 and cost.woken == 99
    assert cost.baseline_per_s == 100.0 and cost.notifications_baseline_per_s == 0.0
    assert cost.latency_avg_ms == 2.0 and cost.latency_max_ms == 9.0
    # no sample from the servers (mntr not whitelisted): the nodes' count alone
    empty = [(t, {}) for t, _ in ring]
    alone = measure(empty, [12.51] * 4, _Failover("3", "1", 12.5, 40), "herd", 0.25, interval=5.0)
    assert (alone.source, alone.woken, alone.notifications, alone.requests) == ("nodes", 4, None, None)


def test_a_failover_is_anchored_where_the_leader_left_not_where_the_next_was_elected():
    from cluster_sim.adapters.zk_cost import _left_at
    from cluster_sim.engine.events import LeaderElected

    def elected(ms, how="left"):
        return LeaderElected(20.5, "3", elected_at=20.0, failover_ms=ms, after="1", how=how)
    assert _left_at(elected(900), None) == pytest.approx(19.1)   # a loaded machine: elected 0.9 s after
    assert _left_at(elected(2900), None) == pytest.approx(17.1)  # 1,000 herd candidates: 2.9 s
    assert _left_at(elected(6000, "crashed"), None) == 18.0       # a hard kill: its session expired just before
    assert _left_at(elected(300), 19.5) == 19.5                   # its leader znode was seen gone earlier
    assert _left_at(elected(None), None) == 20.0
