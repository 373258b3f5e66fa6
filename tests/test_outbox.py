"""Nothing lost when the API is down: the outbox in ZooKeeper, adopted by the next leader."""

import re

from conftest import SESSION_TIMEOUT, dump, stored_rounds, wait_until
from test_cluster import up_args


def test_api_outage_and_a_leader_crash_lose_nothing(start_up, zk_hosts):
    up = start_up(*up_args(zk_hosts, 3, "--retry-max", 0.5))
    first = up.wait_ready(3)["leader"]
    wait_until(lambda: len(stored_rounds(up.rows())) >= 2, 15, "some rounds")
    assert up.cli("api-stop").returncode == 0
    wait_until(lambda: up.status()["outbox"]["depth"] >= 3, 20, "rounds waiting in the outbox")
    wait_until(lambda: up.events("api_down"), 10, "the outage event")
    down = up.events("api_down")[0]
    assert down.node == first and down.url == up.status()["api_url"]
    assert re.search(rf"leader {first} cannot reach the API at {re.escape(down.url)} since \d\d:\d\d:\d\d "
                     r"\(.+\); rounds wait in its outbox", up.output())
    # the leader dies during the outage, its outbox stays in ZooKeeper
    assert up.cli("kill", first, "--hard").returncode == 0
    wait_until(lambda: up.status()["leader"] not in (None, first), SESSION_TIMEOUT + 15, "a new leader")
    wait_until(lambda: up.status()["outbox"]["depth"] >= 6, 20, "the new leader's rounds in the outbox")
    assert up.cli("api-start").returncode == 0
    wait_until(lambda: up.status()["outbox"]["depth"] == 0, 30, "the outbox drained")
    back = wait_until(lambda: up.events("api_back"), 10, "the recovery event")[-1]
    assert back.delivered >= 6 and f"API back: {back.delivered} rounds delivered" in up.output()
    rows = stored_rounds(up.rows())
    numbers = [r["round"] for r in rows]
    assert numbers == sorted(numbers), "stored out of order"
    assert numbers == list(range(numbers[0], numbers[-1] + 1)), numbers
    assert len(set(numbers)) == len(numbers)
    assert up.cli("check").returncode == 0


def test_a_full_outbox_drops_the_oldest_with_a_warning(start_up, zk_hosts):
    up = start_up(*up_args(zk_hosts, 2, "--retry-max", 0.5, "--outbox-max", 3))
    up.wait_ready(2)
    wait_until(lambda: len(stored_rounds(up.rows())) >= 1, 15, "a round")
    assert up.cli("api-stop").returncode == 0
    wait_until(lambda: up.status()["outbox"]["dropped"] >= 2, 20, "dropped rounds")
    dropped = wait_until(lambda: up.events("outbox_dropped"), 10, "the drop event")
    assert sum(len(e.rounds) for e in dropped) >= 2 and dropped[-1].total >= 2
    assert "outbox full (3): dropped round" in up.output()
    assert up.status()["outbox"]["depth"] <= 3
    assert up.cli("api-start").returncode == 0
    wait_until(lambda: up.status()["outbox"]["depth"] == 0, 30, "the outbox drained")
    rows = stored_rounds(up.rows())
    numbers = [r["round"] for r in rows]
    # after the drop, every round arrives: the gap is exactly the dropped ones
    gaps = [b - a for a, b in zip(numbers, numbers[1:]) if b - a > 1]
    assert len(gaps) == 1, dump(numbers)
    last_rounds = numbers[numbers.index(next(b for a, b in zip(numbers, numbers[1:]) if b - a > 1)):]
    assert last_rounds == list(range(last_rounds[0], last_rounds[-1] + 1))
