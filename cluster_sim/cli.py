"""The `clustersim` command line.

Control commands (kill, pause, resume, start, status, stop, ...) are built
from their one declaration in cluster_sim.supervisor.commands and import only
click, that list and the small control module: they must answer in a blink.
Everything heavy (kazoo, rich, requests) is imported inside the commands that
need it.

    clustersim up -n 5                 # a live cluster on an embedded ZooKeeper
    clustersim kill 2 [--hard]         # from another terminal
    clustersim status --json
"""

import json
import math
import os
import sys

import click

from cluster_sim.supervisor.commands import CHOICE, COMMANDS, COUNT, FLAG, INDEX, MS, NODE
from cluster_sim.validate import BadInput, parse_node_id, parse_port, parse_zk_hosts

MAX_NODES = int(os.environ.get("CLUSTERSIM_MAX_NODES", "200"))


def fail(message, code=2):
    click.echo(f"clustersim: {message}", err=True)
    sys.exit(code)


def _name_option(f):
    return click.option("--name", default="default", show_default=True,
                        help="Which cluster (several can run side by side).")(f)


def _positive(what, value, low=0.01, high=3600.0):
    if not (low <= value <= high):
        fail(f"{what} must be between {low:g} and {high:g} seconds (got {value:g})")
    return value


def _deadline(seconds):
    if seconds != 0:
        _positive("--round-deadline", seconds, 0.01, 3600)
    return seconds


def _default_truth_dir():
    from cluster_sim.truth import truth_dir

    return truth_dir("default")


def _checked_secret(secret):
    if secret and (len(secret) > 256 or any(ord(c) < 33 or ord(c) == 127 for c in secret)):
        fail("--secret must be at most 256 printable characters without spaces")
    return secret


def _checked_output(path):
    """A file we will write at the end: fail now, not after an hour of class."""
    if path is None:
        return None
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory) or not os.access(directory, os.W_OK):
        fail(f"cannot write {path}: {directory} is not a writable directory")
    return path


def _events_format(events, events_format):
    """--events-format, or what the file's name says (.csv), or JSON lines."""
    if events_format and not events:
        fail("--events-format needs --events FILE")
    if events_format:
        return events_format
    return "csv" if events and events.lower().endswith(".csv") else "jsonl"


def _events_options(f):
    f = click.option("--events-format", type=click.Choice(["jsonl", "csv"]), default=None,
                     help="Format of --events (default: csv for a .csv file, else JSON lines).")(f)
    return click.option("--events", default=None, metavar="FILE",
                        help="Write every event to FILE as it happens (see clustersim events).")(f)


def _checked_name(name):
    try:
        return parse_node_id(name)
    except BadInput as exc:
        fail(str(exc).replace("node id", "cluster name"))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="clustersim")
def main():
    """A live cluster of sensor nodes on real Apache ZooKeeper: leader election,
    fencing and failover you can watch."""


