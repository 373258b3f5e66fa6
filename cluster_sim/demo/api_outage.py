"""api-outage: stop the API, watch the outbox in ZooKeeper grow, start it, watch it drain."""

from typing import TYPE_CHECKING

from cluster_sim.engine.events import ApiBack

if TYPE_CHECKING:
    from cluster_sim.demo.stage import Demo
    from cluster_sim.demo.summary import Summary

NODES = 3
ZK_SERVERS = 1
MIN_DEPTH = 3     # rounds in the outbox before the API comes back


def run(demo: "Demo", summary: "Summary") -> None:
    say = demo.say
    status = demo.opening(NODES)

    # 1. the API goes away: rounds wait in the outbox
    demo.narrate("api_stop")
    demo.pause()
    demo.request("api-stop")
    down_at = demo.clock()
    status = demo.wait_for(lambda s: s if s["outbox"]["depth"] >= MIN_DEPTH else None,
                           (MIN_DEPTH + 6) * demo.interval + 20, say("w_outbox", depth=MIN_DEPTH))
    demo.narrate("api_growing", live=True, depth=status["outbox"]["depth"])
    demo.pause()
    demo.status()

    # 2. the API comes back: the outbox drains, oldest first
    demo.narrate("api_start")
    since = len(demo.events)
    demo.request("api-start")
    up_at = demo.clock()
    depth = demo.max_outbox
    demo.wait_for(lambda s: s["outbox"]["depth"] == 0, 40, say("w_drain"))
    drained_at = demo.clock()
    back = demo.try_wait_for(lambda s: demo.find(ApiBack, since), 10 + 4 * demo.interval)
    delivered = back.delivered if back is not None and back.delivered is not None else depth
    summary.add(say("api_outage"), say("seconds", secs=round(up_at - down_at, 1)))
    summary.add(say("api_depth"), depth)
    summary.add(say("api_drained"), say("api_drained_v", delivered=delivered, secs=round(drained_at - up_at, 1)))
    summary.measured.update(outage_s=up_at - down_at, max_depth=depth, delivered_after=delivered,
                            drain_s=drained_at - up_at)
    demo.narrate("api_back", delivered=delivered, secs=round(drained_at - up_at, 1))
    demo.wait_stored(2, timeout=10 * demo.interval + 15)
    demo.pause()
