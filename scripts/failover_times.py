"""Failover times from an event export:  python3 scripts/failover_times.py session.jsonl

(`clustersim up --events session.jsonl`.) For each new leader: how long after
the previous one left (killed, paused, or seen gone) it was elected, in ms.
The standard library only: a student can run it anywhere, and change it.
"""
import json
import sys


def failover_times(lines):
    """(new leader, old leader, how the old one left, milliseconds), in order."""
    left, leader = {}, None                     # node -> (when it left, how); the current leader
    for e in map(json.loads, filter(str.strip, lines)):
        kind, node = e["kind"], e.get("node")
        if kind in ("node_killed", "node_paused"):
            left[node] = (e["ts"], "paused" if kind == "node_paused" else "crashed" if e["hard"] else "left")
        elif kind == "leader_lost":
            left.setdefault(node, (e["ts"], "left"))
        elif kind == "leader_elected":
            if leader not in (None, node) and leader in left and e["elected_at"] >= left[leader][0]:
                yield node, leader, left[leader][1], round((e["elected_at"] - left[leader][0]) * 1000)
            leader = node
            left.pop(node, None)


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        for new, old, how, ms in failover_times(f):
            print(f"{new} took over {ms} ms after {old} {how}")
