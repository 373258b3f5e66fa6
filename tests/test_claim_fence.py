"""A node's claim and the leader's store exclude each other through the watermark, against real
ZooKeeper: a claim sample is in its round's row or in no stored round, whatever the network
holds back (what `clustersim chaos --seed 11` found: a claim held by a short partition landed
after its round was stored without it, a short row not declared partial)."""

import threading
import time

import pytest

from cluster_sim.protocol import paths
from cluster_sim.base import zkclient
from cluster_sim.netfault import Relay
from cluster_sim.node import watermark
from cluster_sim.node.aggregate import Aggregate
from cluster_sim.node.cache import ReadingsCache
from cluster_sim.node.leader import Leadership
from cluster_sim.node.main import Node
from cluster_sim.node.publisher import Publisher
from cluster_sim.node.sensor import Sensor
from cluster_sim.node.settings import NodeSettings
from cluster_sim.node.stopping import Stop
from cluster_sim.node.term import Term, claim_epoch, cluster_id, ensure_layout
from cluster_sim.node.watermark import WatermarkMoved
from cluster_sim.protocol.rules import ClusterRules

from conftest import stored_rounds, wait_until
from ground_truth import GroundTruth
from test_cluster import up_args

I = 1.0


@pytest.fixture
def leader(zk_hosts):
    """A real leadership term on a real ZooKeeper, driven round by round by the test."""
    client = zkclient.connect(zk_hosts, session_timeout=10.0)
    ensure_layout(client)
    election = client.create(paths.ELECTION + "/lock-", b"1", ephemeral=True, sequence=True)
    epoch, version = claim_epoch(client)
    term = Term(client, election, epoch, version)
    leadership = Leadership(client, NodeSettings(node_id="1", interval=I, session_timeout=10.0), term,
                            cluster_id(client), report=lambda kind, **fields: None)
    leadership.cache = ReadingsCache(client).start(timeout=10)
    leadership.mark_version = watermark.read(client).version   # what a term reads first
    leadership._announce()
    yield leadership
    leadership.cache.stop()
    zkclient.close(client)


@pytest.fixture
def node_client(zk_hosts):
    client = zkclient.connect(zk_hosts, session_timeout=10.0)
    yield client
    zkclient.close(client)


def sampled(round_no, value=81.25):
    """A sensor with one sample in `round_no`."""
    sensor = Sensor("4", interval=I, history=10, sample=lambda: value, clock=lambda: round_no * I + 0.1)
    sensor.take()
    return sensor


def stored(client, round_no):
    data, _ = client.get(paths.outbox_entry(round_no))
    return Aggregate.from_bytes(data)


def test_a_store_computed_before_a_claim_landed_fails_and_the_round_counts_the_claim(leader, node_client):
    r = int(time.time() // I)
    view = leader.cache.view()           # the leader's view: node 4 is not a member yet
    assert view.fresh and "4" not in view.members
    Publisher(node_client, "4", sampled(r)).claim(watermark.read(node_client))   # lands now
    with pytest.raises(WatermarkMoved):
        leader._finalize(r, r, view, seeing_since=0.0)
    assert leader.client.exists(paths.outbox_entry(r)) is None        # nothing stored short
    # not fenced: the term goes on; it reads the cluster again and computes the round again
    assert not leader.term.over()
    leader._reread()
    fresh = wait_until(lambda: (lambda v: v if v.fresh and "4" in v.members else None)(leader.cache.view()),
                       10, "a fresh view with node 4")
    assert leader._finalize(r, r, fresh, seeing_since=0.0) == r + 1
    row = stored(leader.client, r)
    assert (row.count, row.nodes, row.mean, row.missing) == (1, ["4"], 81.25, [])


def test_a_claim_whose_round_was_stored_meanwhile_fails_and_writes_nothing(leader, node_client):
    r = int(time.time() // I)
    fence = watermark.read(node_client)  # the node reads the watermark, takes its sample...
    sensor = sampled(r)
    assert leader._finalize(r, r, leader.cache.view(), seeing_since=0.0) == r + 1   # ...r is stored
    assert stored(leader.client, r).count == 0
    with pytest.raises(WatermarkMoved):
        Publisher(node_client, "4", sensor).claim(fence)             # ...then its claim lands
    assert node_client.exists(paths.reading_path("4")) is None
    assert node_client.exists(paths.history_path("4")) is None
    # the leader's next store is not disturbed by the failed claim
    assert leader._finalize(r + 1, r + 1, leader.cache.view(), seeing_since=0.0) == r + 2


def test_a_claim_held_by_the_network_never_makes_a_short_row(start_up, zk_hosts, monkeypatch):
    """A node joins through a relay that holds exactly its claim (a partition far shorter than
    kazoo's read timeout) until the leader has stored the round of the claim's sample."""
    interval = 0.5
    up = start_up(*up_args(zk_hosts, 2)[:-4], "--interval", interval, "--session-timeout", 6)
    status = up.wait_ready(2)
    wait_until(lambda: len(stored_rounds(up.rows())) >= 2, 20, "two rounds stored")
    server, _, chroot = zk_hosts.partition("/")
    relay = Relay(server)
    watcher = zkclient.connect(zk_hosts, session_timeout=10.0)
    held = {}

    def heal_once_stored(round_no):
        # the claim is in the relay; the leader stores its sample's round without node 9
        wait_until(lambda: watermark.read(watcher).stored(round_no), 10, f"round {round_no} stored")
        held["stored_while_held"] = round_no
        relay.heal()

    real_claim = Publisher.claim

    def claim_held_by_the_network(publisher, fence=None):
        if not held:
            held["round"] = publisher.sensor.newest_round()
            relay.partition()
            threading.Thread(target=heal_once_stored, args=(held["round"],), daemon=True).start()
        return real_claim(publisher, fence)

    monkeypatch.setattr(Publisher, "claim", claim_held_by_the_network)
    # on the cluster's rules (a node on another grid is refused), through the relay
    settings = ClusterRules.from_json(status["rules"]).apply(
        NodeSettings(node_id="9", zk=f"{relay.address}/{chroot}", truth_dir=status["truth_dir"]))
    node = Node(settings)
    runner = threading.Thread(target=node.run, daemon=True)
    runner.start()
    try:
        wait_until(lambda: "stored_while_held" in held, 20, "the claim held across its round's store")
        wait_until(lambda: node.sensor is not None and node.publisher.published_seq > 0, 20, "node 9 joined")
        joined = max(r["round"] for r in stored_rounds(up.rows()))
        wait_until(lambda: max(r["round"] for r in stored_rounds(up.rows())) >= joined + 4, 20, "four more rounds")
        rows = stored_rounds(up.rows())
        r = held["round"]
        truth = GroundTruth.load(status["truth_dir"])
        # the held sample is in its round's row or in no stored round (it was never published)
        row = next(x for x in rows if x["round"] == r)
        assert "9" not in (row.get("missing") or ""), row
        truth.assert_rows_match(rows)
        check = up.cli("check")
        assert check.returncode == 0, check.stdout[-3000:]
        counted = [x for x in rows if "9" in truth.values(x["round"])]
        assert len(counted) >= 3, rows                                      # node 9 counts from then on
    finally:
        node.stop(Stop.STOP)
        runner.join(15)
        zkclient.close(watcher)
        relay.close()