# -- the cluster --------------------------------------------------------------
@main.command()
@click.option("-n", "--nodes", default="5", show_default=True, help="How many nodes (ids 1..N).")
@click.option("--interval", default=5.0, show_default=True, type=float, help="Seconds between readings and rounds.")
@click.option("--session-timeout", default=4.0, show_default=True, type=float, help="ZooKeeper session timeout (s).")
@click.option("--zk", default=None, help="Use this ZooKeeper (HOST:PORT[,HOST:PORT...]) instead of an embedded one.")
@click.option("--zk-servers", default=1, show_default=True, type=int, help="Embedded ensemble size (1 or 3, 5...).")
@click.option("--api-url", default=None, help="Deliver to this API instead of an embedded one.")
@click.option("--api-db", default=None, type=click.Path(dir_okay=False), help="Keep the embedded API's rows in this file.")
@click.option("--listen", default="127.0.0.1", show_default=True, help="Address the embedded ZooKeeper and API listen on (0.0.0.0: students can join).")
@click.option("--history", default=0, type=int, help="Readings kept per node (0: enough for 60 s).")
@click.option("--outbox-max", default=0, type=int, help="Outbox bound in rounds (0: 24 h of rounds).")
@click.option("--retry-max", default=30.0, type=float, show_default=True, help="Cap of the sender's backoff (s).")
@click.option("--tick-ms", default=200, show_default=True, type=int, help="tickTime of the embedded ZooKeeper.")
@click.option("--round-deadline", default=0.0, type=float, help="Longest wait (s) for every member's readings before a round is stored partial (0: session timeout + 2 intervals).")
@click.option("--plain", is_flag=True, help="Print events as plain lines even on a terminal.")
@click.option("--secret", envvar="CLUSTERSIM_SECRET", default="", help="Cluster secret (env CLUSTERSIM_SECRET): only members may change znodes or post to the API.")
@click.option("--record", default=None, type=click.Path(dir_okay=False), help="Save the session as one self-contained HTML page (open it in a browser, or clustersim replay it).")
@click.option("--web", default=None, metavar="[HOST:]PORT", help="Serve a read-only live picture of the cluster in a browser (the projector, students' laptops); with --listen 0.0.0.0 on every address.")
@click.option("--drain-timeout", default=5.0, show_default=True, type=float, help="At shutdown, seconds the leader gets to empty the outbox (0: none); what is left is saved for clustersim deliver.")
@click.option("--no-relays", is_flag=True, help="Connect the nodes straight to ZooKeeper and the API: no partition or slow (the bench compares).")
@_events_options
@_name_option
def up(nodes, interval, session_timeout, zk, zk_servers, api_url, api_db, listen, history, outbox_max,
       retry_max, tick_ms, round_deadline, plain, secret, record, web, drain_timeout, no_relays, events,
       events_format, name):
    """Start ZooKeeper, the API and N nodes; show them live until Ctrl-C."""
    name = _checked_name(name)
    try:
        count = int(nodes)
    except ValueError:
        fail(f"-n {nodes!r} is not a number")
    if not 1 <= count <= MAX_NODES:
        fail(f"-n must be between 1 and {MAX_NODES} (got {count}; raise CLUSTERSIM_MAX_NODES for more)")
    _positive("--interval", interval, 0.05)
    _positive("--session-timeout", session_timeout, 0.4, 60)
    if not 0 <= drain_timeout <= 600:  # also refuses nan
        fail(f"--drain-timeout must be between 0 and 600 seconds (got {drain_timeout:g})")
    if zk_servers < 1 or zk_servers > 7 or (zk_servers > 1 and zk_servers % 2 == 0):
        fail("--zk-servers must be 1, 3, 5 or 7")
    if zk and zk_servers > 1:
        fail("--zk and --zk-servers exclude each other")
    try:
        if zk:
            parse_zk_hosts(zk)
    except BadInput as exc:
        fail(str(exc))
    if api_url and not api_url.startswith(("http://", "https://")):
        fail(f"--api-url {api_url!r} must start with http:// or https://")
    from cluster_sim.supervisor.up import UpError, UpOptions, run_up
    from cluster_sim.zkclient import ZkUnreachable
    from cluster_sim.zk.install import ZooKeeperUnavailable

    options = UpOptions(
        nodes=count, name=name, interval=interval, session_timeout=session_timeout, zk=zk,
        zk_servers=zk_servers, api_url=api_url, api_db=api_db, listen=listen, tick_ms=tick_ms,
        history=history, outbox_bound=outbox_max, retry_max=retry_max, plain=plain or None,
        secret=_checked_secret(secret), record=_checked_output(record), events=_checked_output(events),
        events_format=_events_format(events, events_format),
        round_deadline=_deadline(round_deadline), drain_timeout=drain_timeout, web=web, relays=not no_relays,
    )
    try:
        code = run_up(options)
    except (UpError, ZooKeeperUnavailable, ZkUnreachable) as exc:
        fail(str(exc))
    sys.exit(code)


