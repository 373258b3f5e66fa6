"""Turning the measurements into a table: rows, Markdown, a rich table, notes.

    rows = table_rows(results)                   # [{"id", "measurement", "clustersim", ...}]
    text = markdown(meta, rows, notes(results))
    print_table(console, meta, rows)
"""

DASH = "—"


# -- formatting ----------------------------------------------------------------


def ms(value):
    if value is None:
        return DASH
    if value < 10:
        return f"{value:.1f} ms"
    if value < 1000:
        return f"{value:.0f} ms"
    return f"{value / 1000:.2f} s"


def p50_p95(summary):
    if not isinstance(summary, dict) or not summary.get("n"):
        return DASH
    return f"p50 {ms(summary['p50'])} · p95 {ms(summary['p95'])} (n={summary['n']})"


def p50_max(summary):
    if not isinstance(summary, dict) or not summary.get("n"):
        return DASH
    return f"p50 {ms(summary['p50'])} · max {ms(summary['max'])} (n={summary['n']})"


def _err(part):
    if isinstance(part, dict) and part.get("error"):
        return f"error: {part['error']}"
    return None


def _errors_suffix(part):
    errors = part.get("errors") if isinstance(part, dict) else None
    return f" · {len(errors)} failed trial(s)" if errors else ""


def _row(id_, what, cs=DASH, orig=DASH, target=DASH, met=None, note=""):
    return {"id": id_, "measurement": what, "clustersim": cs, "original": orig, "target": target,
            "met": met, "note": note}


def _mb(value):
    return DASH if value is None else f"{value:.1f} MB"


def _memory_pair(memory):
    """'RSS a / USS b MB' (medians) of a NodeSet.memory() dict."""
    if not memory:
        return DASH
    import statistics

    rss = statistics.median(m["rss"] for m in memory.values()) / 2**20
    uss = statistics.median(m["uss"] for m in memory.values()) / 2**20
    return f"RSS {rss:.1f} · USS {uss:.1f} MB"


# -- rows ------------------------------------------------------------------------


def table_rows(results):
    rows = []
    for name, builder in (("handover", _handover_rows), ("crash", _crash_rows), ("kill", _kill_rows),
                          ("first_mean", _first_mean_rows), ("round", _round_rows), ("scale", _scale_rows),
                          ("latency", _latency_rows), ("relay", _relay_rows)):
        if name not in results:
            continue
        res = results[name]
        if res.get("error") and not res.get("partial"):
            rows.append(_row(name, _TITLES[name], f"error: {res['error']}", met=None))
            continue
        try:
            rows.extend(builder(res, results))
        except Exception as exc:  # a reporting bug must not lose the JSON
            rows.append(_row(name, _TITLES[name], f"report error: {exc!r}"))
    return rows


# the table's section number of each measurement
_SECTIONS = {"handover": "1", "crash": "2", "kill": "3", "first_mean": "4", "round": "5", "scale": "6",
             "latency": "7", "relay": "8"}

_TITLES = {
    "handover": "graceful handover",
    "crash": "crash detection",
    "kill": "`clustersim kill` typed",
    "first_mean": "`clustersim up -n 5` to the first mean",
    "round": "a leader round",
    "scale": "`clustersim up -n 100`",
    "latency": "steady state: a round's close → its row in the API",
    "relay": "the fault relays, no fault set",
}


def _handover_rows(res, _):
    p = res["params"]
    cs, orig = res.get("clustersim", {}), res.get("original", {})
    what = f"{p['nodes']} nodes, interval {p['interval_s']:g} s"
    rows = [
        _row("1a", f"Graceful handover ({what}): stop the leader (SIGTERM; original: SIGINT) → new leader "
                   "elected (watch on /election)",
             _err(cs) or p50_p95(cs.get("elected")) + _errors_suffix(cs),
             _err(orig) or p50_p95(orig.get("elected")) + _errors_suffix(orig)),
        _row("1b", "… → first aggregate of the new leader stored by the API",
             _err(cs) or p50_p95(cs.get("first_row")),
             _err(orig) or p50_p95(orig.get("first_row"))),
    ]
    late, steady = cs.get("first_row_late") or {}, cs.get("steady_late") or {}
    first_orig = (orig.get("first_row") or {}).get("p50")
    met = None
    if late.get("n") and first_orig is not None:
        met = late["p50"] <= max(24.0, first_orig)
    rows.append(_row("1b′", "… what the handover adds to the round schedule: the new leader's first round "
                            "stored after it was due (steady state: "
                            f"{ms(steady.get('p50'))} p50); original: its first row after the stop",
                     _err(cs) or p50_p95(late) if late.get("n") else DASH,
                     _err(orig) or p50_p95(orig.get("first_row")),
                     "≤ the original's (24 ms in the issue)", met))
    rounds = cs.get("rounds") or {}
    rep = orig.get("rows_report") or {}
    orig_text = DASH
    if rep.get("rows"):
        orig_text = (f"no rounds: {rep['rows']} rows in {rep.get('span_s', 0):g} s "
                     f"(≈ {rep.get('intervals', 0):g} intervals)")
    lost = rounds.get("lost")
    rows.append(_row("1c", "Rounds lost over the whole handover run",
                     _err(cs) or (f"{lost} lost of {rounds.get('rounds')} rounds" if lost is not None else DASH),
                     _err(orig) or orig_text, "0 lost", None if lost is None else lost == 0))
    return rows


