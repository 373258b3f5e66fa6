"""The measurements, one module each in measures/. Each takes (bench, config, log) and returns a plain dict.

A measurement never raises for a failed trial: the trial's error goes into
the result and the next trial runs. A measurement that cannot run at all
raises, and the runner records the error in its row.

    handover(bench, cfg, log)      1. SIGTERM (original: SIGINT) the leader, 3 nodes
    crash(bench, cfg, log)         2. SIGKILL the leader, per session timeout
    kill_command(bench, cfg, log)  3. `clustersim kill <leader>` typed -> new leader
    first_mean(bench, cfg, log)    4. `clustersim up -n 5` -> first mean stored (original: scripted)
    leader_round(bench, cfg, log)  5. one leader round at 100 / 1,000 / 10,000 readings
    takeover(bench, cfg, log)      5 (continued). a new leader at 1,000 members: its first complete round
    scale(bench, cfg, log)         6. `clustersim up -n N` on this machine (100; --quick 20)
    round_latency(bench, cfg, log) 7. steady state: a round's close -> its row in the API (`up -n 5`)
    relay_overhead(bench, cfg, log) 8. the same with and without the fault relays; an echo through one
    hall(bench, cfg, log)          9. `clustersim up -n 1000` as typed (only when named: --only hall)
    failover_cost_step(bench, cfg, log) 10. a failover's cost to ZooKeeper, election against herd
"""

from cluster_sim.bench.measures.handover import handover
from cluster_sim.bench.measures.crash import crash
from cluster_sim.bench.measures.kill import kill_command
from cluster_sim.bench.measures.first_mean import first_mean
from cluster_sim.bench.measures.leader_round import leader_round
from cluster_sim.bench.measures.takeover import takeover
from cluster_sim.bench.measures.scale import scale
from cluster_sim.bench.measures.latency import round_latency
from cluster_sim.bench.measures.relay import relay_overhead
from cluster_sim.bench.measures.hall import hall
from cluster_sim.bench.measures.failover_cost import failover_cost_step

# (name, title, measure): a title "" is worded from the run's config (words/bench.py "bench.<name>",
# rows.step_title), so that a step's header says what it runs
MEASUREMENTS = [
    ("handover", "", handover),
    ("crash", "", crash),
    ("kill", "", kill_command),
    ("first_mean", "", first_mean),
    ("round", "", leader_round),
    ("takeover", "", takeover),
    ("scale", "", scale),
    ("latency", "", round_latency),
    ("relay", "", relay_overhead),
    ("hall", "", hall),
    ("failover_cost", "", failover_cost_step),
]

#: run only when named (--only): minutes of the whole machine (run it under flock /work/wt/big.lock)
OPT_IN = frozenset({"hall"})
