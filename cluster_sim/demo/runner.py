"""Runs a classroom scenario on a real cluster and prints what it measured.

The main thread runs the cluster exactly as `clustersim up` does (the
manager's loop and the live table); the scenario runs on a thread of its own
and talks to the manager only through its request queue (the JSON requests of
the control socket) and narrate(). It learns what happened from the typed
event stream (a listener that keeps every event: `demo.find(LeaderElected,
since, node="2")`), never from the words on screen. At the end the scenario
fetches the API's rows, stops the cluster, and the results are printed after
the leadership timeline. Starting, signals and stopping are the cluster
session's (supervisor/session.py), the same as `up` and `chaos`: the scenario
is its driver.

    code = run_demo("failover", yes=True, interval=0.5, plain=True)
"""

import sys
from typing import Any, Optional

from cluster_sim.words import narration
from cluster_sim.demo.stage import ROOM_PAUSE, Aborted, Demo, DemoFailed, acting_leaders
from cluster_sim.demo.summary import Summary, add_check, is_terminal, print_summary, render_summary
from cluster_sim.node.options import DEMO_PACE
from cluster_sim.engine.events import Event, Narration, StopWhy
from cluster_sim.supervisor.session import Driver
from cluster_sim.words import label

__all__ = ["Demo", "DemoFailed", "Aborted", "ROOM_PAUSE", "Summary", "acting_leaders", "add_check",
           "render_summary", "run_demo", "SCENARIOS"]

SCENARIOS = ("failover", "split-brain", "quorum", "api-outage", "partition")
UNSAFE = ("split-brain", "partition")   # the scenarios --unsafe applies to
# --------------------------------------------------------------------------- running

def _scenario_module(scenario: str) -> Any:
    import importlib

    return importlib.import_module("cluster_sim.demo." + scenario.replace("-", "_"))


class _PlainNarration:
    """Prints a narration's explanation under its title line, in plain mode.

    A listener placed right after the plain printer: the printer writes the
    title (a line of the event log), this writes the explanation under it, or
    the "press Enter" hint of a --step pause.
    """

    def __init__(self, out: Any, lang: str = "en") -> None:
        self.out, self.lang = out, lang

    def event(self, event: Event) -> None:
        if not isinstance(event, Narration):
            return
        body = event.body if event.logged else (event.hint or "")
        if event.logged and event.question:
            body = (body + "\n" if body else "") + label("demo.ask", self.lang) + " " + event.question
        if body:
            # one line per paragraph, never broken inside a sentence: the terminal wraps
            self.out.write("".join("    " + line + "\n" if line.strip() else "\n" for line in body.splitlines()))
            self.out.flush()

    def frame(self, state: Any, now: float) -> None:
        pass


def run_demo(scenario: str, step: bool = False, yes: bool = False, interval: float = DEMO_PACE["interval"],
             session_timeout: float = DEMO_PACE["session_timeout"], lang: str = "en", unsafe: bool = False,
             record: Optional[str] = None, plain: bool = False, name: str = "default", out: Any = None,
             events: Optional[str] = None, events_format: str = "jsonl", web: Optional[str] = None) -> int:
    """Run one narrated scenario; 0 when it ran, 1 on a failure (one line on stderr), 130 on Ctrl-C."""
    out = out if out is not None else sys.stdout
    if scenario not in SCENARIOS:
        print(f"clustersim demo: unknown scenario {scenario!r} (one of {', '.join(SCENARIOS)})", file=sys.stderr)
        return 1
    if lang not in narration.LANGUAGES:
        lang = "en"
    try:
        module = _scenario_module(scenario)
        return _run(module, scenario, step=step, yes=yes, interval=interval, session_timeout=session_timeout,
                    lang=lang, unsafe=unsafe, record=record, plain=plain, name=name, out=out,
                    events=events, events_format=events_format, web=web)
    except KeyboardInterrupt:
        print("clustersim demo: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # one line, never a traceback
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"clustersim demo: {message}", file=sys.stderr)
        return 1