def _crash_rows(res, _):
    rows = []
    cs_all, orig_all = res.get("clustersim", {}), res.get("original", {})
    lost_total, rounds_total = 0, 0
    for i, timeout in enumerate(res["params"]["session_timeouts_s"]):
        key = f"{timeout:g}"
        cs, orig = cs_all.get(key, {}), orig_all.get(key, {})
        limit = f"≤ {timeout:g} s + 200 ms"
        met = None
        if isinstance(cs.get("gone"), dict) and cs["gone"].get("n"):
            met = cs["gone"]["max"] <= cs["limit_ms"]
        rows.append(_row(f"2{'abcdef'[i]}", f"Crash: SIGKILL the leader → its election znode gone "
                                            f"(session timeout {key} s)",
                         _err(cs) or p50_max(cs.get("gone")) + _errors_suffix(cs),
                         _err(orig) or p50_max(orig.get("gone")) + _errors_suffix(orig), limit, met))
        met = None
        if isinstance(cs.get("elected"), dict) and cs["elected"].get("n"):
            met = cs["elected"]["max"] <= cs["limit_ms"]
        rows.append(_row(f"2{'abcdef'[i]}′", f"… → new leader elected (session timeout {key} s); "
                                             f"first aggregate stored p50: clustersim "
                                             f"{ms((cs.get('first_row') or {}).get('p50'))}, original "
                                             f"{ms((orig.get('first_row') or {}).get('p50'))}",
                         _err(cs) or p50_max(cs.get("elected")),
                         _err(orig) or p50_max(orig.get("elected")), limit, met))
        rounds = cs.get("rounds") or {}
        if rounds.get("lost") is not None:
            lost_total += rounds["lost"]
            rounds_total += rounds["rounds"]
    if rounds_total:
        rows.append(_row("2z", "Rounds lost across all the crashes (clustersim fills them from the histories)",
                         f"{lost_total} lost of {rounds_total} rounds", "no rounds", "0 lost", lost_total == 0))
    return rows


def _met_p50(summary, limit_ms):
    """Whether a summary's p50 is within a target, or None when nothing was measured."""
    if not isinstance(summary, dict) or not summary.get("n"):
        return None
    return summary["p50"] <= limit_ms


def _kill_rows(res, _):
    return [
        _row("3a", "`clustersim kill <leader>` typed (command start-up included) → /clustersim/leader "
                   "names another node",
             p50_p95(res.get("to_new_leader")) + _errors_suffix(res),
             "no such command (Ctrl-C in the leader's own terminal)",
             "≤ 250 ms", _met_p50(res.get("to_new_leader"), 250.0)),
        _row("3b", "`clustersim status` (the bare command, wall time)",
             p50_p95(res.get("status_command")),
             DASH, note=f"python -c pass: p50 {ms((res.get('python_startup') or {}).get('p50'))}"),
    ]


def _first_mean_rows(res, _):
    def cell(part):
        if not isinstance(part, dict):
            return DASH
        s = part.get("first_row") or {}
        samples = ", ".join(ms(v) for v in s.get("samples", []))
        return (f"p50 {ms(s.get('p50'))} ({samples})" if s.get("n") else DASH) + _errors_suffix(part)

    return [_row("4", f"`clustersim up -n {res['params']['nodes']} --interval 1` → first mean stored, "
                      "a fresh ZooKeeper started too (original: a script starting ZooKeeper, then "
                      f"{res['params']['nodes']} app processes)",
                 cell(res.get("clustersim")), cell(res.get("original")), "≤ 3 s",
                 _met_p50((res.get("clustersim") or {}).get("first_row"), 3000.0))]


def leader_path(res):
    """'cached' when the leader's code uses the cache and it exists, else 'pipelined'."""
    return "cached" if res.get("cache_available") and res.get("leader_uses_cache") else "pipelined"


