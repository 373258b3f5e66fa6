"""failover: kill the leader gracefully, then the next one hard; compare the handovers.

A graceful stop closes the ZooKeeper session, so the ephemeral election znode
goes at once and the next candidate takes over in milliseconds; a SIGKILL
leaves the session open until it times out.
"""

from typing import TYPE_CHECKING, Any, Callable, Dict, List, Tuple

if TYPE_CHECKING:
    from cluster_sim.demo.stage import Demo
    from cluster_sim.demo.summary import Summary

NODES = 5
ZK_SERVERS = 1


def run(demo: "Demo", summary: "Summary") -> None:
    say = demo.say
    first = demo.opening(NODES)["leader"]
    # 1. graceful: SIGTERM, the session is closed on the way out
    second, soft_ms = _kill_and_measure(demo, summary, first, hard=False)
    # 2. hard: SIGKILL, ZooKeeper finds out when the session times out
    _, hard_ms = _kill_and_measure(demo, summary, second, hard=True)

    demo.narrate("fo_compare", soft=soft_ms, hard=hard_ms)
    summary.notes.extend(notes(say, soft_ms, hard_ms, _window(demo)))
    demo.pause()


def notes(say: Callable[..., str], soft_ms: float, hard_ms: float, window: Dict[str, float]) -> List[str]:
    """The results' notes: why each handover took what it took (`say` words them)."""
    lines = [say("graceful_why", ms=soft_ms), say("hard_why", ms=hard_ms, **window)]
    if soft_ms > 0 and hard_ms > soft_ms:
        lines.append(say("ratio", ratio=int(round(hard_ms / soft_ms))))
    return lines


def _window(demo: "Demo") -> Dict[str, Any]:
    return expiry_window(demo.session_timeout, demo.interval, demo.tick)


def expiry_window(timeout: float, interval: float, tick: float) -> Dict[str, float]:
    """When ZooKeeper expires a killed node's session, in seconds after the kill: {timeout, tick, low, high}.

    The server moves a session's expiry to the next tick boundary after
    (last request + timeout) on every request it gets (ExpiryQueue in
    ZooKeeper's SessionTrackerImpl), and expires it when that tick comes. A
    node's last request came at most min(timeout/3, interval) before the
    kill: kazoo pings after a third of the timeout without traffic, and a
    node publishes every interval. So the expiry lies in
    (timeout - min(timeout/3, interval), timeout + tick].
    """
    low = timeout - min(timeout / 3, interval)
    return dict(timeout=float(timeout), tick=float(tick), low=round(low, 1), high=round(timeout + tick, 1))


def _kill_and_measure(demo: "Demo", summary: "Summary", leader: str, hard: bool) -> Tuple[Any, int]:
    """Kill the leader, wait for the next one; returns (new leader, handover in ms)."""
    kind = "hard" if hard else "soft"
    demo.narrate(f"fo_kill_{kind}", leader=leader, timeout=float(demo.session_timeout))
    demo.pause()
    since = len(demo.events)
    sent = demo.clock()
    demo.request("kill", id=leader, hard=hard)
    wait = (2 if hard else 1) * demo.session_timeout + 20
    status, took_ms = demo.handover(leader, sent, timeout=wait, since=since)
    new, epoch = status["leader"], status["epoch"]
    label = "hard" if hard else "graceful"
    summary.add(demo.say(label), demo.say("handover", ms=took_ms, old=leader, new=new, epoch=epoch))
    summary.measured[f"{label}_ms"] = took_ms
    demo.narrate(f"fo_{kind}_result", new=new, old=leader, ms=took_ms, epoch=epoch, **_window(demo))
    demo.wait_stored(2, timeout=10 * demo.interval + 15)
    demo.pause()
    return new, took_ms
