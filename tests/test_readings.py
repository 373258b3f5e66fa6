"""Readings and rounds: parsing what is under /mediciones, and aggregating a round."""

import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from cluster_sim.node.aggregate import aggregate_round
from cluster_sim.node.readings import BadReading, Reading, decode, encode, round_of


def test_a_bare_number_is_an_original_reading_dated_by_its_znode():
    reading = decode(b"81.5", mtime=1000.0)
    assert reading.bare and reading.value == 81.5 and reading.ts == 1000.0


def test_json_round_trips_with_history():
    original = Reading(value=80.0, ts=10.2, seq=3, pid=7, host="h", history=[(2, 9.2, 79.0), (3, 10.2, 80.0)])
    back = decode(encode(original))
    assert back.value == 80.0 and back.history == original.history and back.host == "h" and not back.bare


def test_garbage_is_refused():
    for data in (b"", b"nan", b"inf", b"-inf", b"abc", b"\xff\xfe", b"{broken", b"[1,2]", b"{}",
                 json.dumps({"value": "NaN", "ts": 1}).encode(), json.dumps({"value": 1e300, "ts": 1}).encode(),
                 json.dumps({"value": True, "ts": 1}).encode(), b"9" * 300_000,
                 json.dumps({"value": 1, "ts": 1, "history": [[1, 2]]}).encode()):
        try:
            decode(data, mtime=1.0)
        except BadReading:
            continue
        raise AssertionError(f"accepted {data[:40]!r}")


def test_a_reader_past_a_time_keeps_the_samples_from_then_and_the_one_before():
    samples = [(1, 10.1, 1.0), (2, 11.1, 2.0), (3, 12.1, 3.0), (4, 13.1, 4.0)]
    data = encode(Reading(value=4.0, ts=13.1, seq=4, history=samples))
    assert decode(data, since=12.0).history == samples[1:]     # 11.1 is the newest before 12.0
    assert decode(data, since=12.1).history == samples[1:]     # (a sample at `since` is from then on)
    assert decode(data, since=math.inf).history == samples[-1:]
    assert decode(data, since=0.0).history == samples
    # the round a reader asks about reads the same as from the whole history
    whole, kept = decode(data), decode(data, since=12.0)
    for round_no in (12, 13, 14):
        assert kept.value_in_round(round_no, 1.0) == whole.value_in_round(round_no, 1.0)
    assert kept.last_round(1.0) == whole.last_round(1.0) == 13
    # garbage among the samples kept is still garbage; older entries are neither kept nor read
    bad_new = json.dumps({"value": 1, "ts": 13.1, "history": [[1, 10.1, 1], [2, 13.1, "x"]]}).encode()
    bad_old = json.dumps({"value": 1, "ts": 13.1, "history": [[1, 9.1, "x"], [2, 10.1, 1], [3, 13.1, 1]]}).encode()
    for data, since in ((bad_new, 12.0), (bad_old, 0.0)):
        try:
            decode(data, since=since)
        except BadReading:
            continue
        raise AssertionError(f"accepted {data!r} since {since}")
    assert [s for s, _, _ in decode(bad_old, since=12.0).history] == [2, 3]


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.binary(max_size=300), st.text(max_size=100).map(str.encode),
                 st.dictionaries(st.sampled_from(["value", "ts", "seq", "history", "pid", "host"]),
                                 st.one_of(st.none(), st.booleans(), st.floats(), st.integers(), st.text(max_size=5),
                                           st.lists(st.lists(st.floats(), max_size=4), max_size=3)))
                 .map(lambda d: json.dumps(d).encode())))
def test_any_bytes_give_a_finite_reading_or_bad_reading(data):
    try:
        reading = decode(data, mtime=5.0)
    except BadReading:
        return
    assert math.isfinite(reading.value) and math.isfinite(reading.ts)
    assert all(math.isfinite(v) and math.isfinite(t) for _, t, v in reading.history)


def test_a_round_takes_each_nodes_reading_for_that_round_only():
    interval = 1.0
    a = Reading(value=3.0, ts=12.1, history=[(1, 10.1, 1.0), (2, 11.1, 2.0), (3, 12.1, 3.0)])
    b = Reading(value=30.0, ts=12.1, history=[(1, 11.1, 20.0), (2, 12.1, 30.0)])
    original = Reading(value=100.0, ts=12.5, bare=True)
    agg = aggregate_round({"a": a, "b": b, "o": original}, round_no=11, interval=interval, live=False)
    assert (agg.count, agg.mean, agg.min, agg.max, agg.nodes) == (2, 11.0, 2.0, 20.0, ["a", "b"])
    live = aggregate_round({"a": a, "b": b, "o": original}, round_no=12, interval=interval, live=True)
    assert live.count == 3 and live.mean == round((3.0 + 30.0 + 100.0) / 3, 6)
    empty = aggregate_round({"a": a}, round_no=5, interval=interval, live=False)
    assert empty.count == 0 and empty.mean is None
    assert round_of(11.999, 1.0) == 11 and round_of(12.0, 1.0) == 12


def test_a_decoded_history_is_packed_and_reads_as_its_samples():
    """A leader holds every member's history: decoded, its samples are one packed array (not
    six objects a sample), read back as the (seq, ts, value) tuples they were written as."""
    import pickle
    from array import array

    from cluster_sim.node.readings import NO_SAMPLES, Samples

    samples = [(1, 10.1, 1.0), (2, 11.1, 2.5), (9007199254740992, 12.1, -3.0)]   # (a seq of 2**53: exact)
    history = decode(encode(Reading(value=-3.0, ts=12.1, seq=3, history=samples))).history
    assert isinstance(history, Samples) and isinstance(history._flat, array)
    assert history == samples and samples == history and list(history) == samples
    assert (len(history), history[0], history[-1], history[1:]) == (3, samples[0], samples[-1], samples[1:])
    assert list(reversed(history)) == samples[::-1] and history != samples[:2]
    assert pickle.loads(pickle.dumps(history)) == samples
    assert decode(b"80.5", mtime=5.0).history is NO_SAMPLES and not NO_SAMPLES
    try:
        history[3]
    except IndexError:
        pass
    else:
        raise AssertionError("read past the last sample")


def test_histories_from_one_machine_share_its_host_name():
    """A leader holds every member's history: at 1,000 members on a few machines, one copy of
    each machine's name, not one a history (the API address stays each node's own)."""
    def history(pid, api):
        return encode(Reading(value=1.0, ts=10.0, seq=1, pid=pid, host="".join(["lab", "-pc"]),
                              history=[(1, 10.0, 1.0)], session=pid, api_url=api))
    first, second = decode(history(11, "http://a:1")), decode(history(12, "http://a:2"))
    assert first.host == second.host == "lab-pc"
    assert first.host is second.host
    assert (first.api_url, second.api_url) == ("http://a:1", "http://a:2")
