"""The benchmark's table: one row per figure, from the measurements' results.

    rows = table_rows(results)     # [{"id": "1a", "measurement": "Leader stopped → new leader elected", ...}]
    ms(12.34)                      # "12 ms" (milliseconds in, the unit chosen for the cell)

A row's name is plain (words/bench.py, "bench.row.<id>"): what a reader asks. How it was
measured, with the jargon (USS, read_all, pipelined, ...), is its `detail`, which the notes
of docs/benchmarks.md carry under the row's note number (`note`, the measurement's section).

Longer than 400 lines: one short row builder per measurement, side by side so that every
row of the table is worded, judged and noted the same way.
"""

from typing import Any, Dict, List, Optional

from cluster_sim.bench.row_cells import DASH, Name, TableRow, ms
from cluster_sim.bench.row_cells import name as _name, row as _row
from cluster_sim.bench.rows_cost import cost_rows as _cost_rows
from cluster_sim.words import lookup

def p50_p95(summary: Any) -> str:
    if not isinstance(summary, dict) or not summary.get("n"):
        return DASH
    return f"p50 {ms(summary['p50'])} · p95 {ms(summary['p95'])} (n={summary['n']})"


def p50_max(summary: Any) -> str:
    if not isinstance(summary, dict) or not summary.get("n"):
        return DASH
    return f"p50 {ms(summary['p50'])} · max {ms(summary['max'])} (n={summary['n']})"


def _err(part: Any) -> Optional[str]:
    if isinstance(part, dict) and part.get("error"):
        return f"error: {part['error']}"
    return None


def _errors_suffix(part: Any) -> str:
    errors = part.get("errors") if isinstance(part, dict) else None
    return f" · {len(errors)} failed trial(s)" if errors else ""


def _mb(value: Optional[float]) -> str:
    return DASH if value is None else f"{value:.1f} MB"


def _memory_pair(memory: Optional[Dict[str, Dict[str, int]]]) -> str:
    """'a MB of its own (b MB with what it shares)' (medians: USS, RSS) of a NodeSet.memory() dict."""
    if not memory:
        return DASH
    import statistics

    rss = statistics.median(m["rss"] for m in memory.values()) / 2**20
    uss = statistics.median(m["uss"] for m in memory.values()) / 2**20
    return f"{uss:.1f} MB of its own ({rss:.1f} MB with what it shares)"


def table_rows(results: Dict[str, Any], config: Optional[Dict[str, Any]] = None, lang: str = "en") -> List[TableRow]:
    """The rows of a run's results, named in ``lang``; ``config`` (the run's) names a measurement that failed."""
    rows = _rows(results, config or {}, lang)
    for row in rows:
        if isinstance(row["measurement"], Name):
            row["measurement"] = row["measurement"].worded(lang)
    return rows


def _rows(results: Dict[str, Any], config: Dict[str, Any], lang: str) -> List[TableRow]:
    rows = []
    for name, builder in (("handover", _handover_rows), ("crash", _crash_rows), ("kill", _kill_rows),
                          ("first_mean", _first_mean_rows), ("round", _round_rows), ("takeover", _takeover_rows),
                          ("scale", _scale_rows),
                          ("latency", _latency_rows), ("relay", _relay_rows), ("hall", _hall_rows),
                          ("failover_cost", _cost_rows)):
        if name not in results:
            continue
        res = results[name]
        if res.get("error") and not res.get("partial"):
            rows.append(_row(name, step_title(name, config, lang=lang), f"error: {res['error']}", met=None))
            continue
        try:
            rows.extend(builder(res, results))
        except Exception as exc:  # a reporting bug must not lose the JSON
            rows.append(_row(name, step_title(name, config, lang=lang), f"report error: {exc!r}"))
    return rows


def step_title(name: str, config: Dict[str, Any], fallback: str = "", lang: str = "en") -> str:
    """A measurement's plain name (words/bench.py, "bench.<name>") with what the run's config
    makes it run: the step's header, and the row of a measurement that failed."""
    from cluster_sim.bench.config import title_of
    from cluster_sim.words import has

    key, fields = title_of(name, config)
    if not has(key):
        return fallback or name
    return lookup(key, lang, **fields)


