"""partition: cut the leader off from ZooKeeper (it still reaches the API), then heal.

The leader keeps running and keeps its clock, but its ZooKeeper connection
goes silent: no error, no reset, as a pulled cable. ZooKeeper expires its
session after the session timeout and another node is elected with a higher
epoch. The old leader, SUSPENDED, cannot know whether it still leads, so it
holds still; had it sent a round, the API would refuse it (409). On the heal
it learns that its session expired, steps down and rejoins as a follower.
With --unsafe (the original design) nothing stops it: after the heal it goes
on leading in a new session, and two leaders post side by side.

What it measures goes into `summary.measured` first; `report()` turns those
figures into the results' rows (docs/classroom.md quotes it with sample
figures, scripts/classroom_quotes.py).
"""

from typing import TYPE_CHECKING, Any, Callable, Dict, List, cast

from cluster_sim.engine.events import Fenced, Partitioned, SteppedDown

if TYPE_CHECKING:
    from cluster_sim.demo.stage import Demo
    from cluster_sim.demo.summary import Summary

NODES = 3
ZK_SERVERS = 1


def run(demo: "Demo", summary: "Summary") -> None:
    m = summary.measured
    status = demo.opening(NODES)
    old, old_epoch = status["leader"], status["epoch"]

    # 1. cut the leader off from ZooKeeper: it still reaches the API
    demo.narrate("pt_cut", leader=old, timeout=demo.session_timeout)
    demo.pause()
    since = len(demo.events)
    sent = demo.clock()
    # a dict only because `from` is a keyword (it fills neither `check` nor `timeout`)
    demo.request("partition", id=old, **{"from": "zk"})  # type: ignore[arg-type]
    status, ms = demo.handover(old, sent, timeout=2 * demo.session_timeout + 20, since=since)
    new, epoch = status["leader"], status["epoch"]
    cut = demo.find(Partitioned, since, node=old)
    m.update(handover_ms=ms, old=old, new=new, old_epoch=old_epoch, epoch=epoch,
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
        _unsafe(demo, m, old, new, since)
    else:
        _safe(demo, m, old, new, since)

    rows = demo.rows()
    _stale(demo, m, rows, old, new, epoch)
    # the cut-off node's readings could not reach ZooKeeper: its rounds say so, never silently short
    m["partial_without_old"] = len([r for r in rows if str(old) in str(r.get("missing") or "").split(",")])
    by_leader: Dict[str, int] = {}
    for row in rows:
        if (row.get("id") or 0) > healed_after:
            key = str(row.get("leader") or "?")
            by_leader[key] = by_leader.get(key, 0) + 1
    m["rows_after_heal"] = by_leader
    report(summary, demo.say, m, demo.unsafe)
    demo.pause()


def report(summary: "Summary", say: Callable[..., str], m: Dict[str, Any], unsafe: bool) -> None:
    """The results' rows and note from what run() measured (`say` words them)."""
    old, new = m["old"], m["new"]
    summary.add(say("pt_handover"), say("handover", ms=m["handover_ms"], old=old, new=new, epoch=m["epoch"]))
    if m.get("old_fate"):
        summary.add(say("old_fate", old=old), m["old_fate"])
    summary.add(say("two_leaders"), say("yes") if m.get("two_leaders") else say("no"))
    summary.add(say("stale"), say("stale_v", attempted=m["stale_attempted"], refused=m["stale_refused"],
                                  stored=m["stale_stored"]))
    if not unsafe:
        summary.add(say("pt_partial", old=old), say("pt_partial_v", n=m["partial_without_old"]))
    by_leader = m["rows_after_heal"]
    shown = [old, new] + sorted(k for k in by_leader if k not in (old, new))
    summary.add(say("heal_rows"), "\n".join(say("rows_by", node=k, rows=by_leader.get(k, 0)) for k in shown))
    summary.notes.append(say("pt_unsafe_why" if unsafe else "pt_safe_why"))


def _stale(demo: "Demo", m: Dict[str, Any], rows: List[dict], old: str, new: str, epoch: int) -> None:
    """Deliveries of the old leader after the new leader's first row: stored ones (fencing failed)
    and refused ones (the API's 409, which the old leader reports as Fenced)."""
    first_new = min((r["id"] for r in rows if str(r.get("leader")) == str(new)
                     and (demo.unsafe or r.get("epoch") == epoch)), default=None)
    stored = [r for r in rows if first_new is not None and r["id"] > first_new and str(r.get("leader")) == str(old)]
    refused = [e for e in demo.events if isinstance(e, Fenced) and e.node == old and e.ts >= m["cut_at"]]
    m.update(stale_attempted=len(stored) + len(refused), stale_refused=len(refused), stale_stored=len(stored))


def _safe(demo: "Demo", m: Dict[str, Any], old: str, new: str, since: int) -> None:
    from cluster_sim.presentation.wording import step_down_why

    say = demo.say
    gone = demo.wait_for(lambda s: demo.find((SteppedDown, Fenced), since, node=old),
                         2 * demo.session_timeout + 20, say("w_step_down", old=old))
    if isinstance(gone, SteppedDown):
        m["old_fate"] = say("old_fenced", how=step_down_why(gone, demo.lang))
    else:
        m["old_fate"] = say("old_fenced_api", epoch=gone.epoch)
    # back in the election as a follower, and the new leader still leads
    back = demo.try_wait_for(lambda s: next((n for n in s["nodes"] if n["id"] == old),
                                            cast(Dict[str, Any], {})).get("role") == "follower",
                             demo.session_timeout + 10)
    m.update(old_follower=bool(back), two_leaders=False)
    demo.narrate("pt_rejoined", old=old, new=new)
    demo.wait_stored(3, timeout=10 * demo.interval + 15)


def _unsafe(demo: "Demo", m: Dict[str, Any], old: str, new: str, since: int) -> None:
    m["two_leaders"] = demo.two_leaders(old, new, since, 2 * demo.session_timeout + 6 * demo.interval + 10,
                                        narration="pt_two")
