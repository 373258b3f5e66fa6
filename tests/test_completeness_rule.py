"""The completeness rule on plain data: who counts in a round, who is waited for."""

from cluster_sim.node.aggregate import aggregate_values
from cluster_sim.node.cache import Member, View
from cluster_sim.node.completeness import assess, last_sampled, quiet
from cluster_sim.node.delivery import delivery_params
from cluster_sim.node.readings import Reading

I = 1.0  # interval
NOW, SPAN = 12.0, 60.0  # the leader's clock, and the span its histories cover


def history(session, *samples, final=False):
    """samples: (round, value) pairs, one sample 0.1 s into each round."""
    entries = [(i + 1, r * I + 0.1, v) for i, (r, v) in enumerate(samples)]
    return Reading(value=entries[-1][2], ts=entries[-1][1], history=entries, session=session, final=final)


def member(owner, value=80.0):
    return Member(owner=owner, reading=Reading(value=value, ts=0.0, bare=True))


def view(members=None, histories=None, pending=()):
    return View(members=members or {}, histories=histories or {}, pending=set(pending), fresh=True, fresh_since=0.0)


def test_caught_up_members_count_and_the_round_is_complete():
    v = view({"1": member(11), "2": member(12)},
             {"1": history(11, (9, 80.0), (10, 81.0)), "2": history(12, (10, 79.0), (11, 78.0))})
    verdict = assess(v, 10, I, live=False, now=NOW, span=SPAN)
    assert verdict.complete and verdict.values == {"1": 81.0, "2": 79.0}


def test_a_member_whose_history_ends_before_the_round_is_owed():
    v = view({"1": member(11), "2": member(12)},
             {"1": history(11, (10, 81.0)), "2": history(12, (8, 79.0), (9, 78.0))})
    verdict = assess(v, 10, I, live=True, now=NOW, span=SPAN)
    assert not verdict.complete and verdict.owed == ["2"] and verdict.values == {"1": 81.0}


def test_a_member_that_skipped_the_round_but_published_past_it_is_not_owed():
    # paused during round 10, sampling again in 11: its missing sample is its own
    v = view({"1": member(11)}, {"1": history(11, (9, 80.0), (11, 82.0))})
    verdict = assess(v, 10, I, live=False, now=NOW, span=SPAN)
    assert verdict.complete and verdict.values == {}


def test_an_original_design_member_counts_in_the_live_round_only_and_is_never_waited_for():
    v = view({"7": member(77, value=83.5)})
    assert assess(v, 10, I, live=True, now=NOW, span=SPAN).values == {"7": 83.5}
    assert assess(v, 10, I, live=False, now=NOW, span=SPAN).values == {}
    assert assess(v, 10, I, live=False, now=NOW, span=SPAN).complete


def test_a_member_back_under_a_new_session_counts_with_its_samples_and_is_owed_the_rest():
    # found by the chaos run: node 4's session expired while a server was frozen; it came back
    # under a new one before the leader saw its history rewritten. Its bare value (its newest
    # sample, of a later round) went into the live round and its samples were left out.
    v = view({"4": member(77, value=83.5)}, {"4": history(55, (9, 80.0), (10, 81.0))})
    assert assess(v, 10, I, live=True, now=NOW, span=SPAN).values == {"4": 81.0}
    verdict = assess(v, 11, I, live=True, now=NOW, span=SPAN)
    assert verdict.owed == ["4"] and verdict.values == {}


def test_an_original_node_on_an_id_a_clustersim_process_left_counts_in_the_live_round_only():
    # the process left saying so (final): its history no longer speaks for anyone present
    left = view({"7": member(77, value=83.5)}, {"7": history(55, (3, 80.0), final=True)})
    assert assess(left, 10, I, live=True, now=NOW, span=SPAN).values == {"7": 83.5}
    assert assess(left, 10, I, live=False, now=NOW, span=SPAN).complete
    # ...or vanished so long ago that nothing it could republish reaches the round
    stale = view({"7": member(77, value=83.5)}, {"7": history(55, (3, 80.0))})
    assert assess(stale, 100, I, live=True, now=100.0, span=SPAN).values == {"7": 83.5}
    assert assess(stale, 100, I, live=True, now=100.0, span=SPAN).complete
    # ...unless a read is in flight: it may be a restarted clustersim node whose history is on its way
    assert assess(view({"7": member(77)}, {"7": history(55, (3, 80.0), final=True)}, pending=["7"]),
                  10, I, live=True, now=NOW, span=SPAN).owed == ["7"]



def test_a_node_that_left_saying_so_counts_with_what_it_published_and_blocks_only_while_read():
    v = view({}, {"3": history(33, (9, 80.0), (10, 84.0), final=True)})
    assert assess(v, 10, I, live=False, now=NOW, span=SPAN).values == {"3": 84.0}
    gone_unread = view({}, {"3": history(33, (9, 80.0), final=True)}, pending=["3"])
    assert assess(gone_unread, 10, I, live=False, now=NOW, span=SPAN).owed == ["3"]
    assert assess(view({}, {"3": history(33, (9, 80.0), final=True)}), 10, I, live=False, now=NOW, span=SPAN).complete


