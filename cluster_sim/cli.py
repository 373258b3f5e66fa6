"""The `clustersim` command line.

Control commands (kill, pause, resume, start, status, stop, ...) are built
from their one declaration in cluster_sim.control.commands and import only
click, that list and the small control module: they must answer in a blink.
Everything heavy (kazoo, rich, requests) is imported inside the commands that
need it.

Longer than 400 lines: it is the command line's one page, every command's options, help
and examples, each command a thin shell over the module that does its work.

    clustersim up -n 5                 # a live cluster on an embedded ZooKeeper
    clustersim kill 2 [--hard]         # from another terminal
    clustersim status --json
"""

import json
import os
import sys
from typing import Any, Callable, Dict, List, NoReturn, Optional, Sequence, Tuple, TypeVar, Union

import click

from cluster_sim.node.options import CHAOS_PACE, DEMO_PACE, node_options
from cluster_sim.base.cli_types import (
    CLUSTER_NAME, LISTEN, NODE_ID, PORT, SECRET, URL, ZK_HOSTS, Count, Finite, Millis, Seconds, one_line, writable_file,
)
from cluster_sim.faults.registry import chaos_kinds
from cluster_sim.engine.command_kit import Command
from cluster_sim.control.commands import CHOICE, COMMANDS, FLAG, INDEX, MS, NODE

MAX_NODES = int(os.environ.get("CLUSTERSIM_MAX_NODES", "1000"))   # measured: docs/benchmarks.md, rows 9
SCENARIOS = ("failover", "split-brain", "quorum", "api-outage", "partition", "herd")   # cluster_sim.demo.SCENARIOS, without its imports
LANGS = ("en", "es")

F = TypeVar("F", bound=Callable[..., Any])   # a command's function, given one more option


def fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"clustersim: {message}", err=True)
    sys.exit(code)


class _Main(click.Group):
    """The `clustersim` group: a usage error is one line on stderr and exit 2, never a usage block."""

    # narrower than click's: complete_var and the rest only by keyword, and it always exits
    def main(self, args: Optional[Sequence[str]] = None, prog_name: Optional[str] = None,  # type: ignore[override]
             **extra: Any) -> NoReturn:
        extra.pop("standalone_mode", None)
        try:
            code = super().main(args, prog_name=prog_name or "clustersim", standalone_mode=False, **extra)
        except click.ClickException as exc:
            fail(one_line(exc), exc.exit_code if exc.exit_code else 2)
        except click.Abort:
            fail("interrupted", 130)
        sys.exit(code if isinstance(code, int) else 0)


def _name_option(f: F) -> F:
    return click.option("--name", default="default", show_default=True, type=CLUSTER_NAME,
                        help="Which cluster (several can run side by side).")(f)


def _default_truth_dir() -> str:
    from cluster_sim.protocol.truth import truth_dir

    return truth_dir("default")


def _checked_output(path: Optional[str]) -> Optional[str]:
    """A file we will write at the end: fail now, not after an hour of class."""
    if path is None:
        return None
    why = writable_file(path)
    if why:
        fail(f"cannot write {path}: {why}")
    return path


def _checked_db(path: Optional[str]) -> Optional[str]:
    """--api-db: a file the embedded API can keep its rows in (an SQLite database, or none yet)."""
    if path is None:
        return None
    why = writable_file(path)
    if why:
        fail(f"--api-db {path}: {why}")
    if os.path.exists(path) and os.path.getsize(path) > 0:
        import sqlite3

        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
                db.execute("PRAGMA schema_version").fetchone()
        except sqlite3.Error as exc:
            fail(f"--api-db {path}: not an SQLite database the API can use ({exc})")
    return path


def _events_format(events: Optional[str], events_format: Optional[str]) -> str:
    """--events-format, or what the file's name says (.csv), or JSON lines."""
    if events_format and not events:
        fail("--events-format needs --events FILE")
    if events_format:
        return events_format
    return "csv" if events and events.lower().endswith(".csv") else "jsonl"


def _events_options(f: F) -> F:
    f = click.option("--events-format", type=click.Choice(["jsonl", "csv"]), default=None,
                     help="Format of --events (default: csv for a .csv file, else JSON lines).")(f)
    return click.option("--events", default=None, metavar="FILE",
                        help="Write every event to FILE as it happens (see clustersim events).")(f)


def _lang_option(f: F) -> F:
    return click.option("--lang", default="en", show_default=True, type=click.Choice(LANGS),
                        help="Language of everything on screen: en, or es (Spanish).")(f)


