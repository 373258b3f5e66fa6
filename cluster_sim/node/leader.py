"""The leader's round loop: aggregate each round, put it in the outbox.

Round ``r`` holds the samples taken in ``[r*interval, (r+1)*interval)`` and
becomes due ``lag`` seconds after it closes. It is finalized only when it is
complete (completeness.py): every member has published up to it, as seen in
a fresh view of the readings. Rounds are finalized in order; an incomplete
round holds back the ones after it. The wait is bounded: ``round_deadline``
seconds after the round became due *and* the leader could see the cluster
(after a reconnect, a resume from a pause, a new term), a round is stored as
partial, naming the members still owed.

A new leader resumes from the watermark in /clustersim/last_round: it fills
every round missed since then from the nodes' histories (an empty round,
count 0, where nobody had a reading; partial, naming them, where members'
histories do not reach back), then goes on live. Every write is a fenced
transaction of the term.

Each store is also versioned on the watermark as this leader last knew it. A
node's claim rewrites the watermark (watermark.py), so a store computed
before a claim landed fails: the leader is not fenced, it reads the cluster
again (the new member's history with its claim sample) and computes the round
again.

Closing (the node stopped sampling: the cluster shuts down, or this node
leaves): the leader stores no round past the newest sample. Once nobody can
add a sample (completeness.quiet: every node final), it stores every round up
to that sample at once, the one under way included, and says it is *settled*:
the node may leave, nothing it was given is left unstored.

Longer than 400 lines: the round loop, its store and the leader znode it rewrites share
one term's state and lock; the rules they apply are in completeness.py and aggregate.py.

    leadership = Leadership(client, settings, term, cluster="ab12", report=print, closing=node.closing)
    leadership.run()        # blocks for the whole term; always raises StepDown
    leadership.settled.wait(3.0)   # closing: every published round is in the outbox
"""

import json
import math
import os
import socket
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Set, Tuple

from kazoo.exceptions import BadVersionError, ConnectionLoss, KazooException, NodeExistsError, OperationTimeoutError

from cluster_sim.protocol import paths
from cluster_sim.protocol.rules_znode import check_grid, read as read_rules
from cluster_sim.base.zkclient import connected_server
from cluster_sim.node.aggregate import Aggregate, aggregate_round, aggregate_values
from cluster_sim.node.cache import ReadingsCache, View
from cluster_sim.node.completeness import assess, last_sampled, quiet
from cluster_sim.node.delivery import Sender
from cluster_sim.node.outbox import Outbox
from cluster_sim.node.readings import read_all
from cluster_sim.node.settings import NodeSettings, Report
from cluster_sim.node.term import StepDown, Term
from cluster_sim.node import watermark
from cluster_sim.node.watermark import WatermarkMoved

if TYPE_CHECKING:
    from kazoo.client import KazooClient

    from cluster_sim.node.reach import ApiReach


def due_round(now: float, interval: float, lag: float) -> int:
    """The newest round whose samples are all in (it closed `lag` ago)."""
    return math.floor((now - lag) / interval) - 1


def due_at(round_no: int, interval: float, lag: float) -> float:
    """When round `round_no` becomes due: `lag` after it closes."""
    return (round_no + 1) * interval + lag


