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

A scenario that compares coordination recipes (its module's RECIPES, e.g.
herd: ("election", "herd")) runs once per recipe, each on a cluster of its
own, one after the other: the recipe is a cluster rule. Each cluster is
brought up and stopped as above; the results gather every run's figures and
its `check`, and are printed once, after the last.

    code = run_demo("failover", yes=True, interval=0.5, plain=True)
    code = run_demo("herd", yes=True, nodes=6, interval=0.5, plain=True)
"""

import os
import sys
from typing import Any, List, Optional, Sequence

from cluster_sim.words import narration
from cluster_sim.demo.stage import ROOM_PAUSE, Aborted, Demo, DemoFailed, acting_leaders
from cluster_sim.demo.summary import Summary, add_check, is_terminal, print_summary, render_summary
from cluster_sim.node.options import DEMO_PACE
from cluster_sim.engine.events import Event, Narration, StopWhy
from cluster_sim.supervisor.session import Driver
from cluster_sim.words import label

__all__ = ["Demo", "DemoFailed", "Aborted", "ROOM_PAUSE", "Summary", "acting_leaders", "add_check",
           "render_summary", "run_demo", "SCENARIOS"]

SCENARIOS = ("failover", "split-brain", "quorum", "api-outage", "partition", "herd")
UNSAFE = ("split-brain", "partition")   # the scenarios --unsafe applies to
SIZED = ("herd",)                       # the scenarios --nodes applies to
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


def run_demo(scenario: str, step: bool = False, yes: bool = False, interval: Optional[float] = None,
             session_timeout: float = DEMO_PACE["session_timeout"], lang: str = "en", unsafe: bool = False,
             record: Optional[str] = None, plain: bool = False, name: str = "default", out: Any = None,
             events: Optional[str] = None, events_format: str = "jsonl", web: Optional[str] = None,
             nodes: Optional[int] = None) -> int:
    """Run one narrated scenario; 0 when it ran, 1 on a failure (one line on stderr), 130 on Ctrl-C.
    `interval`: None for the scenario's own (its INTERVAL), else DEMO_PACE's. `nodes`: the
    cluster's size, for the scenarios in SIZED (default: the scenario's own)."""
    out = out if out is not None else sys.stdout
    if scenario not in SCENARIOS:
        print(f"clustersim demo: unknown scenario {scenario!r} (one of {', '.join(SCENARIOS)})", file=sys.stderr)
        return 1
    if nodes is not None and scenario not in SIZED:
        print(f"clustersim demo: --nodes applies to {', '.join(SIZED)} only (the {scenario} scenario has its own)",
              file=sys.stderr)
        return 1
    if lang not in narration.LANGUAGES:
        lang = "en"
    try:
        module = _scenario_module(scenario)
        if interval is None:
            interval = float(getattr(module, "INTERVAL", DEMO_PACE["interval"]))
        return _run(module, scenario, step=step, yes=yes, interval=interval, session_timeout=session_timeout,
                    lang=lang, unsafe=unsafe, record=record, plain=plain, name=name, out=out,
                    events=events, events_format=events_format, web=web, nodes=nodes)
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

    def __init__(self, module: Any, scenario: str, *, step: bool, yes: bool, lang: str, out: Any,
                 nodes: int, recipe: Optional[str] = None, last: bool = True,
                 results: Optional[Summary] = None, checks: Optional[List[Summary]] = None) -> None:
        self.module, self.scenario = module, scenario
        self.name = f"demo-{scenario}"
        self.step, self.yes, self.lang, self.out = step, yes, lang, out
        self.nodes = nodes
        # a scenario run once per recipe: this run's recipe, whether it is the last, the results
        # every run adds to, and every earlier run's check (printed after the figures)
        self.recipe, self.last = recipe, last
        self.results = results if results is not None else Summary(
            title=narration.say(lang, "results", scenario=scenario))
        self.checks: List[Summary] = checks if checks is not None else []
        self.demo: Optional[Demo] = None
        self.summary: Optional[Summary] = None
        self.error: Optional[str] = None

    def started(self, cluster: Any) -> None:
        from cluster_sim.presentation.listeners.printers import PlainPrinter

        o, rules = cluster.o, cluster.rules
        self.demo = Demo(cluster.manager, api_url=cluster.api_url, interval=rules.interval,
                         session_timeout=rules.session_timeout, lang=self.lang, step=self.step, yes=self.yes,
                         unsafe=o.unsafe, tick=o.tick_ms / 1000, nodes=self.nodes)
        if cluster.recorder is not None:
            cluster.recorder.meta.update(scenario=self.scenario, lang=self.lang, unsafe=o.unsafe)
            if self.recipe is not None:
                cluster.recorder.meta.update(recipe=self.recipe)
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
        demo = self.demo
        assert demo is not None
        why = StopWhy.DEMO_FINISHED
        try:
            if self.recipe is None:
                self.module.run(demo, self.results)
            else:
                self.module.run(demo, self.results, self.recipe)
            rows, error = None, None
            try:
                rows = demo.rows()                 # before the cluster stops
            except DemoFailed as exc:
                error = str(exc)
            check = Summary(title="")
            add_check(demo, check, rows, error, scope=self._scope(), under=self.recipe or "")
            self.checks.append(check)
            summary = Summary(title=self.results.title)
            for part in [self.results, *self.checks]:
                summary.extend(part)
            self.summary = summary
            # the recording ends on the measured results (its last page)
            cluster.results = {"title": summary.title, "rows": [list(r) for r in summary.rows],
                               "notes": list(summary.notes), "measured": dict(summary.measured)}
            demo.narrate("finished" if self.last else "next_cluster")
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

    def _scope(self) -> str:
        """Whose check a row is, when the scenario runs once per recipe: the recipe's name."""
        if self.recipe is None:
            return ""
        from cluster_sim.presentation.cost_words import recipe_name

        return recipe_name(self.recipe, self.lang)


