"""Shutdown stores or saves every round the nodes published: on Ctrl-C, SIGTERM or
`clustersim stop` the nodes stop sampling first, the leader computes every round they
published, delivers what it can, and what the API did not take is in the saved file.
Judged against the nodes' truth logs (tests/ground_truth.py), not the API's own rows."""

import json
import os
import signal
import subprocess
import sys

import pytest

from cluster_sim.adapters.process import NODE_MALLOC_TUNABLES
from cluster_sim.base import procfs
from cluster_sim.protocol import paths
from cluster_sim.api.store import Store
from conftest import INTERVAL, SESSION_TIMEOUT, running, stored_rounds, wait_until
from ground_truth import GroundTruth
from test_cluster import up_args


def published_rounds(truth):
    """Every round in which some node took a sample ZooKeeper confirmed (its truth log says)."""
    return {r for node, rounds in truth.samples.items()
            for r, (_, _, seq, pid) in rounds.items() if seq <= truth.published.get((node, pid), 0)}


def saved_entries(up):
    entries = []
    for event in up.events("rounds_saved"):
        with open(event.path) as f:
            entries += [json.loads(line) for line in f.read().splitlines()[1:]]
    return entries


def as_rows(entries):
    """Saved outbox entries in the shape of the API's rows, for GroundTruth.assert_rows_match."""
    return [{"round": e["round"], "count": e["count"], "dato": e.get("mean"),
             "missing": ",".join(e.get("missing") or [])} for e in entries]


@pytest.mark.parametrize("how, api_up", [("SIGINT", True), ("stop", True), ("SIGTERM", False), ("stop", False),
                                         ("group", True)],
                         ids=["ctrl-c", "stop", "sigterm-api-down", "stop-api-down", "sigterm-to-the-group"])