def _round_rows(res, _):
    rows = []
    path = leader_path(res)
    for i, (key, size) in enumerate(sorted(res.get("sizes", {}).items(), key=lambda kv: int(kv[0]))):
        count = int(key)
        if size.get("error"):
            rows.append(_row(f"5{'abcdef'[i]}", f"Leader round, {count:,} readings", f"error: {size['error']}"))
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
            target = "≥ 20× the sequential round"
            met = chosen is not None and (chosen.get("speedup") or 0) >= 20
        elif count == 10000:
            target = "< 100 ms"
            met = chosen is not None and chosen.get("p50") is not None and chosen["p50"] < 100
        rows.append(_row(f"5{'abcdef'[i]}", f"Leader round, {count:,} readings (median; speed-up against the "
                                            f"original's sequential round)",
                         " · ".join(parts), f"sequential gets {ms(size['original']['p50'])}", target, met,
                         note=f"judged on the leader's path: {path}"))
    return rows


def _scale_rows(res, results):
    n = res["params"]["nodes"]
    cpu = res.get("cpu_pct") or {}
    mem = res.get("node_memory_mb") or {}
    err = f" (error: {res['error']})" if res.get("error") else ""
    handover = results.get("handover", {})
    orig_mem = (handover.get("original") or {}).get("memory") or {}
    cs_mem = (handover.get("clustersim") or {}).get("memory") or {}
    rows = []
    t_all = res.get("all_publishing_s")
    rows.append(_row("6a", f"`clustersim up -n {n} --interval 1` → all {n} nodes publishing",
                     (f"{t_all:.1f} s" if t_all is not None else DASH) + err, DASH, "≤ 20 s",
                     None if t_all is None else t_all <= 20))
    sup = cpu.get("supervisor")
    rows.append(_row("6b", f"Supervisor CPU, steady, {res['params']['cpu_window_s']:g} s window "
                           f"(live table on a pseudo-terminal)",
                     f"{sup:.1f} % of one core" if sup is not None else DASH, DASH, "< 25 % of one core",
                     None if sup is None else sup < 25))
    uss_max = mem.get("uss_max")
    orig_uss = DASH
    if orig_mem:
        import statistics

        orig_uss = f"USS {statistics.median(m['uss'] for m in orig_mem.values()) / 2**20:.1f} MB (own process)"
    rows.append(_row("6c", f"Per-node unique memory (USS), {n} forked nodes: median / max",
                     f"{_mb(mem.get('uss_median'))} / {_mb(uss_max)}" if mem else DASH, orig_uss, "< 30 MB",
                     None if uss_max is None else uss_max < 30))
    rows.append(_row("6d", "Live table refresh rate (`refresh_hz`)",
                     f"{res['refresh_hz']:g} Hz" if res.get("refresh_hz") is not None else DASH, DASH))
    rows.append(_row("6e", "One node started on its own (`clustersim node` / original app): memory",
                     _memory_pair(cs_mem), _memory_pair(orig_mem)))
    return rows


def p50_p99(summary):
    if not isinstance(summary, dict) or not summary.get("n") or summary.get("p99") is None:
        return DASH
    return (f"p50 {ms(summary['p50'])} · p90 {ms(summary['p90'])} · p99 {ms(summary['p99'])} · "
            f"max {ms(summary['max'])} (n={summary['n']})")


def _latency_rows(res, _):
    p = res["params"]
    lat = res.get("latency") or {}
    rounds = res.get("rounds") or {}
    err = f" (error: {res['error']})" if res.get("error") else ""
    met = None
    if lat.get("n") and lat.get("p99") is not None:
        met = lat["p99"] <= p["target_p99_ms"]
    rows = [_row("7a", f"Steady state, `clustersim up -n {p['nodes']} --interval {p['interval_s']:g}` (embedded "
                       "ZooKeeper and API): "
                       f"a round's close → its row stored by the API (`at`), {p['rounds']} rounds",
                 p50_p99(lat) + err, "no rounds",
                 f"p99 ≤ lag {ms(p['lag_s'] * 1000)} + 100 ms = {ms(p['target_p99_ms'])}", met)]
    if rounds:
        bad = len(rounds.get("partial") or []) + len(rounds.get("short") or []) + (rounds.get("lost") or 0)
        rows.append(_row("7b", f"… rows partial (`missing`) or short (count < {p['nodes']} or < `expected`), and "
                               "rounds never stored, over those rounds",
                         f"{len(rounds.get('partial') or [])} partial · {len(rounds.get('short') or [])} short · "
                         f"{rounds.get('lost')} lost of {rounds.get('expected')} rounds", DASH, "0",
                         bad == 0 and rounds.get("stored", 0) > 0))
    return rows