def _handover_rows(res: Dict[str, Any], _: Dict[str, Any]) -> List[TableRow]:
    p = res["params"]
    cs, orig = res.get("clustersim", {}), res.get("original", {})
    what = f"{p['nodes']} nodes, interval {p['interval_s']:g} s"
    rows = [
        _row("1a", _name("1a"),
             _err(cs) or p50_p95(cs.get("elected")) + _errors_suffix(cs),
             _err(orig) or p50_p95(orig.get("elected")) + _errors_suffix(orig),
             detail=f"{what}: stop the leader (SIGTERM; original: SIGINT) → new leader elected (a watch on "
                    "/election)"),
        _row("1b", _name("1b"),
             _err(cs) or p50_p95(cs.get("first_row")),
             _err(orig) or p50_p95(orig.get("first_row")),
             detail="… → the first aggregate of the new leader stored by the API"),
    ]
    late, steady = cs.get("first_row_late") or {}, cs.get("steady_late") or {}
    first_orig = (orig.get("first_row") or {}).get("p50")
    met = None
    if late.get("n") and first_orig is not None:
        met = late["p50"] <= max(24.0, first_orig)
    rows.append(_row("1c", _name("1c"),
                     _err(cs) or p50_p95(late) if late.get("n") else DASH,
                     _err(orig) or p50_p95(orig.get("first_row")),
                     "≤ the original's (24 ms in the issue)", met,
                     detail="what the handover adds to the round schedule: the new leader's first round stored "
                            f"after it was due (steady state: {ms(steady.get('p50'))} p50); original: its first "
                            "row after the stop"))
    rounds = cs.get("rounds") or {}
    rep = orig.get("rows_report") or {}
    orig_text = DASH
    if rep.get("rows"):
        orig_text = (f"no rounds: {rep['rows']} rows in {rep.get('span_s', 0):g} s "
                     f"(≈ {rep.get('intervals', 0):g} intervals)")
    lost = rounds.get("lost")
    rows.append(_row("1d", _name("1d"),
                     _err(cs) or (f"{lost} lost of {rounds.get('rounds')} rounds" if lost is not None else DASH),
                     _err(orig) or orig_text, "0 lost", None if lost is None else lost == 0,
                     detail="rounds lost over the whole handover run"))
    return rows


def _crash_rows(res: Dict[str, Any], _: Dict[str, Any]) -> List[TableRow]:
    rows = []
    cs_all, orig_all = res.get("clustersim", {}), res.get("original", {})
    lost_total, rounds_total = 0, 0
    letters = iter("abcdefghijklmnopqrstuvwxy")
    for timeout in res["params"]["session_timeouts_s"]:
        key = f"{timeout:g}"
        cs, orig = cs_all.get(key, {}), orig_all.get(key, {})
        limit = f"≤ {timeout:g} s + 200 ms"
        met = None
        if isinstance(cs.get("gone"), dict) and cs["gone"].get("n"):
            met = cs["gone"]["max"] <= cs["limit_ms"]
        rows.append(_row(f"2{next(letters)}", _name("crash_gone", timeout=key),
                         _err(cs) or p50_max(cs.get("gone")) + _errors_suffix(cs),
                         _err(orig) or p50_max(orig.get("gone")) + _errors_suffix(orig), limit, met,
                         detail=f"SIGKILL the leader → its election znode gone (session timeout {key} s)"))
        met = None
        if isinstance(cs.get("elected"), dict) and cs["elected"].get("n"):
            met = cs["elected"]["max"] <= cs["limit_ms"]
        rows.append(_row(f"2{next(letters)}", _name("crash_elected", timeout=key),
                         _err(cs) or p50_max(cs.get("elected")),
                         _err(orig) or p50_max(orig.get("elected")), limit, met,
                         detail=f"… → new leader elected (session timeout {key} s); first aggregate stored p50: "
                                f"clustersim {ms((cs.get('first_row') or {}).get('p50'))}, original "
                                f"{ms((orig.get('first_row') or {}).get('p50'))}"))
        rounds = cs.get("rounds") or {}
        if rounds.get("lost") is not None:
            lost_total += rounds["lost"]
            rounds_total += rounds["rounds"]
    if rounds_total:
        rows.append(_row("2z", _name("crash_lost"),
                         f"{lost_total} lost of {rounds_total} rounds", "no rounds", "0 lost", lost_total == 0,
                         detail="rounds lost across all the crashes (clustersim fills them from the histories)"))
    return rows


