"""Network faults on a live cluster (`clustersim up`, real ZooKeeper), typed as a teacher
types them: partition, heal and slow, judged by what the cluster shows (status --json, the
event export, the printed log) and what the API stored (`clustersim check`, with the
nodes' truth logs)."""

import json
import os
import signal
import socket
from collections import Counter
from datetime import datetime

import pytest

from conftest import INTERVAL, SESSION_TIMEOUT, clustersim, dump, pid_alive, stored_rounds, wait_until


def node(status, node_id):
    return next(n for n in status["nodes"] if n["id"] == node_id)


def stored_at(row):
    return datetime.fromisoformat(row["at"]).timestamp()


def check_with_truth(up):
    """`clustersim check --json` on the running cluster (it finds the truth logs itself)."""
    result = up.cli("check", "--json")
    report = json.loads(result.stdout)
    assert result.returncode == 0, dump(report)
    clusters = report["clusters"].values()
    assert clusters and all(c["truth"] for c in clusters), dump(report)   # judged against the truth
    return report


def test_partition_of_the_leader_from_zookeeper(start_up):
    up = start_up("-n", 3, "--interval", INTERVAL, "--session-timeout", SESSION_TIMEOUT)
    old = up.wait_ready(3)["leader"]
    wait_until(lambda: len(stored_rounds(up.rows())) >= 2, 20, "two rounds stored")

    result = up.cli("partition", old)
    assert result.returncode == 0, result.stderr
    assert f"node {old} (the leader) cut off from ZooKeeper (it still reaches the API)" in result.stdout
    faults = node(up.status(), old)["faults"]
    assert faults["partitioned"] == "zk" and faults["zk"]["partitioned"] and not faults["api"]["partitioned"]
    shown = up.cli("status").stdout                        # the plain status marks it too
    assert any(line.split()[:1] == [old] and line.endswith("· cut off from zk") for line in shown.splitlines()[1:])

    # a new leader within the session timeout plus one interval of the cut
    new = wait_until(lambda: up.status()["leader"] not in (None, old) and up.status()["leader"],
                     2 * SESSION_TIMEOUT + 10, "a new leader")
    (cut,) = up.events("partitioned", node=old)
    elected = wait_until(lambda: [e for e in up.events("leader_elected") if e.after == old], 10, "the election")[0]
    assert (elected.node, elected.how) == (new, "partitioned")
    assert elected.elected_at - cut.ts <= SESSION_TIMEOUT + INTERVAL, elected
    # the old leader's fate is in the log: SUSPENDED, never a word from it since
    assert up.events("suspended", node=old)
    assert f"leader elected: {new} (epoch {elected.epoch}, failover" in up.output()
    wait_until(lambda: len([r for r in up.rows() if r.get("epoch") == elected.epoch]) >= 3, 20,
               "three rounds of the new leader")

    result = up.cli("heal", old)
    assert result.returncode == 0 and f"node {old} healed" in result.stdout, result.stderr
    (healed,) = up.events("healed", node=old)
    # on the heal it learns its session is gone, steps down and rejoins as a follower
    wait_until(lambda: [e for e in up.events("stepped_down", node=old) if e.ts >= healed.ts], 20,
               "the old leader to step down")

    def follower():
        n = node(up.status(), old)
        return n["role"] == "follower" and n["connection"] == "CONNECTED" and n["faults"]["partitioned"] is None
    wait_until(follower, 20, "the old leader back as a follower")
    assert up.status()["leader"] == new
    rounds_now = max(r["round"] for r in stored_rounds(up.rows()))
    wait_until(lambda: max(r["round"] for r in stored_rounds(up.rows())) >= rounds_now + 3, 20, "rounds go on")

    # no row of the old epoch accepted after the new leader's first
    rows = sorted(stored_rounds(up.rows()), key=lambda r: r["id"])
    first_new = next(r["id"] for r in rows if r["epoch"] == elected.epoch)
    late = [r for r in rows if r["id"] > first_new and r["epoch"] < elected.epoch]
    assert not late, dump(late)
    check_with_truth(up)


def test_partition_from_the_api_keeps_the_leader_and_delivers_each_round_once_after_the_heal(start_up):
    up = start_up("-n", 3, "--interval", INTERVAL, "--session-timeout", SESSION_TIMEOUT, "--retry-max", 1)
    leader = up.wait_ready(3)["leader"]
    wait_until(lambda: len(stored_rounds(up.rows())) >= 2, 20, "two rounds stored")
    epoch = up.status()["epoch"]
    assert epoch is not None

    result = up.cli("partition", leader, "--from", "api")
    assert result.returncode == 0, result.stderr
    assert f"node {leader} (the leader) cut off from the API (ZooKeeper still answers it)" in result.stdout
    (cut,) = up.events("partitioned", node=leader)
    # rounds go on, into the outbox; the leader stays (its ZooKeeper session is fine)
    wait_until(lambda: up.status()["outbox"]["depth"] >= 6, 30, "rounds waiting in the outbox")
    status = up.status()
    assert (status["leader"], status["epoch"]) == (leader, epoch)
    assert node(status, leader)["faults"]["partitioned"] == "api"

    assert up.cli("heal", leader).returncode == 0
    (healed,) = up.events("healed", node=leader)
    wait_until(lambda: up.status()["outbox"]["depth"] == 0, 30, "the outbox to drain")
    rows = stored_rounds(up.rows())
    # the rounds closed while it was cut off arrived after the heal, once each, from the same leader
    # (a round is computed after it closes: one that closed after the cut was sent into it)
    during = [r for r in rows if cut.ts < (r["round"] + 1) * INTERVAL < healed.ts]
    assert len(during) >= 3, dump(rows)
    assert all(stored_at(r) >= healed.ts - 0.05 for r in during), dump(during)
    assert all(r["epoch"] == epoch and r["leader"] == leader for r in during)
    assert max(Counter(r["round"] for r in rows).values()) == 1
    check_with_truth(up)


