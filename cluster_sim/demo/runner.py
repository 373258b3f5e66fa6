"""Runs a classroom scenario on a real cluster and prints what it measured.

The main thread runs the cluster exactly as `clustersim up` does (the
manager's loop and the live table); the scenario runs on a thread of its own
and talks to the manager only through its request queue (the JSON requests of
the control socket) and narrate(). It learns what happened from the typed
event stream (a listener that keeps every event: `demo.find(LeaderElected,
since, node="2")`), never from the words on screen. At the end the scenario
fetches the API's rows, stops the cluster, and the results are printed after
the leadership timeline.

    code = run_demo("failover", yes=True, interval=0.5, plain=True)
"""

import os
import queue
import select
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple, Type, Union

from cluster_sim.demo import narration
from cluster_sim.supervisor.events import Event, LeaderElected, Narration, StopWhy
from cluster_sim.words import label

SCENARIOS = ("failover", "split-brain", "quorum", "api-outage", "partition")
UNSAFE = ("split-brain", "partition")   # the scenarios --unsafe applies to
REQUEST_TIMEOUT = 20.0     # zk-kill waits for a JVM to stop: give it time
POLL = 0.1                 # seconds between status polls while waiting on a condition
ROOM_PAUSE = 4.0           # "let the room see" without --yes


class DemoFailed(Exception):
    """The scenario could not go on; the message is one line."""


class Aborted(Exception):
    """The cluster is stopping (Ctrl-C, `clustersim stop`): the scenario ends quietly."""


@dataclass
class Summary:
    """What a scenario measured: (label, value) rows and notes, printed at the end.

    A row's `verdict` ("ok" or "bad") colours it; the words are the language's.
    """

    title: str
    rows: List[Tuple[str, str]] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)
    measured: dict = field(default_factory=dict)   # raw numbers (ms, counts) for tests and recordings
    verdicts: dict = field(default_factory=dict)   # row index -> "ok" / "bad"

    def add(self, label: str, value, verdict: Optional[str] = None) -> None:
        if verdict:
            self.verdicts[len(self.rows)] = verdict
        self.rows.append((label, str(value)))


