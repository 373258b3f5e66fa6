"""A new leader's first load, alone: N nodes in clustersim's layout, then the cache loaded
from scratch several times, each time on a fresh session (as a new leader's).

    flock /work/wt/big.lock .venv/bin/python scripts/first_load.py --nodes 10000 --runs 7

The same layout and load as measurement 5 of `clustersim bench` (row 5d: members
written from 4 sessions, histories of 12 samples stamped with their writer's
session), without the minutes of sequential reads the bench times first, so that
it can be run again quickly on a shared machine. Times ``ReadingsCache.start``
until the view is fresh and no read is in flight; prints every run, the median,
and the load average before and after. Its own ZooKeeper, stopped at the end.
"""

import argparse
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from cluster_sim.base import procfs  # noqa: E402
from cluster_sim.bench.measures.leader_round import _populate_nodes, clustersim_layout  # noqa: E402
from cluster_sim.bench.support import BenchSession, wait_for  # noqa: E402
from cluster_sim.node.cache import ReadingsCache  # noqa: E402


def _load() -> str:
    load = procfs.loadavg()
    return "?" if load is None else f"{load[0]:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if args.nodes < 1 or args.runs < 1:
        print("first_load: --nodes and --runs must be at least 1", file=sys.stderr)
        return 2
    print(f"load average (1 min) before: {_load()}")
    with BenchSession() as bench:
        hosts, root, writers = clustersim_layout(bench, "first-load")
        rng, now = random.Random(args.nodes), time.time()
        _populate_nodes(writers, root, args.nodes,
                        lambda i: [(k + 1, now - (11 - k), round(rng.uniform(75, 85), 2)) for k in range(12)])
        times = []
        for run in range(1, args.runs + 1):
            reader = bench.client(hosts)
            began = time.perf_counter()
            cache = ReadingsCache(reader).start(timeout=120)
            wait_for(lambda: cache.view().fresh and not cache.view().pending, 120, "the cache to load",
                     period=0.001)
            took = time.perf_counter() - began
            view = cache.view()
            ok = len(view.members) == len(view.histories) == args.nodes
            print(f"run {run}: {took:.3f} s ({len(view.members)} members, {len(view.histories)} histories"
                  f"{'' if ok else ', INCOMPLETE'})")
            times.append(took)
            cache.stop()
            bench.close_client(reader)
    print(f"median of {args.runs}: {statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f}); "
          f"load average (1 min) after: {_load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
