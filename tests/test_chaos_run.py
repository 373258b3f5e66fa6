"""The chaos executor: how it plays a plan through control requests. A stand-in
supervisor answers the control protocol here (ZooKeeper is not involved: the
executor only ever talks to the supervisor); the end-to-end run is in
test_chaos_live.py."""

import threading
import time

from cluster_sim.chaos.plan import KINDS, LEADER, plan
from cluster_sim.chaos.run import ChaosRun, node_ids


class Supervisor:
    """Answers control requests as `clustersim up` does, from a little state."""

    KNOWN = {"status", "kill", "start", "pause", "resume", "api-stop", "api-start", "zk-kill", "zk-start",
             "zk-pause", "zk-resume", "partition", "slow", "heal"}

    def __init__(self, api_url, nodes=("1", "2", "3", "4"), leader="1"):
        self.nodes = {n: "running" for n in nodes}
        self.leader = leader
        self.api_ok = True
        self.zk_down = set()
        self.zk_frozen = set()
        self.faulted = {}            # node -> "partition" / "slow"
        self.requests = []
        self.stored = 0
        self.api_url = api_url
        self.lock = threading.Lock()

    def __call__(self, request):
        with self.lock:
            return self.answer(dict(request))

    def answer(self, request):
        cmd = request["cmd"]
        if cmd != "status":
            self.requests.append(request)
        if cmd not in self.KNOWN:
            return {"ok": False, "error": f"unknown command {cmd!r}"}
        if cmd == "status":
            self.stored += 1
            return {"ok": True, "status": {
                "last_round": int(time.time() // 0.1) - 1,  # rounds of 0.1 s, stored as they close
                "leader": self.leader, "epoch": 1, "api_ok": self.api_ok, "api_url": self.api_url,
                "rounds_stored": self.stored, "outbox": {"depth": 0}, "truth_dir": "",
                "zk_servers": [{"index": i, "mode": "down" if i in self.zk_down else "follower", "pid": None}
                               for i in (1, 2, 3)],
                "nodes": [{"id": n, "state": s, "remote": False,
                           "connection": "CONNECTED" if s == "running" else ""} for n, s in self.nodes.items()]
                + [{"id": "99", "state": "remote", "remote": True, "connection": ""}]}}
        node = request.get("id")
        if cmd in ("kill", "pause"):
            if self.nodes.get(node) != "running":
                return {"ok": False, "error": f"node {node} is not running"}
            self.nodes[node] = "stopped" if cmd == "kill" else "paused"
            if self.leader == node:
                self.leader = next((n for n, s in self.nodes.items() if s == "running"), None)
        elif cmd in ("start", "resume"):
            self.nodes[node] = "running"
            self.leader = self.leader or node
        elif cmd in ("api-stop", "api-start"):
            self.api_ok = cmd == "api-start"
        elif cmd in ("partition", "slow"):
            if self.nodes.get(node) != "running" or node in self.faulted:
                return {"ok": False, "error": f"node {node} is not running or already faulted"}
            self.faulted[node] = cmd
        elif cmd == "heal":
            if self.faulted.pop(node, None) is None:
                return {"ok": False, "error": f"node {node} has no network fault to heal"}
        elif cmd in ("zk-pause", "zk-resume"):
            (self.zk_frozen.add if cmd == "zk-pause" else self.zk_frozen.remove)(request["index"])
        else:
            (self.zk_down.add if cmd == "zk-kill" else self.zk_down.discard)(request["index"])
        return {"ok": True, "message": f"{cmd} done"}


def short_plan(kinds=KINDS, seed=5, nodes=("1", "2", "3", "4")):
    # a run compressed in time: 0.3 s sessions, 0.1 s rounds
    return plan(seed, 6.0, kinds, list(nodes), zk_servers=3, session_timeout=0.3, interval=0.1, max_concurrent=3)


def test_a_plan_is_played_and_everything_is_undone(api):
    supervisor = Supervisor(api)
    p = short_plan()
    result = ChaosRun("t", p, send=supervisor, settle_timeout=5).run()
    sent = [r["cmd"] for r in supervisor.requests]
    assert {"kill", "zk-kill", "api-stop", "partition", "slow", "zk-pause"} <= set(sent)
    # everything injected was undone: every node back and healed, the API up, every server up and thawed
    assert set(supervisor.nodes.values()) == {"running"} and not supervisor.faulted
    assert supervisor.api_ok and not supervisor.zk_down and not supervisor.zk_frozen
    assert result.settled
    # every kind was injected: none refused, so the verdict reports none
    assert not [e for e in result.executed if e.step.injects and not e.ok]
    assert not result.verdict.refused and set(result.verdict.faults) == set(KINDS)
    # a heal went to the node its partition or slowdown hit
    for e in result.executed:
        if e.step.action == "heal":
            began = next(x for x in result.executed if x.step.fault == e.step.fault and x.step.injects)
            assert e.node == began.node
    # a LEADER step hit the node that led then, never a remote node
    assert all(e.node != "99" for e in result.executed)
    leader_kills = [e for e in result.executed if e.step.node == LEADER and e.step.action == "kill" and e.ok]
    assert all(e.node in {"1", "2", "3", "4"} for e in leader_kills)


def test_stopping_early_undoes_every_fault_injected(api):
    supervisor = Supervisor(api)
    stop = threading.Event()
    p = short_plan(kinds=("kill", "pause", "api-outage"))
    first = p.steps[0]

    def send(request):
        answer = supervisor(request)
        if request["cmd"] == first.action:
            stop.set()  # Ctrl-C right after the first injection
        return answer

    result = ChaosRun("t", p, send=send, stop=stop).run()
    injected = [e for e in result.executed if e.step.injects]
    assert len(injected) == 1
    assert set(supervisor.nodes.values()) == {"running"} and supervisor.api_ok
    assert not result.settled and not result.verdict.ok  # an interrupted run is no pass


def test_a_node_fault_only_hits_a_running_node_and_is_skipped_when_none_is_free(api):
    supervisor = Supervisor(api, nodes=("1", "2", "3"))
    supervisor.nodes["2"] = supervisor.nodes["3"] = "stopped"   # only node 1 (the leader) runs
    p = plan(2, 4.0, ["kill"], ["1", "2", "3"], session_timeout=0.3, interval=0.1, max_concurrent=2)
    result = ChaosRun("t", p, send=supervisor, settle_timeout=0.5).run()
    assert node_ids(supervisor({"cmd": "status"})["status"]) == ["1", "2", "3"]
    assert {r.get("id") for r in supervisor.requests} <= {"1"}
    kills = [e for e in result.executed if e.step.action == "kill"]
    assert kills and all(e.node == "1" if e.sent else e.message == "no free node to act on" for e in kills)