def test_every_round_the_nodes_published_is_stored_or_saved(start_up, zk_hosts, tmp_path, how, api_up):
    db = tmp_path / "api.db"   # the embedded API's rows, readable after `up` is gone
    up = start_up(*up_args(zk_hosts, 3, "--api-db", db, "--retry-max", 0.5))
    status = up.wait_ready(3)
    wait_until(lambda: len(stored_rounds(up.rows())) >= 6, 20, "a steady cluster storing rounds")
    if not api_up:
        assert up.cli("api-stop").returncode == 0
        wait_until(lambda: up.status()["outbox"]["depth"] >= 2, 20, "rounds waiting in the outbox")
    if how == "stop":
        result = up.cli("stop")
        assert result.returncode == 0, result.stderr
        up.proc.wait(40)
    if how == "group":
        # SIGTERM to every process of `up`'s group, as `timeout 60 clustersim up` or a service
        # manager sends it: the processes `up` started must leave the shutdown to it
        os.killpg(up.proc.pid, signal.SIGTERM)
        up.proc.wait(40)
    assert up.stop(getattr(signal, how, signal.SIGINT)) == 0

    truth = GroundTruth.load(status["truth_dir"])
    store = Store(str(db))
    rows = stored_rounds(store.rows())
    store.close()
    saved = saved_entries(up)
    stored = {r["round"] for r in rows}
    kept = stored | {e["round"] for e in saved}
    # the first leader starts with the round under way: a node's earlier claim sample is no row
    published = {r for r in published_rounds(truth) if r >= min(kept)}
    assert published - kept == set(), (f"published rounds neither stored nor saved: {sorted(published - kept)}\n"
                                       f"{up.output()}")
    assert max(kept) == max(published)  # and no empty round was made after the last sample
    truth.assert_rows_match(rows + as_rows(saved))  # each with every reading its nodes published
    assert not stored & {e["round"] for e in saved}

    output = up.output()
    assert "3 nodes stopped sampling; the leader computes every round they published" in output, output
    base = int(status["started_at"] // status["interval"])   # screens count rounds from the cluster's start
    assert (f"every round the nodes published is computed: delivered or in the outbox "
            f"(the last: round {max(published) - base})") in output, output
    assert "never computed" not in output
    if api_up:
        assert not saved and max(stored) == max(published)  # the API up: every round delivered, none in a file
    else:
        assert saved and {e["round"] for e in saved} == {r for r in published if r > max(stored)}


def test_a_node_leaving_alone_does_not_hold_up_the_failover(start_up, zk_hosts):
    """Only a cluster that shuts down waits for its last rounds: a leader killed alone
    (SIGTERM) hands over at once, and the rounds go on."""
    up = start_up(*up_args(zk_hosts, 3))
    up.wait_ready(3)
    leader = up.leader()
    assert up.cli("kill", leader).returncode == 0
    elected = wait_until(lambda: [e for e in up.events("leader_elected") if e.node != leader], 10, "a new leader")
    assert elected[0].failover_ms is not None and elected[0].after == leader
    before = len(stored_rounds(up.rows()))
    wait_until(lambda: len(stored_rounds(up.rows())) >= before + 3, 10, "rounds stored by the new leader")
    assert up.events("settle_started") == []  # the cluster did not shut down


def test_a_second_ctrl_c_skips_the_waits_and_loses_nothing_it_can_keep(start_up, zk_hosts, tmp_path):
    """Ctrl-C twice: no wait for the API, yet every published round is computed (if the
    second Ctrl-C cut the wait for that short, the leader finishes them as it leaves) and saved."""
    db = tmp_path / "api.db"
    up = start_up(*up_args(zk_hosts, 3, "--api-db", db, "--retry-max", 0.5, "--drain-timeout", 600))
    status = up.wait_ready(3)
    wait_until(lambda: len(stored_rounds(up.rows())) >= 4, 20, "rounds stored")
    assert up.cli("api-stop").returncode == 0
    wait_until(lambda: up.status()["outbox"]["depth"] >= 2, 20, "rounds waiting in the outbox")
    up.proc.send_signal(signal.SIGINT)
    wait_until(lambda: "shutting down (SIGINT)" in up.output(), 10, "the shutdown to start")
    up.proc.send_signal(signal.SIGINT)  # impatient: skips what `up` still waits for (not 600 s)
    assert up.stop() == 0

    truth = GroundTruth.load(status["truth_dir"])
    store = Store(str(db))
    stored = {r["round"] for r in stored_rounds(store.rows())}
    store.close()
    kept = stored | {e["round"] for e in saved_entries(up)}
    published = {r for r in published_rounds(truth) if r >= min(kept)}
    assert published - kept == set(), up.output()


def test_told_to_close_then_stopped_at_once_the_leader_still_computes_every_round(zk_hosts, zk_client, tmp_path):
    """The nodes' side alone (what a skipped wait leaves to them): SIGUSR1 then SIGTERM to
    every node at once, no pause between. The leader, told the whole cluster closes, waits
    for the others' final samples as it leaves: every round they published is stored or
    still in the outbox in ZooKeeper."""
    truth_dir = tmp_path / "truth"
    store = Store(":memory:")
    procs = []
    with running(store) as url:
        try:
            for node_id in ("1", "2", "3"):
                log = open(tmp_path / f"node{node_id}.log", "w")
                procs.append(subprocess.Popen(
                    [sys.executable, "-m", "cluster_sim", "node", node_id, "--zk", zk_hosts, "--api-url", url,
                     "--interval", str(INTERVAL), "--session-timeout", str(SESSION_TIMEOUT),
                     "--truth-dir", str(truth_dir)], stdout=log, stderr=subprocess.STDOUT))
                log.close()
            wait_until(lambda: len(stored_rounds(store.rows())) >= 6, 30, "the nodes storing rounds")
            for proc in procs:
                proc.send_signal(signal.SIGUSR1)
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            assert [proc.wait(20) for proc in procs] == [0, 0, 0]
        finally:
            for proc in procs:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait(10)
        rows = stored_rounds(store.rows())
    store.close()
    outbox = [json.loads(zk_client.get(f"{paths.OUTBOX}/{c}")[0]) for c in zk_client.get_children(paths.OUTBOX)]
    kept = {r["round"] for r in rows} | {e["round"] for e in outbox}
    truth = GroundTruth.load(truth_dir)
    published = {r for r in published_rounds(truth) if r >= min(kept)}
    assert published - kept == set(), (sorted(published - kept),
                                       [(tmp_path / f"node{n}.log").read_text()[-2000:] for n in "123"])
    assert max(kept) == max(published)
    truth.assert_rows_match(rows + as_rows(outbox))


def test_up_exits_only_once_every_node_of_its_has_ended_even_with_its_fork_server_gone(start_up, zk_hosts):
    """The nodes are forked by multiprocessing's fork server, and their sentinels are pipes from
    it: once it is gone they read EOF ("exit 255") while the nodes run on. `up` must still stop
    every node, a paused one too, and exit only when none runs (asked of the kernel, by pid)."""
    up = start_up(*up_args(zk_hosts, 2))
    status = up.wait_ready(2)
    pids = [node["pid"] for node in status["nodes"]]
    fork_server = {_parent(pid) for pid in pids}
    assert len(fork_server) == 1 and up.proc.pid not in fork_server   # the nodes' parent: the fork server
    # forked from it, the nodes run with its allocator's tunables (adapters/process.py), `up` with its own
    assert all(NODE_MALLOC_TUNABLES in _environ(pid).get("GLIBC_TUNABLES", "") for pid in pids)
    assert NODE_MALLOC_TUNABLES not in _environ(up.proc.pid).get("GLIBC_TUNABLES", "")
    assert up.cli("pause", "2").returncode == 0      # frozen: it cannot leave by itself
    os.kill(fork_server.pop(), signal.SIGKILL)
    up.proc.send_signal(signal.SIGINT)
    assert up.proc.wait(40) == 0
    assert [pid for pid in pids if procfs.alive(pid)] == []


def _environ(pid):
    with open(f"/proc/{pid}/environ", "rb") as f:
        pairs = [item.split(b"=", 1) for item in f.read().split(b"\0") if b"=" in item]
    return {key.decode(): value.decode(errors="replace") for key, value in pairs}


def _parent(pid):
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])