def test_a_slow_leader_keeps_its_rounds_all_complete(start_up):
    # 300 ms each way: a 600 ms round trip, which kazoo tolerates only with a session of more
    # than 3 s (it pings after a third of the session, less up to 0.4 s, and waits as long)
    session = 6.0
    up = start_up("-n", 3, "--interval", 1, "--session-timeout", session, "--retry-max", 1)
    leader = up.wait_ready(3)["leader"]
    wait_until(lambda: len(stored_rounds(up.rows())) >= 2, 20, "two rounds stored")
    result = up.cli("slow", leader, "--latency", 300)
    assert result.returncode == 0 and "slowed: 300 ms each way" in result.stdout, result.stderr
    assert "drop" not in result.stdout
    assert node(up.status(), leader)["faults"]["slow"] == {"target": "all", "latency_ms": 300.0, "jitter_ms": 0.0}
    (slowed,) = up.events("slowed", node=leader)
    # rounds continue: rows of rounds that closed after the slowdown keep arriving
    # (with a 1 s interval a round's number is the second it starts at)
    wait_until(lambda: len([r for r in stored_rounds(up.rows()) if r["round"] > slowed.ts + 1]) >= 2, 30,
               "two rounds stored through the slow links")
    assert up.status()["leader"] == leader and not up.events("suspended", node=leader)
    assert up.cli("heal", leader).returncode == 0
    (healed,) = up.events("healed", node=leader)
    wait_until(lambda: up.status()["outbox"]["depth"] == 0
               and max(r["round"] for r in stored_rounds(up.rows())) > healed.ts + 1, 30, "rounds after the heal")
    rows = stored_rounds(up.rows())
    slow = [r for r in rows if slowed.ts + 1 < r["round"] < healed.ts - 1]
    assert len(slow) >= 2, dump(rows)
    # all complete: every member's reading in each, none declared partial
    assert all(r["count"] == r["expected"] == 3 and not r.get("missing") for r in slow), dump(slow)
    check_with_truth(up)


def _children(pid):
    out = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as f:
                if entry.isdigit() and int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(entry))
        except (OSError, ValueError):
            continue
    return out


def listening_ports(pid):
    """TCP ports process `pid` and its children listen on (the relays' process among them), from /proc."""
    inodes = set()
    for proc in [pid, *_children(pid)]:
        try:
            fds = os.listdir(f"/proc/{proc}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(f"/proc/{proc}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if fields[3] == "0A" and fields[9] in inodes:      # LISTEN, and ours
                    ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def refused(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    return False


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "sigkill"])
def test_nothing_is_left_after_the_supervisor_stops_during_a_partition(start_up, sig):
    up = start_up("-n", 3, "--interval", INTERVAL, "--session-timeout", SESSION_TIMEOUT)
    status = up.wait_ready(3)
    leader = status["leader"]
    other = next(n["id"] for n in status["nodes"] if n["id"] != leader)
    assert up.cli("partition", leader).returncode == 0
    assert up.cli("partition", other, "--from", "api").returncode == 0
    wait_until(lambda: up.events("suspended", node=leader), 10, "the leader's connection SUSPENDED")
    ports = listening_ports(up.proc.pid)
    assert len(ports) >= 7      # three nodes with a relay to ZooKeeper and one to the API each; the API
    pids = [n["pid"] for n in status["nodes"]] + [s["pid"] for s in status["zk_servers"]]
    up.proc.send_signal(sig)
    code = up.proc.wait(40)
    if sig == signal.SIGINT:
        assert code == 0, up.output()[-3000:]
        out = up.output()
        assert f"node {leader} healed" in out and f"node {other} healed" in out   # healed first, then drained
        assert "while stopping" not in out
    wait_until(lambda: not [p for p in pids if pid_alive(p)], 30, "every node and ZooKeeper to exit")
    # the relays' process ends when its supervisor's end of their socket closes, SIGKILL or not
    wait_until(lambda: all(refused(port) for port in ports), 10, "every relay's port closed")
    result = clustersim("status", "--name", up.name)
    assert result.returncode == 1 and "no cluster named" in result.stderr