# the node options that up, node, demo and chaos share are declared once, in node_options.py
TICK_MS = Count(10, 10_000)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="clustersim")
def main() -> None:
    """A live cluster of sensor nodes on real Apache ZooKeeper: leader election,
    fencing and failover you can watch, kill and pause.

    \b
    Examples:
      clustersim up -n 5                      # a live cluster; Ctrl-C stops it
      clustersim kill 2                       # from a second terminal
      clustersim demo failover --step         # a narrated classroom scenario
      clustersim up --listen 0.0.0.0          # students join from their laptops
    """


# -- the cluster --------------------------------------------------------------
@main.command(short_help="Start ZooKeeper, the API and N nodes; show them live.")
@click.option("-n", "--nodes", default=5, show_default=True,
              type=Count(1, MAX_NODES, "raise CLUSTERSIM_MAX_NODES for more"), help="How many nodes (ids 1..N).")
@click.option("--zk", default=None, type=ZK_HOSTS,
              help="Use this ZooKeeper (HOST:PORT[,HOST:PORT...]) instead of an embedded one.")
@click.option("--zk-servers", default=1, show_default=True, type=click.Choice(["1", "3", "5", "7"]),
              help="Embedded ensemble size.")
@click.option("--api-url", default=None, type=URL, help="Deliver to this API instead of an embedded one.")
@click.option("--api-db", default=None, metavar="FILE", help="Keep the embedded API's rows in this SQLite file.")
@click.option("--listen", default="127.0.0.1", show_default=True, type=LISTEN,
              help="Address the embedded ZooKeeper and API listen on (0.0.0.0: students can join).")
@click.option("--tick-ms", default=200, show_default=True, type=TICK_MS,
              help="tickTime of the embedded ZooKeeper (ms); sessions expire on its ticks.")
@click.option("--plain", is_flag=True, help="Print events as plain lines even on a terminal.")
@click.option("--record", default=None, metavar="FILE",
              help="Save the session as one self-contained web page (open it in a browser, or clustersim replay it).")
@click.option("--web", default=None, metavar="[HOST:]PORT",
              help="Serve a read-only live picture of the cluster in a browser (the projector, students' "
                   "laptops); with --listen 0.0.0.0 on every address.")
@click.option("--drain-timeout", default=5.0, show_default=True, type=Seconds(0, 600, zero=True),
              help="At shutdown, seconds the leader gets to empty the outbox (0: none); "
                   "what is left is saved for clustersim deliver.")
@click.option("--no-relays", is_flag=True,
              help="Connect the nodes straight to ZooKeeper and the API: no partition or slow (the bench compares).")
@node_options()
@_lang_option
@_events_options
@_name_option
def up(nodes: int, zk: Optional[str], zk_servers: Union[str, int], api_url: Optional[str], api_db: Optional[str],
       listen: str, tick_ms: int, plain: bool, record: Optional[str], web: Optional[str], drain_timeout: float,
       no_relays: bool, lang: str, events: Optional[str], events_format: Optional[str], name: str,
       **node: Any) -> None:
    """Start ZooKeeper (embedded), the API (embedded) and N nodes, and show
    them live until Ctrl-C; then print the leadership timeline. Above 400
    nodes the session timeout, unless given, is a second per 100 nodes (10 s
    at 1,000): a lecture hall's pings and its busy cores.

    \b
    Examples:
      clustersim up -n 5
      clustersim up -n 3 --interval 1 --session-timeout 3 --lang es
      clustersim up -n 3 --listen 0.0.0.0 --interval 2 --record class.html
      clustersim up -n 5 --listen 0.0.0.0 --web 8080 --lang es
      clustersim up --zk 10.0.0.5:2181 --api-url http://10.0.0.5:8080
      clustersim up --zk-servers 3 --events session.jsonl
    """
    zk_servers = int(zk_servers)
    if zk and zk_servers > 1:
        fail("--zk and --zk-servers exclude each other")
    session_timeout = node["session_timeout"]
    if not zk and session_timeout * 1000 < 2 * tick_ms:
        fail(f"--session-timeout {session_timeout:g} is shorter than two ZooKeeper ticks "
             f"(--tick-ms {tick_ms}): ZooKeeper would stretch it to {2 * tick_ms / 1000:g} s")
    from cluster_sim.node.settings import NodeSettings
    from cluster_sim.supervisor.up import UpError, UpOptions, run_up
    from cluster_sim.base.zkclient import ZkUnreachable
    from cluster_sim.zk.install import ZooKeeperUnavailable

    ctx = click.get_current_context()
    typed = tuple(p for p in ctx.params if _given(ctx, p))
    options = UpOptions(
        nodes=nodes, name=name, zk=zk, zk_servers=zk_servers, api_url=api_url, api_db=_checked_db(api_db),
        listen=listen, tick_ms=tick_ms, plain=plain or None, record=_checked_output(record),
        events=_checked_output(events), events_format=_events_format(events, events_format), lang=lang,
        drain_timeout=drain_timeout, web=web, relays=not no_relays, given=typed,
        node=NodeSettings(node_id="", **dict(node, secret=node["secret"] or "")),
    )
    try:
        code = run_up(options)
    except (UpError, ZooKeeperUnavailable, ZkUnreachable) as exc:
        fail(str(exc))
    sys.exit(code)


