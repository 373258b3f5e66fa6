"""failover: kill the leader gracefully, then the next one hard; compare the handovers.

A graceful stop closes the ZooKeeper session, so the ephemeral election znode
goes at once and the next candidate takes over in milliseconds; a SIGKILL
leaves the session open until it times out.
"""

NODES = 5
ZK_SERVERS = 1


def run(demo, summary):
    say = demo.say
    demo.narrate("start", nodes=NODES)
    status = demo.wait_ready(NODES, rounds=2)
    first, epoch = status["leader"], status["epoch"]
    demo.narrate("leader_up", leader=first, epoch=epoch, interval=demo.interval)
    demo.pause()

    # 1. graceful: SIGTERM, the session is closed on the way out
    demo.narrate("fo_kill_soft", leader=first)
    demo.pause()
    since = len(demo.events)
    sent = demo.clock()
    demo.request("kill", id=first, hard=False)
    status, soft_ms = demo.handover(first, sent, timeout=demo.session_timeout + 20, since=since)
    second, second_epoch = status["leader"], status["epoch"]
    summary.add(say("graceful"), say("handover", ms=soft_ms, old=first, new=second, epoch=second_epoch))
    summary.measured.update(graceful_ms=soft_ms)
    demo.narrate("fo_soft_result", new=second, old=first, ms=soft_ms, epoch=second_epoch)
    demo.wait_stored(2, timeout=10 * demo.interval + 15)
    demo.pause()

    # 2. hard: SIGKILL, ZooKeeper finds out when the session times out
    demo.narrate("fo_kill_hard", leader=second, timeout=demo.session_timeout)
    demo.pause()
    since = len(demo.events)
    sent = demo.clock()
    demo.request("kill", id=second, hard=True)
    status, hard_ms = demo.handover(second, sent, timeout=2 * demo.session_timeout + 20, since=since)
    third, third_epoch = status["leader"], status["epoch"]
    summary.add(say("hard"), say("handover", ms=hard_ms, old=second, new=third, epoch=third_epoch))
    summary.measured.update(hard_ms=hard_ms)
    demo.narrate("fo_hard_result", new=third, old=second, ms=hard_ms, epoch=third_epoch)
    demo.wait_stored(2, timeout=10 * demo.interval + 15)
    demo.pause()

    demo.narrate("fo_compare", soft=f"{soft_ms:,}", hard=f"{hard_ms:,}")
    summary.notes.append(say("graceful_why", ms=soft_ms))
    summary.notes.append(say("hard_why", ms=hard_ms, timeout=demo.session_timeout))
    if soft_ms > 0 and hard_ms > soft_ms:
        summary.notes.append(say("ratio", ratio=hard_ms / soft_ms))
    demo.pause()
