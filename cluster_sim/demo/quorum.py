"""quorum: a 3-server ZooKeeper ensemble loses one server, then its quorum, then gets it back.

With one server down the majority (2 of 3) still decides: rounds go on. With
two down nobody can decide: every node is SUSPENDED and the leader holds
still. When a server comes back, the rounds of the outage are filled from
the nodes' histories.
"""

from typing import TYPE_CHECKING, Any, Dict, Optional

from cluster_sim.words.labels import word

if TYPE_CHECKING:
    from cluster_sim.demo.stage import Demo
    from cluster_sim.demo.summary import Summary

NODES = 3
ZK_SERVERS = 3


def _server(status: Dict[str, Any], index: int) -> Dict[str, Any]:
    return next((s for s in status["zk_servers"] if s["index"] == index), {})


def run(demo: "Demo", summary: "Summary") -> None:
    say = demo.say
    demo.narrate("start", nodes=NODES)
    status = demo.wait_ready(NODES, rounds=2, timeout=120)

    def modes(s: Dict[str, Any]) -> Optional[Dict[str, Any]]:
        found = sorted(x["mode"] for x in s["zk_servers"])
        return s if found == ["follower", "follower", "leader"] else None

    status = demo.wait_for(modes, 40, say("w_zk_modes"))
    zk_leader = next(s["index"] for s in status["zk_servers"] if s["mode"] == "leader")
    follower = next(s["index"] for s in status["zk_servers"] if s["mode"] == "follower")
    summary.add(say("zk_ensemble"), ", ".join(f"#{s['index']} {word('mode', s['mode'], demo.lang)}"
                                              for s in status["zk_servers"]))
    demo.narrate("q_intro", leader=status["leader"])
    demo.pause()

    # 1. one follower down: 2 of 3 is still a majority
    demo.narrate("q_kill_follower", index=follower)
    demo.pause()
    demo.request("zk-kill", index=follower)
    demo.wait_for(lambda s: _server(s, follower).get("mode") == "down", 15, say("w_zk_down", index=follower))
    before = demo.status().get("rounds_stored") or 0
    status = demo.wait_stored(3, timeout=15 * demo.interval + 30)
    one_down = (status.get("rounds_stored") or 0) - before
    summary.add(say("zk_one_down", index=follower), say("zk_rounds", rounds=one_down))
    demo.narrate("q_one_down", rounds=one_down, index=follower)
    demo.pause()

    # 2. the ZooKeeper leader too: no majority, every node SUSPENDED
    demo.narrate("q_kill_leader", index=zk_leader)
    demo.pause()
    demo.request("zk-kill", index=zk_leader)
    lost_at = demo.clock()

    def suspended(s: Dict[str, Any]) -> object:
        nodes = [n for n in s["nodes"] if n["state"] == "running"]
        return nodes and all(n["connection"] in ("SUSPENDED", "LOST") for n in nodes)

    demo.wait_for(suspended, 2 * demo.session_timeout + 30, say("w_suspended"))
    stalled = demo.status().get("rounds_stored") or 0
    demo.narrate("q_lost")
    # the outage lasts a few rounds, so that there is something to fill
    demo.wait_rounds(4)
    demo.pause()
    during = (demo.status().get("rounds_stored") or 0) - stalled

    # 3. one server back: quorum again
    demo.narrate("q_restore", index=zk_leader)
    last_id = demo.max_row_id()
    restart_at = demo.clock()
    demo.request("zk-start", index=zk_leader)
    demo.wait_stored(1, timeout=60 + 2 * demo.session_timeout)
    back_secs = demo.clock() - restart_at
    summary.add(say("zk_no_quorum", a=follower, b=zk_leader),
                say("zk_no_quorum_v", secs=round(restart_at - lost_at, 1), rounds=max(0, during)))
    summary.add(say("zk_back"), say("seconds", secs=round(back_secs, 1)))
    demo.wait_for(lambda s: all(n["connection"] == "CONNECTED" for n in s["nodes"] if n["state"] == "running"),
                  30, say("w_connected"))
    demo.wait_stored(2, timeout=10 * demo.interval + 20)
    # rounds that closed before the server was started, but were stored after it: filled late
    filled_rows = {r["round"]: r for r in demo.rows()
                   if (r.get("id") or 0) > last_id and r.get("round") is not None
                   and (r["round"] + 1) * demo.interval <= restart_at}
    filled = sorted(filled_rows)
    empty = [n for n in filled if not filled_rows[n].get("count")]
    span = f" ({filled[0]}–{filled[-1]})" if filled else ""
    summary.add(say("zk_filled"), f"{len(filled)}{span}" + (say("zk_filled_empty", empty=len(empty)) if empty else ""))
    summary.measured.update(one_down_rounds=one_down, quorum_lost_s=restart_at - lost_at,
                            rounds_without_quorum=during, back_after_s=back_secs, filled=len(filled),
                            filled_empty=len(empty))
    if empty:
        demo.narrate("q_back_empty", secs=round(back_secs, 1), filled=len(filled), empty=len(empty))
    else:
        demo.narrate("q_back", secs=round(back_secs, 1), filled=len(filled))
    demo.pause()