@main.command(short_help="Run one node in the foreground (join a cluster by hand).")
@click.argument("node_id", type=NODE_ID, metavar="[ID]", required=False)
@click.option("--zk", default=None, type=ZK_HOSTS,
              help="The cluster's ZooKeeper HOST:PORT[,HOST:PORT...][/chroot]; everything else comes from it.")
@click.option("--api-url", default="http://localhost:8080", show_default=True, type=URL,
              help="The API the node delivers to while it leads (a cluster's own rules name it).")
@node_options()
@click.option("--connect-timeout", default=10.0, show_default=True, type=Seconds(0.1, 600),
              help="How long to try to reach ZooKeeper before giving up (s).")
@click.option("--truth-dir", default=None, type=click.Path(file_okay=False),
              help="Log every sample taken here (ground truth for `clustersim check`; "
                   "default: the runtime dir's default.truth).")
@click.option("--low", default=75.0, show_default=True, type=Finite(), help="Lowest value the sensor reads.")
@click.option("--high", default=85.0, show_default=True, type=Finite(),
              help="Highest value the sensor reads (a hot sensor: --low 95 --high 99).")
@click.pass_context
def node(ctx: click.Context, node_id: Optional[str], zk: Optional[str], api_url: str, connect_timeout: float,
         truth_dir: Optional[str], low: float, high: float, **node: Any) -> None:
    """Run one node in the foreground: join a cluster by hand (a student's
    laptop), until Ctrl-C. The cluster's rules (interval, session timeout,
    API, ...) come from its ZooKeeper; without an ID the node takes the
    lowest free one. On a ZooKeeper without rules, the first node's
    options become them.

    \b
    Examples:
      CLUSTERSIM_SECRET=Xq3... clustersim node --zk 192.168.1.20:41237
      clustersim node 17 --zk 192.168.1.20:41237
      clustersim node hot --zk 127.0.0.1:2181 --low 95 --high 99
    """
    if low > high:
        fail(f"--low {low:g} is above --high {high:g}")
    from cluster_sim.join import JoinRefused, cluster_rules, join_hint

    if zk is None:
        fail(join_hint())
    from cluster_sim.node.main import Node
    from cluster_sim.node.settings import NodeSettings
    from cluster_sim.protocol.rules import ClusterRules
    from cluster_sim.base.zkclient import ZkUnreachable

    settings = NodeSettings(node_id=node_id or "", zk=zk, api_url=api_url, connect_timeout=connect_timeout,
                            truth_dir=truth_dir or _default_truth_dir(), low=low, high=high,
                            **dict(node, secret=node["secret"] or ""))
    values = dict(node, api_url=api_url)
    # 0 for the history, the outbox bound or the deadline means "derived": whatever the cluster says
    given = {name: values[name] for name in ClusterRules.NODE_FIELDS
             if _given(ctx, name) and not (name in _DERIVED_AT_0 and values[name] == 0)}
    try:
        rules = cluster_rules(settings, given, connect_timeout)
    except JoinRefused as exc:
        fail(str(exc))
    except ZkUnreachable as exc:
        from cluster_sim.zk.limit import unreachable_line

        fail(unreachable_line(zk, str(exc)))   # the server's limit reached: say so, not "is it running?"
    # a student's terminal gets the live view; a pipe or a file, plain lines
    # through relays of its own on this machine: the teacher's partition, slow and heal reach it
    sys.exit(Node(rules.apply(settings), live=sys.stdout.isatty(), own_relays=True).run())


_DERIVED_AT_0 = ("history", "outbox_bound", "round_deadline")


def _given(ctx: click.Context, name: str) -> bool:
    """Did the user type this option (or set its environment variable)? Defaults are the cluster's to fill."""
    from click.core import ParameterSource

    return ctx.get_parameter_source(name) in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT)