@main.command()
@click.argument("node_id")
@click.option("--zk", default="127.0.0.1:2181", show_default=True, help="ZooKeeper HOST:PORT[,HOST:PORT...].")
@click.option("--api-url", default="http://localhost:8080", show_default=True)
@click.option("--interval", default=5.0, show_default=True, type=float)
@click.option("--session-timeout", default=4.0, show_default=True, type=float)
@click.option("--connect-timeout", default=10.0, show_default=True, type=float)
@click.option("--history", default=0, type=int, help="Readings kept (0: enough for 60 s).")
@click.option("--outbox-max", default=0, type=int)
@click.option("--retry-max", default=30.0, type=float, show_default=True)
@click.option("--secret", envvar="CLUSTERSIM_SECRET", default="", help="The cluster's secret (env CLUSTERSIM_SECRET).")
@click.option("--round-deadline", default=0.0, type=float, help="Longest wait (s) for every member's readings before a round is stored partial (0: session timeout + 2 intervals).")
@click.option("--truth-dir", default=None, type=click.Path(file_okay=False), help="Log every sample taken here (ground truth for `clustersim check`; default: the runtime dir's default.truth).")
@click.option("--low", default=75.0, show_default=True, type=float, help="Lowest value the sensor reads.")
@click.option("--high", default=85.0, show_default=True, type=float, help="Highest value the sensor reads (a hot sensor: --low 95 --high 99).")
def node(node_id, zk, api_url, interval, session_timeout, connect_timeout, history, outbox_max, retry_max, secret,
         round_deadline, truth_dir, low, high):
    """Run one node in the foreground (join a cluster by hand)."""
    try:
        node_id = parse_node_id(node_id)
        parse_zk_hosts(zk)
    except BadInput as exc:
        fail(str(exc))
    _positive("--interval", interval, 0.05)
    _positive("--session-timeout", session_timeout, 0.4, 60)
    if not (math.isfinite(low) and math.isfinite(high) and low <= high):
        fail(f"--low {low:g} and --high {high:g} must be finite numbers with low <= high")
    from cluster_sim.node.main import Node
    from cluster_sim.node.settings import NodeSettings

    settings = NodeSettings(node_id=node_id, zk=zk, api_url=api_url, interval=interval,
                            session_timeout=session_timeout, connect_timeout=connect_timeout,
                            history=history, outbox_bound=outbox_max, retry_max=retry_max,
                            secret=_checked_secret(secret), round_deadline=_deadline(round_deadline),
                            truth_dir=truth_dir or _default_truth_dir(), low=low, high=high)
    sys.exit(Node(settings).run())


