"""When a round may be finalized: every member's readings for it are in.

A round's row is final (the API stores it once), so it must not be written
from a view that is merely behind. The rule, per node known to the leader's
cache (see cache.py):

- a member whose history was written by its current session (a clustersim
  node) is *caught up* for round r once its published history reaches r: it
  has a sample in r, or samples after it (a history is published whole and in
  order, so nothing for r can still arrive). Not caught up: it is owed;
- a member whose history another session wrote, not marked final, is a
  clustersim node back under a new session (a partition, a frozen server
  expired the old one) whose history we have not seen rewritten yet: its
  published samples count and the rounds after them are owed, as long as
  that history is recent (`span` seconds). Only the samples say what the
  node took; its bare value is just its newest sample, of whatever round;
- a member with no history, or a final one another session wrote, is a node
  of the original design (or one on an id a clustersim process left): it
  keeps no history, its bare value counts in the live round only, and it is
  never waited for (unless a read of it is in flight: then it might be a
  clustersim node we have not seen whole yet);
- a node that left (no member znode) counts with the history it published.
  If it said it was done (its history is *final*: it left gracefully, or the
  supervisor saw its process die) it is not waited for. If it just vanished,
  its session may have expired while it lives on and samples (a partition, a
  frozen ZooKeeper): it will republish from a new session, so it is owed
  like a member, as long as the round is recent enough that its samples could
  still be in the history it would publish (`span` seconds);
- a member whose history is final is not waited for past its last sample;
- a member whose znode is garbage is skipped (the leader warns once);
- a node whose history does not reach back to the round (its oldest samples
  were dropped: an outage longer than a node keeps samples) while it took
  samples before (its history does not start at its first sample) is
  *unreachable*: waiting cannot bring its sample back, so the round is stored
  at once, partial, naming it; never as if it had nothing (count=0).

The round is complete when nobody is owed. The leader waits for that, up to
a deadline; a round finalized at its deadline with members still owed is
stored as partial, naming them. A view that is not fresh (reconnecting,
re-reading) is never assessed at all.

At shutdown the nodes stop sampling and publish their histories marked final
(node/main.py); once nobody can add a sample any more (*quiet*), a round need
not close before it is stored: the leader stores every round up to the newest
sample (*last_sampled*), the one under way included, and no empty round after.

    verdict = assess(cache.view(), round_no=4242, interval=1.0, live=True, now=time.time(), span=60)
    verdict.complete, verdict.values, verdict.owed      # True, {"1": 80.2, ...}, []
    verdict.unreachable                                 # [] (or ids to name missing at once)
    quiet(view), last_sampled(view, interval=1.0)   # True, 4243
"""

from dataclasses import dataclass, field
from typing import Dict, List, Optional

from cluster_sim.node.cache import View
from cluster_sim.node.readings import Reading, round_of


@dataclass(frozen=True)
class Verdict:
    round: int
    values: Dict[str, float] = field(default_factory=dict)   # node id -> its reading for the round
    owed: List[str] = field(default_factory=list)            # members not caught up yet
    unreachable: List[str] = field(default_factory=list)     # whose samples of the round are gone

    @property
    def complete(self) -> bool:
        return not self.owed


def assess(view: View, round_no: int, interval: float, live: bool, *, now: float, span: float) -> Verdict:
    values: Dict[str, float] = {}
    owed: List[str] = []
    unreachable: List[str] = []
    for node_id in sorted(set(view.members) | set(view.histories)):
        member = view.members.get(node_id)
        history = view.histories.get(node_id)
        in_flight = node_id in view.pending
        if member is not None and member.reading is None:
            continue  # garbage in its znode: never enters a mean, never waited for
        if history is None or (member is not None and history.final and not view.speaks_for(node_id)):
            if member is None:
                continue
            if in_flight:
                owed.append(node_id)  # its history may be on its way: cannot tell yet
            elif live:
                assert member.reading is not None  # garbage was skipped above
                values[node_id] = member.reading.value  # the original design: its current value
            continue
        # a clustersim node's samples: present, departed, or back under a new session
        value = history.value_in_round(round_no, interval)
        newest = history.last_round(interval)
        if value is not None:
            values[node_id] = value
        elif _trimmed_past(history, round_no, interval):
            unreachable.append(node_id)  # it sampled before; what it had for the round is gone
        elif newest is not None and newest >= round_no:
            continue  # it published past the round without a sample in it: its own gap
        elif in_flight:
            owed.append(node_id)  # a newer history may be on its way
        elif history.final:
            continue  # it said no more samples come
        elif view.speaks_for(node_id):
            owed.append(node_id)  # present and behind: it publishes every sample
        elif member is not None:
            if _recent(history, now, span):
                owed.append(node_id)  # back under a new session: its new history is on its way
            elif live:
                assert member.reading is not None  # garbage was skipped above
                values[node_id] = member.reading.value  # a stale history left on an original node's id
        elif (round_no + 1) * interval > now - span:
            owed.append(node_id)  # vanished without a word: it may be back with these samples
    return Verdict(round=round_no, values=values, owed=owed, unreachable=unreachable)


def _trimmed_past(history: Reading, round_no: int, interval: float) -> bool:
    """Its history starts after the round, though it had samples before its oldest."""
    if not history.history:
        return False
    seq, ts, _ = history.history[0]
    return seq > 1 and round_of(ts, interval) > round_no


def _recent(history: Reading, now: float, span: float) -> bool:
    newest = history.history[-1][1] if history.history else history.ts
    return newest > now - span


def quiet(view: View) -> bool:
    """Nobody can add a sample to any round any more: every member is a clustersim node
    whose history, written by its current session, is final; every node that left said
    so too (a final history); no read is in flight. Never quiet while a node of the
    original design is a member (it keeps writing its value) or one vanished without a
    word (it may come back with samples, see assess)."""
    if not view.fresh or view.pending:
        return False
    if any(member.reading is None or not view.speaks_for(node_id) for node_id, member in view.members.items()):
        return False
    return all(history.final for history in view.histories.values())


def last_sampled(view: View, interval: float) -> Optional[int]:
    """The newest round any history has a sample in (None: no samples at all)."""
    rounds = [r for r in (h.last_round(interval) for h in view.histories.values()) if r is not None]
    return max(rounds, default=None)