def _relay_rows(res, _):
    p, echo = res["params"], res.get("echo") or {}
    rows = []
    if echo:
        rows.append(_row("8a", f"An echo round trip of {echo['payload_bytes']} bytes on loopback, direct and through "
                               f"one relay (no fault set), {p['echo_round_trips']} each, alternating",
                         f"median {echo['direct']['median_us']:g} → {echo['relayed']['median_us']:g} µs "
                         f"(+{echo['overhead_median_us']:g} µs) · p99 +{echo['overhead_p99_us']:g} µs",
                         DASH, "well under a millisecond", echo["overhead_median_us"] < 1000))
    a = (res.get("without_relays") or {}).get("latency") or {}
    b = (res.get("with_relays") or {}).get("latency") or {}
    diff = res.get("difference_ms")
    if a.get("n") and b.get("n") and diff:
        rows.append(_row("8b", f"7a again, {p['rounds']} rounds each: `up --no-relays` (nodes straight to ZooKeeper and "
                               "the API), then with the relays `partition` and `slow` act on",
                         f"p50 {ms(a['p50'])} → {ms(b['p50'])} ({diff['p50']:+g} ms) · p99 {ms(a['p99'])} → "
                         f"{ms(b['p99'])} ({diff['p99']:+g} ms)",
                         DASH, f"p50 within ±{p['noise_ms']:g} ms", res.get("met")))
    return rows


# -- notes -----------------------------------------------------------------------