@main.command()
@click.option("--port", default="8080", show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--db", default=None, type=click.Path(dir_okay=False), help="SQLite file (default: in memory).")
@click.option("--secret", envvar="CLUSTERSIM_SECRET", default="", help="Writes need the token derived from it (env CLUSTERSIM_SECRET).")
@click.option("--legacy-auth", is_flag=True, help="Also accept the token as ?token= (the original GET /nuevo form).")
@click.option("--min-value", default=-1e9, show_default=True, type=float, help="Smallest value accepted.")
@click.option("--max-value", default=1e9, show_default=True, type=float, help="Largest value accepted.")
def api(port, host, db, secret, legacy_auth, min_value, max_value):
    """Run the API receiver (GET /nuevo?dato=..., GET /listar)."""
    import math

    try:
        port = parse_port(port, "--port")
    except BadInput as exc:
        fail(str(exc))
    if not (math.isfinite(min_value) and math.isfinite(max_value) and min_value <= max_value):
        fail("--min-value and --max-value must be finite, the first not above the second")
    secret = _checked_secret(secret)
    token = None
    if secret:
        from cluster_sim.secret import api_token

        token = api_token(secret)
    elif legacy_auth:
        fail("--legacy-auth needs --secret")
    import sqlite3

    from cluster_sim.api.server import PortInUse, serve

    try:
        sys.exit(serve(host=host, port=port, db=db, token=token, legacy_auth=legacy_auth,
                       bounds=(min_value, max_value)))
    except PortInUse as exc:
        fail(str(exc))
    except sqlite3.Error as exc:
        fail(f"cannot use the database {db}: {exc}")
    except OSError as exc:
        fail(f"cannot serve on {host}:{port}: {exc.strerror or exc}")


@main.command()
@click.option("--port", default="2181", show_default=True)
@click.option("--listen", default="127.0.0.1", show_default=True)
def zk(port, listen):
    """Run a standalone ZooKeeper in the foreground, for nodes started by hand."""
    try:
        port = parse_port(port, "--port")
    except BadInput as exc:
        fail(str(exc))
    from cluster_sim.ports import PortInUse
    from cluster_sim.zk.foreground import run_foreground
    from cluster_sim.zk.install import ZooKeeperUnavailable

    try:
        sys.exit(run_foreground(port=port, listen=listen))
    except (ZooKeeperUnavailable, PortInUse) as exc:
        fail(str(exc))


@main.command()
@click.option("--api-url", default=None, help="The API to check (default: the running cluster's, else http://localhost:8080).")
@_name_option
@click.option("--truth", "truth", default=None, metavar="DIR",
              help="The nodes' truth logs to recompute every round from (default: the cluster's own, if any).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def check(api_url, name, truth, as_json):
    """Verify the API's history: one aggregate per round, no epoch going back,
    no gaps, and (with the nodes' truth logs) every reading counted."""
    from cluster_sim import control

    name = _checked_name(name)
    status = {}
    if api_url is None or truth is None:
        try:
            status = control.send(name, {"cmd": "status"}, timeout=3.0)["status"]
        except (control.ControlError, OSError, KeyError, TypeError):
            pass  # no cluster running under that name
    if not isinstance(status, dict):
        status = {}
    if api_url is None:
        api_url = status.get("api_url") or "http://localhost:8080"
    given = truth is not None
    if not given:
        from cluster_sim.truth import truth_dir

        try:
            # where the running cluster's nodes log; else where they would
            truth = status.get("truth_dir") or truth_dir(name)
        except (control.ControlError, OSError):
            truth = None  # no usable runtime directory: no truth either
    from cluster_sim.check import run_check

    sys.exit(run_check(api_url, truth_dir=truth, truth_given=given, as_json=as_json))


@main.command()
@click.argument("file")
@click.option("--api-url", default=None, help="Send to this API (default: the one saved in FILE).")
@click.option("--secret", envvar="CLUSTERSIM_SECRET", default="", help="The cluster's secret, if its API wants the token (env CLUSTERSIM_SECRET).")
def deliver(file, api_url, secret):
    """Send rounds saved at shutdown (FILE, named by `up`) to the API; each is stored once."""
    if api_url and not api_url.startswith(("http://", "https://")):
        fail(f"--api-url {api_url!r} must start with http:// or https://")
    from cluster_sim.deliver import run_deliver

    sys.exit(run_deliver(file, api_url=api_url, secret=_checked_secret(secret)))


@main.command()
@click.argument("scenario", type=click.Choice(["failover", "split-brain", "quorum", "api-outage", "partition"]))
@click.option("--step", is_flag=True, help="Wait for Enter between steps.")
@click.option("--yes", is_flag=True, help="Run straight through, no pauses (scripts, tests).")
@click.option("--interval", default=1.0, show_default=True, type=float, help="Round interval; shortens everything.")
@click.option("--session-timeout", default=3.0, show_default=True, type=float)
@click.option("--lang", default="en", show_default=True, type=click.Choice(["en", "es"]))
@click.option("--unsafe", is_flag=True, help="split-brain, partition: switch the guard and fencing off, to show why they exist.")
@click.option("--record", default=None, type=click.Path(dir_okay=False), help="Save the demo as one self-contained HTML page, ending on its results.")
@click.option("--web", default=None, metavar="[HOST:]PORT", help="Serve a read-only live picture of the cluster in a browser (the projector, students' laptops); with --listen 0.0.0.0 on every address.")
@click.option("--plain", is_flag=True, help="Plain lines instead of the live table.")
@_events_options
@_name_option
def demo(scenario, step, yes, interval, session_timeout, lang, unsafe, record, web, plain, events, events_format, name):
    """Narrated classroom scenarios on a real cluster."""
    _positive("--interval", interval, 0.1, 60)
    _positive("--session-timeout", session_timeout, 0.4, 60)
    if step and yes:
        fail("--step and --yes exclude each other")
    from cluster_sim.demo import run_demo

    sys.exit(run_demo(scenario, step=step, yes=yes, interval=interval, session_timeout=session_timeout,
                      lang=lang, unsafe=unsafe, record=_checked_output(record), web=web, plain=plain,
                      events=_checked_output(events), events_format=_events_format(events, events_format),
                      name=_checked_name(name)))


@main.command()
@click.option("--duration", default=120.0, show_default=True, type=float, help="Seconds of faults; then everything is healed and the cluster must settle.")
@click.option("--seed", default=None, type=int, help="Replay a run: the same seed, the same plan (default: a random one, shown).")
@click.option("--faults", default=None, metavar="KIND,...", help="Fault kinds to draw from: kill,hard-kill,pause,sigstop,partition,slow,api-outage,zk-kill,quorum (default: every kind the cluster allows).")
@click.option("--json", "json_path", default=None, type=click.Path(dir_okay=False), help="Write the verdict (and the plan) as JSON.")
@click.option("-n", "--nodes", default=5, show_default=True, type=int, help="Nodes of a cluster chaos starts itself.")
@click.option("--interval", default=1.0, show_default=True, type=float, help="Its round interval (s).")
@click.option("--session-timeout", default=4.0, show_default=True, type=float, help="Its ZooKeeper session timeout (s).")
@click.option("--zk-servers", default=3, show_default=True, type=int, help="Its embedded ZooKeeper ensemble.")
@click.option("--plain", is_flag=True, help="Plain lines instead of the live table (a cluster it starts).")
@_name_option
def chaos(duration, seed, faults, json_path, nodes, interval, session_timeout, zk_servers, plain, name):
    """Random faults from a seed on a running cluster (--name), or on one it starts;
    then heal, settle and judge: exit 0 only when nothing was lost or wrong."""
    from cluster_sim.chaos.plan import PlanError, parse_kinds

    name = _checked_name(name)
    if not 1 <= duration <= 24 * 3600:
        fail(f"--duration must be between 1 and 86400 seconds (got {duration:g})")
    kinds = None
    if faults is not None:
        try:
            kinds = parse_kinds(faults)
        except PlanError as exc:
            fail(str(exc))
    if seed is not None and not 0 <= seed < 2 ** 63:
        fail("--seed must be a number between 0 and 2**63")
    if not 2 <= nodes <= MAX_NODES:
        fail(f"-n must be between 2 and {MAX_NODES} (got {nodes})")
    _positive("--interval", interval, 0.05)
    _positive("--session-timeout", session_timeout, 0.4, 60)
    if zk_servers < 1 or zk_servers > 7 or (zk_servers > 1 and zk_servers % 2 == 0):
        fail("--zk-servers must be 1, 3, 5 or 7")
    from cluster_sim.chaos.command import ChaosOptions, run_chaos

    sys.exit(run_chaos(ChaosOptions(duration=duration, seed=seed, faults=kinds, json_path=_checked_output(json_path),
                                    name=name, nodes=nodes, interval=interval, session_timeout=session_timeout,
                                    zk_servers=zk_servers, plain=plain or None)))


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--speed", default=1.0, show_default=True, type=float, help="Playback speed factor.")
def replay(file, speed):
    """Play a recording (from up --record or demo --record) back in the terminal."""
    if not 0.01 <= speed <= 1000:
        fail("--speed must be between 0.01 and 1000")
    from cluster_sim.record import RecordingError, replay as play
    from cluster_sim.supervisor.listeners.recorder import redraw

    try:
        sys.exit(play(file, speed=speed, redraw=redraw))   # each frame laid out for this terminal
    except RecordingError as exc:
        fail(str(exc))


@main.command()
@click.option("--quick", is_flag=True, help="Fewer trials and smaller sizes (a minute, not ten).")
@click.option("--json", "json_path", default=None, type=click.Path(dir_okay=False), help="Write the results as JSON.")
@click.option("--markdown", default=None, type=click.Path(dir_okay=False), help="Write the results table (e.g. docs/benchmarks.md).")
def bench(quick, json_path, markdown):
    """Measure clustersim against the original design on this machine."""
    from cluster_sim.bench import main as bench_main

    sys.exit(bench_main(quick=quick, json_path=_checked_output(json_path), markdown_path=_checked_output(markdown)))


@main.command()
@click.argument("file")
@click.option("--kind", "kinds", multiple=True, help="Only events of this kind (e.g. leader_elected); repeatable.")
@click.option("--node", default=None, help="Only events about this node.")
def events(file, kinds, node):
    """Print an event export (up/demo --events FILE) as a table."""
    from cluster_sim.eventlog import EventsFileError, read_events, table
    from cluster_sim.supervisor.events import KINDS

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
def _send(name, message):
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


def _request(command, values):
    """The control request for `command` from what was typed; one line and exit 2 on bad input."""
    request = {"cmd": command.name}
    for arg in command.args:
        value = values[_PARAM.get(arg.kind, arg.name)]
        if arg.local:
            continue
        if arg.kind == NODE:
            if value is None and not arg.required:
                continue
            try:
                value = parse_node_id(value)
            except BadInput as exc:
                fail(str(exc))
        elif arg.kind == MS:
            if value is None:
                continue
            try:
                value = float(value)
            except ValueError:
                fail(f"--{arg.name} {value!r} is not a number of milliseconds")
            if not (math.isfinite(value) and 0 <= value <= 60_000):
                fail(f"--{arg.name} must be between 0 and 60000 milliseconds (got {value:g})")
        elif arg.kind == COUNT:
            if not str(value).isdigit():
                fail(f"--{arg.name} {value!r} is not a number")
            value = int(value)
        request[arg.name] = value
    return request


def _show_status(answer, values):
    data = answer["status"]
    if values.get("json"):
        click.echo(json.dumps(data, indent=2))
        return
    leader = data.get("leader")
    click.echo(f"cluster {data['name']}: ZooKeeper {data['zk']}, API {data['api_url']}, "
               f"leader {leader if leader is not None else 'none'}"
               + (f" (epoch {data['epoch']})" if data.get("epoch") is not None else ""))
    for n in data["nodes"]:
        value = "-" if n["value"] is None else f"{n['value']:.2f}"
        age = "" if n["age_s"] is None else f" ({n['age_s']:.1f}s ago)"
        click.echo(f"  {n['id']:>4}  pid {n['pid'] or '-':>7}  {n['state']:<8} {n['role'] or '-':<8} {value}{age}"
                   + ("  remote " + (n.get("host") or "") if n["remote"] else "") + _fault_note(n))


def _fault_note(node):
    """'  · cut off from zk' for a node with a network fault (partition, slow), else ''."""
    faults = node.get("faults")
    if not isinstance(faults, dict):
        return ""
    from cluster_sim.netfault.faults import NodeFaults, label

    text = label(NodeFaults.from_json(str(node.get("id")), faults))
    return f"  · {text}" if text else ""


def _show_logs(answer, values):
    click.echo(f"==> {answer['path']} <==")
    for line in answer["lines"]:
        click.echo(line)


_SHOW = {"status": _show_status, "logs": _show_logs}


def _control_command(command):
    params = []
    for arg in command.args:
        if arg.kind in _PARAM:
            params.append(click.Argument([_PARAM[arg.kind]], required=arg.required))
        elif arg.kind == CHOICE:
            params.append(click.Option(list(arg.option) + [arg.name], type=click.Choice(arg.choices),
                                       default=arg.default, show_default=True, help=arg.help))
        elif arg.kind == MS:
            # no default at all when required: click treats an explicit default=None as given
            default = {} if arg.default is None else {"default": arg.default, "show_default": True}
            params.append(click.Option(list(arg.option) + [arg.name], metavar="MS", required=arg.default is None,
                                       help=arg.help, **default))
        elif arg.kind == FLAG:
            params.append(click.Option([f"--{arg.name}"], is_flag=True, help=arg.help))
        else:
            params.append(click.Option(list(arg.option) + [arg.name], default=str(arg.default),
                                       show_default=True, help=arg.help))
    params.append(click.Option(["--name"], default="default", show_default=True,
                               help="Which cluster (several can run side by side)."))

    def callback(name, **values):
        request = _request(command, values)
        answer = _send(_checked_name(name), request)
        _SHOW.get(command.name, lambda a, v: click.echo(a.get("message") or "ok"))(answer, values)

    return click.Command(command.name, callback=callback, params=params, help=command.help)


for _command in COMMANDS:
    main.add_command(_control_command(_command))