class _ScenarioDriver(Driver):
    """A demo on its cluster: the scenario's script on its own thread, its Demo (requests,
    narration, waits) built once the cluster is up; it stops the cluster when it is done."""

    join_timeout = 10.0

    def __init__(self, module: Any, scenario: str, *, step: bool, yes: bool, lang: str, out: Any) -> None:
        self.module, self.scenario = module, scenario
        self.name = f"demo-{scenario}"
        self.step, self.yes, self.lang, self.out = step, yes, lang, out
        self.demo: Optional[Demo] = None
        self.summary: Optional[Summary] = None
        self.error: Optional[str] = None

    def started(self, cluster: Any) -> None:
        from cluster_sim.presentation.listeners.printers import PlainPrinter

        o, rules = cluster.o, cluster.rules
        self.demo = Demo(cluster.manager, api_url=cluster.api_url, interval=rules.interval,
                         session_timeout=rules.session_timeout, lang=self.lang, step=self.step, yes=self.yes,
                         unsafe=o.unsafe, tick=o.tick_ms / 1000)
        if cluster.recorder is not None:
            cluster.recorder.meta.update(scenario=self.scenario, lang=self.lang, unsafe=o.unsafe)
        listeners = cluster.manager.listeners
        if isinstance(cluster.printer, PlainPrinter):
            listeners.insert(listeners.index(cluster.printer) + 1, _PlainNarration(self.out, self.lang))
        listeners.append(self.demo.listener())
        if self.step:
            cluster.step_gate = self.demo.press     # the teacher's page "next step": the same gate as Enter

    def interrupt(self, signal_name: str) -> bool:
        self.over()
        return False               # the session stops the manager

    def over(self) -> None:
        if self.demo is not None:
            self.demo.stopped.set()

    def run(self, cluster: Any) -> None:
        demo, lang, scenario = self.demo, self.lang, self.scenario
        assert demo is not None
        why = StopWhy.DEMO_FINISHED
        try:
            summary = Summary(title=narration.say(lang, "results", scenario=scenario))
            self.module.run(demo, summary)
            rows, error = None, None
            try:
                rows = demo.rows()                 # before the cluster stops
            except DemoFailed as exc:
                error = str(exc)
            add_check(demo, summary, rows, error)
            self.summary = summary
            # the recording ends on the measured results (its last page)
            cluster.results = {"title": summary.title, "rows": [list(r) for r in summary.rows],
                               "notes": list(summary.notes), "measured": dict(summary.measured)}
            demo.narrate("finished")
        except Aborted:
            why = StopWhy.DEMO_INTERRUPTED
        except DemoFailed as exc:
            self.error = str(exc)
            why = StopWhy.DEMO_FAILED
        except Exception as exc:  # a bug must still stop the cluster, and say one line
            self.error = f"{type(exc).__name__}: {exc}"
            why = StopWhy.DEMO_FAILED
        finally:
            if self.error:
                try:
                    demo.narrate("failed", gated=False, error=self.error)
                except (KeyError, ValueError, IndexError):  # a text that cannot be filled in: the line below says it
                    pass
            cluster.manager.stop(why)


def _run(module: Any, scenario: str, *, step: bool, yes: bool, interval: float, session_timeout: float,
         lang: str, unsafe: bool, record: Optional[str], plain: bool, name: str, out: Any,
         events: Optional[str] = None, events_format: str = "jsonl", web: Optional[str] = None) -> int:
    from cluster_sim.node.settings import NodeSettings
    from cluster_sim.supervisor.session import ClusterSession
    from cluster_sim.supervisor.up import Cluster, UpOptions

    # retry_max 1 s: a class sees the rounds go out the moment the API is back
    node = NodeSettings(node_id="", interval=interval, session_timeout=session_timeout, retry_max=1.0,
                        unsafe=unsafe and scenario in UNSAFE)
    options = UpOptions(nodes=module.NODES, node=node, zk_servers=getattr(module, "ZK_SERVERS", 1), name=name,
                        record=record, events=events, events_format=events_format, plain=plain or None,
                        lang=lang, web=web)
    driver = _ScenarioDriver(module, scenario, step=step, yes=yes, lang=lang, out=out)
    cluster = Cluster(options, out=out)
    try:
        if ClusterSession(cluster, driver=driver).run() == 130:
            raise KeyboardInterrupt       # interrupted while starting: run_demo says so
        if driver.error:
            print(f"clustersim demo: {scenario}: {driver.error}", file=sys.stderr)
            return 1
        if driver.summary is None:
            print(f"clustersim demo: {scenario}: {narration.say(lang, 'interrupted')}", file=sys.stderr)
            return 130
        print_summary(driver.summary, plain=bool(plain) or not is_terminal(out), out=out)
        cluster.keep_page_up(out)         # --web: the page shows the results until Ctrl-C
        return 0
    finally:
        cluster.close_web()
