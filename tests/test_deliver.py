"""Nothing dropped on the way out: at shutdown the leader gets a few seconds to
empty the outbox, what is left is saved to a file, and `clustersim deliver`
stores it later, each round once."""

import json
import re
import signal

import pytest

from cluster_sim.protocol import paths
from cluster_sim.api.store import Store
from cluster_sim.protocol.saved_rounds import SavedHeader, write_rounds
from cluster_sim.base.secret import api_token
from cluster_sim.engine.events import Unsaved
from cluster_sim.presentation.wording import describe
from conftest import INTERVAL, SESSION_TIMEOUT, clustersim, running, stored_rounds, wait_until
from test_cluster import up_args



def saved_line(up, reason=Unsaved.API_DOWN, words="API down"):
    """What `up` saved at shutdown (its RoundsSaved event), and the line it printed about it."""
    saved = up.events("rounds_saved")
    assert saved, f"no rounds saved:\n{up.output()}"
    event = saved[-1]
    assert event.reason == reason and event.path, event
    line = next((line for line in up.output().splitlines() if line == describe(event)), None)
    assert line is not None, f"no line {describe(event)!r} in:\n{up.output()}"
    assert f"left undelivered ({words}): saved to {event.path}; send them later with: " \
           f"clustersim deliver {event.path}" in line
    return event.count, event.path, line


def read_saved(path):
    """The file as a user's script would read it: a header line, then rounds."""
    with open(path) as f:
        lines = [json.loads(line) for line in f]
    return lines[0], lines[1:]


def outbox_entries(zk_client):
    entries = []
    for child in zk_client.get_children(paths.OUTBOX):
        data, _ = zk_client.get(f"{paths.OUTBOX}/{child}")
        entries.append(json.loads(data))
    return sorted(entries, key=lambda e: e["round"])


def assert_each_round_once(rows):
    numbers = sorted(r["round"] for r in stored_rounds(rows))
    assert len(set(numbers)) == len(numbers), numbers
    assert numbers == list(range(numbers[0], numbers[-1] + 1)), numbers
    return numbers


def port_of(url):
    return int(url.rsplit(":", 1)[1])


def test_rounds_left_at_shutdown_are_saved_and_delivered_once(start_up, zk_hosts, zk_client, state_dir):
    store = Store(":memory:")
    with running(store) as url:
        up = start_up(*up_args(zk_hosts, 2, "--api-url", url, "--retry-max", 0.5, "--drain-timeout", 1))
        up.wait_ready(2)
        wait_until(lambda: len(stored_rounds(store.rows())) >= 2, 15, "some rounds stored")
    # the API is gone: rounds wait in the outbox
    wait_until(lambda: up.status()["outbox"]["depth"] >= 3, 20, "rounds waiting in the outbox")
    assert up.stop(signal.SIGINT) == 0
    output = up.output()
    assert re.search(r"delivering \d+ rounds? left in the outbox \(up to 1 s", output), output
    assert re.search(r"\d+ rounds? still in the outbox after 1 s", output), output
    count, path, line = saved_line(up)
    assert path.startswith(str(state_dir) + "/")
    # an external ZooKeeper keeps them too, for the next leader: the line says so
    assert "also stay in the outbox" in line

    header, saved = read_saved(path)
    assert saved == outbox_entries(zk_client)  # exactly what the outbox held, as the leader wrote it
    assert len(saved) == count >= 3
    assert header["cluster"] == zk_client.get(paths.CLUSTER_ID)[0].decode()
    assert header["epoch"] == int(zk_client.get(paths.EPOCH)[0])
    assert header["api_url"] == url
    before = [r["round"] for r in stored_rounds(store.rows())]
    assert not set(before) & {e["round"] for e in saved}
    assert_each_round_once(store.rows() + saved)  # stored + saved: every round, none twice

    with running(store, port=port_of(url)) as again_url:  # the same API back, on its address
        result = clustersim("deliver", path)
        assert result.returncode == 0, result.stderr
        assert f"{count} delivered, 0 already stored, 0 refused" in result.stdout
        assert f"{path} renamed to {path}.delivered" in result.stdout
        rows = store.rows()
        numbers = assert_each_round_once(rows)
        assert numbers[-1] == saved[-1]["round"]
        by_round = {r["round"]: r for r in stored_rounds(rows)}
        for entry in saved:
            row = by_round[entry["round"]]
            assert (row["dato"], row["count"], row["epoch"], row["cluster"], row.get("expected")) == \
                (entry["mean"], entry["count"], header["epoch"], header["cluster"], entry.get("expected"))
            assert row["expected"] is not None  # the round's completeness travels with it

        twice = clustersim("deliver", path + ".delivered")
        assert twice.returncode == 0, twice.stderr
        assert f"0 delivered, {count} already stored, 0 refused" in twice.stdout
        assert store.rows() == rows

        gone = clustersim("deliver", path)
        assert gone.returncode == 2
        assert gone.stderr.strip() == f"clustersim: {path}: no such file (already delivered: {path}.delivered)"
        assert clustersim("check", "--api-url", again_url).returncode == 0
    store.close()


