"""How much the benchmark does: the full run, --quick, and a tiny one for the tests.

    cfg = Config.quick()
    title_of("scale", cfg.to_dict())   # ("bench.scale", {"nodes": 20}): what a step's header says it runs
"""

from dataclasses import asdict, dataclass, field
from typing import FrozenSet, Any, Dict, Mapping, Tuple

SYSTEMS = ("clustersim", "original")


@dataclass
class Config:
    name: str = "full"
    systems: Tuple[str, ...] = SYSTEMS
    nodes: int = 3                       # nodes per cluster in handover and crash
    # 1. graceful handover
    handover_trials: int = 20
    handover_interval: float = 1.0
    handover_session_timeout: float = 4.0
    # 2. crash detection
    crash_timeouts: Tuple[float, ...] = (2.0, 4.0, 6.0)
    crash_trials: int = 5
    crash_interval: float = 1.0
    # 3. `clustersim kill` typed
    kill_trials: int = 10
    status_runs: int = 10
    # 4. `up -n 5` to the first mean
    first_mean_trials: int = 3
    first_mean_nodes: int = 5
    # 5. a leader round
    round_sizes: Tuple[int, ...] = (100, 1000, 10000)
    round_reps: int = 15                 # repetitions of the fast paths (fewer at 10,000)
    round_sequential_reps: int = 7       # repetitions of the sequential reads (fewer at 10,000)
    round_history: int = 12
    # 5 (continued). a new leader at scale: simulated members publishing, the leader stopped gracefully
    takeover_members: int = 1000
    takeover_trials: int = 5             # 0: not measured (--quick: a minute is not enough)
    takeover_interval: float = 1.0
    takeover_session_timeout: float = 4.0
    # 6. `up -n 100`
    scale_nodes: int = 100
    scale_cpu_window: float = 10.0
    scale_settle: float = 3.0
    scale_publish_timeout: float = 180.0
    # 7. steady state: a round's close -> its row in the API (`up -n 5 --interval 1`, all embedded)
    latency_nodes: int = 5
    latency_interval: float = 1.0
    latency_rounds: int = 120            # rounds measured after the cluster is steady (p99 needs ~100)
    # 8. the fault relays with no fault set: 7 again with `up --no-relays` and with relays; an echo
    relay_rounds: int = 120              # 0: the echo alone
    relay_round_trips: int = 2000
    # 9. a lecture hall: `up -n 1000` as typed (embedded ZooKeeper, default interval); only with --only hall
    hall_nodes: int = 1000
    hall_cpu_window: float = 20.0
    hall_settle: float = 10.0
    hall_publish_timeout: float = 300.0
    hall_minutes: float = 0.0            # > 0: run that long from the start, then `clustersim check`
    # 10. what a failover costs ZooKeeper, election against herd (`up -n N --recipe R`, the leader killed)
    cost_sizes: Tuple[int, ...] = (100,)  # --cost-nodes 100 1000: the herd's cost grows with N, the election's not
    cost_recipes: Tuple[str, ...] = ("election", "herd")
    cost_kills: int = 3                  # 0: not measured (--quick: a minute is not enough)
    cost_interval: float = 5.0
    cost_session_timeout: float = 4.0
    extra: dict = field(default_factory=dict)

    @classmethod
    def full(cls) -> "Config":
        return cls()

    @classmethod
    def quick(cls) -> "Config":
        """About a minute on two idle cores (`time clustersim bench --quick`, docs/benchmarks.md):
        every measurement once or twice, at sizes that keep each under ten seconds."""
        return cls(name="quick", handover_trials=2, handover_interval=0.5, crash_timeouts=(2.0,),
                   crash_trials=1, crash_interval=0.5, kill_trials=2, status_runs=3, first_mean_trials=1,
                   round_sizes=(100, 1000), round_reps=2, round_sequential_reps=1, scale_nodes=20,
                   scale_cpu_window=4.0, scale_settle=1.0, latency_rounds=4, relay_rounds=0, takeover_trials=0,
                   relay_round_trips=300, cost_kills=0)

    @classmethod
    def tiny(cls) -> "Config":
        """For the test suite: every code path, a few seconds each, no meaningful numbers."""
        return cls(name="tiny", handover_trials=2, handover_interval=0.5, handover_session_timeout=2.0,
                   crash_timeouts=(2.0,), crash_trials=1, crash_interval=0.5, kill_trials=2, status_runs=2,
                   first_mean_trials=1, first_mean_nodes=2, round_sizes=(50,), round_reps=3,
                   round_sequential_reps=2, takeover_members=20, takeover_trials=1, scale_nodes=3,
                   scale_cpu_window=1.0, scale_settle=0.5, scale_publish_timeout=60.0, hall_nodes=3, hall_cpu_window=1.0,
                   hall_settle=0.5, hall_publish_timeout=60.0, latency_nodes=3,
                   latency_rounds=3, relay_rounds=3, relay_round_trips=200, cost_sizes=(4,), cost_kills=1,
                   cost_interval=1.0, cost_session_timeout=2.0)

    def leaves_out(self) -> FrozenSet[str]:
        """The measurements this configuration does not run (their count is 0): not announced as steps."""
        return frozenset(name for name, count in (("takeover", self.takeover_trials),
                                                         ("failover_cost", self.cost_kills)) if not count)

    def to_dict(self) -> Dict[str, Any]:
        return asdict(self)


def title_of(name: str, cfg: Mapping[str, Any]) -> Tuple[str, Dict[str, Any]]:
    """Measurement ``name``'s plain title as words/bench.py's key and its fields, from a run's config
    (``Config.to_dict()``, or a JSON's "config"): the header says what runs."""
    c = {**Config().to_dict(), **cfg}
    if name == "relay" and not c["relay_rounds"]:
        return "bench.relay_echo", {"trips": c["relay_round_trips"]}
    return f"bench.{name}", {
        "handover": {"nodes": c["nodes"], "trials": c["handover_trials"]},
        "crash": {"nodes": c["nodes"], "timeouts": ", ".join(f"{t:g}" for t in c["crash_timeouts"])},
        "kill": {"trials": c["kill_trials"]},
        "first_mean": {"nodes": c["first_mean_nodes"]},
        "round": {"sizes": " / ".join(f"{n:,}" for n in c["round_sizes"])},
        "takeover": {"members": c["takeover_members"]},
        "hall": {"nodes": c["hall_nodes"]},
        "scale": {"nodes": c["scale_nodes"]},
        "latency": {"rounds": c["latency_rounds"]},
        "relay": {"rounds": c["relay_rounds"]},
        "failover_cost": {"sizes": " / ".join(f"{n:,}" for n in c["cost_sizes"]), "kills": c["cost_kills"]},
    }.get(name, {})
