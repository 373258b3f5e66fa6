"""partition: cut the leader off from ZooKeeper (it still reaches the API), then heal.

The leader keeps running and keeps its clock, but its ZooKeeper connection
goes silent: no error, no reset, as a pulled cable. ZooKeeper expires its
session after the session timeout and another node is elected with a higher
epoch. The old leader, SUSPENDED, cannot know whether it still leads, so it
holds still; had it sent a round, the API would refuse it (409). On the heal
it learns that its session expired, steps down and rejoins as a follower.
With --unsafe (the original design) nothing stops it: after the heal it goes
on leading in a new session, and two leaders post side by side.
"""

from cluster_sim.supervisor.events import Fenced, Partitioned, SplitBrain, SteppedDown

NODES = 3
ZK_SERVERS = 1


def _leaders(status):
    return [n["id"] for n in status["nodes"] if n["role"] == "LEADER"]


def run(demo, summary):
    say = demo.say
    status = demo.opening(NODES)
    old, old_epoch = status["leader"], status["epoch"]

    # 1. cut the leader off from ZooKeeper: it still reaches the API
    demo.narrate("pt_cut", leader=old, timeout=demo.session_timeout)
    demo.pause()
    since = len(demo.events)
    sent = demo.clock()
    demo.request("partition", id=old, **{"from": "zk"})
    status, ms = demo.handover(old, sent, timeout=2 * demo.session_timeout + 20, since=since)
    new, epoch = status["leader"], status["epoch"]
    cut = demo.find(Partitioned, since, node=old)
    summary.add(say("pt_handover"), say("handover", ms=ms, old=old, new=new, epoch=epoch))
    summary.measured.update(handover_ms=ms, old=old, new=new, old_epoch=old_epoch, epoch=epoch,
                            cut_at=cut.ts if cut is not None else sent)
    demo.narrate("pt_new_unsafe" if demo.unsafe else "pt_new", new=new, old=old, epoch=epoch,
                 old_epoch=old_epoch, timeout=demo.session_timeout)
    demo.wait_stored(3, timeout=10 * demo.interval + 15)
    demo.pause()

    # 2. heal: the old leader hears that its session is gone
    healed_after = demo.max_row_id()
    since = len(demo.events)
    demo.narrate("pt_heal_unsafe" if demo.unsafe else "pt_heal", old=old)
    demo.pause()
    demo.request("heal", id=old)
    if demo.unsafe:
        _unsafe(demo, summary, old, new, since)
    else:
        _safe(demo, summary, old, new, since)

    rows = demo.rows()
    _stale(demo, summary, rows, old, new, epoch, since_partition=summary.measured["cut_at"])
    if not demo.unsafe:
        # the cut-off node's readings could not reach ZooKeeper: its rounds say so, never silently short
        partial = [r for r in rows if str(old) in str(r.get("missing") or "").split(",")]
        summary.add(say("pt_partial", old=old), say("pt_partial_v", n=len(partial)))
        summary.measured.update(partial_without_old=len(partial))
    after = [r for r in rows if (r.get("id") or 0) > healed_after]
    by_leader = {}
    for row in after:
        key = str(row.get("leader") or "?")
        by_leader[key] = by_leader.get(key, 0) + 1
    shown = [old, new] + sorted(k for k in by_leader if k not in (old, new))
    summary.add(say("heal_rows"), "\n".join(say("rows_by", node=k, rows=by_leader.get(k, 0)) for k in shown))
    summary.measured.update(rows_after_heal=by_leader)
    summary.notes.append(say("pt_unsafe_why" if demo.unsafe else "pt_safe_why"))
    demo.pause()


def _stale(demo, summary, rows, old, new, epoch, since_partition):
    """Deliveries of the old leader after the new leader's first row: stored ones (fencing failed)
    and refused ones (the API's 409, which the old leader reports as Fenced)."""
    first_new = min((r["id"] for r in rows if str(r.get("leader")) == str(new)
                     and (demo.unsafe or r.get("epoch") == epoch)), default=None)
    stored = [r for r in rows if first_new is not None and r["id"] > first_new and str(r.get("leader")) == str(old)]
    refused = [e for e in demo.events if isinstance(e, Fenced) and e.node == old and e.ts >= since_partition]
    attempted = len(stored) + len(refused)
    summary.add(demo.say("stale"), demo.say("stale_v", attempted=attempted, refused=len(refused), stored=len(stored)))
    summary.measured.update(stale_attempted=attempted, stale_refused=len(refused), stale_stored=len(stored))


def _safe(demo, summary, old, new, since):
    say = demo.say
    gone = demo.wait_for(lambda s: demo.find((SteppedDown, Fenced), since, node=old),
                         2 * demo.session_timeout + 20, f"node {old} to step down")
    summary.add(say("old_fate", old=old), say("old_fenced", how=gone.reason))
    summary.measured.update(old_fate=gone.reason)
    # back in the election as a follower, and the new leader still leads
    back = demo.try_wait_for(lambda s: next((n for n in s["nodes"] if n["id"] == old), {}).get("role") == "follower",
                             demo.session_timeout + 10)
    summary.measured.update(old_follower=bool(back))
    demo.narrate("pt_rejoined", old=old, new=new)
    demo.wait_stored(3, timeout=10 * demo.interval + 15)
    summary.add(say("two_leaders"), say("no"))
    summary.measured.update(two_leaders=False)


def _unsafe(demo, summary, old, new, since):
    say = demo.say

    def two(status):
        leaders = _leaders(status)
        return (old in leaders and len(leaders) >= 2) or demo.find(SplitBrain, since)

    seen = demo.try_wait_for(two, 2 * demo.session_timeout + 6 * demo.interval + 10)
    summary.add(say("two_leaders"), say("yes") if seen else say("no"))
    summary.measured.update(two_leaders=bool(seen))
    if seen:
        demo.narrate("pt_two", old=old, new=new)
        base = demo.max_row_id()

        def both_delivered(_status):
            counts = {}
            for row in demo.rows():
                if (row.get("id") or 0) > base:
                    counts[str(row.get("leader"))] = counts.get(str(row.get("leader")), 0) + 1
            return counts.get(str(old), 0) >= 3 and counts.get(str(new), 0) >= 3

        demo.try_wait_for(both_delivered, 10 * demo.interval + 10)
    else:
        demo.narrate("sb_no_two", old=old)
        demo.wait_stored(3, timeout=10 * demo.interval + 15)
