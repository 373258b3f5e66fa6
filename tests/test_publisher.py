"""The publisher against real ZooKeeper: a node's history always carries the session of
the member znode written with it, even when the session changes in the middle of a write
(what the chaos run found: a leader takes a history stamped by another session for a
node of the original design, and counts its bare value instead of its samples)."""

import threading

from kazoo.client import KazooClient

from cluster_sim.protocol import paths
from cluster_sim.base import zkclient
from cluster_sim.node import readings
from cluster_sim.node.publisher import Publisher
from cluster_sim.node.sensor import Sensor

from conftest import wait_until


def expire(client, hosts):
    """End the client's session from outside, the way ZooKeeper ends it after a partition:
    a second client takes the session over and closes it. kazoo then opens a new one."""
    session_id, password = client.client_id
    twin = KazooClient(hosts=hosts, client_id=(session_id, password), timeout=10.0)
    twin.start(timeout=10)
    twin.stop()
    twin.close()
    return session_id


def member_and_history(client, node_id):
    owner = client.exists(paths.reading_path(node_id)).ephemeralOwner
    history = readings.decode(client.get(paths.history_path(node_id))[0])
    return owner, history


class SessionEndsWhileStamping(Sensor):
    """A sensor whose first `latest()` (the publisher building its payload) lasts until the
    client's session has expired and a new one is up: the write then commits under another
    session than the one it read before building the payload."""

    def __init__(self, client, hosts):
        super().__init__("5", interval=1.0, history=10)
        self.client, self.hosts = client, hosts
        self.expired = None
        self._once = threading.Lock()

    def latest(self):
        if self._once.acquire(blocking=False):
            self.expired = expire(self.client, self.hosts)
            wait_until(lambda: self.client.connected and self.client.client_id[0] != self.expired, 20,
                       "a new session")
        return super().latest()


def test_a_claim_stamps_the_history_with_the_session_that_owns_the_member(zk_hosts):
    client = zkclient.connect(zk_hosts, session_timeout=4.0)
    try:
        client.ensure_path(paths.READINGS)
        client.ensure_path(paths.HISTORY)
        sensor = Sensor("4", interval=1.0, history=10)
        sensor.take()
        Publisher(client, "4", sensor).claim()
        owner, history = member_and_history(client, "4")
        assert owner == client.client_id[0] and history.session == owner
        assert history.history == sensor.latest()[1]
    finally:
        zkclient.close(client)


def test_a_session_that_changes_between_stamping_and_committing_is_stamped_again(zk_hosts):
    client = zkclient.connect(zk_hosts, session_timeout=4.0)
    try:
        client.ensure_path(paths.READINGS)
        client.ensure_path(paths.HISTORY)
        sensor = SessionEndsWhileStamping(client, zk_hosts)
        sensor.take()
        publisher = Publisher(client, "5", sensor)
        publisher.claim()
        owner, history = member_and_history(client, "5")
        assert sensor.expired is not None and owner != sensor.expired   # the member is the new session's
        assert history.session == owner, (hex(history.session), hex(owner))
        assert publisher.published_seq == sensor.seq
    finally:
        zkclient.close(client)


def test_a_history_holds_every_sample_the_cluster_has_not_stored_within_its_byte_bound(zk_hosts):
    # after an outage longer than its window, a node publishes every sample of a round not
    # stored yet (none of a stored one: published late, it would make a short row), and never
    # more than the hard byte bound, the newest samples kept
    from itertools import count

    from cluster_sim.node import watermark
    from cluster_sim.node.readings import round_of
    from cluster_sim.node.settings import HISTORY_MAX_BYTES
    from cluster_sim.node.term import ensure_layout

    client = zkclient.connect(zk_hosts, session_timeout=4.0)
    try:
        ensure_layout(client)
        ticks = count(1000)
        sensor = Sensor("6", interval=1.0, history=5, cap=20000, clock=lambda: next(ticks) + 0.1)
        for _ in range(40):
            sensor.take()                                    # rounds 1000..1039, 8 windows' worth
        client.set(paths.LAST_ROUND, watermark.encode(1019, 1, 0))
        publisher = Publisher(client, "6", sensor)
        publisher.claim()
        _, history = member_and_history(client, "6")
        assert [round_of(ts, 1.0) for _, ts, _ in history.history] == list(range(1020, 1040))
        for _ in range(HISTORY_MAX_BYTES // 20):
            sensor.take()                                    # far more than the znode may hold
        publisher.publish()
        data, _ = client.get(paths.history_path("6"))
        published = readings.decode(data).history
        assert len(data) <= HISTORY_MAX_BYTES and len(published) > 1000
        assert published == sensor.latest()[1][-len(published):]       # the newest, in order
    finally:
        zkclient.close(client)
