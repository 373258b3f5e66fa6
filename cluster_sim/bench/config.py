"""How much the benchmark does: the full run, --quick, and a tiny one for the tests."""

from dataclasses import asdict, dataclass, field
from typing import Any, Dict, Tuple

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
    relay_rounds: int = 120
    relay_round_trips: int = 2000
    # 9. a lecture hall: `up -n 1000` as typed (embedded ZooKeeper, default interval); only with --only hall
    hall_nodes: int = 1000
    hall_cpu_window: float = 20.0
    hall_settle: float = 10.0
    hall_publish_timeout: float = 300.0
    hall_minutes: float = 0.0            # > 0: run that long from the start, then `clustersim check`
    extra: dict = field(default_factory=dict)

    @classmethod
    def full(cls) -> "Config":
        return cls()

    @classmethod
    def quick(cls) -> "Config":
        return cls(name="quick", handover_trials=5, handover_interval=0.5, crash_timeouts=(2.0, 4.0),
                   crash_trials=2, crash_interval=0.5, kill_trials=3, status_runs=5, first_mean_trials=1,
                   round_sizes=(100, 1000), round_reps=7, round_sequential_reps=3, scale_nodes=20,
                   latency_rounds=8, relay_rounds=8, relay_round_trips=500)

    @classmethod
    def tiny(cls) -> "Config":
        """For the test suite: every code path, a few seconds each, no meaningful numbers."""
        return cls(name="tiny", handover_trials=2, handover_interval=0.5, handover_session_timeout=2.0,
                   crash_timeouts=(2.0,), crash_trials=1, crash_interval=0.5, kill_trials=2, status_runs=2,
                   first_mean_trials=1, first_mean_nodes=2, round_sizes=(50,), round_reps=3,
                   round_sequential_reps=2, scale_nodes=3, scale_cpu_window=1.0, scale_settle=0.5,
                   scale_publish_timeout=60.0, hall_nodes=3, hall_cpu_window=1.0, hall_settle=0.5,
                   hall_publish_timeout=60.0, latency_nodes=3, latency_rounds=3, relay_rounds=3,
                   relay_round_trips=200)

    def to_dict(self) -> Dict[str, Any]:
        return asdict(self)