def notes(results):
    """Paragraphs for the Markdown: how each number was taken, and what bounds a missed target."""
    out = []
    h = results.get("handover")
    if h and not h.get("error"):
        cs = h.get("clustersim", {})
        rounds = cs.get("rounds") or {}
        text = ("**1. Graceful handover.** Fresh nodes per system on their own chroot; each trial stops the "
                "current leader, measures until the lowest `/election` child names another node (a kazoo "
                "watch in the benchmark process) and until the API stored the new leader's first row "
                "(clustersim rows carry `leader`; the original's rows carry nothing, so its first row after "
                "the election counts), then restarts the stopped node and waits until it is back in the "
                "election and the leader delivered again. A graceful stop closes the ZooKeeper session, so "
                "no session timeout is involved.")
        if rounds.get("lost"):
            text += f" **Target missed:** rounds {rounds.get('missing')} were never stored."
        if cs.get("elected", {}).get("n"):
            text += (" clustersim's new leader cannot deliver before the round under way has closed (rounds "
                     "are on event time, computed `lag` = min(interval/2, 1 s) after they close, and the old "
                     "leader already delivered the previous one): with the stop at a random phase of the "
                     "round, that wait is uniform between 0 and one interval, which is what 1b shows. The "
                     "original's new leader sends at once, whatever it has: it has no rounds, so its rows "
                     "drift off any grid")
            rep = (h.get("original") or {}).get("rows_report") or {}
            if rep.get("shortest_gap_ms") is not None:
                text += (f" ({rep['rows']} rows in {rep['intervals']:g} intervals; the shortest gap between "
                         f"two rows was {ms(rep['shortest_gap_ms'])}, at a handover)")
            text += "."
        if cs.get("resent_duplicates"):
            text += f" The API answered {cs['resent_duplicates']} re-sent round(s) with the stored row."
        out.append(text)
    c = results.get("crash")
    if c and not c.get("error"):
        text = ("**2. Crash detection.** SIGKILL leaves the leader's session open until ZooKeeper expires "
                "it: the server expires sessions in tick buckets (tickTime "
                f"{c['params'].get('tick_ms')} ms), at the first tick after the last packet it heard plus "
                "the timeout. Nodes write a reading every interval and kazoo pings, so the last packet is "
                "at most one interval (or a third of the timeout) before the kill: the znode goes between "
                "`timeout − interval` and `timeout + tick` after the kill.")
        spans = []
        for system in ("clustersim", "original"):
            offsets = [v - float(key) * 1000 for key, part in (c.get(system) or {}).items()
                       if isinstance(part, dict) and isinstance(part.get("gone"), dict)
                       for v in part["gone"].get("samples", [])]
            if offsets:
                spans.append(f"{system} {min(offsets):+.0f} to {max(offsets):+.0f} ms")
        if spans:
            text += (" Observed, znode gone relative to the session timeout, over all timeouts: "
                     + "; ".join(spans) + ". How far below the timeout depends on when the server last "
                     "heard from the leader before the kill (clustersim's traffic follows the round grid: "
                     "a sensor write early in the round, the leader's commit and delivery `lag` after it).")
        misses = []
        for system in ("clustersim", "original"):
            for key, part in (c.get(system) or {}).items():
                if isinstance(part, dict) and isinstance(part.get("gone"), dict) and part["gone"].get("n"):
                    if part["gone"]["max"] > part["limit_ms"]:
                        misses.append(f"{system} at {key} s: max {ms(part['gone']['max'])} "
                                      f"(+{part['gone']['max'] - part['limit_ms'] + 200:.0f} ms over the timeout)")
        if misses:
            text += (" **Target missed:** " + "; ".join(misses) + ". What bounds it is ZooKeeper's "
                     "expiry granularity (one tick) plus the scheduling of a 2-core machine running the "
                     "server, three nodes and the benchmark at once.")
        out.append(text)
    k = results.get("kill")
    if k and not k.get("error"):
        out.append(
            "**3. `clustersim kill` typed.** Time from launching the `clustersim kill ID --name benchX` "
            "subprocess to the moment `/clustersim/leader` names another node (DataWatch). Of that, the "
            f"command itself exits after p50 {ms((k.get('command_exit') or {}).get('p50'))} (interpreter "
            "start-up, click, one request on the control socket); the election has moved after p50 "
            f"{ms((k.get('to_election') or {}).get('p50'))}. A bare `python -c pass` takes p50 "
            f"{ms((k.get('python_startup') or {}).get('p50'))} here: that is the floor for any typed "
            "command.")
    for key, part in (("kill", (k or {}).get("up_exit")), ("scale", (results.get("scale") or {}).get("shutdown"))):
        if isinstance(part, dict) and (part.get("killed") or part.get("nodes_left_running")):
            out.append(f"**Clean-up problem ({key}):** `up` " + ("had to be killed after SIGINT" if part.get("killed")
                       else "exited") + (f"; node processes {part['nodes_left_running']} were still running "
                                         "5 s after it exited" if part.get("nodes_left_running") else "") + ".")
    f = results.get("first_mean")
    if f and not f.get("error"):
        out.append(
            f"**4. `up` to the first mean.** From launching `clustersim up -n {f['params']['nodes']} "
            "--interval 1 --plain` "
            "(without `--zk`: the JVM of the embedded ZooKeeper starts too) to the first row stored by the "
            "benchmark's API. Rounds are on event time: the first leader computes the round under way at "
            "its election half an interval after that round closes, so between 0.5 and 1.5 s of the "
            "figure is the round grid, not start-up"
            + (f" (`status` showed a leader after p50 {ms(f['clustersim']['leader_visible']['p50'])})"
               if isinstance((f.get("clustersim") or {}).get("leader_visible"), dict) else "")
            + ". The original column scripts what the report does by "
            "hand (ZooKeeper first, then one `app.py` per node, all at once): its leader sends whatever it "
            "has as soon as it is elected. Typed by hand, one terminal per node, it takes far longer.")
    r = results.get("round")
    if r and not r.get("error"):
        path = leader_path(r)
        if r["params"].get("layout"):
            text = (
                "**5. A leader round.** N nodes in clustersim's layout, as the publisher writes it: the "
                "latest value as a bare number in an ephemeral `/mediciones/app{ID}` and the history ("
                f"{r['params']['history']} samples) in a persistent `/clustersim/history/app{{ID}}` stamped "
                "with the writer's session, from 4 sessions, each the owner of the member znodes whose "
                "histories name it (so the leader counts them as clustersim nodes, not original ones). The "
                "original's round runs on its own format (a bare number per znode, same N) with "
                "`get_children` and one `get` at a time, as the report describes; \"sequential JSON\" is that "
                "access pattern on clustersim's layout (two `get`s per node); `read_all` reads both znodes "
                "of every node in one pipelined burst, plus `aggregate_round`; the cache is the leader's "
                "path: `ReadingsCache.view()` + `completeness.assess()` (is every member caught up for the "
                "round?) + `aggregate_values()`. Medians after one untimed warm-up.")
        else:
            text = _OLD_ROUND_NOTE.format(history=r["params"]["history"])
        if not r.get("cache_available"):
            text += f" `ReadingsCache` was not available in this run ({r.get('cache_error')})."
        elif not r.get("leader_uses_cache"):
            text += (" `ReadingsCache` exists but `cluster_sim/node/leader.py` does not use it yet: the "
                     "targets are judged on `read_all`, the path the leader runs.")
        for key, size in sorted((r.get("sizes") or {}).items(), key=lambda kv: int(kv[0])):
            if size.get("error") or not isinstance(size.get("pipelined"), dict):
                continue
            count = int(key)
            per = size["read_all_only"]["p50"] * 1000 / count
            chosen = size.get(path) or {}
            detail = (f" At {count:,}: sequential JSON reads {ms(size['sequential_json']['p50'])}, "
                      f"`read_all` alone {ms(size['read_all_only']['p50'])} ({per:.0f} µs per reading)")
            cached = size.get("cached")
            if isinstance(cached, dict) and cached.get("load_s") is not None:
                change = "a new sample" if r["params"].get("layout") else "a change"
                detail += (f", cache initial load {cached['load_s']:.2f} s, {change} seen by the cache "
                           f"after {ms(cached.get('update_latency_ms'))}")
                if cached.get("complete") is False:
                    detail += f" (**{cached.get('owed')} node(s) owed:** the round was not complete)"
            detail += "."
            if count == 1000 and (chosen.get("speedup") or 0) < 20:
                detail += (f" **Target missed (≥ 20×):** {chosen.get('speedup')}×. Pipelining removes the "
                           "wait for each round trip but not kazoo's per-request cost in Python (encode, "
                           f"decode, a callback per reply: ~{per:.0f} µs per reading on one core), so "
                           "the speed-up is bounded by that CPU cost, not by the network.")
            if count == 10000 and (chosen.get("p50") is None or chosen["p50"] >= 100):
                detail += (f" **Target missed (< 100 ms):** {ms(chosen.get('p50'))}. At ~{per:.0f} µs per "
                           f"reading, 10,000 reads cannot fit in 100 ms; only readings kept in memory and "
                           "refreshed by watches (the cache) escape that bound.")
            text += detail
        out.append(text)
    s = results.get("scale")
    if s and (s.get("cpu_pct") or s.get("all_publishing_s") is not None):
        cpu = s.get("cpu_pct") or {}
        n = s["params"]["nodes"]
        text = (f"**6. `up -n {n}`.** Run on the shared ZooKeeper (`--zk`) with stdout on a pseudo-terminal, "
                "so the live rich table is drawn as a teacher would see it. All nodes publishing: every "
                "node of `status --json` has a value. CPU: utime+stime from `/proc/PID/stat` over the "
                f"window, in % of one core: supervisor {cpu.get('supervisor')} %, its helper processes "
                f"(fork server, reaper) {cpu.get('supervisor_helpers')} %, all {n} nodes "
                f"{cpu.get('nodes_total')} % (median node {cpu.get('node_median')} %), ZooKeeper "
                f"{cpu.get('zookeeper')} %; the terminal received {s.get('tty_bytes_per_s')} bytes/s. "
                "Memory: USS = Private_Clean + Private_Dirty from `/proc/PID/smaps_rollup`; the nodes "
                "are forked from a fork server that preloaded kazoo, so what they share is not counted.")
        if s.get("first_status_s") is not None:
            text += (f" `status` first answered {s['first_status_s']:.1f} s after the launch (nodes are "
                     "started from the manager's loop a few at a time, so it answers meanwhile); all were "
                     "publishing after "
                     f"{s['all_publishing_s']:.1f} s.")
        if s.get("frame_ms") is not None and s.get("refresh_hz"):
            text += (f" One frame of the live table with {n} nodes costs {s['frame_ms']:.1f} ms to render "
                     f"(timed in the benchmark process): at {s['refresh_hz']:g} Hz that is "
                     f"{s['frame_ms'] * s['refresh_hz'] / 10:.1f} % of a core of the supervisor's "
                     f"{cpu.get('supervisor')} %.")
        rnd = ((results.get("round") or {}).get("sizes") or {}).get("100") or {}
        if s.get("observer_uses_cache"):
            text += (" The supervisor's observer reads the watch-kept readings cache, not ZooKeeper, at "
                     "each refresh.")
        elif (s.get("observer_uses_cache") is False and isinstance(rnd.get("read_all_only"), dict)
              and rnd["read_all_only"].get("p50")):
            est = rnd["read_all_only"]["p50"] * 4 / 10 * n / 100
            text += (f" The supervisor's observer re-reads all {n} readings with `read_all` 4 times a "
                     f"second: by measurement 5's cost per reading that alone is about {est:.0f} % of a core.")
        misses = []
        if s.get("all_publishing_s") is not None and s["all_publishing_s"] > 20:
            misses.append(f"all {n} publishing after {s['all_publishing_s']:.1f} s (> 20 s): bounded by "
                          f"starting {n} node processes and their ZooKeeper sessions on "
                          "2 cores")
        if cpu.get("supervisor") is not None and cpu["supervisor"] >= 25:
            misses.append(f"supervisor at {cpu['supervisor']:.1f} % of a core (≥ 25 %): its observer, "
                          "rendering the table and the manager's loop share it")
        mem = s.get("node_memory_mb") or {}
        if mem.get("uss_max") is not None and mem["uss_max"] >= 30:
            misses.append(f"node USS up to {mem['uss_max']:.1f} MB (≥ 30 MB)")
        if misses:
            text += " **Target missed:** " + "; ".join(misses) + "."
        out.append(text)
    lt = results.get("latency")
    if lt and isinstance(lt.get("latency"), dict) and lt["latency"].get("n"):
        out.append(_latency_note(lt))
    rl = results.get("relay")
    if rl and rl.get("difference_ms") and rl.get("echo"):
        out.append(_relay_note(rl))
    return out