class Demo:
    """What a scenario sees: requests, narration, waits on conditions, pauses."""

    def __init__(self, manager, *, api_url: str, interval: float, session_timeout: float, lang: str = "en",
                 step: bool = False, yes: bool = False, unsafe: bool = False, stdin=None,
                 clock: Callable[[], float] = time.time, tick: float = 0.2):
        self.manager = manager
        self.api_url = api_url
        self.interval = interval
        self.session_timeout = session_timeout
        self.tick = tick                   # the embedded ZooKeeper's tickTime (s): sessions expire on its ticks
        self.lang = lang
        self.step = step
        self.yes = yes
        self.unsafe = unsafe
        self.stdin = stdin
        self.clock = clock
        self.stopped = threading.Event()   # set when the cluster is going down
        self.events: List[Event] = []      # every event of the cluster, in order (see listener())
        self._events_lock = threading.Lock()
        self.last_status: Optional[dict] = None
        self.max_outbox = 0                # deepest outbox seen in a status poll
        self._current = narration.Told("")   # the narration on screen

    # -- talking to the manager --------------------------------------------
    def request(self, cmd: str, check: bool = True, timeout: float = REQUEST_TIMEOUT, **fields) -> dict:
        """Send one control request and wait for its answer."""
        if self.stopped.is_set():
            raise Aborted()
        reply = queue.Queue(maxsize=1)
        self.manager.submit_request({"cmd": cmd, **fields}, reply)
        deadline = time.monotonic() + timeout
        while True:
            try:
                answer = reply.get(timeout=POLL)
                break
            except queue.Empty:
                if self.stopped.is_set():
                    raise Aborted() from None
                if time.monotonic() > deadline:
                    raise DemoFailed(self.say("w_no_answer", cmd=cmd, secs=timeout)) from None
        if check and not answer.get("ok"):
            raise DemoFailed(self.say("w_refused", cmd=cmd, error=answer.get("error") or "?"))
        return answer

    def listener(self):
        """The listener that keeps every event for this demo (add it to the manager's listeners)."""
        demo = self

        class Keep:
            def event(self, event: Event) -> None:
                with demo._events_lock:
                    demo.events.append(event)

            def frame(self, state, now: float) -> None:
                pass

        return Keep()

    def find(self, kinds: Union[Type[Event], Tuple[Type[Event], ...]], since: int = 0, **fields: Any):
        """The last event from index `since` of one of `kinds` whose fields equal `fields`, or None."""
        with self._events_lock:
            events = self.events[since:]
        for event in reversed(events):
            if isinstance(event, kinds) and all(getattr(event, k, None) == v for k, v in fields.items()):
                return event
        return None

    def status(self) -> dict:
        status = self.request("status")["status"]
        self.last_status = status
        depth = (status.get("outbox") or {}).get("depth") or 0
        self.max_outbox = max(self.max_outbox, depth)
        return status

    def say(self, key: str, **values) -> str:
        return narration.say(self.lang, key, **values)

    def narrate(self, key: str, **values) -> str:
        told = narration.told(self.lang, key, **values)
        self._current = told
        self.manager.narrate(told.title, told.body, told.question)
        return told.title

    def _show_step_hint(self):
        """Add "press Enter" to the narration on screen (without a new line in the log)."""
        told = self._current
        self.manager.narrate(told.title, told.body, told.question, hint=self.say("step_hint"), log=False)

    # -- waiting -------------------------------------------------------------
    def sleep(self, seconds: float) -> None:
        """Wait `seconds`, or less if the cluster stops (then Aborted)."""
        if self.stopped.wait(max(0.0, seconds)):
            raise Aborted()

    def wait_for(self, predicate: Callable[[dict], object], timeout: float, what: str):
        """Poll the status until predicate(status) is truthy; DemoFailed after `timeout`.
        `what` is worded in the demo's language (a LABELS text, "w_..."), for the failure line."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate(self.status())
            if value:
                return value
            if time.monotonic() > deadline:
                raise DemoFailed(self.say("w_timeout", secs=float(timeout), what=what))
            self.sleep(POLL)

    def try_wait_for(self, predicate: Callable[[dict], object], timeout: float):
        """wait_for() that returns None instead of failing."""
        try:
            return self.wait_for(predicate, timeout, "")
        except DemoFailed:
            return None

    def wait_rounds(self, n: float) -> None:
        """Let `n` round intervals pass (rounds are on wall-clock time)."""
        self.sleep(n * self.interval)

    def pause(self, seconds: float = ROOM_PAUSE) -> None:
        """Let the room see: Enter with --step, about one interval with --yes, else `seconds`."""
        if self.step:
            self._show_step_hint()
            self._wait_enter()
        elif self.yes:
            self.sleep(self.interval)
        else:
            self.sleep(max(seconds, self.interval))

    def _wait_enter(self) -> None:
        """Wait for Enter on stdin (read on this thread, raw, so select() sees every byte)."""
        stream = self.stdin if self.stdin is not None else sys.stdin
        try:
            fd = stream.fileno()
        except (AttributeError, OSError, ValueError):
            fd = None
        if fd is None:                  # no real input (e.g. captured by a test): run through
            self.step, self.yes = False, True
            return
        try:
            if os.isatty(fd):
                import termios

                termios.tcflush(fd, termios.TCIFLUSH)   # an Enter pressed early does not skip a step
        except (ImportError, OSError):
            pass
        while not self.stopped.is_set():
            try:
                ready, _, _ = select.select([fd], [], [], 0.2)
            except (OSError, ValueError):
                ready = [fd]
            if not ready:
                continue
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b""
            if not data:                # end of input: run straight through from here
                self.step, self.yes = False, True
                return
            if b"\n" in data or b"\r" in data:
                return
            # another key: the live view reads keys one by one (no line editing), so only
            # Enter moves on, as the hint says
        raise Aborted()

    # -- common conditions ---------------------------------------------------
    def opening(self, nodes: int) -> dict:
        """Every scenario's first step: the cluster comes up, a leader delivers."""
        self.narrate("start", nodes=nodes)
        status = self.wait_ready(nodes, rounds=2)
        self.narrate("leader_up", leader=status["leader"], epoch=status["epoch"], interval=self.interval)
        self.pause()
        return status

    def wait_ready(self, nodes: int, rounds: int = 2, timeout: float = 90.0) -> dict:
        """A leader, `nodes` running nodes with readings, and `rounds` rounds stored."""
        def ready(status):
            running = [n for n in status["nodes"] if n["state"] == "running" and n["value"] is not None]
            return (status if status["leader"] and status["epoch"] and len(running) >= nodes
                    and (status.get("rounds_stored") or 0) >= rounds else None)
        return self.wait_for(ready, timeout, self.say("w_ready", nodes=nodes, rounds=rounds))

    def wait_new_leader(self, old: str, timeout: float) -> dict:
        return self.wait_for(lambda s: s if s["leader"] not in (None, old) and s["epoch"] else None,
                             timeout, self.say("w_new_leader", old=old))

    def wait_stored(self, more: int, timeout: float) -> dict:
        """`more` rounds stored in the API beyond what it holds now."""
        base = self.status().get("rounds_stored") or 0
        return self.wait_for(lambda s: s if (s.get("rounds_stored") or 0) >= base + more else None,
                             timeout, self.say("w_stored", more=more))

    def handover(self, old: str, sent_at: float, timeout: float, since: int) -> Tuple[dict, int]:
        """Wait for a leader other than `old`; (status, failover in ms).

        The time is the manager's own measure, its LeaderElected event's
        failover_ms: from our request to the new leader's election in
        ZooKeeper. When that is missing, it is the time until the status
        showed the new leader.
        """
        status = self.wait_new_leader(old, timeout)
        seen_at = self.clock()
        elected = self.find(LeaderElected, since, node=str(status["leader"]), after=old)
        if elected is not None and elected.failover_ms is not None:
            return status, elected.failover_ms
        return status, int(round((seen_at - sent_at) * 1000))

    # -- the API -------------------------------------------------------------
    def rows(self) -> List[dict]:
        from cluster_sim.check import CheckError, fetch_rows

        try:
            return fetch_rows(self.api_url, timeout=5)
        except CheckError as exc:
            raise DemoFailed(self.say("w_rows", error=str(exc))) from None

    def two_leaders(self, old: str, new: str, since: int, timeout: float, narration: str) -> bool:
        """Unsafe mode: wait until `old` acts as leader next to another (or the supervisor
        saw split brain); then narrate it and let both deliver a few rows. Without a
        second leader in time: say so and let the rounds go on. True if two were seen."""
        from cluster_sim.supervisor.events import SplitBrain

        def two(status):
            leaders = acting_leaders(status)
            return (old in leaders and len(leaders) >= 2) or self.find(SplitBrain, since)

        seen = bool(self.try_wait_for(two, timeout))
        if not seen:
            self.narrate("sb_no_two", old=old)
            self.wait_stored(3, timeout=10 * self.interval + 15)
            return False
        self.narrate(narration, old=old, new=new)
        base = self.max_row_id()

        def both_delivered(_status):
            counts: Dict[str, int] = {}
            for row in self.rows():
                if (row.get("id") or 0) > base:
                    counts[str(row.get("leader"))] = counts.get(str(row.get("leader")), 0) + 1
            return counts.get(str(old), 0) >= 3 and counts.get(str(new), 0) >= 3

        self.try_wait_for(both_delivered, 10 * self.interval + 10)
        return True

    def max_row_id(self) -> int:
        return max((r.get("id") or 0 for r in self.rows()), default=0)


