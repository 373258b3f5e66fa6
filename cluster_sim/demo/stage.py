"""What a scenario sees: the Demo (requests to the manager, narration, waits on
conditions, pauses for the room) and the errors that end a scenario.

    demo.narrate("start", nodes=5)
    status = demo.wait_ready(5)
    demo.request("kill", node="2")
    elected = demo.find(LeaderElected, since, node="3")   # from the typed events, never the words

runner.py runs a scenario with one on a cluster session.
"""

import os
import queue
import select
import sys
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Tuple, Type, Union

from cluster_sim.words import narration
from cluster_sim.engine.events import Event, LeaderElected

REQUEST_TIMEOUT = 20.0     # zk-kill waits for a JVM to stop: give it time
POLL = 0.1                 # seconds between status polls while waiting on a condition
ROOM_PAUSE = 4.0           # "let the room see" without --yes


class DemoFailed(Exception):
    """The scenario could not go on; the message is one line."""


class Aborted(Exception):
    """The cluster is stopping (Ctrl-C, `clustersim stop`): the scenario ends quietly."""


class Demo:
    """What a scenario sees: requests, narration, waits on conditions, pauses."""

    def __init__(self, manager: Any, *, api_url: str, interval: float, session_timeout: float, lang: str = "en",
                 step: bool = False, yes: bool = False, unsafe: bool = False, stdin: Any = None,
                 clock: Callable[[], float] = time.time, tick: float = 0.2, nodes: int = 0):
        self.manager = manager
        self.nodes = nodes                 # the cluster's size, as started (0: the scenario's own NODES)
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
        self._live = ""                      # its step, when its words follow the outbox
        # --step: pause() only marks a gate; the next step (a narration, or an action under the
        # one on screen) waits at it for one press, so each step takes one press and runs on it
        self._gate_pending = False
        self._gated = False                  # the narration on screen came by a press: its pause() is done
        self._pressed = threading.Event()    # a press from elsewhere (the teacher's page): press()
        self.waiting_step = ""               # the title a gate waits to run, "" when none waits

    # -- talking to the manager --------------------------------------------
    def request(self, cmd: str, check: bool = True, timeout: float = REQUEST_TIMEOUT, **fields: Any) -> Dict[str, Any]:
        """Send one control request and wait for its answer."""
        if self.stopped.is_set():
            raise Aborted()
        if self._gate_pending and cmd != "status":   # an action under the step on screen: its press runs it
            self._gate(self._current)
        reply: "queue.Queue[Dict[str, Any]]" = queue.Queue(maxsize=1)
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

    def act_now(self) -> None:
        """With --step, wait here for the press that runs the action under the step on screen (an
        action timed after it: its moment is chosen once the press came). Otherwise nothing."""
        if self._gate_pending:
            self._gate(self._current)

    def listener(self) -> Any:
        """The listener that keeps every event for this demo (add it to the manager's listeners)."""
        demo = self

        class Keep:
            def event(self, event: Event) -> None:
                with demo._events_lock:
                    demo.events.append(event)

            def frame(self, state: Any, now: float) -> None:
                pass

        return Keep()

    def find(self, kinds: Union[Type[Event], Tuple[Type[Event], ...]], since: int = 0, **fields: Any) -> Any:
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

    def say(self, key: str, **values: Any) -> str:
        return narration.say(self.lang, key, **values)

    def narrate(self, key: str, live: bool = False, gated: bool = True, **values: Any) -> str:
        """Show step `key`; `live`: its {depth} is the outbox depth as the screen shows it, kept
        current by the supervisor's model (a number the demo polled would be stale a moment later).
        With --step after a pause(), the press that shows it is its step's press (`gated`=False: the
        demo's own closing words, which wait for no one)."""
        told = narration.told(self.lang, key, **values)
        self._gated = self._gate_pending and gated
        if self._gated:
            self._gate(told)
        self._gate_pending = False
        self._current = told
        self._live = key if live else ""
        self.manager.narrate(told.title, told.body, told.question, live_step=self._live, lang=self.lang)
        return told.title

    def _show(self, hint: Optional[str]) -> None:
        """The narration on screen again, with `hint` or none (without a new line in the log)."""
        told = self._current
        self.manager.narrate(told.title, told.body, told.question, hint=hint, log=False,
                             live_step=self._live, lang=self.lang)

    def _gate(self, step: "narration.Told") -> None:
        """--step: say which step the press runs, wait for it; the hint goes as the step starts
        (left on screen it looked as if the press had been ignored while the step ran)."""
        self._gate_pending = False
        self._pressed.clear()           # before the page can see a step waiting: its press is kept
        self.waiting_step = step.title
        try:
            self._show(self.say("step_hint", title=step.title))
            self._wait_enter()
        finally:
            self.waiting_step = ""
        if step is self._current:       # an action under this narration: the hint goes now
            self._show(None)

    def press(self) -> Optional[str]:
        """Run the step a --step gate waits for, as Enter does (the teacher's page "next step"):
        its title, or None when no step waits."""
        title = self.waiting_step
        if not title:
            return None
        self._pressed.set()
        return title

    # -- waiting -------------------------------------------------------------
    def sleep(self, seconds: float) -> None:
        """Wait `seconds`, or less if the cluster stops (then Aborted)."""
        if self.stopped.wait(max(0.0, seconds)):
            raise Aborted()

    def wait_for(self, predicate: Callable[[dict], object], timeout: float, what: str) -> Any:
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

    def try_wait_for(self, predicate: Callable[[dict], object], timeout: float) -> Any:
        """wait_for() that returns None instead of failing."""
        try:
            return self.wait_for(predicate, timeout, "")
        except DemoFailed:
            return None

    def wait_rounds(self, n: float) -> None:
        """Let `n` round intervals pass (rounds are on wall-clock time)."""
        self.sleep(n * self.interval)

    def pause(self, seconds: float = ROOM_PAUSE) -> None:
        """Let the room see: with --step the next step waits for a press (see narrate()),
        about one interval with --yes, else `seconds`."""
        if self.step:
            # the step on screen came by a press: its action runs now; else the next step waits
            self._gate_pending = not self._gated
            self._gated = False
        elif self.yes:
            self.sleep(self.interval)
        else:
            self.sleep(max(seconds, self.interval))

    def _wait_enter(self) -> None:
        """Wait for Enter on stdin (read on this thread, raw, so select() sees every byte) or press()."""
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
            if self._pressed.is_set():
                return
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
        def ready(status: Dict[str, Any]) -> Optional[Dict[str, Any]]:
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
        from cluster_sim.engine.events import SplitBrain

        def two(status: Dict[str, Any]) -> object:
            leaders = acting_leaders(status)
            return (old in leaders and len(leaders) >= 2) or self.find(SplitBrain, since)

        seen = bool(self.try_wait_for(two, timeout))
        if not seen:
            self.narrate("sb_no_two", old=old)
            self.wait_stored(3, timeout=10 * self.interval + 15)
            return False
        self.narrate(narration, old=old, new=new)
        base = self.max_row_id()

        def both_delivered(_status: Dict[str, Any]) -> bool:
            counts: Dict[str, int] = {}
            for row in self.rows():
                if (row.get("id") or 0) > base:
                    counts[str(row.get("leader"))] = counts.get(str(row.get("leader")), 0) + 1
            return counts.get(str(old), 0) >= 3 and counts.get(str(new), 0) >= 3

        self.try_wait_for(both_delivered, 10 * self.interval + 10)
        return True

    def max_row_id(self) -> int:
        return max((r.get("id") or 0 for r in self.rows()), default=0)


def acting_leaders(status: dict) -> List[str]:
    """The nodes the table shows as leader right now (two of them: split brain)."""
    return [n["id"] for n in status["nodes"] if n["role"] == "LEADER"]
