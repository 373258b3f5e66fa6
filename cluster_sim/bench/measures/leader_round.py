"""Measurement 5: one leader round at 100 / 1,000 / 10,000 readings.

    result = leader_round(bench, cfg, log)
    uses_cache("cluster_sim.node.leader")     # True: the leader reads through ReadingsCache
"""

import random
import time
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, Tuple

from cluster_sim.protocol import paths
from cluster_sim.bench.config import Config
from cluster_sim.bench.nodeset import READINGS
from cluster_sim.bench.original_app import read_mean
from cluster_sim.bench.results import Log, Result, error
from cluster_sim.bench.support import BenchSession, summary_ms, wait_for
from cluster_sim.node.aggregate import Aggregate
from cluster_sim.node.aggregate import aggregate_round
from cluster_sim.node.readings import (
    BadReading, Reading, decode, encode, encode_bare, merge, read_all, round_of,
)
from cluster_sim.node.sensor import Sample

if TYPE_CHECKING:
    from kazoo.client import KazooClient


def _flush(pending: List[Any], limit: int) -> None:
    if len(pending) >= limit:
        for result in pending:
            result.get(timeout=60)
        pending.clear()


def _populate(clients: Sequence["KazooClient"], base: str, count: int, payload: Callable[[int], bytes]) -> None:
    """Create ``count`` ephemeral znodes base/app{i}, spread over ``clients``, pipelined."""
    pending: List[Any] = []
    for i in range(count):
        client = clients[i % len(clients)]
        pending.append(client.create_async(f"{base}/app{i}", payload(i), ephemeral=True))
        _flush(pending, 2000)
    _flush(pending, 1)


def clustersim_layout(bench: BenchSession, label: str) -> Tuple[str, str, List["KazooClient"]]:
    """A chroot of its own in clustersim's layout, for the scripts that measure a cache on it
    (scripts/first_load.py, scripts/cache_memory.py): (its hosts string, its root path, four
    writer sessions for _populate_nodes to spread the nodes over)."""
    hosts = bench.chroot(label)
    root = "/" + hosts.split("/", 1)[1]
    assert bench.root is not None  # (started)
    for path in (root + paths.READINGS, root + paths.HISTORY):
        bench.root.ensure_path(path)
    return hosts, root, [bench.client(bench.address) for _ in range(4)]


def _populate_nodes(writers: Sequence["KazooClient"], root: str, count: int,
                    samples: Callable[[int], List[Sample]]) -> None:
    """``count`` nodes in clustersim's layout under the chroot ``root``, as the publisher
    writes them: the bare latest value in an ephemeral /mediciones/app{i} and the
    history in a persistent /clustersim/history/app{i}, stamped with the session of
    the writer that owns the member znode (else the cache takes the node for one of
    the original design). Node i is written by ``writers[i % len(writers)]``."""
    pending: List[Any] = []
    for i in range(count):
        client = writers[i % len(writers)]
        member, history = _node_payloads(client, i, samples(i))
        pending.append(client.create_async(root + paths.history_path(str(i)), history))
        pending.append(client.create_async(root + paths.reading_path(str(i)), member, ephemeral=True))
        _flush(pending, 4000)
    _flush(pending, 1)


def _node_payloads(client: "KazooClient", i: int, history: List[Sample]) -> Tuple[bytes, bytes]:
    """(what /mediciones/app{i} holds, what /clustersim/history/app{i} holds) for ``history``."""
    seq, ts, value = history[-1]
    reading = Reading(value=value, ts=ts, seq=seq, pid=100000 + i, host="bench", history=history,
                      session=client.client_id[0])
    return encode_bare(value), encode(reading)


def _sequential_json_round(client: "KazooClient", round_no: int, interval: float) -> Aggregate:
    """The original's access pattern on clustersim's data: one get at a time, two per node
    (its value and its history)."""
    from kazoo.exceptions import NoNodeError

    readings: Dict[str, Reading] = {}
    for child in client.get_children(paths.READINGS):
        try:
            data, stat = client.get(f"{paths.READINGS}/{child}")
        except NoNodeError:
            continue
        try:
            history = decode(client.get(f"{paths.HISTORY}/{child}")[0])
        except (NoNodeError, BadReading):
            history = None
        try:
            member = decode(data, mtime=stat.mtime / 1000.0)
        except BadReading:
            member = None
        reading = merge(member, stat.ephemeralOwner, history)
        if reading is not None:
            readings[paths.node_id_from_reading(child)] = reading
    return aggregate_round(readings, round_no, interval, live=True)


