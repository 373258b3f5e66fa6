"""The leader's readings cache against real ZooKeeper: it must agree with a direct read."""

from cluster_sim.base import zkclient
from cluster_sim.netfault import Relay
from cluster_sim.protocol import paths
from cluster_sim.node.cache import ReadingsCache
from cluster_sim.node.readings import Reading, encode, encode_bare, read_all

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


def _writer(zk_hosts):
    """A session that writes as nodes do, with the cluster's folders made."""
    writer = zkclient.connect(zk_hosts, session_timeout=10.0, connect_timeout=10.0)
    for path in (paths.READINGS, paths.HISTORY):
        writer.ensure_path(path)
    return writer


def _publish(writer, node_id, value, create=False, samples=None):
    """What a clustersim node writes: its bare value and its history (stamped with its
    session; `samples`, else the one sample of `value`), in one transaction."""
    ts = 1000.0 + value
    history = encode(Reading(value=value, ts=ts, seq=int(value), history=samples or [(int(value), ts, value)],
                             session=writer.client_id[0]))
    txn = writer.transaction()
    if create:
        txn.create(paths.history_path(node_id), history)
        txn.create(paths.reading_path(node_id), encode_bare(value), ephemeral=True)
    else:
        txn.set_data(paths.reading_path(node_id), encode_bare(value))
        txn.set_data(paths.history_path(node_id), history)
    results = txn.commit()
    assert not [r for r in results if isinstance(r, Exception)], results


class _UpdatesDuringTheLoad(ReadingsCache):
    """The cache, with a cluster that changes while it loads: the writes land (committed,
    from other sessions) after the load listed the folders and its read of every znode
    answered, before the cache took that answer in. The load's own read cannot have
    seen them: only watches set by the load itself can tell the cache."""

    def __init__(self, client, land):
        super().__init__(client)
        self.land = land
        self.landed = 0

    def _batch_answered(self, *args):
        if not self.landed:
            self.land()
        self.landed += 1
        super()._batch_answered(*args)


def test_an_update_that_lands_during_the_first_load_is_not_lost(zk_client, zk_hosts):
    writer = _writer(zk_hosts)
    leaver = zkclient.connect(zk_hosts, session_timeout=10.0, connect_timeout=10.0)
    cache = None
    try:
        for i in range(1, 21):
            _publish(writer, str(i), 50.0 + i, create=True)
        _publish(leaver, "30", 70.0, create=True)

        def land():
            _publish(writer, "1", 99.5)                # a new sample of a node already read
            _publish(writer, "2", 98.5)
            _publish(writer, "21", 97.5, create=True)  # a node that joins
            zkclient.close(leaver)                     # one that leaves (its ephemeral znode goes)

        cache = _UpdatesDuringTheLoad(zk_client, land).start(timeout=10)
        assert cache.landed, "the load read nothing: the writes did not land during it"
        expected = read_all(zk_client)
        assert expected[0]["1"].value == 99.5 and "21" in expected[0] and "30" not in expected[0]
        wait_until(lambda: cache.view().fresh and not cache.view().pending and cache.snapshot() == expected, 10,
                   "the cache to hold every update made during its load")
        readings, _ = cache.snapshot()
        assert (readings["1"].value, readings["2"].value, readings["21"].value) == (99.5, 98.5, 97.5)
        assert "30" not in readings and len(readings) == 21
    finally:
        if cache is not None:
            cache.stop()
        zkclient.close(writer)
        zkclient.close(leaver)


def test_a_burst_of_changes_is_read_whole_and_nothing_stays_pending(zk_client, zk_hosts):
    """Many nodes publishing at once (the watches fire while the cache's re-reads of the
    previous changes are in flight): the cache ends with every node's newest sample."""
    writer = _writer(zk_hosts)
    cache = None
    try:
        for i in range(1, 61):
            _publish(writer, str(i), 10.0 + i, create=True)
        cache = ReadingsCache(zk_client).start(timeout=10)
        for burst in range(1, 4):
            results = [writer.transaction() for _ in range(3)]
            for i in range(1, 61):
                txn = results[i % 3]
                value = 100.0 * burst + i
                ts = 1000.0 + value
                txn.set_data(paths.reading_path(str(i)), encode_bare(value))
                txn.set_data(paths.history_path(str(i)), encode(Reading(
                    value=value, ts=ts, seq=int(value), history=[(int(value), ts, value)],
                    session=writer.client_id[0])))
            for txn in [t.commit_async() for t in results]:
                assert not [r for r in txn.get(timeout=10) if isinstance(r, Exception)]
        expected = read_all(zk_client)
        assert {node_id: r.value for node_id, r in expected[0].items()} == {str(i): 300.0 + i for i in range(1, 61)}
        wait_until(lambda: not cache.view().pending and cache.snapshot() == expected, 10,
                   "the cache to hold every node's last sample")
        assert cache._stored_seq == {}   # the reads' numbers let go with the last read in flight
    finally:
        if cache is not None:
            cache.stop()
        zkclient.close(writer)