def test_with_the_embedded_zookeeper_the_file_is_what_survives(start_up, state_dir):
    store = Store(":memory:")
    with running(store) as url:
        up = start_up("-n", 2, "--interval", INTERVAL, "--session-timeout", SESSION_TIMEOUT,
                      "--api-url", url, "--retry-max", 0.5, "--drain-timeout", 600)
        up.wait_ready(2)
        wait_until(lambda: stored_rounds(store.rows()), 15, "a round stored")
    wait_until(lambda: up.status()["outbox"]["depth"] >= 2, 20, "rounds waiting in the outbox")
    up.proc.send_signal(signal.SIGTERM)
    wait_until(lambda: re.search(r"delivering \d+ rounds left in the outbox \(up to 600 s; Ctrl-C again to skip",
                                 up.output()), 10, "the drain to start")
    assert up.stop(signal.SIGINT) == 0  # the impatient user: no ten minutes' wait
    output = up.output()
    assert re.search(r"not waiting any longer: \d+ rounds still in the outbox", output), output
    count, path, line = saved_line(up)
    assert "also stay" not in line
    header, saved = read_saved(path)
    assert header["zk_embedded"] is True and len(saved) == count >= 2

    with running(store) as other_url:  # an API somewhere else
        result = clustersim("deliver", path, "--api-url", other_url)
        assert result.returncode == 0, result.stderr
        assert f"{count} delivered, 0 already stored, 0 refused (to {other_url})" in result.stdout
    numbers = assert_each_round_once(store.rows())
    assert numbers[-count:] == [e["round"] for e in saved]
    store.close()


def test_the_leader_delivers_before_the_nodes_stop(start_up, zk_hosts, zk_client, state_dir):
    store = Store(":memory:")
    with running(store) as url:
        up = start_up(*up_args(zk_hosts, 2, "--api-url", url, "--retry-max", 0.5, "--drain-timeout", 30))
        up.wait_ready(2)
        wait_until(lambda: stored_rounds(store.rows()), 15, "a round stored")
    wait_until(lambda: up.status()["outbox"]["depth"] >= 3, 20, "rounds waiting in the outbox")
    up.proc.send_signal(signal.SIGINT)
    wait_until(lambda: re.search(r"delivering \d+ rounds left in the outbox \(up to 30 s", up.output()),
               10, "the drain to start")
    pending = [e["round"] for e in outbox_entries(zk_client)]  # waiting now: the drain must deliver them
    with running(store, port=port_of(url)):  # the API comes back while `up` waits for it
        up.proc.wait(40)
    assert up.stop() == 0
    output = up.output()
    assert "outbox empty: every round delivered" in output, output
    stored = assert_each_round_once(store.rows())
    assert set(pending) <= set(stored), (pending, stored)
    # a round the leader made in the instant between the drain and its stop
    # is saved, never lost: stored and saved are every round, once
    saved = []
    for event in up.events("rounds_saved"):
        assert f"saved to {event.path};" in output
        saved = read_saved(event.path)[1]
    assert [e["round"] for e in saved] == [e["round"] for e in outbox_entries(zk_client)]
    assert_each_round_once(store.rows() + saved)
    store.close()


# -- `clustersim deliver` on its own ------------------------------------------
def saved_file(directory, rounds, epoch=3, cluster="c0ffee", api_url=None):
    entries = [{"round": r, "mean": 50.0 + r, "count": 2, "min": 49.0 + r, "max": 51.0 + r,
                "nodes": ["1", "2"], "computed_at": 0.0} for r in rounds]
    header = SavedHeader(name="t", cluster=cluster, epoch=epoch, leader="1", api_url=api_url)
    return write_rounds(str(directory), header, entries)


def test_a_newer_epoch_meanwhile_refuses_rounds_and_keeps_the_file(tmp_path):
    store = Store(":memory:")
    store.record(20.0, {"cluster": "c0ffee", "epoch": 9, "round": 1})  # a newer leader delivered
    store.record(21.0, {"cluster": "c0ffee", "epoch": 9, "round": 2})
    path = saved_file(tmp_path, [5, 6], epoch=3)
    with running(store) as url:
        result = clustersim("deliver", path, "--api-url", url)
    assert result.returncode == 1, result.stderr
    assert "round 5: refused (409, fenced: epoch 3 < 9)" in result.stdout
    assert "round 6: refused (409" in result.stdout
    assert "0 delivered, 0 already stored, 2 refused" in result.stdout
    assert f"{path} kept" in result.stdout
    assert open(path).read().count("\n") == 3
    assert [r["round"] for r in store.rows()] == [1, 2]
    store.close()