def _time(fn: Callable[[], Any], reps: int) -> Tuple[List[float], Any]:
    """(the times of `reps` timed calls, the last call's value: None when reps is 0)."""
    times: List[float] = []
    value = None
    fn()  # warm-up, untimed
    for _ in range(reps):
        began = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - began)
    return times, value


def uses_cache(module_name: str) -> Optional[bool]:
    """Whether a module's source mentions ReadingsCache (None if it cannot be read)."""
    try:
        import importlib
        import inspect

        return "ReadingsCache" in inspect.getsource(importlib.import_module(module_name))
    except (ImportError, OSError, TypeError):
        return None


def _leader_uses_cache() -> Optional[bool]:
    return uses_cache("cluster_sim.node.leader")


def leader_round(bench: BenchSession, cfg: Config, log: Log) -> Result:
    try:
        from cluster_sim.node.cache import ReadingsCache
        from cluster_sim.node.completeness import assess  # noqa: F401 (the cached round needs both)
    except ImportError as exc:
        ReadingsCache, cache_missing = None, error(exc)  # type: ignore[misc, assignment]  # said in the result
    else:
        cache_missing = None  # type: ignore[assignment]  # (str when the cache is missing)
    interval = 1.0
    out: Result = {"params": {"sizes": list(cfg.round_sizes), "history": cfg.round_history, "interval_s": interval,
                      "writer_sessions": 4,
                      "layout": "bare value in ephemeral /mediciones/app{ID}, history with the writer's "
                                "session in persistent /clustersim/history/app{ID}",
                      "cached_path": "ReadingsCache.view() + completeness.assess() + aggregate_values()"},
           "cache_available": ReadingsCache is not None, "cache_error": cache_missing,
           "leader_uses_cache": _leader_uses_cache(), "sizes": {}}
    for count in cfg.round_sizes:
        key = str(count)
        try:
            out["sizes"][key] = _round_size(bench, cfg, count, interval, ReadingsCache, log)
        except Exception as exc:  # noqa: BLE001 - a failed trial is recorded in the report; the bench goes on
            out["sizes"][key] = {"error": error(exc)}
            log(f"round {count}: failed: {error(exc)}")
    return out