@main.command(short_help="Run the API receiver alone (GET /nuevo?dato=..., /listar).")
@click.option("--port", default=8080, show_default=True, type=PORT, help="TCP port to serve on.")
@click.option("--listen", default="127.0.0.1", show_default=True, type=LISTEN,
              help="Address to listen on (0.0.0.0: every interface).")
@click.option("--host", default=None, type=LISTEN, hidden=True, help="The old name of --listen.")
@click.option("--db", default=None, type=click.Path(dir_okay=False), help="SQLite file (default: in memory).")
@click.option("--secret", envvar="CLUSTERSIM_SECRET", default=None, type=SECRET,
              help="Writes need the token derived from it (env CLUSTERSIM_SECRET).")
@click.option("--legacy-auth", is_flag=True, help="Also accept the token as ?token= (the original GET /nuevo form).")
@click.option("--min-value", default=-1e9, show_default=True, type=Finite(), help="Smallest value accepted.")
@click.option("--max-value", default=1e9, show_default=True, type=Finite(), help="Largest value accepted.")
def api(port: int, listen: str, host: Optional[str], db: Optional[str], secret: Optional[str], legacy_auth: bool,
        min_value: float, max_value: float) -> None:
    """Run the API receiver alone: GET /nuevo?dato=..., GET /listar, GET /health.

    \b
    Examples:
      clustersim api --port 8080 --db rounds.db
      clustersim api --listen 0.0.0.0 --secret s3cret --legacy-auth
    """
    listen = host or listen
    if min_value > max_value:
        fail("--min-value must not be above --max-value")
    token = None
    if secret:
        from cluster_sim.base.secret import api_token

        token = api_token(secret)
    elif legacy_auth:
        fail("--legacy-auth needs --secret")
    if db is not None:
        _checked_db(db)
    import sqlite3

    from cluster_sim.api.server import PortInUse, serve

    try:
        sys.exit(serve(host=listen, port=port, db=db, token=token, legacy_auth=legacy_auth,
                       bounds=(min_value, max_value)))
    except PortInUse as exc:
        fail(str(exc))
    except sqlite3.Error as exc:
        fail(f"cannot use the database {db}: {exc}")
    except OSError as exc:
        fail(f"cannot serve on {listen}:{port}: {exc.strerror or exc}")


@main.command(short_help="Run a ZooKeeper server in the foreground: standalone, or one of an ensemble.")
@click.option("--port", default=2181, show_default=True, type=PORT, help="Client port (the same on every machine).")
@click.option("--listen", default=None, type=LISTEN,
              help="Address the client port listens on (0.0.0.0: every interface).  [default: 127.0.0.1; "
                   "0.0.0.0 with --peers]")
@click.option("--id", "server_id", default=None, type=click.IntRange(1, 255),
              help="This machine's server in --peers: the Nth entry is server N.")
@click.option("--peers", default=None, metavar="HOST[:PEER:ELECTION],...",
              help="Every server of an ensemble across machines, the same list on each (ports 2888:3888 unless "
                   "said).")
@click.option("--tick-ms", default=2000, show_default=True, type=click.IntRange(10, 60000),
              help="ZooKeeper's tick: sessions and failure detection are counted in ticks.")
@click.option("--secret", envvar="CLUSTERSIM_SECRET", default=None, type=SECRET,
              help="The cluster's secret, if it has one: the teacher's zk-kill/zk-pause reach this server "
                   "(env CLUSTERSIM_SECRET).")
@_lang_option
def zk(port: int, listen: Optional[str], server_id: Optional[int], peers: Optional[str], tick_ms: int,
       secret: Optional[str], lang: str) -> None:
    """Run ZooKeeper in the foreground: a standalone server for nodes started
    by hand, or (--id, --peers) this machine's server of an ensemble that
    spans machines; it prints what the other machines and the teacher type.

    \b
    Examples:
      clustersim zk --port 2181
      clustersim zk --listen 0.0.0.0      # then: clustersim node 1 --zk HOST:2181
      clustersim zk --id 1 --peers 10.0.0.5,10.0.0.6,10.0.0.7   # on 10.0.0.5; 2 and 3 on the others
    """
    from cluster_sim.base.ports import PortInUse
    from cluster_sim.zk.install import ZooKeeperUnavailable
    from cluster_sim.zk.layout import EnsembleLayout, LayoutError

    if (server_id is None) != (peers is None):
        fail("--id and --peers go together: --peers lists every server, --id says which one runs here")
    try:
        if peers is not None and server_id is not None:   # together, as checked above
            from cluster_sim.zk.member import run_member

            layout = EnsembleLayout.parse(peers, client_port=port, tick_ms=tick_ms)
            sys.exit(run_member(layout, server_id, listen=listen or "0.0.0.0", lang=lang, secret=secret or None))
        from cluster_sim.zk.foreground import run_foreground

        sys.exit(run_foreground(port=port, listen=listen or "127.0.0.1", tick_ms=tick_ms))
    except (ZooKeeperUnavailable, PortInUse, LayoutError) as exc:
        fail(str(exc))


