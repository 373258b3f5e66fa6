"""`clustersim up`: bring a whole cluster up, show it live, take it all down.

Order of things: control socket first (a second `up` with the same name is
refused before anything starts), a reaper that cleans up even if we are
SIGKILLed, ZooKeeper (embedded unless --zk), the API (embedded unless
--api-url), the observer, each node's fault relays (netfault: `partition`,
`slow`; not with --no-relays) and the node processes; then the manager's
loop until Ctrl-C, SIGTERM or `clustersim stop`. Going down runs the same list
backwards, after every network fault is healed, the nodes have stopped
sampling and the leader has stored every round they published (settle.py),
and a short drain: the leader gets a few seconds to empty the outbox, and what
is still in it is saved to a file (`clustersim deliver FILE` sends it); a
round published and stored nowhere is named.

    options = UpOptions(nodes=5, interval=1.0)
    exit_code = run_up(options)

Longer than 300 lines because it is the one list of everything a cluster
starts and, read backwards, stops; each step is a short method, and the
shutdown's outbox work itself lives in leftover.py.
"""

import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, replace
from typing import Optional, Tuple

from kazoo.exceptions import KazooException

from cluster_sim import zkclient
from cluster_sim.node.join import join_line
from cluster_sim.reaper import Reaper
from cluster_sim.supervisor.state import ClusterState, ZkServerView
from cluster_sim.supervisor.wording import describe


@dataclass
class UpOptions:
    nodes: int = 5
    name: str = "default"
    interval: float = 5.0
    session_timeout: float = 4.0
    zk: Optional[str] = None
    zk_servers: int = 1
    api_url: Optional[str] = None
    api_db: Optional[str] = None
    listen: str = "127.0.0.1"
    tick_ms: int = 200
    history: int = 0
    outbox_bound: int = 0
    retry_max: float = 30.0
    plain: Optional[bool] = None   # None: plain lines unless stdout is a terminal
    secret: str = ""               # cluster secret; generated when listening beyond loopback
    record: Optional[str] = None   # write the session as a self-contained HTML file here (the web page)
    web: Optional[str] = None      # "[HOST:]PORT": serve the read-only web view there
    events: Optional[str] = None   # export every event to this file as it happens
    events_format: str = "jsonl"   # jsonl or csv
    unsafe: bool = False           # nodes without guard and fencing (the split-brain demo)
    lang: str = "en"               # the language events are worded in
    round_deadline: float = 0.0    # 0: derived by NodeSettings
    drain_timeout: float = 5.0     # at shutdown, seconds the leader gets to empty the outbox (0: none)
    relays: bool = True            # local nodes reach ZooKeeper and the API through fault relays (partition, slow)
    # the options the user typed (the CLI knows); None: all of them. On a ZooKeeper that holds
    # a cluster's rules already, the others are taken from it and these must agree with it
    given: Optional[Tuple[str, ...]] = None


class UpError(RuntimeError):
    """Start-up failed; the message is one line."""


_RULED = ("interval", "session_timeout", "history", "outbox_bound", "retry_max", "round_deadline")


def _url_host(host):
    return f"[{host}]" if ":" in host else host


def _answers(api_url, timeout=3.0):
    """Does the API answer its health check? (Any HTTP answer counts: it is there.)"""
    import requests

    try:
        requests.get(api_url.rstrip("/") + "/health", timeout=timeout)
        return True
    except requests.RequestException:
        return False


def _announce_address(listen):
    if listen in ("0.0.0.0", "::"):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
                probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
                return probe.getsockname()[0]
        except OSError:
            return socket.gethostname()
    return listen