def _relay_note(res):
    p, echo, diff = res["params"], res["echo"], res["difference_ms"]
    text = ("**8. The fault relays, no fault set.** `clustersim up` starts every local node with its "
            "ZooKeeper and API connections through relays of its own on loopback (one selector thread moves "
            "every relay's bytes), so that `clustersim partition` and `slow` can act on them. 8a: a 64-byte "
            "echo on loopback (the server in a child process), direct and through one relay in alternating "
            f"blocks of 50 over the same connections, {p['echo_round_trips']} each: the relay adds "
            f"{echo['overhead_median_us']:g} µs at the median. 8b: measurement 7 run twice, "
            f"`{res['without_relays']['params']['command']}` then `{res['with_relays']['params']['command']}`, "
            f"{p['rounds']} rounds each: p50 {diff['p50']:+g} ms, p99 {diff['p99']:+g} ms with the relays. A "
            "round's close → stored path makes a few ZooKeeper round trips and one HTTP request, each tens of "
            f"microseconds more through a relay; a p50 difference within ±{p['noise_ms']:g} ms is the spread "
            "between two runs of 7a.")
    if res.get("met") is False:
        text += f" **Target missed:** the p50 moved by {diff['p50']:+g} ms."
    return text


# how measurement 5 was taken before the history moved out of /mediciones (a JSON of then renders with it)
_OLD_ROUND_NOTE = (
    "**5. A leader round.** N ephemeral reading znodes in clustersim's JSON format (history of {history} "
    "samples) created from 4 shared sessions; the original's round runs on its own format (a bare number per "
    "znode, same N) with `get_children` and one `get` at a time, as the report describes; clustersim's with "
    "`read_all` (one pipelined burst) plus `aggregate_round`; the cache with `snapshot()` plus "
    "`aggregate_round`. Medians after one untimed warm-up.")


