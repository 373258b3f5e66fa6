"""Measurement 8: what the fault relays cost with no fault set: an echo through one, and
measurement 7 with and without them.

    result = relay_overhead(bench, cfg, log)
"""

from cluster_sim.bench.config import Config
from cluster_sim.bench.measures.latency import latency_run
from cluster_sim.bench.results import Log, Result
from cluster_sim.bench.support import BenchSession


RELAY_NOISE_MS = 5.0     # a p50 difference within this is no difference: 7a's run-to-run spread


def relay_overhead(bench: BenchSession, cfg: Config, log: Log) -> Result:
    """The relays `up` puts between every node and ZooKeeper and the API (for `partition` and
    `slow`), with no fault set: an echo round trip direct and relayed (netfault.bench), and
    measurement 7's round close -> row stored with `up --no-relays` and with the relays, run
    one after the other on the same machine."""
    from cluster_sim.netfault.bench import bench_relay

    echo = bench_relay(round_trips=cfg.relay_round_trips).to_json()
    log(f"relay: echo round trip p50 {echo['direct']['median_us']} us direct, {echo['relayed']['median_us']} us "
        f"relayed (+{echo['overhead_median_us']} us)")
    out: Result = {"params": {"nodes": cfg.latency_nodes, "interval_s": cfg.latency_interval, "rounds": cfg.relay_rounds,
                              "echo_round_trips": cfg.relay_round_trips, "noise_ms": RELAY_NOISE_MS},
                   "echo": echo}
    if not cfg.relay_rounds:
        return out      # the echo alone (--quick: two more clusters would double its minute)
    without = latency_run(bench, cfg, log, cfg.relay_rounds, "benchR0", extra=("--no-relays",))
    relayed = latency_run(bench, cfg, log, cfg.relay_rounds, "benchR1")
    a, b = without["latency"], relayed["latency"]
    out.update(without_relays=without, with_relays=relayed)
    if a.get("n") and b.get("n"):
        out["difference_ms"] = {k: round(b[k] - a[k], 1) for k in ("p50", "p90", "p99")}
        out["met"] = abs(out["difference_ms"]["p50"]) <= RELAY_NOISE_MS
        log(f"relay: round close -> stored p50 {a['p50']} ms without, {b['p50']} ms with "
            f"({out['difference_ms']['p50']:+} ms; within {RELAY_NOISE_MS:g} ms: {'yes' if out['met'] else 'NO'})")
    return out
