"""Network faults against real ZooKeeper and a real API: a kazoo client and an
HTTP client behind a node's relays (NetFaults), as a node started by `up` is."""

import threading
import time

import pytest
import requests
from kazoo.protocol.states import KazooState

from cluster_sim.base import zkclient
from conftest import wait_until


@pytest.fixture
def netfaults(zk_hosts, api):
    from cluster_sim.netfault import NetFaults

    faults = NetFaults(zk=zk_hosts, api_url=api)
    yield faults
    faults.close()


class Watched:
    """A kazoo client through the relays, with every state it went through."""

    def __init__(self, hosts, session_timeout=2.0):
        self.states = []
        self.client = zkclient.make_client(hosts, session_timeout=session_timeout)
        self.client.add_listener(self.states.append)
        self.client.start(timeout=10)

    @property
    def session(self):
        return self.client.client_id[0]

    def close(self):
        zkclient.close(self.client)


@pytest.fixture
def relayed(netfaults, zk_client):
    # zk_client (direct) has created the chroot; the relayed client shares it
    watched = Watched(netfaults.add("1").zk)
    yield watched
    watched.close()


def test_a_client_through_the_relays_works_normally(relayed, zk_client, netfaults):
    assert netfaults.routes("1").zk != zk_client.hosts  # it does go through the relay
    relayed.client.create("/reading", b"80.5", ephemeral=True)
    assert zk_client.get("/reading")[0] == b"80.5"
    assert zkclient.connected_server(relayed.client) in netfaults.routes("1").zk
    stats = netfaults.stats("1")["zk"][0]
    assert stats.open == 1 and stats.bytes_up > 0 and stats.bytes_down > 0


def test_partition_expires_the_session_the_node_cannot_know_and_heal_brings_a_new_one(
        relayed, zk_client, netfaults):
    relayed.client.create("/app1", b"x", ephemeral=True)
    old_session = relayed.session
    netfaults.partition("1")
    wait_until(lambda: KazooState.SUSPENDED in relayed.states, 10, "the relayed client SUSPENDED")
    # held past the session timeout: ZooKeeper expires the session and its ephemeral znode goes
    wait_until(lambda: zk_client.exists("/app1") is None, 15, "the ephemeral znode to disappear")
    # ... and the partitioned client cannot know: it only sees a server that does not answer
    assert relayed.client.state == KazooState.SUSPENDED
    assert KazooState.LOST not in relayed.states
    netfaults.heal("1")
    wait_until(lambda: relayed.client.connected and relayed.session != old_session, 20,
               "a new session after the heal")
    assert KazooState.LOST in relayed.states  # told its old session is gone
    relayed.client.create("/app1", b"y", ephemeral=True)
    assert zk_client.get("/app1")[0] == b"y"


def test_partition_from_the_api_only_keeps_zookeeper(relayed, netfaults):
    netfaults.partition("1", target="api")
    relayed.client.create("/still-here", b"")
    assert relayed.client.exists("/still-here") is not None
    assert KazooState.SUSPENDED not in relayed.states


def test_slow_link_operations_succeed_and_take_the_latency(netfaults, zk_client):
    # kazoo pings after a third of the session timeout (less up to 0.4 s) of silence and drops
    # the connection when the answer takes as long again: a 600 ms round trip needs a session
    # of several seconds (`up`'s default is 4 s; the tests' shared server grants up to 60 s)
    relayed = Watched(netfaults.add("1").zk, session_timeout=6.0)
    try:
        relayed.client.create("/slow", b"0")
        netfaults.slow("1", 300)
        start = time.monotonic()
        relayed.client.set("/slow", b"1")
        assert relayed.client.get("/slow")[0] == b"1"
        assert time.monotonic() - start >= 0.3   # a lower bound: a behaviour, not a benchmark
        netfaults.heal("1")
        relayed.client.set("/slow", b"2")
        assert KazooState.SUSPENDED not in relayed.states
    finally:
        relayed.close()


def test_an_http_request_during_a_partition_hangs_until_the_heal(netfaults):
    url = netfaults.add("1").api_url
    assert requests.get(url + "/health", timeout=5).status_code == 200
    netfaults.partition("1", target="api")
    # it hangs: a timeout, not a refusal (that would be a ConnectionError)
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(url + "/health", timeout=0.5)
    answers = []
    waiting = threading.Thread(target=lambda: answers.append(requests.get(url + "/health", timeout=30)))
    waiting.start()
    wait_until(lambda: netfaults.stats("1")["api"][0].pending >= 1, 10, "the request to hang in the relay")
    assert not answers
    netfaults.heal("1")
    waiting.join(30)
    assert answers and answers[0].status_code == 200