def _latency_note(res):
    p, lat, rounds = res["params"], res["latency"], res.get("rounds") or {}
    over = [v - p["lag_s"] * 1000 for v in lat["samples"]]
    from cluster_sim.bench.support import percentile

    text = (f"**7. Steady state, round close to row.** `{p['command']}` launched as a user would (no `--zk`, "
            "no `--api-url`: the embedded ZooKeeper and API), stdout to a file. Once every node was "
            f"publishing and a row of {p['nodes']} readings was stored ({res.get('steady_after_s')} s after "
            f"the launch), the {p['rounds']} rounds from the next one to open were read back from the "
            "API's `GET /listar`. Per row: latency = `at` (the time the API stored it, ISO with "
            f"milliseconds) − the round's close, (round + 1) × {p['interval_s']:g} s; the nodes, the leader "
            "and the API share one clock (one machine). A round is due `lag` = min(interval/2, 1 s) = "
            f"{ms(p['lag_s'] * 1000)} after it closes (the sensors sample early in the round, so every "
            "node's sample is in by then); the rest is the leader's completeness check on its cache, one "
            "fenced ZooKeeper transaction (outbox and watermark) and the sender's HTTP delivery. Above "
            f"the lag: p50 {ms(percentile(over, 50))}, p99 {ms(percentile(over, 99))}, max "
            f"{ms(max(over))}.")
    if lat.get("p99") is not None and lat["p99"] > p["target_p99_ms"]:
        slow = sorted(lat["samples"])[-3:]
        text += (f" **Target missed (p99 ≤ {ms(p['target_p99_ms'])}):** p99 {ms(lat['p99'])}; slowest rows "
                 + ", ".join(ms(v) for v in slow) + ".")
    problems = []
    if rounds.get("partial"):
        problems.append(f"{len(rounds['partial'])} partial row(s) (round, missing): {rounds['partial'][:5]}")
    if rounds.get("short"):
        problems.append(f"{len(rounds['short'])} short row(s) (round, count, expected): {rounds['short'][:5]}")
    if rounds.get("lost"):
        problems.append(f"{rounds['lost']} round(s) never stored: {rounds.get('missing', [])[:10]}")
    if problems:
        text += " **Not steady:** " + "; ".join(problems) + "."
    if len(rounds.get("epochs") or []) > 1:
        text += f" The leadership changed during the run (epochs {rounds['epochs']})."
    if res.get("nodes_running_at_end") is not None and res["nodes_running_at_end"] < p["nodes"]:
        text += f" Only {res['nodes_running_at_end']} of {p['nodes']} nodes were running at the end."
    return text


# -- output ----------------------------------------------------------------------


def _met(value):
    return DASH if value is None else ("yes" if value else "**no**")


