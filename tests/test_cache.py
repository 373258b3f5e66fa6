"""The leader's readings cache against real ZooKeeper: it must agree with a direct read."""

from cluster_sim.protocol import paths
from cluster_sim.node.cache import ReadingsCache
from cluster_sim.node.readings import Reading, encode, read_all

from conftest import wait_until


def _reading(value, ts=1000.0):
    return encode(Reading(value=value, ts=ts, seq=1, history=[(1, ts, value)]))


def test_cache_follows_creates_changes_deletes_and_garbage(zk_client):
    zk_client.ensure_path(paths.READINGS)
    zk_client.create(paths.reading_path("1"), _reading(80.0), ephemeral=True)
    cache = ReadingsCache(zk_client).start(timeout=10)
    try:
        assert cache.loaded
        assert cache.snapshot()[0]["1"].value == 80.0
        zk_client.create(paths.reading_path("2"), b"77.5", ephemeral=True)      # an original node
        zk_client.set(paths.reading_path("1"), _reading(81.0))
        zk_client.create(paths.reading_path("3"), b"\xff\xfe garbage", ephemeral=True)
        wait_until(lambda: cache.snapshot() == read_all(zk_client) and "3" in cache.snapshot()[1], 10,
                   "the cache to agree with a direct read")
        readings, bad = cache.snapshot()
        assert readings["1"].value == 81.0 and readings["2"].bare and readings["2"].value == 77.5
        assert "3" in bad and "3" not in readings
        zk_client.delete(paths.reading_path("1"))
        zk_client.set(paths.reading_path("3"), b"79")
        wait_until(lambda: "1" not in cache.snapshot()[0] and "3" in cache.snapshot()[0], 10,
                   "a deleted reading gone and a repaired one back")
        assert cache.snapshot()[1] == {}
    finally:
        cache.stop()
