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

    options = UpOptions(nodes=5, node=NodeSettings(node_id="", interval=1.0))
    exit_code = run_up(options)

This module is the one list of everything a cluster starts and, read
backwards, stops. Around it: the harness (signals, a driver, start and stop)
is session.py, shared with demo and chaos; the cluster's rules (adopted from
ZooKeeper or written there) up_rules.py; the shutdown's steps for the rounds
left (settle, drain, save, name) up_shutdown.py, the outbox work itself
leftover.py; the addresses students reach and the web view up_reach.py.
"""

import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import replace
from typing import Any, Dict, List, Optional, Tuple

from kazoo.exceptions import KazooException

from cluster_sim.base import zkclient
from cluster_sim.join import join_line
from cluster_sim.node.settings import NodeSettings
from cluster_sim.base.reaper import Reaper
from cluster_sim.engine.state import ClusterState, ZkServerView
from cluster_sim.supervisor.up_reach import Reach, announce_address, url_host
from cluster_sim.supervisor.up_rules import UpError, adopt_rules, establish_rules, typed
from cluster_sim.supervisor.up_options import UpOptions
from cluster_sim.supervisor.up_limit import check_client_limit
from cluster_sim.zk.limit import unreachable_line
from cluster_sim.supervisor.up_shutdown import Shutdown


class Cluster(Reach, Shutdown):
    """Everything `up` starts, so that it can all be stopped in reverse order."""

    def __init__(self, options: UpOptions, out: Any = None) -> None:
        self.o = options
        self.out = out or sys.stdout
        # what is started, None until it is (Any: each is checked for None where it is stopped)
        self.reaper: Any = None
        self.workdir = ""                     # our temp dir, once made
        self.truth_dir = ""
        self.control: Any = None              # ControlServer
        self.zk: Any = None                   # ZooKeeperCluster, when embedded
        self.api: Any = None                  # ApiService, when embedded
        self.client: Any = None               # our KazooClient
        self.observer: Any = None
        self.probe: Any = None
        self.spawner: Any = None
        self.manager: Any = None
        self.printer: Any = None
        self.hosts = ""                       # ZooKeeper's address, once known
        self.api_url = ""                     # the API's, once known
        self._zk_poller: Optional[threading.Thread] = None
        self.recorder: Any = None             # WebRecorder (--record)
        self.web: Any = None                  # WebView (--web)
        self.results: Optional[Dict[str, Any]] = None   # a demo's results, for the recording's last page
        self.exporter: Any = None
        self.netfaults: Any = None            # the local nodes' relays (netfault.NetFaults), unless --no-relays
        self._poll_stop = threading.Event()
        self.skip_drain = threading.Event()   # a second Ctrl-C: the shutdown waits no longer (settle, drain)
        self.leftover: Any = None             # RoundsSaved / OutboxUnread: rounds left undelivered
        self.rules: Any = None                # the cluster's rules (ClusterRules), once established
        self.uncomputed: Any = None           # RoundsUncomputed: rounds published, never computed
        self.cost: Any = None                 # CostSampler: what each failover costs ZooKeeper (mntr)

    # -- start ------------------------------------------------------------
    def start(self) -> None:
        from cluster_sim.control.server import AlreadyRunning, ControlServer

        o = self.o
        hall_pace(o)
        from cluster_sim.base import fdlimit

        have, need = fdlimit.raise_open_files(), fdlimit.files_needed(o.nodes, relays=o.relays)
        if have < need:   # before anything starts: a cluster that runs out of files half-way is worse
            raise UpError(fdlimit.refusal(o.nodes, need, have))
        if not o.secret and o.listen not in ("127.0.0.1", "localhost", "::1"):
            import secrets

            o.node = replace(o.node, secret=secrets.token_urlsafe(12))  # reachable by a classroom: never open
        if o.zk:
            check_client_limit(o, self.out)   # before anything starts: a cluster that cannot fit is refused
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
        from cluster_sim.protocol.truth import truth_dir

        self.truth_dir = truth_dir(o.name)
        if not o.zk:
            # a new embedded ZooKeeper is a new cluster: old logs speak of another one
            shutil.rmtree(self.truth_dir, ignore_errors=True)
        self._start_zookeeper()
        self._start_api()
        self._establish_rules()
        self._start_supervision()

    def _submit(self, request: Dict[str, Any], reply: Any) -> None:
        if self.manager is None:
            reply.put({"ok": False, "error": f"cluster {self.o.name!r} is still starting; try again"})
        else:
            self.manager.submit_request(request, reply)

    def _start_zookeeper(self) -> None:
        from cluster_sim.zk import ZooKeeperCluster

        o = self.o
        if o.zk:
            self.hosts = o.zk
            adopt_rules(o, self.hosts)   # before our session opens: it asks for the cluster's session timeout
        else:
            self.zk = ZooKeeperCluster(size=o.zk_servers, listen=o.listen, tick_ms=o.tick_ms, reaper=self.reaper)
            self.zk.start()
            self.hosts = self.zk.address
        try:
            self.client = zkclient.connect(self.hosts, session_timeout=max(4.0, o.session_timeout),
                                           connect_timeout=10.0, secret=o.secret or None)
        except zkclient.ZkUnreachable as exc:
            raise UpError(unreachable_line(self.hosts, str(exc), o.lang)) from None
        from cluster_sim.protocol.acl import LayoutLocked
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

    def _establish_rules(self) -> None:
        self.rules = establish_rules(self.o, self.client, self.api_url)

    def _start_api(self) -> None:
        o = self.o
        if o.api_url:
            self.api_url = o.api_url.rstrip("/")
            return
        from cluster_sim.api.service import ApiService

        db = o.api_db or os.path.join(self.workdir, "api.db")
        wildcard = o.listen in ("0.0.0.0", "::")
        # on the address ZooKeeper listens on: the one students were told to reach
        host = "0.0.0.0" if wildcard else "127.0.0.1" if o.listen == "localhost" else o.listen
        from cluster_sim.base.secret import api_token

        self.api = ApiService(db, host=host, token=api_token(o.secret) if o.secret else None)
        self.api.start()
        shown = announce_address(o.listen) if wildcard else host
        self.api_url = f"http://{url_host(shown)}:{self.api.port}"

    def _start_supervision(self) -> None:
        from cluster_sim.engine import events as ev
        from cluster_sim.adapters.api_probe import ApiProbe
        from cluster_sim.presentation.listeners.printers import PlainPrinter, choose_printer
        from cluster_sim.supervisor.manager import Manager
        from cluster_sim.engine.messages import SpawnNodes
        from cluster_sim.engine.model import Model
        from cluster_sim.adapters.observer import Observer
        from cluster_sim.adapters.process import Spawner

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
        elif len(self._external_servers()) > 1:
            # an ensemble of its own (`clustersim zk --id N --peers ...` on other machines): shown, not driven
            state.zk_servers = [ZkServerView(index=i, address=a) for i, a in enumerate(self._external_servers(), 1)]
        listeners: List[Any] = []
        if o.events:
            from cluster_sim.presentation.listeners.exporter import EventExporter

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
                self.netfaults = NetFaults(zk=self.hosts, api_url=self.api_url, own_process=True)
            except FaultError as exc:
                raise UpError(str(exc)) from None
            state.relays = True

        # every node runs on the cluster's rules; each gets a copy with its own id
        from cluster_sim.node.reach import period_for

        template = rules.apply(replace(o.node, node_id="", zk=self.hosts, truth_dir=self.truth_dir,
                                       reach_period=period_for(o.nodes)))

        def settings(node_id: str, wait_for_id: float = 0.0) -> NodeSettings:
            # a local node talks to ZooKeeper and the API through its own relays, so that
            # `clustersim partition` can cut it off; students' nodes (join) use the real addresses
            zk, api_url = template.zk, template.api_url
            if self.netfaults is not None:
                routes = self.netfaults.add(node_id)
                zk, api_url = routes.zk, routes.api_url
            return replace(template, node_id=node_id, zk=zk, real_zk=template.zk, api_url=api_url,
                           wait_for_id=wait_for_id)

        model = Model(state, rules=rules, unsafe=o.unsafe)
        from cluster_sim.adapters.zk_cost import CostSampler

        self.cost = CostSampler(self._mntr_servers, post=lambda message: self.manager.post(message),
                                recipe=rules.recipe, interval=rules.interval)
        listeners.append(self.cost)
        listeners.extend(self._web_listeners())
        if self.exporter is not None:
            listeners.append(self.exporter)
        # zk-kill/zk-start act on an ensemble; for a lone server they answer "no embedded ensemble"
        ensemble = self.zk if self.zk is not None and self.zk.size > 1 else None
        self.manager = Manager(model, self.spawner, settings, listeners, api=self.api, zk=ensemble,
                               on_exit=self._node_exited, netfaults=self.netfaults, embedded_zk=self.zk,
                               client=self.client)
        # a leader names the ZooKeeper server it talks to: its relay's address, shown as the real one
        real = self.netfaults.real_address if self.netfaults is not None else None
        real_url = self.netfaults.real_url if self.netfaults is not None else None
        self.observer = Observer(self.client, post=self.manager.post, address=real, url=real_url)
        self.observer.start()
        self.probe = ApiProbe(self.api_url, post=self.manager.post)
        self.probe.start()
        self.cost.start()
        if state.zk_servers:
            self._zk_poller = threading.Thread(target=self._poll_zk_servers, daemon=True, name="zk-modes")
            self._zk_poller.start()
        self.manager.announce(ev.ClusterStarted(now, name=o.name, zk=self.hosts, api_url=self.api_url,
                                                nodes=o.nodes, interval=rules.interval,
                                                session_timeout=rules.session_timeout, recipe=rules.recipe))
        if rules.teaching:
            self.manager.announce(ev.RecipeForTeaching(now, recipe=rules.recipe))
        if join:
            self.manager.announce(ev.JoinCommand(now, command=join))
        if self.web is not None:
            self.manager.announce(ev.WebViewStarted(now, url=self.web.url))
        if not o.secret:
            self.manager.announce(ev.ClusterOpen(now))
        self.manager.post(SpawnNodes(tuple(str(i) for i in range(1, o.nodes + 1))))

    def _node_exited(self, node_id: str, pid: int, code: Optional[int]) -> None:
        """A node that did not leave gracefully (killed, crashed) cannot say it is
        done: say it for it, so leaders do not wait for samples that never come."""
        if code == 0 or self.client is None:
            return  # a graceful exit marked its history final itself
        from cluster_sim.node.publisher import mark_final

        def mark() -> None:
            try:
                mark_final(self.client, node_id, pid)
            except KazooException:
                pass  # disconnected: leaders fall back on the round deadline

        threading.Thread(target=mark, daemon=True, name=f"final-{node_id}").start()

    def _hand_terminal_to_reaper(self) -> None:
        """The live view hides the cursor; should we be SIGKILLed, the reaper shows it."""
        try:
            self.reaper.watch_terminal(os.ttyname(self.out.fileno()))
        except (AttributeError, OSError, ValueError):
            pass  # not a real terminal (a test's stream): nothing to restore

    def _external_servers(self) -> List[str]:
        """HOST:PORT of each server of a --zk connect string (its chroot left off)."""
        return [a for a in self.hosts.split("/", 1)[0].split(",") if a] if self.zk is None else []

    def _mntr_servers(self) -> List[Tuple[str, int]]:
        """Where the cost sampler asks mntr: every server of the ensemble (the real ones, not relays)."""
        from cluster_sim.zk.probe import connectable

        if self.zk is not None:
            return [(connectable(h), p) for h, p in (_host_port(s.address) for s in self.zk.servers)]
        return [_host_port(a) for a in self._external_servers()]

    def _poll_zk_servers(self) -> None:
        from cluster_sim.engine.messages import ZkServerMode, ZkServerModes
        from cluster_sim.zk.probe import server_mode

        external = self._external_servers()
        while not self._poll_stop.wait(0.5):
            if self.zk is None:
                modes = tuple(ZkServerMode(index=i, address=a, mode=server_mode(*_host_port(a), timeout=0.3))
                              for i, a in enumerate(external, 1))
            else:
                # a frozen server (zk-pause) would only time out: say what it is
                modes = tuple(ZkServerMode(index=s.index, address=s.address, pid=s.pid if s.running else None,
                                           mode="frozen" if s.paused else s.mode(timeout=0.3))
                              for s in self.zk.servers)
            self.manager.post(ZkServerModes(modes))

    # -- run and stop -----------------------------------------------------
    def run(self) -> None:
        self.printer.start()
        self.manager.loop()

    def stop(self) -> None:
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
            lambda: self.cost and self.cost.stop(),
            lambda: self.printer and self.printer.stop(self._final_view()),
            lambda: self.reaper and self.reaper.forget_terminal(),  # the view showed the cursor itself
            self._print_leftover,       # below the timeline: the last thing on screen
            self._web_at_stop,          # a demo's page stays, with its results (keep_page_up)
            self._close_recording,
            self._close_exporter,
            lambda: self.client and _closed(self.client),
            lambda: self.spawner and self.spawner.close(),
            lambda: self.api and self.api.close(),
            lambda: self.zk and self.zk.stop(),
            lambda: self.control and self.control.stop(),
            lambda: self.workdir and _removed(self.workdir),
            lambda: self.reaper and self.reaper.close(),
        ]
        for step in steps:
            try:
                step()
            except Exception as exc:  # keep going: the rest must still be cleaned up
                print(f"clustersim: while stopping: {exc!r}", file=sys.stderr)

def _closed(client: Any) -> bool:
    zkclient.close(client)
    return True


def _removed(path: str) -> bool:
    shutil.rmtree(path, ignore_errors=True)
    return True


def hall_pace(o: UpOptions) -> None:
    """A lecture hall's session timeout (node/settings.default_session_timeout) when the user typed
    none: before the rules are written or adopted (a cluster that has rules keeps its own)."""
    from cluster_sim.node.settings import default_session_timeout

    if not typed(o, "session_timeout"):
        o.node = replace(o.node, session_timeout=default_session_timeout(o.nodes))


def run_up(options: UpOptions, out: Any = None) -> int:
    """`up` itself: the cluster session with no driver (0, or 130 when interrupted while starting)."""
    from cluster_sim.supervisor.session import ClusterSession

    return ClusterSession(Cluster(options, out=out)).run()


def _host_port(address: str) -> Tuple[str, int]:
    host, colon, port = address.rpartition(":")
    return (host, int(port)) if colon and port.isdigit() else (address, 2181)
