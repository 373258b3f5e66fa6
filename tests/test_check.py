"""`clustersim check`: verify() on fixed histories, run_check() against a real API.

    .venv/bin/python -m pytest tests/test_check.py
"""

import io
import socket

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from cluster_sim.check import CheckError, fetch_rows, verify
from cluster_sim.check_command import render, run_check


TIMEOUT = 10


def row(round_no, epoch=1, cluster="c", leader="1", count=3, id=None, **more):
    out = {"id": id if id is not None else round_no, "dato": 1.0, "at": "2024-01-01T00:00:00.000+00:00",
           "cluster": cluster, "epoch": epoch, "round": round_no, "leader": leader, "count": count}
    out.update(more)
    return {k: v for k, v in out.items() if v is not None}


def rendered(report) -> str:
    from rich.console import Console

    console = Console(file=io.StringIO(), width=160, color_system=None)
    console.print(render(report))
    return console.file.getvalue()


# --- verify() on fixed histories ----------------------------------------------------

def test_a_clean_history_is_ok():
    rows = [row(1, 1, leader="a"), row(2, 1, leader="a"), row(3, 2, leader="b"), row(4, 2, leader="b")]
    report = verify(rows)
    assert report.ok and report.violations() == []
    c = report.clusters["c"]
    assert (c.rows, c.rounds, c.first, c.last) == (4, 4, 1, 4)
    assert c.epochs == [1, 2]
    assert c.leaders == {1: ["a"], 2: ["b"]}
    assert c.duplicates == c.regressions == c.gaps == c.empty_rounds == []
    assert "OK" in rendered(report)


def test_a_duplicate_round_is_a_violation():
    report = verify([row(1), row(2), row(2, id=9), row(3)])
    assert not report.ok
    assert report.clusters["c"].duplicates == [2]
    assert report.violations() == ["cluster c: round 2 stored more than once"]


def test_an_epoch_going_back_is_a_regression():
    report = verify([row(1, epoch=2), row(2, epoch=3), row(3, epoch=2), row(4, epoch=3)])
    assert not report.ok
    assert report.clusters["c"].regressions == [(3, 2, 3)]
    [line] = report.violations()
    assert "round 3" in line and "epoch 2" in line and "epoch 3" in line


def test_delivery_order_does_not_matter_only_round_order():
    # a new leader re-sent round 1 after round 2 arrived: same epochs per round
    report = verify([row(2, epoch=2, id=1), row(1, epoch=1, id=2), row(3, epoch=2, id=3)])
    assert report.ok


def test_missing_rounds_are_gaps():
    report = verify([row(n) for n in (1, 2, 5, 6, 8)])
    assert not report.ok
    assert report.clusters["c"].gaps == [(3, 4), (7, 7)]
    assert report.violations() == ["cluster c: rounds 3-4 missing", "cluster c: round 7 missing"]
    assert "3-4" in rendered(report) and "FAILED" in rendered(report)


def test_with_the_running_clusters_start_rounds_are_counted_from_it_and_json_keeps_their_own():
    from rich.console import Console

    from cluster_sim.check_view import as_json
    from cluster_sim.check_view import render as render_view

    base = 1_796_524_841
    report = verify([row(base + n) for n in (1, 2, 5, 6, 8)] + [row(base + 6, id=99)])
    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(render_view(report, base=base))
    shown = " ".join(console.file.getvalue().replace("│", " ").split())
    assert "rounds 3-4 missing" in shown and "round 7 missing" in shown and "round 6 stored more than once" in shown
    assert "5 (1-8)" in shown and f"round 1 of this cluster is round {base + 1}" in shown
    assert str(base + 3) not in shown
    out = as_json(report, None)
    assert out["clusters"]["c"]["first"] == base + 1 and f"rounds {base + 3}-{base + 4} missing" in str(out)


def test_empty_rounds_are_counted_not_violations():
    report = verify([row(1), row(2, count=0), row(3, count=0), row(4)])
    assert report.ok
    assert report.clusters["c"].empty_rounds == [2, 3]


def test_two_clusters_are_kept_apart():
    rows = [row(n, epoch=5, cluster="a") for n in (1, 2, 3)]
    rows += [row(n, epoch=1, cluster="b", id=10 + n) for n in (1, 2, 3)]
    report = verify(rows)
    assert report.ok
    assert sorted(report.clusters) == ["a", "b"]
    assert report.clusters["a"].epochs == [5] and report.clusters["b"].epochs == [1]


def test_a_violation_names_its_cluster():
    rows = [row(1, cluster="a"), row(3, cluster="a"), row(1, cluster="b"), row(2, cluster="b")]
    report = verify(rows)
    assert not report.ok
    assert report.clusters["b"].ok
    assert report.violations() == ["cluster a: round 2 missing"]


def test_original_rows_are_counted_not_checked():
    rows = [{"id": 1, "dato": 2.0, "at": "t"}, {"id": 2, "dato": 3.0, "at": "t"}, row(5)]
    report = verify(rows)
    assert report.ok and report.unrounded == 2 and report.total == 3
    assert list(report.clusters) == ["c"]


def test_an_undeclared_short_row_is_a_violation():
    # count below expected with no `missing`: the leader's view was short and it did not say so
    report = verify([row(1, expected="3"), row(2, count=2, expected="3"), row(3, expected=3)])
    assert not report.ok
    assert report.clusters["c"].undeclared == [(2, 2, 3)]
    assert report.violations() == ["cluster c: round 2 stored 2 of 3 readings without saying who is missing"]
    assert "FAILED" in rendered(report)