# --------------------------------------------------------------------------- results

def acting_leaders(status: dict) -> List[str]:
    """The nodes the table shows as leader right now (two of them: split brain)."""
    return [n["id"] for n in status["nodes"] if n["role"] == "LEADER"]


def add_check(demo: Demo, summary: Summary, rows: Optional[List[dict]], error: Optional[str] = None) -> None:
    """Rounds delivered and missed, and the verdict of `clustersim check`, on `rows`."""
    from cluster_sim.check import verify

    lang = demo.lang
    say = lambda key, **kw: narration.say(lang, key, **kw)  # noqa: E731
    if rows is None:
        summary.add(say("check"), say("check_unreachable", error=error or "?"))
        return
    report = verify(rows)
    clusters = list(report.clusters.values())
    rounds = sum(c.rounds for c in clusters)
    missed = sum(b - a + 1 for c in clusters for a, b in c.gaps)
    empty = sum(len(c.empty_rounds) for c in clusters)
    if clusters:
        first = min(c.first for c in clusters)
        last = max(c.last for c in clusters)
        summary.add(say("rounds"), say("rounds_v", rounds=rounds, first=str(first), last=str(last),
                                       missed=missed, empty=empty))
    else:
        summary.add(say("rounds"), say("rounds_none"))
    if report.unrounded:
        summary.add(say("unrounded"), say("unrounded_v", n=report.unrounded))
    violations = report.violations()
    if report.ok and not clusters and report.unrounded:
        summary.add(say("check"), say("check_nothing"))
    elif report.ok:
        summary.add(say("check"), say("check_ok"), verdict="ok")
    else:
        summary.add(say("check"), say("check_failed", n=len(violations)), verdict="bad")
        summary.notes.extend("  " + v for v in violations[:5])
        if len(violations) > 5:
            summary.notes.append(f"  ... (+{len(violations) - 5})")
    summary.measured.update(rounds=rounds, missed=missed, empty=empty, unrounded=report.unrounded,
                            check_ok=report.ok, violations=len(violations))