def test_a_cache_told_the_rounds_it_needs_holds_only_their_samples(zk_client, zk_hosts):
    """A leader past round r tells its cache so (keep_since): the histories it holds start at
    the newest sample before then, and a round it still asks about reads as from the whole."""
    writer = _writer(zk_hosts)
    cache = None
    try:
        cache = ReadingsCache(zk_client).start(timeout=10)
        history = [(k, 1000.0 + k, float(k)) for k in range(1, 21)]
        _publish(writer, "7", 20.0, create=True, samples=history)
        wait_until(lambda: len(cache.view().histories.get("7", Reading(0, 0)).history) == 20, 10,
                   "the whole history while nobody said otherwise")
        cache.keep_since = 1017.5
        _publish(writer, "7", 21.0, samples=history + [(21, 1021.0, 21.0)])
        wait_until(lambda: cache.view().histories["7"].seq == 21, 10, "the new history")
        kept = cache.view().histories["7"]
        assert [s for s, _, _ in kept.history] == [17, 18, 19, 20, 21]
        assert cache.view().reading("7").value_in_round(1018, 1.0) == 18.0
    finally:
        if cache is not None:
            cache.stop()
        zkclient.close(writer)


def test_a_member_its_history_speaks_for_is_not_watched_until_another_session_writes_the_history(
        zk_client, zk_hosts):
    """A clustersim node writes its bare value and its history in one transaction: the cache
    neither reads the value again nor keeps a watch on it (at 1,000 members that halves a
    round's reads and kazoo's table of watches). The day another session writes the history
    (a second process on the id, an old history left behind), the member's own znode counts
    again: it is read and watched anew, and its next bare value is what the cache shows."""
    writer, stranger = _writer(zk_hosts), zkclient.connect(zk_hosts, session_timeout=10.0, connect_timeout=10.0)
    cache = None
    member_znode, history_znode = paths.reading_path("5"), paths.history_path("5")

    def watched(path):   # kazoo's own table of data watches, filed under the full path
        return (zk_client.chroot or "") + path in zk_client._data_watchers
    try:
        _publish(writer, "5", 50.0, create=True)
        cache = ReadingsCache(zk_client).start(timeout=10)
        _publish(writer, "5", 51.0)
        wait_until(lambda: cache.snapshot()[0].get("5") is not None and cache.snapshot()[0]["5"].value == 51.0
                   and not cache.view().pending, 10, "the new sample")
        assert not watched(member_znode)          # fired with the change, not set again
        assert not watched(history_znode)         # one watch on their folder tells every history's change
        assert cache.view().speaks_for("5")

        other = encode(Reading(value=60.0, ts=1060.0, seq=60, history=[(60, 1060.0, 60.0)],
                               session=stranger.client_id[0]))
        stranger.set(history_znode, other)
        wait_until(lambda: watched(member_znode) and not cache.view().pending, 10,
                   "the member read and watched again")
        assert not cache.view().speaks_for("5")
        writer.set(member_znode, encode_bare(52.5))                # its own value: the one that counts now
        wait_until(lambda: cache.snapshot()[0]["5"].value == 52.5, 10, "the member's new bare value")
        assert cache.snapshot() == read_all(zk_client)
    finally:
        if cache is not None:
            cache.stop()
        zkclient.close(writer)
        zkclient.close(stranger)


class _HeldReads(ReadingsCache):
    """The cache, with the one-znode reads of some children held back until released."""

    def __init__(self, client, held):
        super().__init__(client)
        self.held, self.stash = held, []

    def _read(self, folder, child, generation):
        if child in self.held:
            self.stash.append((folder, child, generation))
            return
        super()._read(folder, child, generation)

    def release(self):
        self.held = set()
        for args in self.stash:
            super()._read(*args)


