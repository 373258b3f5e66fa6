"""A chaos run on a real cluster (`clustersim up`, real ZooKeeper): every fault the
supervisor can inject today, then a verdict against the nodes' truth logs."""

import json

import pytest

from cluster_sim.chaos.plan import plan
from cluster_sim.chaos.run import ChaosRun, node_ids
from conftest import INTERVAL, dump

SESSION = 4.0


@pytest.mark.slow
def test_a_chaos_run_on_a_live_cluster_loses_nothing(start_up, tmp_path):
    up = start_up("-n", 4, "--interval", INTERVAL, "--session-timeout", SESSION)
    status = up.wait_ready(4)
    # partition and slow are in the set: until the supervisor has those commands they are
    # refused and reported as not injected (the rest of the run must still pass)
    kinds = ["kill", "hard-kill", "pause", "sigstop", "api-outage", "partition", "slow"]
    p = plan(1, 30.0, kinds, node_ids(status), zk_servers=len(status["zk_servers"]),
             session_timeout=SESSION, interval=INTERVAL, mean_gap=2.0)
    log = []
    result = ChaosRun(up.name, p, log=log.append).run()
    verdict = result.verdict
    # kept with the test's temporary directory (and the truth logs under run/): what a failure needs
    (tmp_path / "chaos.json").write_text(json.dumps({"verdict": verdict.to_json(), "rows": result.rows,
                                                     "check": result.check, "plan": p.to_json()}))
    assert verdict.ok, "\n".join(verdict.problems) + "\n" + "\n".join(log) + "\n" + up.output()[-4000:]
    assert verdict.truth and verdict.rounds.lost == 0 and verdict.rounds.wrong == 0
    assert sum(verdict.faults.values()) >= 5, dump(verdict.to_json())
    assert sum(1 for n in verdict.faults.values() if n) >= 4, dump(verdict.to_json())
    assert verdict.rounds.stored >= verdict.rounds.expected > 0
    json.dumps(verdict.to_json())
    assert up.cli("check").returncode == 0
