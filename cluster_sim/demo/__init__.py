"""Narrated classroom scenarios on a real cluster: `clustersim demo SCENARIO`.

    from cluster_sim.demo import run_demo
    exit_code = run_demo("failover", yes=True, interval=0.5, plain=True)

Scenarios: failover, split-brain, quorum, api-outage, partition, herd (one module each; the
runner in runner.py, each step typed by narration.py, its words in cluster_sim/words). herd
runs once per recipe, a cluster each: run_demo("herd", yes=True, nodes=6).
"""

from cluster_sim.demo.runner import SCENARIOS, run_demo

__all__ = ["run_demo", "SCENARIOS"]