def test_a_declared_partial_row_is_reported_not_a_violation():
    report = verify([row(1), row(2, count=3, expected="5", missing="4, 5"), row(3)])
    assert report.ok and report.violations() == []
    assert report.clusters["c"].partial == [(2, ["4", "5"])]
    assert report.notes() == ["cluster c: round 2 partial: missing 4, 5 (declared)"]
    text = rendered(report)
    assert "round 2 partial: missing 4, 5 (declared)" in text and "OK" in text


def test_unparsable_expected_or_missing_makes_a_row_malformed():
    report = verify([row(1, expected="three"), row(2, missing=["4", None]), row(3, expected="-1")])
    assert not report.ok and report.malformed == 3


AT = "2024-01-01T10:00:{:02d}.000+00:00".format


def test_original_design_rows_explain_the_gap_they_cover_in_time():
    rows = [row(1, at=AT(1), id=1), row(2, at=AT(2), id=2),
            {"id": 3, "dato": 80.5, "at": AT(3)}, {"id": 4, "dato": 80.7, "at": AT(4)},
            {"id": 5, "dato": 80.6, "at": AT(5)},
            row(6, at=AT(6), id=6), row(7, at=AT(7), id=7)]
    report = verify(rows)
    assert report.ok and report.violations() == []
    c = report.clusters["c"]
    assert c.gaps == [(3, 5)] and c.explained == [(3, 5, 3)]
    assert report.unrounded == 3 and report.unrounded_span == (AT(3), AT(5))
    assert report.notes() == [
        f"3 rows without a round (an original-design leader's), stored {AT(3)} .. {AT(5)}",
        "cluster c: rounds 3-5 missing, covered by 3 rows of an original-design leader",
    ]
    assert "covered by 3 rows of an original-design leader" in rendered(report)


def test_original_design_rows_stored_at_another_time_explain_nothing():
    rows = [row(1, at=AT(1), id=1), row(2, at=AT(2), id=2), row(6, at=AT(6), id=6),
            {"id": 7, "dato": 80.5, "at": AT(7)},           # after the gap
            {"id": 8, "dato": 80.5, "at": AT(4), "cluster": "other"}]  # in it, but another cluster's
    report = verify(rows)
    assert not report.ok
    assert report.clusters["c"].explained == []
    assert report.violations() == ["cluster c: rounds 3-5 missing"]


def test_no_cluster_and_empty_cluster_are_one_group():
    report = verify([row(1, cluster=None), row(2, cluster="")])
    assert list(report.clusters) == [""] and report.clusters[""].rounds == 2
    assert "no cluster" in report.clusters[""].label


def test_malformed_rows_fail_the_check():
    report = verify([row(1), {"id": 2, "dato": 1.0, "round": "2"}, "not a row"])
    assert not report.ok and report.malformed == 2


def test_an_empty_history_is_ok():
    report = verify([])
    assert report.ok and report.clusters == {}
    assert "no rounds" in rendered(report)


def test_render_shows_names_literally():
    report = verify([row(1, cluster="[red]x", leader="[bold]n")])
    text = rendered(report)
    assert "[red]x" in text and "[bold]n" in text


@settings(max_examples=200)
@given(st.sets(st.integers(min_value=0, max_value=60), min_size=1))
def test_gaps_are_exactly_the_missing_rounds(rounds):
    ordered = sorted(rounds)
    # epochs that never decrease as rounds increase
    report = verify([row(n, epoch=i // 3) for i, n in enumerate(ordered)])
    c = report.clusters["c"]
    missing = {n for a, b in c.gaps for n in range(a, b + 1)}
    assert missing == set(range(ordered[0], ordered[-1] + 1)) - rounds
    assert c.regressions == [] and c.duplicates == []
    assert report.ok == (not missing)


# --- against a real API ---------------------------------------------------------------



def deliver(url, **params):
    answer = requests.get(url + "/nuevo", params=params, timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text


@pytest.fixture
def refused_url():
    """A port bound but not listening: connecting to it is refused, for sure."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_fetch_rows_reads_listar(api):
    deliver(api, dato=1.5, cluster="c", epoch=1, round=1)
    deliver(api, dato=2)
    rows = fetch_rows(api + "/")
    assert [(r["dato"], r.get("round")) for r in rows] == [(1.5, 1), (2.0, None)]


def test_fetch_rows_unreachable_is_one_line(refused_url):
    with pytest.raises(CheckError) as caught:
        fetch_rows(refused_url)
    assert refused_url in str(caught.value) and "\n" not in str(caught.value)


def test_fetch_rows_refuses_a_non_api(api):
    with pytest.raises(CheckError):
        fetch_rows(api + "/nope")  # /nope/listar: 404


def test_run_check_passes_a_sound_history(api, capsys):
    for n in (1, 2, 3):
        deliver(api, dato=n, cluster="c", epoch=1 + n // 3, round=n, leader="2", count=3)
    assert run_check(api) == 0
    assert "OK" in capsys.readouterr().out


def test_run_check_fails_a_history_with_a_gap(api, capsys):
    for n in (1, 2, 4):
        deliver(api, dato=n, cluster="c", epoch=1, round=n)
    assert run_check(api) == 1
    out = capsys.readouterr().out
    assert "FAILED" in out and "round 3 missing" in out


def test_run_check_unreachable_exits_2_with_one_line(refused_url, capsys):
    assert run_check(refused_url) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "cannot reach" in captured.err