def _met_p50(summary: Any, limit_ms: float) -> Optional[bool]:
    """Whether a summary's p50 is within a target, or None when nothing was measured."""
    if not isinstance(summary, dict) or not summary.get("n"):
        return None
    return summary["p50"] <= limit_ms


def _kill_rows(res: Dict[str, Any], _: Dict[str, Any]) -> List[TableRow]:
    return [
        _row("3a", _name("3a"),
             p50_p95(res.get("to_new_leader")) + _errors_suffix(res),
             "no such command (Ctrl-C in the leader's own terminal)",
             "≤ 250 ms", _met_p50(res.get("to_new_leader"), 250.0),
             detail="`clustersim kill <leader>` typed (command start-up included) → /clustersim/leader names "
                    "another node"),
        _row("3b", _name("3b"),
             p50_p95(res.get("status_command")),
             DASH, detail="`clustersim status`, the bare command, wall time; `python -c pass`: p50 "
                          f"{ms((res.get('python_startup') or {}).get('p50'))}"),
    ]


def _first_mean_rows(res: Dict[str, Any], _: Dict[str, Any]) -> List[TableRow]:
    def cell(part: Any) -> str:
        if not isinstance(part, dict):
            return DASH
        s = part.get("first_row") or {}
        samples = ", ".join(ms(v) for v in s.get("samples", []))
        return (f"p50 {ms(s.get('p50'))} ({samples})" if s.get("n") else DASH) + _errors_suffix(part)

    nodes = res['params']['nodes']
    return [_row("4", _name("4", nodes=nodes),
                 cell(res.get("clustersim")), cell(res.get("original")), "≤ 3 s",
                 _met_p50((res.get("clustersim") or {}).get("first_row"), 3000.0),
                 detail=f"`clustersim up -n {nodes} --interval 1` → first mean stored, a fresh ZooKeeper "
                        f"started too (original: a script starting ZooKeeper, then {nodes} app processes)")]


def leader_path(res: Dict[str, Any]) -> str:
    """'cached' when the leader's code uses the cache and it exists, else 'pipelined'."""
    return "cached" if res.get("cache_available") and res.get("leader_uses_cache") else "pipelined"


