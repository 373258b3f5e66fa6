"""With a cluster secret, a classroom can watch but not tamper (real ZooKeeper)."""

import pytest
from kazoo.exceptions import NoAuthError

from cluster_sim.protocol import paths
from cluster_sim.base import zkclient
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


def test_a_secret_closes_the_layout_an_open_cluster_left(start_up, zk_hosts):
    """An open cluster ran on this ZooKeeper before: its parents were made
    world-writable. Started with a secret, the cluster closes them, and what
    the open one left under them: a stranger can add and remove nothing."""
    from cluster_sim.node.aggregate import Aggregate
    from cluster_sim.base.ports import free_port

    from conftest import INTERVAL, wait_until

    before = zkclient.connect(zk_hosts)
    ensure_layout(before)
    before.create(paths.history_path("9"), b'{"session": 1, "seq": 1, "history": [[1, 1.0, 50.0]]}')
    before.create(paths.outbox_entry(1), Aggregate(round=1, mean=50.0, count=1).to_bytes())
    zkclient.close(before)
    # no API answers, so the outbox keeps what it holds while we look
    up = start_up("-n", 1, "--zk", zk_hosts, "--secret", "s3cret", "--interval", INTERVAL,
                  "--session-timeout", 2, "--api-url", f"http://127.0.0.1:{free_port()}")
    up.wait_ready(1)
    stranger = zkclient.connect(zk_hosts)
    try:
        for parent in (paths.READINGS, paths.ELECTION, paths.HISTORY, paths.OUTBOX):
            children = wait_until(lambda: stranger.get_children(parent), 15, f"a child of {parent}")
            with pytest.raises(NoAuthError):
                stranger.create(parent + "/app66", b"1000")
            for child in children:
                with pytest.raises(NoAuthError):
                    stranger.delete(f"{parent}/{child}")
        for leftover in (paths.history_path("9"), paths.outbox_entry(1), paths.EPOCH):
            with pytest.raises(NoAuthError):
                stranger.set(leftover, b"1000")
    finally:
        zkclient.close(stranger)


def test_a_layout_under_another_secret_is_refused_untouched(zk_hosts, runtime_dir):
    """A cluster under secret A holds /clustersim; /mediciones was left open.
    Started with secret B, `up` refuses in one line and changes nothing (no
    half taken-over cluster): /mediciones is still as it was."""
    stranger = zkclient.connect(zk_hosts)
    stranger.ensure_path(paths.READINGS)
    member_a = zkclient.connect(zk_hosts, secret="a-secret")
    member_a.ensure_path(paths.OUTBOX)
    zkclient.close(member_a)
    try:
        acl_before, _ = stranger.get_acls(paths.READINGS)
        result = clustersim("up", "-n", "1", "--zk", zk_hosts, "--secret", "b-secret", "--plain", timeout=60)
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "another secret" in lines[0] and "/clustersim" in lines[0], result.stderr
        assert stranger.get_acls(paths.READINGS)[0] == acl_before
    finally:
        zkclient.close(stranger)