@main.command(short_help="Verify the API's history: every round once, no gaps, nothing late.")
@click.option("--api-url", default=None, type=URL,
              help="The API to check (default: the running cluster's, else http://localhost:8080).")
@_name_option
@click.option("--truth", "truth", multiple=True, metavar="DIR",
              help="The nodes' truth logs to recompute every round from (default: the cluster's own, if any); "
                   "repeat it for the logs collected from other machines.")
@click.option("--saved", "saved", multiple=True, metavar="FILE",
              help="A file of rounds saved at shutdown (undelivered-*.jsonl): its rounds count as accounted "
                   "for (repeatable; the state directory's own files are found by themselves).")
@click.option("--zk", "zk", default=None, type=ZK_HOSTS,
              help="The cluster's ZooKeeper: its rules say which rounds are due (read only, no secret needed).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def check(api_url: Optional[str], name: str, truth: Tuple[str, ...], saved: Tuple[str, ...], zk: Optional[str],
          as_json: bool) -> None:
    """Verify the API's history: one aggregate per round, no epoch going back,
    no gaps, no round due (closed more than the round deadline ago) left
    unstored, and (with the nodes' truth logs) every reading counted.
    Exit 0 when sound, 1 on a violation, a loss or a stall.

    \b
    Examples:
      clustersim check                    # the running cluster's API and logs
      clustersim check --api-url http://10.0.0.5:8080 --json
      clustersim check --zk 10.0.0.5:2181 --truth mine/ --truth from-node-18/
    """
    from cluster_sim import control

    status = {}
    try:
        status = control.send(name, {"cmd": "status"}, timeout=3.0)["status"]
    except (control.ControlError, OSError, KeyError, TypeError):
        pass  # no cluster running under that name
    if not isinstance(status, dict):
        status = {}
    if api_url is not None and status and (status.get("api_url") or "").rstrip("/") != api_url.rstrip("/"):
        status = {}  # another API than the running cluster's: its rules say nothing about it
    if api_url is None:
        api_url = status.get("api_url") or "http://localhost:8080"
    given = bool(truth)
    truth_dirs = list(truth)
    if not given:
        from cluster_sim.protocol.truth import truth_dir

        try:
            # where the running cluster's nodes log; else where they would
            truth_dirs = [status.get("truth_dir") or truth_dir(name)]
        except (control.ControlError, OSError):
            truth_dirs = []  # no usable runtime directory: no truth either
    from cluster_sim.check_due import Grid, grid_from_status

    grid, cluster = (grid_from_status(status) if status else None), None
    if zk is not None:
        from cluster_sim.check import CheckError
        from cluster_sim.check_judge import read_cluster

        try:
            cluster, rules = read_cluster(zk)
        except CheckError as e:
            fail(str(e))
        if rules is not None:
            grid = Grid.from_rules(rules)
    more = {} if grid is not None or zk is None else {
        "how_to_give_grid": f"the cluster at {zk} has no rules znode (made by an older clustersim)"}
    known = [str(n.get("id")) for n in status.get("nodes") or [] if isinstance(n, dict) and n.get("id") is not None]
    from cluster_sim.check_command import run_check
    from cluster_sim.engine.round_count import round_base

    sys.exit(run_check(api_url, truth_dirs=truth_dirs, truth_given=given, as_json=as_json,
                       round_base=round_base(status.get("started_at"), status.get("interval")),
                       saved_paths=list(saved), grid=grid, running=bool(status) or zk is not None,
                       cluster=cluster, known_nodes=known, last_stored=status.get("last_round"), **more))


@main.command(short_help="Send the rounds `up` saved at shutdown to the API.")
@click.argument("file")
@click.option("--api-url", default=None, type=URL, help="Send to this API (default: the one saved in FILE).")
@click.option("--secret", envvar="CLUSTERSIM_SECRET", default=None, type=SECRET,
              help="The cluster's secret, if its API wants the token (env CLUSTERSIM_SECRET).")