def _round_rows(res: Dict[str, Any], _: Dict[str, Any]) -> List[TableRow]:
    rows = []
    path = leader_path(res)
    for i, (key, size) in enumerate(sorted(res.get("sizes", {}).items(), key=lambda kv: int(kv[0]))):
        count = int(key)
        name = _name("5", n=count)
        if size.get("error"):
            rows.append(_row(f"5{'abcdef'[i]}", name, f"error: {size['error']}"))
            continue
        parts = [f"read_all (pipelined) {ms(size['pipelined']['p50'])} ({size['pipelined'].get('speedup')}×)"]
        cached = size.get("cached")
        if isinstance(cached, dict) and cached.get("p50") is not None:
            # a JSON from before the history moved to /clustersim/history timed snapshot() alone
            label = "cache: view + assess" if res["params"].get("layout") else "cache"
            parts.append(f"{label} {ms(cached['p50'])} ({cached.get('speedup')}×)")
        elif not res.get("cache_available"):
            parts.append("cache: not available")
        target, met = DASH, None
        chosen = size.get(path) if isinstance(size.get(path), dict) else None
        if count == 1000:
            target = "≥ 20× faster than the original's"
            met = chosen is not None and (chosen.get("speedup") or 0) >= 20
        elif count == 10000:
            target = "< 100 ms"
            met = chosen is not None and chosen.get("p50") is not None and chosen["p50"] < 100
        cell = DASH
        if chosen is not None and chosen.get("p50") is not None:
            cell = f"{ms(chosen['p50'])} ({chosen.get('speedup')}× faster)"
        rows.append(_row(f"5{'abcdef'[i]}", name, cell, ms(size['original']['p50']), target, met,
                         detail=f"{count:,} readings, medians; the leader's path is {path}: "
                                + " · ".join(parts) + "; speed-ups against the original's sequential round "
                                f"(`get_children`, then one `get` at a time: {ms(size['original']['p50'])})"))
    loads = [(int(key), size["cached"]["load_s"]) for key, size in res.get("sizes", {}).items()
             if isinstance(size.get("cached"), dict) and size["cached"].get("load_s") is not None]
    if loads:
        loads.sort()
        biggest = loads[-1]
        rows.append(_row("5d", _name("5d"), " · ".join(f"{count:,}: {seconds:.2f} s" for count, seconds in loads),
                         DASH, "< 1 s at 10,000" if biggest[0] >= 10000 else DASH,
                         biggest[1] < 1.0 if biggest[0] >= 10000 else None,
                         detail="every member's znode and history read into its cache, watches set "
                                "(`ReadingsCache.start`), timed until no read is in flight"))
    return rows


def _takeover_rows(res: Dict[str, Any], _: Dict[str, Any]) -> List[TableRow]:
    if res.get("skipped"):
        return []
    p = res["params"]
    late, after = res.get("first_row_late") or {}, res.get("first_row_after_election") or {}
    trials = res.get("trials") or []
    complete = sum(1 for t in trials if t.get("complete"))
    return [_row("5e", _name("5e", members=p["members"]),
                 f"{p50_max(late)} · {p50_max(after)} · complete {complete} of {len(trials)}{_errors_suffix(res)}",
                 DASH, "complete, ≤ 100 ms after due",
                 bool(trials) and complete == len(trials) and late.get("max") is not None and late["max"] <= 100
                 and not res.get("errors"),
                 detail=f"{p['members']:,} simulated members + 2 real nodes; the leader stopped gracefully, interval "
                        f"{p['interval_s']:g} s: its first round stored after it was due · after its election")]


def _scale_rows(res: Dict[str, Any], results: Dict[str, Any]) -> List[TableRow]:
    n = res["params"]["nodes"]
    cpu = res.get("cpu_pct") or {}
    mem = res.get("node_memory_mb") or {}
    err = f" (error: {res['error']})" if res.get("error") else ""
    handover = results.get("handover", {})
    orig_mem = (handover.get("original") or {}).get("memory") or {}
    cs_mem = (handover.get("clustersim") or {}).get("memory") or {}
    rows = []
    t_all = res.get("all_publishing_s")
    rows.append(_row("6a", _name("6a", nodes=n),
                     (f"{t_all:.1f} s" if t_all is not None else DASH) + err, DASH, "≤ 20 s",
                     None if t_all is None else t_all <= 20,
                     detail=f"`clustersim up -n {n} --interval 1` → all {n} nodes publishing"))
    sup = cpu.get("supervisor")
    rows.append(_row("6b", _name("6b"),
                     f"{sup:.1f} % of one core" if sup is not None else DASH, DASH, "< 25 % of one core",
                     None if sup is None else sup < 25,
                     detail=f"supervisor CPU, steady, {res['params']['cpu_window_s']:g} s window (the live table "
                            "on a pseudo-terminal)"))
    uss_max = mem.get("uss_max")
    orig_uss = DASH
    if orig_mem:
        import statistics

        orig_uss = f"{statistics.median(m['uss'] for m in orig_mem.values()) / 2**20:.1f} MB (own process)"
    rows.append(_row("6c", _name("6c", nodes=n),
                     f"{_mb(mem.get('uss_median'))} / {_mb(uss_max)}" if mem else DASH, orig_uss, "< 30 MB",
                     None if uss_max is None else uss_max < 30,
                     detail=f"per-node unique memory (USS), {n} forked nodes: median / max"))
    rows.append(_row("6d", _name("6d"),
                     f"{res['refresh_hz']:g} Hz" if res.get("refresh_hz") is not None else DASH, DASH,
                     detail="the live table's refresh rate (`refresh_hz`)"))
    rows.append(_row("6e", _name("6e"),
                     _memory_pair(cs_mem), _memory_pair(orig_mem),
                     detail="one node started on its own (`clustersim node` / the original app): USS (its own) "
                            "and RSS (with what it shares), medians"))
    return rows