def render_summary(summary: Summary, plain: bool):
    """A rich Panel, or plain text when `plain`."""
    if plain:
        width = max((len(label) for label, _ in summary.rows), default=0)
        lines = [summary.title, "=" * len(summary.title)]
        for label, value in summary.rows:
            value_lines = value.splitlines() or [""]
            lines.append(f"{label.ljust(width)}  {value_lines[0]}")
            lines += [" " * (width + 2) + v for v in value_lines[1:]]
        if summary.notes:
            lines.append("")
            lines += summary.notes      # whole sentences: the terminal wraps them, not us
        return "\n".join(lines)
    from rich import box
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    styles = {"ok": "bold green", "bad": "bold red"}
    for n, (label, value) in enumerate(summary.rows):
        grid.add_row(Text(label), Text(value, style=styles.get(summary.verdicts.get(n), "")))
    parts = [grid]
    if summary.notes:
        parts.append(Text(""))
        parts += [Text(note) for note in summary.notes]
    return Panel(Group(*parts), title=Text(summary.title, style="bold"), title_align="left",
                 box=box.ROUNDED, border_style="cyan", expand=False)


# --------------------------------------------------------------------------- running

def _scenario_module(scenario: str):
    import importlib

    return importlib.import_module("cluster_sim.demo." + scenario.replace("-", "_"))


class _PlainNarration:
    """Prints a narration's explanation under its title line, in plain mode.

    A listener placed right after the plain printer: the printer writes the
    title (a line of the event log), this writes the explanation under it, or
    the "press Enter" hint of a --step pause.
    """

    def __init__(self, out, lang: str = "en"):
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

    def frame(self, state, now: float) -> None:
        pass


def run_demo(scenario, step=False, yes=False, interval=1.0, session_timeout=3.0, lang="en", unsafe=False,
             record=None, plain=False, name="default", out=None, events=None, events_format="jsonl",
             web=None) -> int:
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