def deliver(file: str, api_url: Optional[str], secret: Optional[str]) -> None:
    """Send rounds saved at shutdown (FILE, named by `up`) to the API; each is
    stored once. Exit 0 when all are stored, 1 if some were refused, 2 if it
    could not try.

    \b
    Examples:
      clustersim deliver ~/.local/state/clustersim/default-rounds-1718000000.json
      clustersim deliver FILE --api-url http://10.0.0.5:8080
    """
    from cluster_sim.deliver import run_deliver

    sys.exit(run_deliver(file, api_url=api_url, secret=secret or ""))


@main.command(short_help="Narrated classroom scenarios on a real cluster.")
@click.argument("scenario", type=click.Choice(SCENARIOS))
@click.option("--step", is_flag=True, help="Wait for Enter before every step (you pace the class).")
@click.option("--yes", is_flag=True, help="Run straight through, no pauses (rehearsals, scripts, tests).")
@node_options("interval", "session_timeout", **DEMO_PACE)   # a class's pace
@_lang_option
@click.option("--unsafe", is_flag=True, help="split-brain, partition: switch the guard and fencing off, to show why they exist.")
@click.option("-n", "--nodes", default=None, type=Count(2, MAX_NODES, "raise CLUSTERSIM_MAX_NODES for more"),
              help="herd: how many nodes in each cluster (default 100).")
@click.option("--record", default=None, metavar="FILE",
              help="Save the demo as one self-contained web page, ending on its results (herd: the "
                   "election run's beside it, FILE's name with .election).")
@click.option("--web", default=None, metavar="[HOST:]PORT",
              help="Serve a read-only live picture of the cluster in a browser (the projector, students' "
                   "laptops); with --listen 0.0.0.0 on every address.")
@click.option("--plain", is_flag=True, help="Plain lines instead of the live table.")
@_events_options
@_name_option
@click.pass_context
def demo(ctx: click.Context, scenario: str, step: bool, yes: bool, interval: float, session_timeout: float, lang: str, unsafe: bool,
         nodes: Optional[int], record: Optional[str], web: Optional[str], plain: bool, events: Optional[str],
         events_format: Optional[str], name: str) -> None:
    """Narrated classroom scenarios on a real cluster, ending with the
    measured results and the `check` verdict.

    \b
    Scenarios:
      failover     stop the leader gracefully, then kill the next one hard:
                   a handover in milliseconds against one that waits for
                   the session timeout
      split-brain  freeze the leader past its session timeout and wake it:
                   it is fenced (with --unsafe: two leaders at once)
      quorum       a 3-server ZooKeeper ensemble loses a server, then its
                   quorum, then gets it back: rounds wait, none is lost
      api-outage   the API goes down: rounds wait in the outbox and are
                   delivered once each when it is back
      partition    cut the leader off from ZooKeeper (it still reaches
                   the API): it holds still, another node leads, and on
                   the heal it rejoins as a follower (with --unsafe: two
                   leaders post after the heal)
      herd         the same kill of the leader under kazoo's election
                   recipe, then under the herd (every candidate watches
                   the leader; for teaching), each on a cluster of its
                   own of 100 nodes (--nodes), rounds every 3 s: what
                   each failover cost ZooKeeper, side by side

    Pacing: by default each step stays on screen for 4 s (at least one
    interval) before the next; --step waits for Enter instead; --yes
    runs straight through.

    \b
    Examples:
      clustersim demo failover --step
      clustersim demo split-brain --step --unsafe --lang es
      clustersim demo quorum --yes --record quorum.html
      clustersim demo partition --step --unsafe
      clustersim demo herd --step --nodes 150
    """
    if step and yes:
        fail("--step and --yes exclude each other")
    if nodes is not None and scenario != "herd":
        fail(f"--nodes applies to the herd scenario only (the {scenario} scenario has its own)")
    if scenario == "herd" and nodes is None:
        from cluster_sim.demo.herd import NODES

        if NODES > MAX_NODES:       # its default is over a lowered cap: the same refusal as --nodes
            fail(f"the herd demo runs {NODES} nodes, over the cap of {MAX_NODES}: give --nodes N (at most "
                 f"{MAX_NODES}), or raise CLUSTERSIM_MAX_NODES")
    from cluster_sim.demo import run_demo

    # a scenario with a pace of its own (herd: rounds far enough apart for a failover's second to
    # fall between two publishes) takes it unless --interval is given
    sys.exit(run_demo(scenario, step=step, yes=yes, interval=interval if _given(ctx, "interval") else None,
                      session_timeout=session_timeout,
                      lang=lang, unsafe=unsafe, record=_checked_output(record), web=web, plain=plain,
                      events=_checked_output(events), events_format=_events_format(events, events_format),
                      name=name, nodes=nodes))


