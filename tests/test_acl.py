"""With a cluster secret, a classroom can watch but not tamper (real ZooKeeper)."""

import pytest
from kazoo.exceptions import NoAuthError

from cluster_sim import paths, zkclient
from cluster_sim.node.term import ensure_layout

from conftest import clustersim


@pytest.fixture
def protected(zk_hosts):
    member = zkclient.connect(zk_hosts, secret="s3cret")
    ensure_layout(member)
    member.create(paths.reading_path("1"), b'{"value": 80, "ts": 1}', ephemeral=True)
    stranger = zkclient.connect(zk_hosts)
    yield member, stranger
    zkclient.close(stranger)
    zkclient.close(member)


def test_a_stranger_can_read_but_not_write(protected):
    member, stranger = protected
    data, _ = stranger.get(paths.reading_path("1"))
    assert b"80" in data
    assert stranger.get_children(paths.READINGS) == ["app1"]
    with pytest.raises(NoAuthError):
        stranger.create(paths.reading_path("66"), b"1000", ephemeral=True)
    with pytest.raises(NoAuthError):
        stranger.set(paths.reading_path("1"), b"1000")
    with pytest.raises(NoAuthError):
        stranger.delete(paths.reading_path("1"))
    with pytest.raises(NoAuthError):
        stranger.set(paths.EPOCH, b"999")
    with pytest.raises(NoAuthError):
        stranger.create(paths.ELECTION + "/x-lock-0000000000", b"66")
    assert member.get(paths.reading_path("1"))[0] == data


def test_a_node_without_the_secret_is_refused_with_one_line(protected, zk_hosts):
    result = clustersim("node", "7", "--zk", zk_hosts, "--interval", "0.5")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "secret" in lines[0], result.stderr


def test_a_protected_cluster_works_for_members_only(start_up, zk_hosts):
    import requests

    from conftest import INTERVAL, stored_rounds, wait_until

    up = start_up("-n", 2, "--zk", zk_hosts, "--interval", INTERVAL, "--session-timeout", 2, "--secret", "s3cret")
    status = up.wait_ready(2)
    wait_until(lambda: len(stored_rounds(up.rows())) >= 2, 15, "rounds delivered with the token")
    before = len(up.rows())
    fake = requests.get(status["api_url"] + "/nuevo", params={"dato": 1000}, timeout=5)
    assert fake.status_code == 401
    assert all(r["dato"] != 1000 for r in up.rows()[before:])
    stranger = zkclient.connect(zk_hosts)
    try:
        for child in stranger.get_children(paths.ELECTION):
            with pytest.raises(NoAuthError):
                stranger.delete(f"{paths.ELECTION}/{child}")
        with pytest.raises(NoAuthError):
            stranger.set(paths.reading_path("1"), b"1000")
    finally:
        zkclient.close(stranger)
    assert "the cluster is open" not in up.output()