def _hall_rows(res: Dict[str, Any], _: Dict[str, Any]) -> List[TableRow]:
    p = res["params"]
    n = p["nodes"]
    err = f" (error: {res['error']})" if res.get("error") else ""
    t_all = res.get("all_publishing_s")
    cpu = res.get("cpu_pct") or {}
    mem = res.get("node_memory_mb") or {}
    kill = res.get("kill") or {}
    rows = [_row("9a", _name("9a", nodes=n), (f"{t_all:.1f} s" if t_all is not None else DASH) + err, DASH, "≤ 60 s",
                 None if t_all is None else t_all <= 60,
                 detail=f"`clustersim up -n {n}` (embedded ZooKeeper, default interval, live table on a "
                        f"pseudo-terminal) → all {n} nodes publishing")]
    sup = cpu.get("supervisor")
    rows.append(_row("9b", _name("9b", nodes=n), f"{sup:.1f} % of one core" if sup is not None else DASH, DASH,
                     "< 25 % of one core", None if sup is None else sup < 25,
                     detail=f"supervisor CPU, steady, {p['cpu_window_s']:g} s window (nodes "
                            f"{cpu.get('nodes_total', '?')} %, ZooKeeper {cpu.get('zookeeper', '?')} % of a core)"))
    late = res.get("node_memory_late_mb") or {}
    maxima = [m["uss_max"] for m in (mem, late) if m.get("uss_max") is not None]
    cell = f"{_mb(mem.get('uss_median'))} / {_mb(mem.get('uss_max'))}" if mem else DASH
    if late:
        cell += f"; at {late['at_s']:.0f} s {_mb(late.get('uss_median'))} / {_mb(late.get('uss_max'))}"
    rows.append(_row("9c", _name("9c", nodes=n), cell, DASH, "< 12 MB",
                     None if not maxima else max(maxima) < 12,
                     detail=f"unique memory (USS) of each of {n} forked nodes, steady: median / max, "
                            f"{p.get('settle_s', 10) + p.get('cpu_window_s', 20):g} s after all publish and again "
                            f"at the run's end "
                            f"(the leader then: the one elected after the kill)"))
    fo, first, bound = kill.get("failover_ms"), kill.get("first_round_s"), kill.get("bound_s")
    rows.append(_row("9d", _name("9d", nodes=n),
                     (f"{fo / 1000:.2f} s; first round after {first:.2f} s" if fo is not None and first is not None
                      else (f"error: {kill['error']}" if kill.get("error") else DASH)),
                     DASH, f"≤ session timeout + one interval ({bound:g} s)" if bound else DASH,
                     None if fo is None or not bound else fo / 1000 <= bound,
                     detail=f"`clustersim kill <leader> --hard` at {n} nodes → new leader; its first round stored"))
    check = res.get("check")
    if check:
        rows.append(_row("9e", _name("9e", nodes=n, minutes=p["minutes"]),
                         _check_cell(check), DASH, "exit 0 (every round complete)",
                         check["exit"] == 0,
                         detail=f"{p['minutes']:g} minutes at {n} nodes: `clustersim check` judging up to now"))
    return rows