@main.command(short_help="Random faults from a seed, then a verdict.")
@click.option("--duration", default=120.0, show_default=True, type=Seconds(1, 86400),
              help="Seconds of faults; then everything is healed and the cluster must settle.")
@click.option("--seed", default=None, type=Count(0, 2 ** 63 - 1),
              help="Replay a run: the same seed, the same plan (default: a random one, shown).")
@click.option("--faults", default=None, metavar="KIND,...",
              help=f"Fault kinds to draw from: {','.join(chaos_kinds())} "
                   "(default: every kind the cluster allows).")
@click.option("--json", "json_path", default=None, metavar="FILE", help="Write the verdict (and the plan) as JSON.")
@click.option("-n", "--nodes", default=5, show_default=True, type=Count(2, MAX_NODES),
              help="Nodes of a cluster chaos starts itself (when none runs under --name).")
@node_options("interval", "session_timeout", **CHAOS_PACE)   # of a cluster it starts itself
@click.option("--zk-servers", default="3", show_default=True, type=click.Choice(["1", "3", "5", "7"]),
              help="Its embedded ZooKeeper ensemble (zk-kill and quorum need 3 or more).")
@click.option("--plain", is_flag=True, help="Plain lines instead of the live table (a cluster it starts).")
@_name_option
def chaos(duration: float, seed: Optional[int], faults: Optional[str], json_path: Optional[str], nodes: int,
          interval: float, session_timeout: float, zk_servers: str, plain: bool, name: str) -> None:
    """Random faults from a seed on the running cluster --name, or on one it
    starts; then heal everything, wait for the cluster to settle, and judge
    it against the nodes' truth logs: exit 0 only when nothing was lost,
    duplicated, wrong or stale.

    \b
    Examples:
      clustersim chaos --duration 120 --seed 1             # on a running `clustersim up`
      clustersim chaos --faults partition,slow,kill --json verdict.json
      clustersim chaos -n 5 --interval 1 --name lab       # starts a cluster of its own
    """
    from cluster_sim.chaos.plan import PlanError, parse_kinds

    kinds = None
    if faults is not None:
        try:
            kinds = parse_kinds(faults)
        except PlanError as exc:
            fail(str(exc))
    from cluster_sim.chaos.command import ChaosOptions, run_chaos

    from cluster_sim.node.settings import NodeSettings

    node = NodeSettings(node_id="", interval=interval, session_timeout=session_timeout)
    sys.exit(run_chaos(ChaosOptions(duration=duration, seed=seed, faults=kinds, json_path=_checked_output(json_path),
                                    name=name, nodes=nodes, node=node, zk_servers=int(zk_servers),
                                    plain=plain or None)))


@main.command(short_help="Play a recording back in the terminal.")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--speed", default=1.0, show_default=True, type=Seconds(0.01, 1000), help="Playback speed factor.")
def replay(file: str, speed: float) -> None:
    """Play a recording (from up --record or demo --record) back in the terminal.

    \b
    Examples:
      clustersim replay failover.html
      clustersim replay class.html --speed 4
    """
    from cluster_sim.record import RecordingError, replay as play
    from cluster_sim.presentation.redraw import redraw

    try:
        sys.exit(play(file, speed=speed, redraw=redraw))   # each frame laid out for this terminal
    except RecordingError as exc:
        fail(str(exc))


@main.command(short_help="Measure clustersim against the original design here.")
@click.option("--quick", is_flag=True, help="Fewer trials and smaller sizes: about a minute (the full run: about 17).")
@click.option("--json", "json_path", default=None, type=click.Path(dir_okay=False), help="Write the results as JSON.")
@click.option("--markdown", default=None, type=click.Path(dir_okay=False),
              help="Write the results table (e.g. docs/benchmarks.md).")
@_lang_option
def bench(quick: bool, json_path: Optional[str], markdown: Optional[str], lang: str) -> None:
    """Measure clustersim against the original design on this machine.

    \b
    Examples:
      clustersim bench --quick
      clustersim bench --json docs/benchmarks.json --markdown docs/benchmarks.md
    """
    from cluster_sim.bench import main as bench_main

    sys.exit(bench_main(quick=quick, json_path=_checked_output(json_path), markdown_path=_checked_output(markdown),
                        lang=lang))