def _round_size(bench: BenchSession, cfg: Config, count: int, interval: float, ReadingsCache: Any,
                log: Log) -> Result:
    big = count >= 5000
    reps = max(3, cfg.round_reps // 3) if big else cfg.round_reps
    seq_reps = max(2, cfg.round_sequential_reps // 2) if big else cfg.round_sequential_reps
    hosts = bench.chroot(f"round{count}")
    hosts_orig = bench.chroot(f"round{count}-orig")
    root = "/" + hosts.split("/", 1)[1]
    base_orig = "/" + hosts_orig.split("/", 1)[1] + READINGS
    # one session per batch of nodes: its ephemeral members and the histories naming it
    writers = [bench.client(bench.address) for _ in range(4)]
    readers: List["KazooClient"] = []
    rng = random.Random(count)
    now = time.time()
    round_no = round_of(now, interval)
    history_len = cfg.round_history

    def samples(i: int) -> List[Sample]:
        return [(k + 1, now - (history_len - 1 - k) * interval, round(rng.uniform(75, 85), 2))
                for k in range(history_len)]

    res: Result = {"reps": reps, "sequential_reps": seq_reps}
    assert bench.root is not None  # (a started session's)
    try:
        for path in (root + paths.READINGS, root + paths.HISTORY, base_orig):
            bench.root.ensure_path(path)
        began = time.perf_counter()
        _populate_nodes(writers, root, count, samples)
        _populate(writers, base_orig, count, lambda i: str(rng.uniform(75, 85)).encode())
        res["populate_s"] = round(time.perf_counter() - began, 2)
        member, history = _node_payloads(writers[0], 0, samples(0))
        res["znode_bytes"] = {"member": len(member), "history": len(history)}
        reader = bench.client(hosts)
        reader_orig = bench.client(hosts_orig)
        readers += [reader, reader_orig]
        if (len(reader.get_children(paths.READINGS)) != count or len(reader.get_children(paths.HISTORY)) != count
                or len(reader_orig.get_children(READINGS)) != count):
            raise RuntimeError("populating the readings failed")

        # (a) the original's round, on its own data (a bare number per znode)
        times, mean = _time(lambda: read_mean(reader_orig), seq_reps)
        res["original"] = summary_ms(times)
        # (a') the same access pattern on clustersim's data
        times, agg = _time(lambda: _sequential_json_round(reader, round_no, interval), seq_reps)
        res["sequential_json"] = summary_ms(times)
        if agg.count != count:
            raise RuntimeError(f"sequential round counted {agg.count} of {count}")

        # (b) clustersim without the cache: read_all (pipelined, both znodes of every node) + aggregate_round
        def pipelined() -> Aggregate:
            readings, bad = read_all(reader)
            return aggregate_round(readings, round_no, interval, live=True)

        times, agg = _time(pipelined, reps)
        res["pipelined"] = summary_ms(times)
        if agg.count != count:
            raise RuntimeError(f"pipelined round counted {agg.count} of {count}")
        # where the time goes: the reads alone
        times, _ = _time(lambda: read_all(reader), reps)
        res["read_all_only"] = summary_ms(times)

        # (c) the leader's round: the cache's view, the completeness rule, the aggregate
        if ReadingsCache is not None:
            res["cached"] = _cached_round(ReadingsCache, reader, writers[0], root, count, round_no, interval,
                                          reps, now, samples(0))
        base_ms = res["original"]["p50"]
        for key in ("sequential_json", "pipelined", "cached"):
            entry = res.get(key)
            if isinstance(entry, dict) and entry.get("p50"):
                entry["speedup"] = round(base_ms / entry["p50"], 1)
        log(f"round {count}: original {res['original']['p50']} ms, sequential JSON "
            f"{res['sequential_json']['p50']} ms, pipelined {res['pipelined']['p50']} ms"
            + (f", cached {res['cached'].get('p50')} ms" if isinstance(res.get('cached'), dict) else ""))
    finally:
        for client in writers + readers:
            bench.close_client(client)
    return res


def _cached_round(ReadingsCache: Any, reader: "KazooClient", owner: "KazooClient", root: str, count: int, round_no: int,
                  interval: float, reps: int, now: float, history: List[Sample]) -> Result:
    """The leader's path on a loaded cache; ``owner`` is the session that wrote node 0."""
    from cluster_sim.node.aggregate import aggregate_values
    from cluster_sim.node.completeness import assess

    out: Result = {}
    began = time.perf_counter()
    cache = ReadingsCache(reader)
    try:
        cache.start(timeout=120)
        if not cache.view().fresh:
            raise RuntimeError("the cache did not load within 120 s")
        # loaded: fresh, and no read still in flight (a node pending would hold the first round)
        wait_for(lambda: not cache.view().pending, 120, "the cache's reads to be all in", period=0.001)
        out["load_s"] = round(time.perf_counter() - began, 3)

        def cached() -> Tuple[Any, Aggregate]:
            # the leader's call: now, and the span its histories cover (default_history's 60 s at least)
            verdict = assess(cache.view(), round_no, interval, live=True, now=time.time(), span=60.0)
            return verdict, aggregate_values(verdict.values, round_no, missing=verdict.owed)

        times, (verdict, agg) = _time(cached, reps)
        out.update(summary_ms(times))
        out["count_ok"] = agg.count == count
        out["complete"] = verdict.complete
        out["owed"] = len(verdict.owed)
        # freshness: node 0 publishes a new sample in the round (both znodes, one transaction,
        # its own session, as the publisher does); the leader's path must see it through the watches
        try:
            seq, ts, _ = history[-1]
            changed = history + [(seq + 1, ts + 0.001, 99.5)]
            member, data = _node_payloads(owner, 0, changed)
            txn = owner.transaction()
            txn.set_data(root + paths.reading_path("0"), member)
            txn.set_data(root + paths.history_path("0"), data)
            began = time.perf_counter()
            txn.commit()
            # the history is what the leader's path reads (assess would add its own cost per poll)
            wait_for(lambda: getattr(cache.view().histories.get("0"), "value", None) == 99.5,
                     10, "the cache to see a changed reading", period=0.001)
            out["update_latency_ms"] = round((time.perf_counter() - began) * 1000, 2)
        except Exception as exc:  # noqa: BLE001 - a failed trial is recorded in the report; the bench goes on
            out["update_error"] = error(exc)
    finally:
        try:
            cache.stop()
        except Exception as exc:  # noqa: BLE001 - a failed trial is recorded in the report; the bench goes on
            out["stop_error"] = error(exc)
    return out