def test_rounds_a_leader_stored_meanwhile_count_as_already_stored(tmp_path):
    store = Store(":memory:")
    store.record(54.0, {"cluster": "c0ffee", "epoch": 3, "round": 4})
    path = saved_file(tmp_path, [4, 5, 6], epoch=3)
    with running(store) as url:
        result = clustersim("deliver", path, "--api-url", url)
    assert result.returncode == 0, result.stderr
    assert "2 delivered, 1 already stored, 0 refused" in result.stdout
    assert [r["round"] for r in store.rows()] == [4, 5, 6]
    store.close()


def test_a_secret_api_wants_the_token(tmp_path):
    store = Store(":memory:")
    path = saved_file(tmp_path, [7])
    with running(store, token=api_token("s3cret")) as url:
        refused = clustersim("deliver", path, "--api-url", url)
        assert refused.returncode == 2
        assert refused.stderr.splitlines() == [
            f"clustersim: the API refused our token (401): pass the cluster's secret (--secret or "
            f"CLUSTERSIM_SECRET); {path} kept, nothing lost: run this again later"]
        ok = clustersim("deliver", path, "--api-url", url, "--secret", "s3cret")
    assert ok.returncode == 0, ok.stderr
    assert "1 delivered, 0 already stored, 0 refused" in ok.stdout
    assert [r["round"] for r in store.rows()] == [7]
    store.close()


def _garbled(directory):
    good = saved_file(directory, [1, 2])
    header, body = open(good).read().split("\n", 1)
    cases = {
        "empty": "",
        "not-json": "garbage\n",
        "binary": b"\xff\xfe\x00".decode("latin-1"),
        "no-header": body,
        "bad-round": header + "\n" + '{"round": "seven", "count": 1}\n',
        "no-mean": header + "\n" + '{"round": 7, "count": 2}\n',
        "future": header.replace('"version":1', '"version":99') + "\n" + body,
    }
    out = {}
    for name, text in cases.items():
        path = directory / f"{name}.jsonl"
        path.write_text(text, encoding="latin-1")
        out[name] = str(path)
    return out


@pytest.mark.parametrize("case", ["missing", "directory", "empty", "not-json", "binary", "no-header",
                                  "bad-round", "no-mean", "future"])
def test_bad_input_gets_one_line_and_exit_2(tmp_path, case):
    store = Store(":memory:")
    files = _garbled(tmp_path)
    files.update(missing=str(tmp_path / "nope.jsonl"), directory=str(tmp_path))
    with running(store) as url:
        result = clustersim("deliver", files[case], "--api-url", url)
    assert result.returncode == 2, result.stdout
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("clustersim: "), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert store.rows() == []  # nothing sent from a file that is not entirely readable
    store.close()


def test_an_unreachable_api_keeps_the_file(tmp_path):
    with running(Store(":memory:")) as url:
        pass  # a port nobody listens on any more
    path = saved_file(tmp_path, [1, 2], api_url=url)
    result = clustersim("deliver", path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"clustersim: cannot reach the API at {url} (ConnectionError); {path} kept, nothing lost: "
        "run this again later (or pass --api-url URL)"]
    bad_url = clustersim("deliver", path, "--api-url", "ftp://x")
    assert bad_url.returncode == 2 and "Traceback" not in bad_url.stderr
    no_url = clustersim("deliver", saved_file(tmp_path, [3]))
    assert no_url.returncode == 2 and no_url.stderr.strip().endswith("names no API: pass --api-url URL")


def test_the_state_directory_follows_the_environment(monkeypatch, tmp_path):
    from cluster_sim.protocol.saved_rounds import state_dir

    monkeypatch.setenv("CLUSTERSIM_STATE_DIR", "/x/state")
    assert state_dir() == "/x/state"
    monkeypatch.delenv("CLUSTERSIM_STATE_DIR")
    monkeypatch.setenv("XDG_STATE_HOME", "/x/xdg")
    assert state_dir() == "/x/xdg/clustersim"
    monkeypatch.setenv("XDG_STATE_HOME", "relative")  # ignored, as the XDG spec says
    monkeypatch.setenv("HOME", str(tmp_path))
    assert state_dir() == str(tmp_path / ".local" / "state" / "clustersim")