class Leadership:
    def __init__(self, client: "KazooClient", settings: NodeSettings, term: Term, cluster: str, report: Report,
                 elected_at: Optional[float] = None, clock: Callable[[], float] = time.time,
                 reach: Optional["ApiReach"] = None, closing: Optional[threading.Event] = None) -> None:
        self.client = client
        self.reach = reach  # reach.ApiReach: what the deliveries find, this node knows
        # the API state the leader znode last said (ok, since)
        self._said_api: Tuple[Optional[bool], Optional[float]] = (None, None)
        self._znode_lock = threading.Lock()  # the round loop and the sender both rewrite the leader znode
        self.s = settings
        self.term = term
        self.cluster = cluster
        self.report = report
        self.clock = clock
        self.elected_at = elected_at or clock()
        self.since: Optional[float] = None
        self.last: Optional[Aggregate] = None  # last aggregate put in the outbox
        self.dropped = 0
        self.mark_version = -1  # the watermark's version as this leader last knew it
        self.warned_bad: Set[str] = set()
        self.outbox = Outbox(client, settings.outbox_limit)
        self.sender: Optional[Sender] = None
        self.cache: Optional[ReadingsCache] = None
        self._next_prune = 0.0
        # (round, owed ids) while a round waits for members to catch up
        self.waiting: Optional[Tuple[int, Tuple[str, ...]]] = None
        self.closing = closing or threading.Event()  # set: our node stopped sampling (see the docstring)
        self.settled = threading.Event()  # closing, quiet, and every round up to the newest sample stored

    # -- the term ---------------------------------------------------------
    def run(self) -> None:
        # never a round on another grid than the cluster's: the node checked its settings
        # when it joined; a leader checks again before its first round (RulesConflict)
        rules = read_rules(self.client)
        if rules is not None:
            check_grid(rules, self.s)
        try:
            # the watermark before the cache's first listing: a claim that landed before this
            # read is in the listing, one after it makes our first store fail (watermark.py)
            mark = watermark.read(self.client)
            last, self.dropped = mark.round, mark.dropped
            self.mark_version = -1 if mark.version is None else mark.version
            self.cache = ReadingsCache(self.client).start(timeout=0)  # loads in the background
            adopted = self.outbox.load()
            self._announce()
            self.report(
                "leader", epoch=self.term.epoch, elected_at=self.elected_at,
                since=self.since, adopted=adopted, watermark=last,
            )
            if adopted:
                self.report("info", code="adopted", count=adopted,
                            text=f"adopted {adopted} undelivered round(s) from the outbox")
            if self.s.unsafe:
                self._unsafe_rounds()
                return
            self.sender = Sender(
                self.client, self.term, self.outbox, self.s.api_url, self.s.node_id,
                self.cluster, self.report, retry_max=self.s.retry_max, secret=self.s.secret,
                on_outcome=self._delivery_outcome,
            )
            self.sender.start()
            self._rounds(last)
        finally:
            self.term.end(self.term.reason or "stepped down")
            if self.cache is not None:
                self.cache.stop()
            self.outbox.wake()
            if self.sender is not None:
                self.sender.join(timeout=10)
            self._retract()
        raise StepDown(self.term.reason)

    def _announce(self) -> None:
        self.since = self.clock()
        txn = self.term.transaction()
        if self.client.exists(paths.LEADER) is not None:
            txn.delete(paths.LEADER)
        txn.create(paths.LEADER, self._info(), ephemeral=True)
        self.term.commit(txn)

    def _retract(self) -> None:
        """Remove our leader znode, unless a newer epoch already owns it."""
        if not self.client.connected or not self.term.same_session():
            return
        try:
            txn = self.client.transaction()
            txn.check(paths.EPOCH, self.term.epoch_version)
            txn.delete(paths.LEADER)
            txn.commit()
        except KazooException:
            pass  # gone with our session anyway: it is ephemeral

    def _delivery_outcome(self, ok: bool, error: str) -> None:
        """Called by the sender after each attempt: when whether it can deliver changed, the
        leader znode says so now, not at the next round (the teacher's screen names a leader
        that cannot deliver within a moment of its first failure)."""
        if self.reach is not None:
            self.reach.observe(ok, error)
        sender = self.sender
        if sender is None or (sender.api_ok, sender.down_since) == self._said_api:
            return
        try:
            with self._znode_lock:
                txn = self.term.transaction()
                txn.set_data(paths.LEADER, self._info())
                self.term.commit(txn)
        except KazooException:
            pass  # disconnected: the next round's commit says it

    def _info(self, pending: Optional[int] = None) -> bytes:
        sender = self.sender
        oldest = self.outbox.oldest()
        if pending is not None and (oldest is None or pending < oldest):
            oldest = pending
        info: Dict[str, Any] = {
            "id": self.s.node_id,
            "epoch": self.term.epoch,
            "elected_at": self.elected_at,
            "since": self.since,
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "outbox_depth": self.outbox.depth() + (pending is not None),
            "outbox_oldest": oldest,
            "dropped": self.dropped,
            "api_ok": None if sender is None else sender.api_ok,
            "api_down_since": None if sender is None else sender.down_since,
            # where it delivers (a student can act on it): the API, not a relay of the node's own
            "api_url": (self.reach.shown if self.reach is not None else self.s.api_url).rstrip("/"),
            "api_error": "" if sender is None else sender.error,
            "delivered": None if sender is None else sender.delivered,
            "zk_server": connected_server(self.client),
        }
        if self.waiting is not None:
            info["waiting"] = {"round": self.waiting[0], "for": list(self.waiting[1])}
        if self.last is not None:
            info.update(round=self.last.round, mean=self.last.mean, count=self.last.count)
        if sender is not None:
            self._said_api = (sender.api_ok, sender.down_since)
        if sender is not None and sender.last_delivered:
            info.update(delivered_round=sender.last_delivered[0], delivered_mean=sender.last_delivered[1],
                        delivered_count=sender.last_delivered[2])
        return json.dumps(info, separators=(",", ":")).encode()

    # -- rounds -----------------------------------------------------------
    def _first_round(self, last: Optional[int], due: int) -> int:
        if last is None:
            # a new cluster: start with the round under way, the first one sampled
            return max(due + 1, math.floor(self.clock() / self.s.interval))
        if last >= due:
            return last + 1
        first = last + 1
        reach = due - self.s.history_cap + 2  # the oldest round every history still covers
        if first < reach:
            self.report("warn", code="rounds_lost", round=first, last=reach - 1,
                        text=f"rounds {first}..{reach - 1} are beyond the readings' history: lost")
            first = reach
        return first

    def _rounds(self, last: Optional[int]) -> None:
        assert self.cache is not None  # run() starts it before the rounds
        interval, lag = self.s.interval, self.s.round_lag
        next_round = self._first_round(last, due_round(self.clock(), interval, lag))
        seeing_since: Optional[float] = self.clock()  # since when this leader has seen the cluster without a break
        last_tick = self.clock()
        while not self.term.over():
            # no round before next_round is asked about again: the cache need not hold its samples
            self.cache.keep_since = (next_round - 1) * interval
            now = self.clock()
            if now - last_tick > interval + 1.0:
                # we were frozen (SIGSTOP, a long GC): the others' catch-up starts now
                seeing_since = now
            last_tick = now
            if not self.term.acting():
                seeing_since = None
                self.term.ended.wait(0.05)  # SUSPENDED: hold still, ZooKeeper decides
                continue
            seeing_since = seeing_since or now
            due = due_round(now, interval, lag)
            view = self.cache.view() if self.closing.is_set() else None
            if view is not None and view.fresh:
                due = self._closing_due(view, due, next_round)
            if next_round > due:
                if view is not None:
                    self.cache.wait_change(0.1)  # closing: the others' final publishes change what is due
                else:
                    self.term.ended.wait(max(0.0, due_at(next_round, interval, lag) - now))
                continue
            view = view or self.cache.view()
            if not view.fresh:
                self.cache.wait_change(0.05)  # re-reading after a reconnect: nothing is final yet
                continue
            self._warn_garbage(view)
            assert view.fresh_since is not None  # (view.fresh says so)
            try:
                next_round = self._finalize(next_round, due, view, max(seeing_since, view.fresh_since))
            except (ConnectionLoss, OperationTimeoutError):
                # The connection dropped mid-round; the session may well live on
                # (SUSPENDED). Retry the same round once connected: a commit that
                # did land shows up as "already in the outbox".
                continue
            except WatermarkMoved:
                # a node claimed its id since our view was read: its claim sample may be of
                # this round. Read the watermark, then the cluster again (ZooKeeper answers
                # in order: the listing sees every claim the read saw); compute again. A read
                # that fails leaves the old version: the next store fails and we come back here
                try:
                    self._reread()
                except (ConnectionLoss, OperationTimeoutError):
                    pass
                continue
            if next_round <= due:
                self.cache.wait_change(0.05)  # someone is not caught up: wait for their publish
            else:
                self._prune_histories(view)

    def _closing_due(self, view: View, due: int, next_round: int) -> int:
        """Closing: the last round to store. Never one past the newest sample (it would be
        an empty row); once quiet, every round up to it, closed or not (no sample can come)."""
        last = last_sampled(view, self.s.interval)
        calm = quiet(view)
        if last is None or (calm and next_round > last):
            self.settled.set()
        else:
            self.settled.clear()
        if last is None:
            return min(due, next_round - 1)
        return last if calm else min(due, last)

    def _finalize(self, next_round: int, due: int, view: View, seeing_since: float) -> int:
        """Store rounds next_round..due in order while each is complete or past its
        deadline; returns the first round not stored."""
        interval, lag = self.s.interval, self.s.round_lag
        while next_round <= due:
            now = self.clock()
            # a round that fell due while this leader could not see the cluster (a new term, an
            # outage) may wait for nodes silent as long as a node keeps samples; a live one only
            # for a history window (a node that vanished since is given up after that)
            caught_up = due_at(next_round, interval, lag) >= seeing_since
            span = (self.s.readings_kept if caught_up else self.s.history_cap) * interval
            verdict = assess(view, next_round, interval, live=next_round == due, now=now, span=span)
            if not verdict.complete:
                since = max(due_at(next_round, interval, lag), seeing_since)
                if now < since + self.s.wait_limit:
                    self._show_waiting(next_round, verdict.owed)
                    return next_round
            self.waiting = None  # the commit below rewrites the leader znode without it
            current = self._commit(aggregate_values(verdict.values, next_round,
                                                    missing=verdict.owed + verdict.unreachable, computed_at=now))
            next_round += 1
            if not current:
                return next_round  # stored, but this view may miss a claim: the next rounds wait for a fresh one
        return next_round

    def _reread(self) -> None:
        """The watermark's version, then a fresh view: every member that claimed before
        that read is in the view the next round is computed from."""
        assert self.cache is not None  # run() starts it before the rounds
        mark = watermark.read(self.client)
        self.mark_version = -1 if mark.version is None else mark.version
        self.cache.resync()

    def _show_waiting(self, round_no: int, owed: List[str]) -> None:
        """Say in the leader znode who a round waits for (the table shows it), once
        per change: a teacher sees why the mean pauses after a hard kill."""
        waiting = (round_no, tuple(owed))
        if waiting == self.waiting:
            return
        self.waiting = waiting
        with self._znode_lock:
            txn = self.term.transaction()
            txn.set_data(paths.LEADER, self._info())
            self.term.commit(txn)

    def _prune_histories(self, view: View) -> None:
        """Delete the history znodes of nodes long gone (they are persistent, so that
        a node's last samples outlive it; nothing can need them after this long)."""
        now = self.clock()
        if now < self._next_prune:
            return
        self._next_prune = now + 10.0
        keep = 2 * self.s.readings_kept * self.s.interval
        for node_id, history in view.histories.items():
            newest = history.history[-1][1] if history.history else history.ts
            if now - newest < keep or (node_id in view.members and view.speaks_for(node_id)):
                continue  # (a member's history another session left this long ago: an original
                #            node on a clustersim id; it would make the leader wait for nothing)
            path = paths.history_path(node_id)
            stat = self.client.exists(path)
            if stat is None:
                continue
            txn = self.term.transaction()
            txn.delete(path, version=stat.version)  # a node that wrote meanwhile keeps it
            self.term.commit(txn)

    def _unsafe_rounds(self) -> None:
        """The original design's loop, kept for the split-brain demo: no guard,
        no fencing, no outbox. A leader that lost its session goes on sending."""
        import requests

        self.report("warn", code="unsafe", text="UNSAFE: leading without guard or fencing, as the original design")
        url = self.s.api_url.rstrip("/") + "/nuevo"
        interval, lag = self.s.interval, self.s.round_lag
        next_round = due_round(self.clock(), interval, lag) + 1
        while not self.term.ended.is_set():
            self.term.ended.wait(max(0.0, due_at(next_round, interval, lag) - self.clock()))
            if self.term.ended.is_set():
                break
            due = due_round(self.clock(), interval, lag)
            next_round = due + 1
            try:
                snapshot, _ = read_all(self.client)
            except KazooException:
                continue  # disconnected: the original would print and go on
            agg = aggregate_round(snapshot, due, interval, live=True, computed_at=self.clock())
            if not agg.count:
                continue
            try:
                from cluster_sim.base.secret import TOKEN_HEADER, api_token

                headers = {TOKEN_HEADER: api_token(self.s.secret)} if self.s.secret else {}
                requests.get(url, params={"dato": agg.mean, "leader": self.s.node_id}, headers=headers, timeout=2)
            except requests.RequestException:
                pass
            self.report("round", round=due, mean=agg.mean, count=agg.count, epoch=self.term.epoch)

    def _warn_garbage(self, view: View) -> None:
        for node_id, member in view.members.items():
            if member.reading is None and node_id not in self.warned_bad:
                self.warned_bad.add(node_id)
                self.report("warn", code="reading_skipped", member=node_id, error=str(member.bad),
                            text=f"skipping node {node_id}'s reading: {member.bad}")

    def _commit(self, agg: Aggregate) -> bool:
        """Put the round in the outbox. False when it was stored by an earlier attempt whose
        answer was lost: the view it was computed from may miss a claim since."""
        self.last = agg
        with self._znode_lock:  # the round loop and the sender both rewrite the leader znode
            txn = self.term.transaction()
            dropped = self.outbox.add_to(txn, agg)
            mark = 3 + len(dropped)  # the watermark's op: after the term's two checks, the entry and the drops
            txn.set_data(paths.LAST_ROUND, watermark.encode(agg.round, self.term.epoch,
                                                            self.dropped + len(dropped)),
                         version=self.mark_version)
            txn.set_data(paths.LEADER, self._info(pending=agg.round))
            results = self.term.commit(txn)
        failed = [r for r in results if isinstance(r, Exception)]
        if failed:
            if isinstance(results[2], NodeExistsError):
                # our own earlier commit landed though its answer was lost; the watermark's
                # version it left is unknown: read it, and the cluster after it
                self._reread()
                self.outbox.added(agg.round)
                return False
            if isinstance(results[mark], BadVersionError):
                raise WatermarkMoved(paths.LAST_ROUND)
            raise failed[0]
        self.mark_version = results[mark].version
        if dropped:
            self.dropped += len(dropped)
            self.report("dropped", rounds=dropped, total=self.dropped, bound=self.outbox.bound,
                        text=f"outbox full ({self.outbox.bound}): dropped round(s) "
                             f"{dropped[0]}..{dropped[-1]}, {self.dropped} dropped in all")
        self.outbox.added(agg.round, dropped)
        self.report("round", round=agg.round, mean=agg.mean, count=agg.count, epoch=self.term.epoch,
                    expected=agg.expected, missing=agg.missing)
        if agg.missing:
            self.report("warn", code="round_partial", round=agg.round, members=list(agg.missing),
                        text=f"round {agg.round} stored partial: {len(agg.missing)} member(s) "
                                     f"had not caught up by its deadline ({', '.join(agg.missing[:10])})")
        return True