def test_a_node_that_vanished_without_a_word_is_owed_while_its_samples_could_come_back():
    # its session expired (a partition, a frozen ZooKeeper): it may live on, sampling
    vanished = view({}, {"3": history(33, (9, 80.0))})
    assert assess(vanished, 10, I, live=False, now=NOW, span=SPAN).owed == ["3"]
    # ...but not for a round older than anything its history could still hold
    assert assess(vanished, 10, I, live=False, now=10 + SPAN + 5, span=SPAN).complete


def test_a_member_whose_history_is_final_is_not_waited_for():
    # the supervisor saw its process die: no more samples will come
    v = view({"2": member(12)}, {"2": history(12, (8, 79.0), final=True)})
    assert assess(v, 10, I, live=False, now=NOW, span=SPAN).complete


def test_garbage_is_skipped_and_not_waited_for():
    bad = Member(owner=5, reading=None, bad="broken JSON")
    v = view({"5": bad, "1": member(11)}, {"1": history(11, (10, 80.0))})
    verdict = assess(v, 10, I, live=True, now=NOW, span=SPAN)
    assert verdict.complete and verdict.values == {"1": 80.0}


def test_a_partial_aggregate_says_who_is_missing_and_how_many_were_expected():
    agg = aggregate_values({"1": 80.0, "2": 82.0}, 10, missing=["3"])
    assert (agg.mean, agg.count, agg.expected, agg.missing, agg.partial) == (81.0, 2, 3, ["3"], True)
    params = delivery_params(agg, epoch=4, node_id="1", cluster="c")
    assert params["expected"] == 3 and params["missing"] == "3"
    silence = aggregate_values({}, 11)
    assert (silence.count, silence.expected, silence.partial) == (0, 0, False)
    assert "missing" not in delivery_params(silence, epoch=4, node_id="1", cluster="c")


# -- shutdown: when nobody can add a sample any more (the leader then stores every round up to the last)
def test_quiet_once_every_node_has_said_it_takes_no_more_samples():
    v = view({"1": member(11), "2": member(12)},
             {"1": history(11, (10, 81.0), (11, 80.0), final=True), "2": history(12, (10, 79.0), final=True),
              "3": history(13, (9, 78.0), final=True)})   # left gracefully (or was marked final for it)
    assert quiet(v) and last_sampled(v, I) == 11
    assert assess(v, 11, I, live=True, now=NOW, span=SPAN).complete  # the round under way: nothing to come


def test_not_quiet_while_anyone_could_still_add_a_sample():
    final = {"1": history(11, (10, 81.0), final=True)}
    cases = {
        "a member still sampling": view({"1": member(11), "2": member(12)},
                                        {**final, "2": history(12, (10, 79.0))}),
        "a final history another session wrote": view({"1": member(11), "2": member(22)},
                                                      {**final, "2": history(12, (10, 79.0), final=True)}),
        "a node of the original design": view({"1": member(11), "7": member(77)}, final),
        "a node that vanished without a word": view({"1": member(11)}, {**final, "3": history(13, (10, 78.0))}),
        "a read in flight": view({"1": member(11)}, final, pending=["2"]),
    }
    for why, v in cases.items():
        assert not quiet(v), why
    assert quiet(view({"1": member(11)}, final))


def test_nothing_sampled_nothing_to_store():
    assert last_sampled(view(), I) is None


def test_a_history_that_no_longer_reaches_the_round_names_its_node_missing_never_empty():
    # a ZooKeeper outage longer than a node keeps samples: what node 1 had for round 10 is gone
    # from its history (it starts at seq 50, in round 11). The row names it missing at once (no
    # wait can bring the sample back) instead of saying that nobody had a reading (count=0).
    # Node 2 started in round 11 (its history starts at its first sample): it is not named.
    trimmed = [(50, 11 * I + 0.1, 80.0), (51, 12 * I + 0.1, 81.0)]
    v = view({"1": member(11), "2": member(12)},
             {"1": Reading(value=81.0, ts=12.1, history=trimmed, session=11), "2": history(12, (11, 79.0))})
    verdict = assess(v, 10, I, live=False, now=NOW, span=SPAN)
    assert verdict.complete and verdict.values == {} and verdict.unreachable == ["1"]
    row = aggregate_values(verdict.values, 10, missing=verdict.owed + verdict.unreachable)
    assert (row.count, row.expected, row.missing) == (0, 1, ["1"])
    assert assess(v, 11, I, live=False, now=NOW, span=SPAN).values == {"1": 80.0, "2": 79.0}
