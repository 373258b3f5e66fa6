"""The benchmark's notes: how each measurement was taken, in a paragraph under the table.

    paragraphs = notes(results)    # ["**1. Graceful handover.** ...", ...]
"""

from typing import Any, Dict, List

from cluster_sim.bench.rows import leader_path, ms, p50_max


def notes(results: Dict[str, Any]) -> List[str]:
    """Paragraphs for the Markdown: how each number was taken, and what bounds a missed target."""
    out: List[str] = []
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
        if any(isinstance(size.get("cached"), dict) and size["cached"].get("load_s") is not None
               for size in (r.get("sizes") or {}).values()):
            text += (" The initial load (row 5d) is what a new leader does before its first round: one "
                     "persistent recursive watch on the histories' folder, list both folders (watched), then "
                     "per 250 znodes (two such batches in flight) one `setWatches` request (a data watch on "
                     "each member) and one `multiRead` after it (ZooKeeper 3.6+; a member's znode, then its "
                     "history), so an update landing during the load is in the read or fires a watch set before it "
                     "(`tests/test_cache.py`). One `get` per znode, as kazoo offers, cost about 140 µs each "
                     "in Python and took 4.3 s at 10,000; timed from `ReadingsCache.start` to a fresh view "
                     "with no read in flight.")
        out.append(text)
    t = results.get("takeover")
    if t and not t.get("error") and not t.get("skipped"):
        p = t["params"]
        pub = t.get("publisher") or {}
        rounds = t.get("rounds") or {}
        text = (f"**5e. A new leader at {p['members']:,} members.** Two `clustersim node` processes in the "
                f"election (interval {p['interval_s']:g} s, session timeout {p['session_timeout_s']:g} s) and "
                f"{p['members']:,} simulated members written from {p['publisher_sessions']} sessions as the "
                "publisher writes them (bare value and history stamped with the writer's session, a sample "
                f"early in every round, {p.get('nodes_per_transaction', 1)} nodes to a transaction: "
                "`cluster_sim/bench/publishers.py`), so "
                "the leader waits for every one of them. Each trial stops the leader with SIGTERM at a random "
                "phase of the round; the other node is elected, loads its cache and stores rounds. Its first "
                "row (the API's clock right after the commit) is compared with when its round was due (`lag` "
                "after the round closed: a round is never computed earlier) and with the election (the "
                "benchmark's watch on `/election`); complete = every member counted, none missing. Steady "
                "state, over the whole run: rows stored "
                f"{p50_max(t.get('steady_late'))} after due; {t.get('partial_rows', 0)} partial row(s), "
                f"{rounds.get('lost')} round(s) lost; the publishers published {pub.get('rounds')} rounds "
                f"(each in {p50_max(pub.get('took'))}; {pub.get('late', 0)} finished after their round closed, "
                f"{pub.get('failed', 0)} failed transactions).")
        firsts = ", ".join(f"{x['round']} ({x['count']}{', missing ' + x['missing'] if x['missing'] else ''}; "
                           f"{x['late_ms']:+.0f} ms)" for x in t.get("trials") or [])
        if firsts:
            text += f" First rounds (count; after due): {firsts}."
        if t.get("errors"):
            text += f" Failed trials: {'; '.join(t['errors'])}."
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
    if rl and rl.get("echo"):
        out.append(_relay_note(rl))
    fc = results.get("failover_cost")
    if fc and fc.get("runs"):
        from cluster_sim.bench.rows_cost import cost_note

        out.append(cost_note(fc))
    return out


def _relay_note(res: Dict[str, Any]) -> str:
    p, echo, diff = res["params"], res["echo"], res.get("difference_ms")
    text = ("**8. The fault relays, no fault set.** `clustersim up` starts every local node with its "
            "ZooKeeper and API connections through relays of its own on loopback (one selector thread moves "
            "every relay's bytes), so that `clustersim partition` and `slow` can act on them. 8a: a 64-byte "
            "echo on loopback (the server in a child process), direct and through one relay in alternating "
            f"blocks of 50 over the same connections, {p['echo_round_trips']} each: the relay adds "
            f"{echo['overhead_median_us']:g} µs at the median.")
    if "with_relays" not in res:
        return text + " (This run measured the echo alone: `--quick` leaves out 8b's two clusters.)"
    if not diff:
        return text
    text += (" 8b: measurement 7 run twice, "
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


def _latency_note(res: Dict[str, Any]) -> str:
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