def _run(module, scenario, *, step, yes, interval, session_timeout, lang, unsafe, record, plain, name, out,
         events=None, events_format="jsonl", web=None):
    from cluster_sim.supervisor.listeners.printers import PlainPrinter
    from cluster_sim.supervisor.up import Cluster, UpOptions

    options = UpOptions(nodes=module.NODES, interval=interval, session_timeout=session_timeout,
                        zk_servers=getattr(module, "ZK_SERVERS", 1), name=name, record=record,
                        events=events, events_format=events_format, plain=plain or None,
                        unsafe=unsafe and scenario in UNSAFE, retry_max=1.0, lang=lang, web=web)
    cluster = Cluster(options, out=out)
    state = {"interrupted": False, "summary": None, "error": None}
    demo_box = []

    def on_signal(signum, _frame):
        state["interrupted"] = True
        if demo_box:
            demo_box[0].stopped.set()
        if cluster.manager is not None:
            cluster.manager.stop(signal.Signals(signum).name)
        else:
            raise KeyboardInterrupt

    signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    on_main = threading.current_thread() is threading.main_thread()
    previous = {s: signal.signal(s, on_signal) for s in signals} if on_main else {}
    thread = None
    try:
        cluster.start()
        demo = Demo(cluster.manager, api_url=cluster.api_url, interval=interval, session_timeout=session_timeout,
                    lang=lang, step=step, yes=yes, unsafe=options.unsafe, tick=options.tick_ms / 1000)
        demo_box.append(demo)
        if cluster.recorder is not None:
            cluster.recorder.meta.update(scenario=scenario, lang=lang, unsafe=options.unsafe)
        listeners = cluster.manager.listeners
        if isinstance(cluster.printer, PlainPrinter):
            listeners.insert(listeners.index(cluster.printer) + 1, _PlainNarration(out, lang))
        listeners.append(demo.listener())

        def scenario_main():
            why = StopWhy.DEMO_FINISHED
            try:
                summary = Summary(title=narration.say(lang, "results", scenario=scenario))
                module.run(demo, summary)
                rows, error = None, None
                try:
                    rows = demo.rows()                 # before the cluster stops
                except DemoFailed as exc:
                    error = str(exc)
                add_check(demo, summary, rows, error)
                state["summary"] = summary
                # the recording ends on the measured results (its last page)
                cluster.results = {"title": summary.title, "rows": [list(r) for r in summary.rows],
                                   "notes": list(summary.notes), "measured": dict(summary.measured)}
                demo.narrate("finished")
            except Aborted:
                why = StopWhy.DEMO_INTERRUPTED
            except DemoFailed as exc:
                state["error"] = str(exc)
                why = StopWhy.DEMO_FAILED
            except Exception as exc:  # a bug must still stop the cluster, and say one line
                state["error"] = f"{type(exc).__name__}: {exc}"
                why = StopWhy.DEMO_FAILED
            finally:
                if state["error"]:
                    try:
                        demo.narrate("failed", error=state["error"])
                    except (KeyError, ValueError, IndexError):  # a text that cannot be filled in: the line below says it
                        pass
                cluster.manager.stop(why)

        thread = threading.Thread(target=scenario_main, name=f"demo-{scenario}", daemon=True)
        thread.start()
        cluster.run()
    finally:
        if demo_box:
            demo_box[0].stopped.set()
        if thread is not None:
            thread.join(10.0)
        if on_main:
            for s in signals:
                # a second Ctrl-C must not cut the clean-up short; it only ends the waits for the
                # last rounds and the deliveries (as in `up` and `chaos`)
                signal.signal(s, lambda *_: cluster.skip_drain.set())
        try:
            cluster.stop()
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
    if state["error"]:
        print(f"clustersim demo: {scenario}: {state['error']}", file=sys.stderr)
        return 1
    if state["summary"] is None:
        print(f"clustersim demo: {scenario}: {narration.say(lang, 'interrupted')}", file=sys.stderr)
        return 130
    _print_summary(state["summary"], plain=bool(plain) or not _isatty(out), out=out)
    return 0


def _isatty(out) -> bool:
    try:
        return bool(out.isatty())
    except (AttributeError, OSError, ValueError):  # no isatty, or a closed stream: not a terminal
        return False


def _print_summary(summary: Summary, plain: bool, out) -> None:
    rendered = render_summary(summary, plain)
    if isinstance(rendered, str):
        out.write("\n" + rendered + "\n")
        out.flush()
        return
    from rich.console import Console

    Console(file=out).print(rendered)