def test_a_resync_after_a_claim_is_fresh_only_once_the_new_member_is_read(zk_client, zk_hosts):
    """What a leader asks after a claim: both folders listed again, and the view stale until
    every member new since (or still being read) is in it; the members it holds are not read again."""
    writer = _writer(zk_hosts)
    cache = None
    try:
        for i in range(1, 4):
            _publish(writer, str(i), 40.0 + i, create=True)
        cache = _HeldReads(zk_client, {paths.reading_path("9").rsplit("/", 1)[1]}).start(timeout=10)
        assert cache.view().fresh and set(cache.view().members) == {"1", "2", "3"}
        _publish(writer, "9", 49.0, create=True)       # the claim, told by no watch yet
        cache.resync()
        assert not cache.view().fresh                  # stale at once
        wait_until(lambda: not cache._relisting and cache.stash, 10, "both folders listed again")
        view = cache.view()
        assert not view.fresh and "9" in view.pending  # its read held: no round may be computed yet
        cache.release()
        wait_until(lambda: cache.view().fresh, 10, "fresh again")
        view = cache.view()
        assert set(view.members) == {"1", "2", "3", "9"} and view.reading("9").value == 49.0
        assert not view.pending
    finally:
        if cache is not None:
            cache.stop()
        zkclient.close(writer)


def test_a_cache_back_from_a_dropped_connection_hears_every_history_again(zk_hosts):
    """ZooKeeper drops a connection's watches with it. kazoo sets its own one-shot watches again
    on the new connection, not the one watch the cache keeps on every history (it knows nothing
    of it): the cache's resync sets it again, or a leader back from a network blip would hear no
    history change again, and the member changes it does hear are spoken for by those histories."""
    server, _, chroot = zk_hosts.partition("/")
    relay = Relay(server)
    client = zkclient.connect(f"{relay.address}/{chroot}", session_timeout=10.0, connect_timeout=10.0)
    writer = _writer(zk_hosts)
    cache = None
    try:
        _publish(writer, "5", 50.0, create=True)
        cache = ReadingsCache(client).start(timeout=10)
        _publish(writer, "5", 51.0)
        wait_until(lambda: cache.view().histories.get("5") is not None and cache.view().histories["5"].value == 51.0,
                   10, "the change heard before the blip")
        relay.partition()
        wait_until(lambda: not client.connected, 20, "the client to see the connection drop")
        relay.heal()
        wait_until(lambda: client.connected and cache.view().fresh, 20, "connected again, and the cache resynced")
        _publish(writer, "5", 52.0)
        wait_until(lambda: cache.view().histories["5"].value == 52.0 and not cache.view().pending, 10,
                   "the change after the blip heard")
        assert cache.snapshot() == read_all(writer)
    finally:
        if cache is not None:
            cache.stop()
        zkclient.close(client)
        zkclient.close(writer)
        relay.close()


def test_a_server_that_keeps_no_watch_on_a_folder_gets_one_on_each_history(zk_client, zk_hosts, monkeypatch):
    """A server before 3.6 turns the watch on every history down: each history read sets a
    watch of its own (kazoo's table), and the cache hears every change as well."""
    from kazoo.exceptions import UnimplementedError

    def turned_down(client, path, watcher):
        result = client.handler.async_result()
        result.set_exception(UnimplementedError())
        return result

    monkeypatch.setattr("cluster_sim.node.cache.watch_below", turned_down)
    writer = _writer(zk_hosts)
    cache = None
    try:
        _publish(writer, "6", 60.0, create=True)
        cache = ReadingsCache(zk_client).start(timeout=10)
        assert (zk_client.chroot or "") + paths.history_path("6") in zk_client._data_watchers
        _publish(writer, "6", 61.0)
        wait_until(lambda: cache.view().histories["6"].value == 61.0 and not cache.view().pending, 10,
                   "the change heard through the history's own watch")
        assert cache.snapshot() == read_all(zk_client)
    finally:
        if cache is not None:
            cache.stop()
        zkclient.close(writer)


def test_a_first_load_in_many_batches_two_in_flight_reads_every_member_whole(zk_client, zk_hosts, monkeypatch):
    """A new leader loads a hall a few batches at a time (two in flight: all at once held every
    answer together); a batch's end may fall between a member's znode and its history."""
    monkeypatch.setattr("cluster_sim.node.cache.BATCH", 7)
    writer = _writer(zk_hosts)
    cache = None
    try:
        for i in range(1, 31):
            _publish(writer, str(i), 10.0 + i, create=True)
        zk_client.create(paths.reading_path("40"), b"40.5", ephemeral=True)          # an original node
        cache = ReadingsCache(zk_client).start(timeout=10)
        expected = read_all(zk_client)
        wait_until(lambda: cache.view().fresh and not cache.view().pending and cache.snapshot() == expected, 10,
                   "the whole hall loaded")
        assert len(expected[0]) == 31 and all(cache.view().speaks_for(str(i)) for i in range(1, 31))
        assert cache.snapshot()[0]["40"].bare
    finally:
        if cache is not None:
            cache.stop()
        zkclient.close(writer)