def _run(module: Any, scenario: str, *, step: bool, yes: bool, interval: float, session_timeout: float,
         lang: str, unsafe: bool, record: Optional[str], plain: bool, name: str, out: Any,
         events: Optional[str] = None, events_format: str = "jsonl", web: Optional[str] = None,
         nodes: Optional[int] = None) -> int:
    """The scenario on its cluster; or, for a scenario with RECIPES, once per recipe on a cluster
    each, one after the other (each stopped before the next starts), the results printed after the last."""
    from cluster_sim.node.settings import NodeSettings
    from cluster_sim.supervisor.session import ClusterSession
    from cluster_sim.supervisor.up import Cluster, UpOptions

    recipes: Sequence[Optional[str]] = tuple(getattr(module, "RECIPES", ())) or (None,)
    size = nodes or module.NODES
    results = Summary(title=narration.say(lang, "results", scenario=scenario))
    checks: List[Summary] = []
    for index, recipe in enumerate(recipes):
        last = index == len(recipes) - 1
        # retry_max 1 s: a class sees the rounds go out the moment the API is back
        node = NodeSettings(node_id="", interval=interval, session_timeout=session_timeout, retry_max=1.0,
                            unsafe=unsafe and scenario in UNSAFE, recipe=recipe or "election")
        options = UpOptions(nodes=size, node=node, zk_servers=getattr(module, "ZK_SERVERS", 1), name=name,
                            record=_per_run(record, recipe, last), events=_per_run(events, recipe, last),
                            events_format=events_format, plain=plain or None, lang=lang, web=web,
                            relays=getattr(module, "RELAYS", True))
        driver = _ScenarioDriver(module, scenario, step=step, yes=yes, lang=lang, out=out, nodes=size,
                                 recipe=recipe, last=last, results=results, checks=checks)
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
            if last:
                print_summary(driver.summary, plain=bool(plain) or not is_terminal(out), out=out)
                cluster.keep_page_up(out)         # --web: the page shows the results until Ctrl-C
        finally:
            cluster.close_web()
    return 0


def _per_run(path: Optional[str], recipe: Optional[str], last: bool) -> Optional[str]:
    """Where one run of a scenario run once per recipe writes its recording or events: the last
    run to PATH (its results carry every run's figures), an earlier one beside it, the recipe in
    its name (herd.html: herd.election.html)."""
    if path is None or recipe is None or last:
        return path
    stem, ext = os.path.splitext(path)
    return f"{stem}.{recipe}{ext}"
