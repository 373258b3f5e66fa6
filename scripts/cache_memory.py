"""What a leader's readings cache costs in memory: N members publishing every interval,
and a reader process that holds a ReadingsCache as a leader does (its samples kept from
the round under way on), its unique memory (USS) reported after every round.

    .venv/bin/python scripts/cache_memory.py --nodes 1000 --rounds 12
    .venv/bin/python scripts/cache_memory.py --nodes 1000 --trim          # malloc_trim after each round
    .venv/bin/python scripts/cache_memory.py --nodes 1000 --tracemalloc   # and who holds the objects
    .venv/bin/python scripts/cache_memory.py --nodes 1000 --joining 40 --rounds 60   # a hall's start

The members are written as the publisher writes them (measurement 5's layout: the bare
value in /mediciones/app{i}, a history of 12 samples in /clustersim/history/app{i}, from 4
sessions), each round all of them, with samples stamped with the time of writing. The
reader is a process of its own started like a node (the fork server's preload imported
first, so its malloc settings too); it prints its USS above what it used before the
cache started, so the figure is the cache's alone. Row 9c of docs/benchmarks.md is a
whole leader's, and the cache is about half of what a leader holds above a follower
(the account under the hall's rows). Its own ZooKeeper and reader, stopped at the end.
"""

import argparse
import gc
import os
import random
import signal
import sys
import time
from typing import Dict, List

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from cluster_sim.bench.measures.leader_round import _node_payloads, _populate_nodes, clustersim_layout  # noqa: E402
from cluster_sim.bench.support import BenchSession, wait_for  # noqa: E402
from cluster_sim.protocol import paths  # noqa: E402

HISTORY = 12     # samples per history znode, as a node keeps them


def _uss_mb() -> float:
    total = 0
    with open("/proc/self/smaps_rollup") as rollup:
        for line in rollup:
            if line.startswith(("Private_Clean:", "Private_Dirty:")):
                total += int(line.split()[1])
    return total / 1024


def reader(hosts: str, interval: float, rounds: int, trim: bool, traced: bool) -> int:
    """The leader's side: load the cache, then report after each of `rounds` intervals."""
    import cluster_sim.node.preload  # noqa: F401 - as a node starts: its imports and malloc settings
    from cluster_sim.base import zkclient
    from cluster_sim.node.cache import ReadingsCache

    client = zkclient.connect(hosts, session_timeout=10.0, connect_timeout=10.0)
    libc = None
    if trim:
        import ctypes
        libc = ctypes.CDLL(None)
    if traced:
        import tracemalloc
        tracemalloc.start(1)
    gc.collect()
    before = _uss_mb()
    cache = ReadingsCache(client)
    cache.keep_since = time.time() - 2 * interval      # a leader: from its next round's start on
    cache.start(timeout=120)
    wait_for(lambda: cache.view().fresh and not cache.view().pending, 120, "the cache to load", period=0.01)
    print(f"loaded: {_uss_mb() - before:.2f} MB", flush=True)
    for number in range(1, rounds + 1):
        time.sleep(interval)
        cache.keep_since = time.time() - 2 * interval
        members = len(cache.view().members)
        if libc is not None:
            libc.malloc_trim(0)
        print(f"round {number}: {_uss_mb() - before:.2f} MB ({members} members)", flush=True)
    if traced:
        gc.collect()
        stats = tracemalloc.take_snapshot().statistics("lineno")
        print(f"Python objects held: {sum(s.size for s in stats) / 2**20:.2f} MB; the largest:")
        for stat in stats[:15]:
            print(f"  {stat}")
    cache.stop()
    client.stop()
    client.close()
    return 0


def _join(writers: list, root: str, joined: int, args: argparse.Namespace, histories: dict) -> int:
    """Members join for --joining seconds, a few every 0.1 s, as a lecture hall starts
    (each join fires the reader's children watch: it lists the folder again)."""
    step = max(1, round(args.nodes * 0.1 / args.joining))
    upto = min(args.nodes, joined + step)
    pending = []
    for i in range(joined, upto):
        client = writers[i % len(writers)]
        member, history = _node_payloads(client, i, list(histories[i]))
        pending.append(client.create_async(root + paths.history_path(str(i)), history))
        pending.append(client.create_async(root + paths.reading_path(str(i)), member, ephemeral=True))
    for result in pending:
        result.get()
    time.sleep(0.1)
    return upto


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between the members' publishes")
    parser.add_argument("--joining", type=float, default=0.0, metavar="SECONDS",
                        help="the members join after the reader has loaded, over SECONDS (a hall's start)")
    parser.add_argument("--trim", action="store_true", help="the reader calls malloc_trim(0) after each round")
    parser.add_argument("--tracemalloc", action="store_true", help="list the Python objects the cache holds")
    parser.add_argument("--reader", metavar="HOSTS", help=argparse.SUPPRESS)   # the reader process itself
    args = parser.parse_args()
    if args.nodes < 1 or args.rounds < 1 or args.interval <= 0 or args.joining < 0:
        print("cache_memory: --nodes and --rounds must be at least 1, --interval above 0, --joining not below 0",
              file=sys.stderr)
        return 2
    if args.reader:
        return reader(args.reader, args.interval, args.rounds, args.trim, args.tracemalloc)
    with BenchSession() as bench:
        hosts, root, writers = clustersim_layout(bench, "cache-memory")
        rng = random.Random(args.nodes)
        histories: Dict[int, List[tuple]] = {i: [] for i in range(args.nodes)}

        def sample(i: int, seq: int, ts: float) -> list:
            history = histories[i]
            history.append((seq, ts, round(rng.uniform(75, 85), 2)))
            del history[:-HISTORY]
            return list(history)

        start = time.time()
        for seq in range(1, HISTORY + 1):        # as if they had published for a while
            for i in range(args.nodes):
                sample(i, seq, start - (HISTORY - seq) * args.interval)
        joined = 0 if args.joining else args.nodes    # the members there before the reader starts
        _populate_nodes(writers, root, joined, lambda i: list(histories[i]))
        options = ["--trim"] if args.trim else []
        options += ["--tracemalloc"] if args.tracemalloc else []
        out = os.path.join(bench.tempdir("reader"), "out")
        with open(out, "w") as sink:
            proc = bench.spawn([sys.executable, os.path.abspath(__file__), "--reader", hosts,
                                "--nodes", str(args.nodes), "--rounds", str(args.rounds),
                                "--interval", str(args.interval), *options], "reader", stdout=sink,
                               stop_signal=signal.SIGKILL)   # a node ignores SIGTERM (preload)
        shown = 0
        seq = HISTORY
        while True:
            with open(out) as lines:
                text = lines.read()
            print(text[shown:], end="", flush=True)
            shown = len(text)
            if proc.poll() is not None:
                break
            if "loaded" in text and joined < args.nodes:
                joined = _join(writers, root, joined, args, histories)
                continue
            if "loaded" in text:             # every member publishes once an interval
                seq += 1
                now = time.time()
                pending = []
                for i in range(args.nodes):
                    client = writers[i % len(writers)]
                    member, history = _node_payloads(client, i, sample(i, seq, now))
                    pending.append(client.set_async(root + paths.history_path(str(i)), history))
                    pending.append(client.set_async(root + paths.reading_path(str(i)), member))
                for result in pending:
                    result.get()
            time.sleep(args.interval)
        code, _ = bench.reap(proc)
        with open(out) as lines:
            print(lines.read()[shown:], end="")
        if code:
            print(f"cache_memory: the reader ended with {code}:\n{bench.log_tail(proc)}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