def _check_cell(check: Dict[str, Any]) -> str:
    """`clustersim check --json`'s verdict in a few words: its exit, the rows, what is missing."""
    verdict = check.get("verdict") or {}
    parts = [f"{verdict['rows']} rows stored"] if isinstance(verdict.get("rows"), int) else []
    due = verdict.get("due_unstored")
    if isinstance(due, dict):
        parts.append(f"{due.get('count', 0)} rounds due and not stored")
    for key in ("partial", "short", "lost", "wrong"):
        value = verdict.get(key)
        count = len(value) if isinstance(value, list) else value
        if count:
            parts.append(f"{count} {key}")
    return f"exit {check['exit']}" + (": " + ", ".join(parts) if parts else "")


def p50_p99(summary: Any) -> str:
    if not isinstance(summary, dict) or not summary.get("n") or summary.get("p99") is None:
        return DASH
    return (f"p50 {ms(summary['p50'])} · p90 {ms(summary['p90'])} · p99 {ms(summary['p99'])} · "
            f"max {ms(summary['max'])} (n={summary['n']})")


def _latency_rows(res: Dict[str, Any], _: Dict[str, Any]) -> List[TableRow]:
    p = res["params"]
    lat = res.get("latency") or {}
    rounds = res.get("rounds") or {}
    err = f" (error: {res['error']})" if res.get("error") else ""
    met = None
    if lat.get("n") and lat.get("p99") is not None:
        met = lat["p99"] <= p["target_p99_ms"]
    rows = [_row("7a", _name("7a"), p50_p99(lat) + err, "no rounds",
                 f"p99 ≤ {ms(p['target_p99_ms'])}", met,
                 detail=f"steady state, `clustersim up -n {p['nodes']} --interval {p['interval_s']:g}` (embedded "
                        f"ZooKeeper and API): a round's close → its row stored by the API (`at`), {p['rounds']} "
                        f"rounds; target p99 ≤ lag {ms(p['lag_s'] * 1000)} + 100 ms")]
    if rounds:
        bad = len(rounds.get("partial") or []) + len(rounds.get("short") or []) + (rounds.get("lost") or 0)
        rows.append(_row("7b", _name("7b"),
                         f"{len(rounds.get('partial') or [])} partial · {len(rounds.get('short') or [])} short · "
                         f"{rounds.get('lost')} lost of {rounds.get('expected')} rounds", DASH, "0",
                         bad == 0 and rounds.get("stored", 0) > 0,
                         detail=f"rows partial (`missing`) or short (count < {p['nodes']} or < `expected`), and "
                                "rounds never stored, over those rounds"))
    return rows


def _relay_rows(res: Dict[str, Any], _: Dict[str, Any]) -> List[TableRow]:
    p, echo = res["params"], res.get("echo") or {}
    rows = []
    if echo:
        rows.append(_row("8a", _name("8a"),
                         f"+{echo['overhead_median_us']:g} µs (median) · +{echo['overhead_p99_us']:g} µs (p99)",
                         DASH, "well under a millisecond", echo["overhead_median_us"] < 1000,
                         detail=f"an echo round trip of {echo['payload_bytes']} bytes on loopback, direct and "
                                f"through one relay (no fault set), {p['echo_round_trips']} each, alternating: "
                                f"median {echo['direct']['median_us']:g} → {echo['relayed']['median_us']:g} µs"))
    a = (res.get("without_relays") or {}).get("latency") or {}
    b = (res.get("with_relays") or {}).get("latency") or {}
    diff = res.get("difference_ms")
    if a.get("n") and b.get("n") and diff:
        rows.append(_row("8b", _name("8b"),
                         f"p50 {ms(a['p50'])} → {ms(b['p50'])} ({diff['p50']:+g} ms) · p99 {ms(a['p99'])} → "
                         f"{ms(b['p99'])} ({diff['p99']:+g} ms)",
                         DASH, f"p50 within ±{p['noise_ms']:g} ms", res.get("met"),
                         detail=f"7a again, {p['rounds']} rounds each: `up --no-relays` (nodes straight to "
                                "ZooKeeper and the API), then with the relays `partition` and `slow` act on"))
    return rows