def _cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def _run_lines(meta):
    """The command / date / machine / software / run lines of one run."""
    return [
        f"- **Command:** `{meta['command']}`",
        f"- **Date:** {meta['date']} (run took {meta['duration_s'] / 60:.1f} min)",
        f"- **Machine:** {meta['machine']['machine']}, {meta['machine']['cores']} cores"
        + (f" ({meta['machine']['cpu']})" if meta['machine'].get('cpu') else "")
        + (f", {meta['machine']['memory_bytes'] / 2**30:.0f} GB RAM" if meta['machine'].get('memory_bytes') else "")
        + f", Linux {meta['machine'].get('kernel', '')}",
        f"- **Software:** Python {meta['python']}, ZooKeeper {meta['zookeeper'] or '?'} "
        f"(tickTime {meta['tick_ms']} ms), kazoo {meta.get('kazoo', '?')}, clustersim {meta.get('clustersim', '?')}",
        f"- **Run:** {meta['config']}" + (f", only {', '.join(meta['only'])}" if meta.get("only") else "")
        + (f"; load average (1 min) {meta['loadavg_start'][0]:.2f} at the start, "
           f"{meta['loadavg_end'][0]:.2f} at the end" if meta.get("loadavg_start") and meta.get("loadavg_end")
           else ""),
    ]


def markdown(meta, rows, paragraphs, reruns=()):
    """``reruns``: later runs of some measurements merged into this report
    (``{"meta": ..., ...}`` with ``meta["only"]`` naming them), each with its own lines."""
    lines = [
        "# Benchmarks",
        "",
        "Generated by `clustersim bench`: clustersim against a faithful rebuild of the original design "
        "(`cluster_sim/bench/original_app.py`), in one run, on one ZooKeeper. Run it again to refresh "
        "this file; the raw numbers (every trial) are in the JSON it writes with `--json`.",
        "",
        *_run_lines(meta),
    ]
    for rerun in reruns:
        names = rerun["meta"].get("only") or []
        ids = ", ".join(_SECTIONS.get(name, name) for name in names)
        lines += ["", f"Rows {ids} ({', '.join(names)}) come from a later run of their own, merged into "
                      "this one's JSON (`python -m cluster_sim.bench --only ... --merge FILE`):",
                  "", *_run_lines(rerun["meta"])]
    lines += [
        "",
        "| # | measurement | clustersim | original design | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        measurement = row["measurement"] + (f" — {row['note']}" if row.get("note") else "")
        lines.append("| " + " | ".join(_cell(x) for x in (
            row["id"], measurement, row["clustersim"], row["original"], row["target"], _met(row["met"]))) + " |")
    lines += ["", "Latencies are wall-clock times between the benchmark's own observations: it sends the "
              "signal (or launches the command) and sees the result through a ZooKeeper watch or the "
              "moment its API stored the row (`time.time()` right after the commit). p95 is linearly "
              "interpolated, so with few trials it is close to the maximum.", ""]
    if paragraphs:
        lines += ["## Notes", ""]
        for p in paragraphs:
            lines += [p, ""]
    return "\n".join(lines).rstrip() + "\n"


def print_table(console, meta, rows):
    """A table on a terminal; on a pipe, one plain line per measurement (nothing wrapped or boxed)."""
    from rich.table import Table
    from rich.text import Text

    if not console.is_terminal:
        machine = meta["machine"]
        console.print(f"clustersim bench · {machine['machine']}, {machine['cores']} cores, Python {meta['python']}, "
                      f"ZooKeeper {meta['zookeeper']}", markup=False, highlight=False, soft_wrap=True)
        for row in rows:
            measurement = row["measurement"].replace("`", "") + (f" ({row['note']})" if row.get("note") else "")
            met = DASH if row["met"] is None else ("yes" if row["met"] else "no")
            console.print(f"{row['id']}  {measurement}: clustersim {row['clustersim']} · original {row['original']}"
                          f" · target {row['target']} · met {met}", markup=False, highlight=False, soft_wrap=True)
        return

    table = Table(title=f"clustersim bench · {meta['machine']['machine']}, {meta['machine']['cores']} cores, "
                        f"Python {meta['python']}, ZooKeeper {meta['zookeeper']}", show_lines=True)
    table.add_column("#", no_wrap=True)
    table.add_column("measurement", ratio=3)
    table.add_column("clustersim", ratio=2)
    table.add_column("original", ratio=2)
    table.add_column("target")
    table.add_column("met", no_wrap=True)
    for row in rows:
        met = row["met"]
        mark = "[dim]—[/]" if met is None else ("[green]yes[/]" if met else "[bold red]no[/]")
        measurement = row["measurement"].replace("`", "") + (f" ({row['note']})" if row.get("note") else "")
        table.add_row(Text(row["id"]), Text(measurement), Text(row["clustersim"]), Text(row["original"]),
                      Text(row["target"]), mark)
    console.print(table)