@main.command(short_help="Print an event export (up/demo --events FILE) as a table.")
@click.argument("file")
@click.option("--kind", "kinds", multiple=True, help="Only events of this kind (e.g. leader_elected); repeatable.")
@click.option("--node", default=None, type=NODE_ID, help="Only events about this node.")
def events(file: str, kinds: Tuple[str, ...], node: Optional[str]) -> None:
    """Print an event export (up/demo --events FILE) as a table.

    \b
    Examples:
      clustersim events session.jsonl --kind leader_elected
      clustersim events session.csv --node 3
    """
    from cluster_sim.eventlog import EventsFileError, read_events, table
    from cluster_sim.engine.events import KINDS

    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        fail(f"unknown kind {unknown[0]!r} (one of: {', '.join(sorted(KINDS))})")
    try:
        records = read_events(file)
    except EventsFileError as exc:
        fail(str(exc))
    for line in table(records, kinds or None, node):
        click.echo(line)


# -- control: one subcommand per declared command ------------------------------
def _send(name: str, message: Dict[str, Any]) -> Dict[str, Any]:
    from cluster_sim import control

    try:
        answer = control.send(name, message)
    except control.ControlError as exc:
        fail(str(exc), 1)
    except OSError as exc:
        fail(f"cannot talk to cluster {name!r}: {exc.strerror or exc}", 1)
    if not answer.get("ok"):
        fail(answer.get("error") or "refused", 1)
    return answer


_PARAM = {NODE: "node_id", INDEX: "index"}   # click's name for a positional argument


def _request(command: Command, values: Dict[str, Any]) -> Dict[str, Any]:
    """The control request for `command` from what was typed (already checked by the click types)."""
    request: Dict[str, Any] = {"cmd": command.name}
    for arg in command.args:
        if not arg.local:
            request[arg.name] = values[_PARAM.get(arg.kind, arg.name)]
    return request


def _show_status(answer: Dict[str, Any], values: Dict[str, Any]) -> None:
    data = answer["status"]
    if values.get("json"):
        click.echo(json.dumps(data, indent=2))
        return
    from cluster_sim.presentation.status_view import status_text

    click.echo(status_text(data))


def _show_logs(answer: Dict[str, Any], values: Dict[str, Any]) -> None:
    click.echo(f"==> {answer['path']} <==")
    for line in answer["lines"]:
        click.echo(line)


_SHOW = {"status": _show_status, "logs": _show_logs}


def _help(command: Command) -> str:
    text = command.help
    if command.examples:
        text += "\n\n\b\nExamples:\n" + "\n".join("  " + e for e in command.examples)
    return text


def _control_command(command: Command) -> click.Command:
    params: List[click.Parameter] = []
    for arg in command.args:
        if arg.kind == NODE:
            params.append(click.Argument([_PARAM[arg.kind]], type=NODE_ID, metavar="ID", required=arg.required))
        elif arg.kind == INDEX:
            params.append(click.Argument([_PARAM[arg.kind]], type=Count(1, arg.high), metavar="INDEX"))
        elif arg.kind == CHOICE:
            params.append(click.Option(list(arg.option) + [arg.name], type=click.Choice(arg.choices),
                                       default=arg.default, show_default=True, help=arg.help))
        elif arg.kind == MS:
            # no default at all when required: click takes an explicit default=None as given
            default = {} if arg.default is None else {"default": arg.default, "show_default": True}
            params.append(click.Option(list(arg.option) + [arg.name], type=Millis(0, 60_000),
                                       required=arg.default is None, help=arg.help, **default))
        elif arg.kind == FLAG:
            params.append(click.Option([f"--{arg.name}"], is_flag=True, help=arg.help))
        else:
            params.append(click.Option(list(arg.option) + [arg.name], default=arg.default, show_default=True,
                                       type=Count(1, arg.high), help=arg.help))
    params.append(click.Option(["--name"], default="default", show_default=True, type=CLUSTER_NAME,
                               help="Which cluster (several can run side by side)."))

    def callback(name: str, **values: Any) -> None:
        answer = _send(name, _request(command, values))
        _SHOW.get(command.name, lambda a, v: click.echo(a.get("message") or "ok"))(answer, values)

    return click.Command(command.name, callback=callback, params=params, help=_help(command),
                         short_help=command.help)


for _command in COMMANDS:
    main.add_command(_control_command(_command))