class Cluster:
    """Everything `up` starts, so that it can all be stopped in reverse order."""

    def __init__(self, options: UpOptions, out=None):
        self.o = options
        self.out = out or sys.stdout
        self.reaper = None
        self.workdir = None
        self.truth_dir = ""
        self.control = None
        self.zk = None
        self.api = None
        self.client = None
        self.observer = None
        self.probe = None
        self.spawner = None
        self.manager = None
        self.printer = None
        self.hosts = None
        self.api_url = None
        self._zk_poller = None
        self.recorder = None                  # WebRecorder (--record)
        self.web = None                       # WebView (--web)
        self.results = None                   # a demo's results, for the recording's last page
        self.exporter = None
        self.netfaults = None                 # the local nodes' relays (netfault.NetFaults), unless --no-relays
        self._poll_stop = threading.Event()
        self.skip_drain = threading.Event()   # a second Ctrl-C: the shutdown waits no longer (settle, drain)
        self.leftover = None                  # RoundsSaved / OutboxUnread: rounds left undelivered
        self.rules = None                     # the cluster's rules (ClusterRules), once established
        self.uncomputed = None                # RoundsUncomputed: rounds published, never computed

    # -- start ------------------------------------------------------------
    def start(self):
        from cluster_sim.supervisor.control_server import AlreadyRunning, ControlServer

        o = self.o
        if not o.secret and o.listen not in ("127.0.0.1", "localhost", "::1"):
            import secrets

            o.secret = secrets.token_urlsafe(12)  # reachable by a classroom: never open
        self.reaper = Reaper.start(grace=max(3.0, o.session_timeout))
        self.workdir = tempfile.mkdtemp(prefix=f"clustersim-{o.name}-")
        self.reaper.watch_path(self.workdir)
        self.control = ControlServer(o.name, submit=self._submit)
        try:
            self.control.start()
        except AlreadyRunning as exc:
            self.control = None
            raise UpError(str(exc)) from None
        self.reaper.watch_path(self.control.path)
        from cluster_sim.truth import truth_dir

        self.truth_dir = truth_dir(o.name)
        if not o.zk:
            # a new embedded ZooKeeper is a new cluster: old logs speak of another one
            shutil.rmtree(self.truth_dir, ignore_errors=True)
        self._start_zookeeper()
        self._start_api()
        self._establish_rules()
        self._start_supervision()

    def _submit(self, request, reply):
        if self.manager is None:
            reply.put({"ok": False, "error": f"cluster {self.o.name!r} is still starting; try again"})
        else:
            self.manager.submit_request(request, reply)

    def _start_zookeeper(self):
        from cluster_sim.zk import ZooKeeperCluster

        o = self.o
        if o.zk:
            self.hosts = o.zk
            self._adopt_rules()   # before our session opens: it asks for the cluster's session timeout
        else:
            self.zk = ZooKeeperCluster(size=o.zk_servers, listen=o.listen, tick_ms=o.tick_ms, reaper=self.reaper)
            self.zk.start()
            self.hosts = self.zk.address
        try:
            self.client = zkclient.connect(self.hosts, session_timeout=max(4.0, o.session_timeout),
                                           connect_timeout=10.0, secret=o.secret or None)
        except zkclient.ZkUnreachable as exc:
            raise UpError(str(exc)) from None
        from cluster_sim.acl import LayoutLocked
        from cluster_sim.node.term import cluster_id, ensure_layout

        from kazoo.exceptions import NoAuthError

        try:
            ensure_layout(self.client)
            cluster_id(self.client)
        except NoAuthError:
            raise UpError("ZooKeeper refused us: this cluster is protected by a secret "
                          "(--secret or CLUSTERSIM_SECRET)") from None
        except LayoutLocked as exc:
            raise UpError(str(exc)) from None

    # -- the cluster's rules ----------------------------------------------
    def _given(self, name):
        return self.o.given is None or name in self.o.given

    def _adopt_rules(self):
        """`up --zk` on a cluster that has rules: what the user did not type is the cluster's;
        what they typed must agree with it (else one line, and the way out)."""
        from cluster_sim.rules import RulesError
        from cluster_sim.rules_znode import read, refusal

        o = self.o
        try:
            reader = zkclient.connect(self.hosts, connect_timeout=10.0)
        except zkclient.ZkUnreachable as exc:
            raise UpError(str(exc)) from None
        try:
            found = read(reader)
        except RulesError as exc:
            raise UpError(str(exc)) from None
        except KazooException as exc:
            raise UpError(f"could not read the cluster's rules at {self.hosts}: {type(exc).__name__}") from None
        finally:
            zkclient.close(reader)
        if found is None:
            return                # a bare ZooKeeper: our options become its rules
        fresh = f"leave it out (the cluster sets it), or start a new cluster: --zk {self.hosts.split('/')[0]}/NAME"
        given = {name: getattr(o, name) for name in _RULED
                 if self._given(name) and not (name in ("history", "outbox_bound", "round_deadline")
                                               and getattr(o, name) == 0)}
        if o.api_url and self._given("api_url"):
            given["api_url"] = o.api_url
        found_wrong = found.contradictions(given)
        if found_wrong:
            raise UpError(refusal(found_wrong[0], fresh))
        if found.secret_required and not o.secret:
            raise UpError("this cluster requires its secret: --secret or CLUSTERSIM_SECRET")
        if o.secret and not found.secret_required:
            if self._given("secret"):
                raise UpError(f"this cluster is open (no secret): leave --secret out, or start a new cluster: "
                              f"--zk {self.hosts.split('/')[0]}/NAME")
            o.secret = ""         # the one we made for --listen: this cluster was made open
        o.interval, o.session_timeout = found.interval, found.session_timeout
        o.history, o.outbox_bound, o.retry_max = found.history, found.outbox_bound, found.retry_max
        o.round_deadline = found.round_deadline
        if not o.api_url:
            if not _answers(found.api_url):
                # most likely the embedded API of an earlier `up` on this ZooKeeper, gone with it:
                # rounds would go nowhere, and the rules name no other API
                raise UpError(f"the cluster's API {found.api_url} does not answer (an earlier `up` that served "
                              f"it has stopped?): start it again, or start a new cluster: "
                              f"--zk {self.hosts.split('/')[0]}/NAME")
            o.api_url = found.api_url     # the cluster's API, not one of ours
        if not self._given("lang"):
            o.lang = found.lang

    def _establish_rules(self):
        """Write the rules (a fresh cluster) or check ours against them (a race lost to another `up`)."""
        from cluster_sim.node.settings import NodeSettings
        from cluster_sim.rules import ClusterRules, RulesError
        from cluster_sim.rules_znode import RulesConflict, establish

        o = self.o
        mine = NodeSettings(node_id="", interval=o.interval, session_timeout=o.session_timeout,
                            history=o.history, outbox_bound=o.outbox_bound, retry_max=o.retry_max,
                            round_deadline=o.round_deadline, secret=o.secret)
        proposed = ClusterRules.from_settings(mine, api_url=self.api_url, lang=o.lang)
        given = {name: getattr(proposed, name) for name in ClusterRules.NODE_FIELDS}
        try:
            self.rules = establish(self.client, proposed, given)
        except (RulesConflict, RulesError) as exc:
            raise UpError(str(exc)) from None
        except KazooException as exc:
            raise UpError(f"could not write the cluster's rules: {type(exc).__name__}") from None

    def _start_api(self):
        o = self.o
        if o.api_url:
            self.api_url = o.api_url.rstrip("/")
            return
        from cluster_sim.api.service import ApiService

        db = o.api_db or os.path.join(self.workdir, "api.db")
        wildcard = o.listen in ("0.0.0.0", "::")
        # on the address ZooKeeper listens on: the one students were told to reach
        host = "0.0.0.0" if wildcard else "127.0.0.1" if o.listen == "localhost" else o.listen
        from cluster_sim.secret import api_token

        self.api = ApiService(db, host=host, token=api_token(o.secret) if o.secret else None)
        self.api.start()
        shown = _announce_address(o.listen) if wildcard else host
        self.api_url = f"http://{_url_host(shown)}:{self.api.port}"

    def _start_supervision(self):
        from cluster_sim.node.settings import NodeSettings
        from cluster_sim.supervisor import events as ev
        from cluster_sim.supervisor.api_probe import ApiProbe
        from cluster_sim.supervisor.listeners.printers import PlainPrinter, choose_printer
        from cluster_sim.supervisor.manager import Manager
        from cluster_sim.supervisor.messages import SpawnNodes
        from cluster_sim.supervisor.model import Model
        from cluster_sim.supervisor.observer import Observer
        from cluster_sim.supervisor.process import Spawner

        o = self.o
        rules = self.rules
        now = time.time()
        # the supervisor's own idea of the grid is the cluster's, not its command line's
        state = ClusterState(name=o.name, zk=self.hosts, api_url=self.api_url, started_at=now, lang=o.lang,
                             truth_dir=self.truth_dir, interval=rules.interval,
                             session_timeout=rules.session_timeout, rules=rules.to_json(),
                             zk_embedded=self.zk is not None, api_embedded=self.api is not None)
        join = None
        if o.listen not in ("127.0.0.1", "localhost", "::1"):
            join = join_line(self._zk_for_students(), o.secret)
        if self.zk is not None:
            state.zk_servers = [ZkServerView(index=s.index, address=s.address, pid=s.pid)
                                for s in self.zk.servers]
        listeners = []
        if o.events:
            from cluster_sim.supervisor.listeners.exporter import EventExporter

            try:
                self.exporter = EventExporter(o.events, fmt=o.events_format, lang=o.lang)
            except OSError as exc:
                raise UpError(f"cannot write {o.events}: {exc.strerror or exc}") from None
        self.printer = PlainPrinter(self.out, lang=o.lang) if o.plain else choose_printer(self.out)
        self.printer.lang = o.lang         # also when it was chosen by whether stdout is a terminal
        if not isinstance(self.printer, PlainPrinter):
            self._hand_terminal_to_reaper()
        listeners.append(self.printer)
        self.spawner = Spawner(log_dir=self.workdir, reaper=self.reaper)
        if o.relays:
            from cluster_sim.netfault import FaultError, NetFaults

            try:
                self.netfaults = NetFaults(zk=self.hosts, api_url=self.api_url)
            except FaultError as exc:
                raise UpError(str(exc)) from None
            state.relays = True

        # every node runs on the cluster's rules; each gets a copy with its own id
        template = rules.apply(NodeSettings(node_id="", zk=self.hosts, secret=o.secret, unsafe=o.unsafe,
                                            truth_dir=self.truth_dir))

        def settings(node_id, wait_for_id=0.0):
            # a local node talks to ZooKeeper and the API through its own relays, so that
            # `clustersim partition` can cut it off; students' nodes (join) use the real addresses
            zk, api_url = template.zk, template.api_url
            if self.netfaults is not None:
                routes = self.netfaults.add(node_id)
                zk, api_url = routes.zk, routes.api_url
            return replace(template, node_id=node_id, zk=zk, api_url=api_url, wait_for_id=wait_for_id)

        model = Model(state, interval=rules.interval, session_timeout=rules.session_timeout, unsafe=o.unsafe)
        listeners.extend(self._web_listeners())
        if self.exporter is not None:
            listeners.append(self.exporter)
        # zk-kill/zk-start act on an ensemble; for a lone server they answer "no embedded ensemble"
        ensemble = self.zk if self.zk is not None and self.zk.size > 1 else None
        self.manager = Manager(model, self.spawner, settings, listeners, api=self.api, zk=ensemble,
                               on_exit=self._node_exited, netfaults=self.netfaults, embedded_zk=self.zk)
        # a leader names the ZooKeeper server it talks to: its relay's address, shown as the real one
        real = self.netfaults.real_address if self.netfaults is not None else None
        real_url = self.netfaults.real_url if self.netfaults is not None else None
        self.observer = Observer(self.client, post=self.manager.post, address=real, url=real_url)
        self.observer.start()
        self.probe = ApiProbe(self.api_url, post=self.manager.post)
        self.probe.start()
        if state.zk_servers:
            self._zk_poller = threading.Thread(target=self._poll_zk_servers, daemon=True, name="zk-modes")
            self._zk_poller.start()
        self.manager.announce(ev.ClusterStarted(now, name=o.name, zk=self.hosts, api_url=self.api_url,
                                                nodes=o.nodes, interval=rules.interval,
                                                session_timeout=rules.session_timeout))
        if join:
            self.manager.announce(ev.JoinCommand(now, command=join))
        if self.web is not None:
            self.manager.announce(ev.WebViewStarted(now, url=self.web.url))
        if not o.secret:
            self.manager.announce(ev.ClusterOpen(now))
        self.manager.post(SpawnNodes(tuple(str(i) for i in range(1, o.nodes + 1))))

    def _zk_for_students(self):
        """ZooKeeper as a student's machine reaches it: an embedded server by the address we
        listen on (the outgoing interface's for a wildcard), a given one as it was given."""
        if self.zk is None:
            return self.hosts
        address = _url_host(_announce_address(self.o.listen))
        return ",".join(f"{address}:{server.rsplit(':', 1)[-1]}" for server in self.hosts.split(","))

    def _web_listeners(self):
        """The web view (`--web`) and the recording (`--record`, the same page with the
        session inline): one listener feeds both, from the same typed events."""
        o = self.o
        sinks = []
        if o.web:
            from cluster_sim.ports import PortInUse
            from cluster_sim.web import WebView, WebViewError, parse_address

            wildcard = o.listen in ("0.0.0.0", "::")
            try:
                host, port = parse_address(o.web, default_host=o.listen if wildcard else "127.0.0.1")
                self.web = WebView(host, port, title=f"clustersim · {o.name}", lang=o.lang,
                                   advertise=_announce_address(o.listen) if host in ("0.0.0.0", "::") else None)
                self.web.start()
            except (ValueError, PortInUse, WebViewError, OSError) as exc:
                raise UpError(f"--web {o.web}: {exc}") from None
            sinks.append(self.web)
        if o.record:
            from cluster_sim.web import WebRecorder

            self.recorder = WebRecorder(o.record, title=f"clustersim · {o.name}", lang=o.lang)
            sinks.append(self.recorder)
        if not sinks:
            return []
        from cluster_sim.web import Feed

        return [Feed(*sinks, describe=lambda e: describe(e, o.lang))]

    def _close_recording(self):
        """Write the recording (with the demo's results, if any) and say where it is."""
        from cluster_sim.supervisor import events as ev

        path = self.recorder.close(results=self.results, final_text=self._final_view(leftover=True))
        size = os.path.getsize(path)
        line = describe(ev.RecordingWritten(time.time(), path=path, size=size), self.o.lang)
        print(line, file=self.out, flush=True)

    def _node_exited(self, node_id, pid, code):
        """A node that did not leave gracefully (killed, crashed) cannot say it is
        done: say it for it, so leaders do not wait for samples that never come."""
        if code == 0 or self.client is None:
            return  # a graceful exit marked its history final itself
        from cluster_sim.node.publisher import mark_final

        def mark():
            try:
                mark_final(self.client, node_id, pid)
            except KazooException:
                pass  # disconnected: leaders fall back on the round deadline

        threading.Thread(target=mark, daemon=True, name=f"final-{node_id}").start()

    def _hand_terminal_to_reaper(self):
        """The live view hides the cursor; should we be SIGKILLed, the reaper shows it."""
        try:
            self.reaper.watch_terminal(os.ttyname(self.out.fileno()))
        except (AttributeError, OSError, ValueError):
            pass  # not a real terminal (a test's stream): nothing to restore

    def _poll_zk_servers(self):
        from cluster_sim.supervisor.messages import ZkServerMode, ZkServerModes

        while not self._poll_stop.wait(0.5):
            # a frozen server (zk-pause) would only time out: say what it is
            modes = tuple(ZkServerMode(index=s.index, address=s.address, pid=s.pid if s.running else None,
                                       mode="frozen" if s.paused else s.mode(timeout=0.3))
                          for s in self.zk.servers)
            self.manager.post(ZkServerModes(modes))

    # -- run and stop -----------------------------------------------------
    def run(self):
        self.printer.start()
        self.manager.loop()

    def stop(self):
        """Take everything down, in reverse order; safe after a partial start."""
        steps = [
            self._heal_all,             # a partitioned leader can drain; a frozen ZooKeeper serves again
            self._settle,               # sampling stops; the leader stores every round published
            self._drain,                # while the nodes, the API and ZooKeeper still run
            lambda: self.manager and self.manager.stop_all(),
            lambda: self.netfaults and self.netfaults.close(),  # no node is left to use a relay
            self._save_leftover,        # nothing writes the outbox now; ZooKeeper still runs
            self._name_uncomputed,      # a round published and neither stored nor saved: say so
            lambda: self._poll_stop.set(),
            lambda: self.observer and self.observer.stop(),
            lambda: self.probe and self.probe.stop(),
            lambda: self.printer and self.printer.stop(self._final_view()),
            lambda: self.reaper and self.reaper.forget_terminal(),  # the view showed the cursor itself
            self._print_leftover,       # below the timeline: the last thing on screen
            lambda: self.web and self.web.close(),
            lambda: self.recorder and self._close_recording(),
            lambda: self.exporter and self._close_exporter(),
            lambda: self.client and zkclient.close(self.client),
            lambda: self.spawner and self.spawner.close(),
            lambda: self.api and self.api.close(),
            lambda: self.zk and self.zk.stop(),
            lambda: self.control and self.control.stop(),
            lambda: self.workdir and shutil.rmtree(self.workdir, ignore_errors=True),
            lambda: self.reaper and self.reaper.close(),
        ]
        for step in steps:
            try:
                step()
            except Exception as exc:  # keep going: the rest must still be cleaned up
                print(f"clustersim: while stopping: {exc!r}", file=sys.stderr)

    def _heal_all(self):
        if self.manager is not None:
            self.manager.heal_all()

    def _close_exporter(self):
        self.exporter.close()
        if self.exporter.error:
            print(f"clustersim: --events: {self.exporter.error}", file=sys.stderr)

    def _final_view(self, leftover=False):
        if self.manager is None:
            return None
        from cluster_sim.supervisor.labels import label
        from cluster_sim.timeline import timeline_text

        lang = self.o.lang
        terms = list(self.manager.terms)
        end = time.time()
        start = self.manager.state.started_at
        ids = [n.id for n in self.manager.state.sorted_nodes()]
        text = label("timeline", lang) + "\n" + timeline_text(terms, ids, start, end, width=60, lang=lang)
        if leftover:
            text += "".join("\n\n" + (describe(e, lang) or "") for e in (self.leftover, self.uncomputed) if e)
        return text

    # -- rounds left in the outbox at shutdown ---------------------------
    def _outbox_depth(self):
        from cluster_sim.supervisor.leftover import outbox_depth

        return outbox_depth(self.client)

    def _settle(self):
        if self.manager is None or self.client is None or self.o.unsafe:
            return  # (unsafe: the original design's leaders keep no watermark, nothing to wait for)
        from cluster_sim.node.settings import default_lag, default_round_deadline
        from cluster_sim.supervisor.settle import read_progress

        o = self.o
        # all final, the leader stores the last rounds at once; a round that waits for a
        # member (one reconnecting) is stored partial at its deadline: wait that long at most
        deadline = o.round_deadline or default_round_deadline(o.interval, o.session_timeout)
        timeout = deadline + o.interval + default_lag(o.interval) + 1.0
        self.manager.settle(lambda pids: read_progress(self.client, o.interval, pids), timeout,
                            skip=self.skip_drain)

    def _name_uncomputed(self):
        """After the nodes stopped: a round they published that no leader stored is in
        neither the API nor the saved file. Name it, rather than let it go unnoticed."""
        if self.manager is None or self.client is None or self.o.unsafe:
            return
        from cluster_sim.supervisor.events import RoundsUncomputed
        from cluster_sim.supervisor.leftover import LeftoverError
        from cluster_sim.supervisor.settle import read_progress

        try:
            progress = read_progress(self.client, self.o.interval, {})
        except LeftoverError:
            return  # the outbox could not be read either: that line (OutboxUnread) says it
        left = progress.uncomputed
        if left:
            self.uncomputed = RoundsUncomputed(time.time(), count=len(left), first=left[0], last=left[-1],
                                               zk=self.hosts, zk_embedded=self.zk is not None)

    def _drain(self):
        if self.manager is not None and self.client is not None and self.o.drain_timeout > 0:
            self.manager.drain(self._outbox_depth, self.o.drain_timeout, skip=self.skip_drain)

    def _save_leftover(self):
        """Read what the outbox still holds and write it to a file, with what
        `clustersim deliver` needs to send it later."""
        if self.manager is None or self.client is None:
            return  # start-up failed before any node ran: no round was made
        from cluster_sim.saved_rounds import SavedHeader
        from cluster_sim.supervisor.events import OutboxUnread, RoundsSaved, Unsaved
        from cluster_sim.supervisor.leftover import LeftoverError, read_outbox, save

        embedded = self.zk is not None
        try:
            outbox = read_outbox(self.client)
        except LeftoverError as exc:
            self.leftover = OutboxUnread(time.time(), why=str(exc), zk=self.hosts, zk_embedded=embedded)
            return
        if not outbox.rounds:
            return
        # rounds come from clustersim leaders only: an original-design leader has no epoch (0 here)
        terms = [t for t in self.manager.terms if t.epoch]
        header = SavedHeader(name=self.o.name, cluster=outbox.cluster, epoch=outbox.epoch,
                             leader=str(terms[-1].node_id) if terms else "", api_url=self.api_url,
                             zk=self.hosts, zk_embedded=embedded, secret=bool(self.o.secret))
        path, error = save(header, outbox.rounds)
        state = self.manager.state
        reason = (Unsaved.API_DOWN if state.api_ok is False else Unsaved.NO_LEADER if not terms
                  else Unsaved.LATE)
        self.leftover = RoundsSaved(time.time(), count=len(outbox.rounds), path=path, reason=reason,
                                    error=error, zk=self.hosts, zk_embedded=embedded)

    def _print_leftover(self):
        # a plain line of its own below the timeline, not a line in the view's
        # panel, which would wrap the file name: the user copies it from here.
        # The event itself goes to the recorder and the export (the printer has
        # stopped: it does not print it twice).
        for event in (self.leftover, self.uncomputed):
            if event is not None:
                self.manager.emit(event)
                self.out.write((describe(event, self.o.lang) or "") + "\n")
                self.out.flush()


def run_up(options: UpOptions, out=None) -> int:
    cluster = Cluster(options, out=out)
    stop_now = threading.Event()

    def on_signal(signum, _frame):
        name = signal.Signals(signum).name
        if cluster.manager is not None:
            from cluster_sim.supervisor.events import StopWhy

            cluster.manager.stop(StopWhy(name))
        else:
            stop_now.set()
            raise KeyboardInterrupt

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        cluster.start()
        cluster.run()
        return 0
    except KeyboardInterrupt:
        return 130
    finally:
        for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            # a second Ctrl-C must not cut the clean-up short; it only ends the wait for deliveries
            signal.signal(s, lambda *_: cluster.skip_drain.set())
        cluster.stop()
        for s, handler in previous.items():
            signal.signal(s, handler)
