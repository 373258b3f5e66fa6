"""The command line itself: bad options are one line and exit 2, `--help` teaches by example.

Every case runs the real CLI in a subprocess, as a user would type it."""

import inspect
import os
import sqlite3
import subprocess
import sys

import click
import pytest

from cluster_sim.cli import main
from cluster_sim.demo.runner import ROOM_PAUSE

from conftest import clustersim


def refused(*args):
    """Run `clustersim ARGS`; assert exit 2, one line on stderr, no traceback, nothing on stdout."""
    result = clustersim(*[str(a) for a in args])
    assert result.returncode == 2, (args, result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "\t" not in lines[0] and result.stdout == ""
    assert lines[0].startswith("clustersim: ")
    return lines[0]


# -- item 10: options that used to give a traceback or be accepted silently ---------------------
@pytest.mark.parametrize("args, says", [
    (["up", "--api-db", "/nonexistent/dir/x.db"], "/nonexistent/dir is not a directory"),
    (["up", "--listen", "nonsense"], "--listen 'nonsense' is neither an IP address nor a host name"),
    (["up", "--listen", "999.1.1.1"], "--listen '999.1.1.1' is neither an IP address nor a host name"),
    (["up", "--listen", "192.0.2.77"], "cannot listen there"),
    (["up", "--tick-ms", "0"], "--tick-ms must be between 10 and 10000 (got 0)"),
    (["up", "--tick-ms", "-5"], "--tick-ms must be between 10 and 10000 (got -5)"),
    (["up", "--tick-ms", "1000", "--session-timeout", "1"], "shorter than two ZooKeeper ticks"),
    (["up", "--history", "-1"], "--history must be between 0 and"),
    (["up", "--outbox-max", "-1"], "--outbox-max must be between 0 and"),
    (["up", "--retry-max", "0"], "--retry-max must be between 0.1 and 3600 seconds"),
    (["up", "--secret", ""], "--secret is empty"),
    (["node", "1", "--secret", ""], "--secret is empty"),
    (["up", "-n", "2.5"], "-n '2.5' is not a whole number"),
    (["up", "--interval", "nan"], "--interval must be between"),
    (["up", "--zk-servers", "2"], "--zk-servers must be one of 1, 3, 5, 7"),
    (["zk", "--listen", "nonsense"], "--listen 'nonsense'"),
    (["api", "--host", "nonsense"], "--host 'nonsense'"),
    (["node", "1", "--connect-timeout", "0"], "--connect-timeout must be between"),
    (["logs", "1", "-n", "2.5"], "-n '2.5' is not a whole number"),
    (["zk-kill", "x"], "INDEX 'x' is not a whole number"),
    (["up", "--bogus"], "up: no such option --bogus"),
])
def test_a_bad_option_is_one_line_and_exit_2(args, says, runtime_dir):
    assert says in refused(*args)


def test_an_api_db_that_is_not_a_database_is_one_line(tmp_path, runtime_dir):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is no database " * 100)
    assert "not an SQLite database" in refused("up", "--api-db", junk)
    assert junk.read_bytes() == b"this is no database " * 100          # left as it was


def test_an_api_db_that_is_a_database_passes_the_check(tmp_path, runtime_dir):
    good = tmp_path / "rows.db"
    with sqlite3.connect(good) as db:
        db.execute("create table t (x)")
    # the check passes; what fails next is an option after it, proving --api-db was accepted
    assert "--zk and --zk-servers" in refused("up", "--api-db", good, "--zk", "127.0.0.1:1", "--zk-servers", "3")


# -- item 16: help ------------------------------------------------------------------------------
def commands():
    return sorted(main.commands.items())


@pytest.mark.parametrize("name, command", commands())
def test_every_command_has_examples_and_every_option_a_help(name, command):
    text = inspect.cleandoc(command.help or "")
    assert "\b\nExamples:\n" in text, name
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden and param.name != "help":
            assert param.help, f"{name} {param.opts}"


NUMERIC = {"nodes", "interval", "session_timeout", "zk_servers", "history", "outbox_max", "retry_max", "tick_ms",
           "round_deadline", "drain_timeout", "connect_timeout", "port", "low", "high", "min_value",
           "max_value", "speed", "lines", "index", "node_id", "listen", "zk", "api_url", "secret", "name"}


@pytest.mark.parametrize("name, command", commands())
def test_counts_ports_ids_and_addresses_are_typed(name, command):
    for param in command.params:
        if param.name in NUMERIC:
            assert param.type is not click.STRING, f"{name} {param.name}"


def test_the_command_list_fits_80_columns_uncut():
    result = subprocess.run([sys.executable, "-m", "cluster_sim", "--help"], capture_output=True, text=True,
                            timeout=30, env=dict(os.environ, COLUMNS="80"))
    assert result.returncode == 0
    listing = result.stdout.split("Commands:")[1]
    assert not [line for line in listing.splitlines() if line.endswith("...")]     # click cut it short
    assert all(len(line) <= 80 for line in result.stdout.splitlines())
    assert set(main.commands) <= {line.split()[0] for line in listing.strip().splitlines()}


def test_demo_help_says_what_each_scenario_shows_and_the_pacing():
    text = clustersim("demo", "--help").stdout
    for scenario in ("failover", "split-brain", "quorum", "api-outage", "partition", "herd"):
        assert f"\n    {scenario} " in text
    assert f"each step stays on screen for {ROOM_PAUSE:g} s" in " ".join(text.split())
    assert "--step waits for Enter" in " ".join(text.split())


def test_demo_alone_lists_the_scenarios_on_one_line():
    line = refused("demo")
    assert "one of failover, split-brain, quorum, api-outage, partition, herd" in line


def test_demo_nodes_is_the_herds_and_keeps_the_cap():
    from cluster_sim.cli import MAX_NODES

    assert refused("demo", "failover", "--nodes", 6) == (
        "clustersim: --nodes applies to the herd scenario only (the failover scenario has its own)")
    line = refused("demo", "herd", "--nodes", MAX_NODES + 1)
    assert f"must be between 2 and {MAX_NODES} (got {MAX_NODES + 1}; raise CLUSTERSIM_MAX_NODES for more)" in line
    assert "not a whole number" in refused("demo", "herd", "--nodes", "many")
    lowered = subprocess.run([sys.executable, "-m", "cluster_sim", "demo", "herd", "--yes"], capture_output=True,
                             text=True, timeout=60, env=dict(os.environ, CLUSTERSIM_MAX_NODES="50"))
    assert lowered.returncode == 2 and lowered.stdout == ""
    assert lowered.stderr.strip() == ("clustersim: the herd demo runs 100 nodes, over the cap of 50: give --nodes N "
                                      "(at most 50), or raise CLUSTERSIM_MAX_NODES")


def test_api_listens_with_listen_like_up_and_zk():
    text = clustersim("api", "--help").stdout
    assert "--listen ADDRESS" in text and "--host" not in text
