"""split-brain: freeze the leader past its session timeout, then wake it up.

ZooKeeper expires the frozen leader's session and another node is elected
with a higher epoch. When the old leader wakes up it still believes it leads:
with the guard and fencing it finds out and steps down; with --unsafe (the
original design) it goes on sending, and for a while two leaders deliver.
"""

from typing import TYPE_CHECKING, Any, Dict, cast

from cluster_sim.engine.events import Fenced, SteppedDown
from cluster_sim.presentation.wording import step_down_why

if TYPE_CHECKING:
    from cluster_sim.demo.stage import Demo
    from cluster_sim.demo.summary import Summary

NODES = 5
ZK_SERVERS = 1


def run(demo: "Demo", summary: "Summary") -> None:
    say = demo.say
    status = demo.opening(NODES)
    old, old_epoch = status["leader"], status["epoch"]

    # 1. freeze the leader: no heartbeats, its session expires
    demo.narrate("sb_pause", leader=old, timeout=float(demo.session_timeout))
    since = len(demo.events)
    sent = demo.clock()
    demo.request("pause", id=old)
    status, ms = demo.handover(old, sent, timeout=2 * demo.session_timeout + 20, since=since)
    new, epoch = status["leader"], status["epoch"]
    summary.add(say("pause_handover"), say("handover", ms=ms, old=old, new=new, epoch=epoch))
    summary.measured.update(pause_handover_ms=ms, old=old, new=new, old_epoch=old_epoch, epoch=epoch)
    demo.narrate("sb_new", new=new, old=old, epoch=epoch, old_epoch=old_epoch, timeout=float(demo.session_timeout))
    demo.wait_stored(2, timeout=10 * demo.interval + 15)
    demo.pause()

    # 2. wake it up
    resumed_after = demo.max_row_id()
    since = len(demo.events)
    demo.narrate("sb_resume_unsafe" if demo.unsafe else "sb_resume", old=old, old_epoch=old_epoch)
    demo.request("resume", id=old)
    if demo.unsafe:
        _unsafe(demo, summary, old, new, since)
    else:
        _safe(demo, summary, old, new, old_epoch, epoch, since)

    rows = [r for r in demo.rows() if (r.get("id") or 0) > resumed_after]
    by_leader: Dict[str, int] = {}
    for row in rows:
        by_leader[str(row.get("leader") or "?")] = by_leader.get(str(row.get("leader") or "?"), 0) + 1
    shown = [old, new] + sorted(k for k in by_leader if k not in (old, new))
    summary.add(say("overlap_rows"), "\n".join(say("rows_by", node=k, rows=by_leader.get(k, 0)) for k in shown))
    summary.measured.update(rows_after_resume=by_leader)
    first_new = min((r["id"] for r in demo.rows() if r.get("epoch") == epoch), default=None)
    if first_new is not None and not demo.unsafe:
        late = [r for r in demo.rows() if r["id"] > first_new and r.get("epoch") is not None
                and r["epoch"] < epoch]
        summary.add(say("late_rows"), len(late))
        summary.measured.update(late_rows=len(late))
    if demo.unsafe:
        both = by_leader.get(old, 0) > 0 and by_leader.get(new, 0) > 0
        summary.notes.append(say("unsafe_why") if both else say("unsafe_none"))
    else:
        summary.notes.append(say("safe_why"))
    demo.pause()


def _safe(demo: "Demo", summary: "Summary", old: str, new: str, old_epoch: int, epoch: int, since: int) -> None:
    say = demo.say
    gone = demo.wait_for(lambda s: demo.find((SteppedDown, Fenced), since, node=old),
                         2 * demo.session_timeout + 20, say("w_step_down", old=old))
    if isinstance(gone, SteppedDown):
        summary.add(say("old_fate", old=old), say("old_fenced", how=step_down_why(gone, demo.lang)))
    else:
        summary.add(say("old_fate", old=old), say("old_fenced_api", epoch=gone.epoch))
    demo.narrate("sb_fenced", old=old, epoch=epoch, old_epoch=old_epoch)
    # back in the election as a follower, and the new leader still leads
    demo.try_wait_for(lambda s: next((n for n in s["nodes"] if n["id"] == old),
                                     cast(Dict[str, Any], {})).get("role") == "follower",
                      demo.session_timeout + 10)
    demo.wait_stored(3, timeout=10 * demo.interval + 15)
    summary.add(say("two_leaders"), say("no"))
    demo.pause()


def _unsafe(demo: "Demo", summary: "Summary", old: str, new: str, since: int) -> None:
    say = demo.say

    seen = demo.two_leaders(old, new, since, 2 * demo.session_timeout + 6 * demo.interval + 5, narration="sb_two")
    summary.add(say("two_leaders"), say("yes") if seen else say("no"))
    summary.measured.update(two_leaders=seen)
    demo.pause()
