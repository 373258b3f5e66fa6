"""Signals acted on by a thread of their own, so that a handler never takes a lock.

    relay = SignalRelay({signal.SIGTERM: lambda: node.stop(Stop.SIGTERM),
                         signal.SIGUSR1: node.close_with_cluster})
    relay.install()       # on the main thread; then each signal runs its action on the relay's thread
    ...
    relay.close()

A Python signal handler runs on the main thread, between two of its bytecodes:
perhaps while that thread holds a lock, inside `threading.Event.wait` or
`queue.get`. A handler that takes the same lock (`Event.set()`, `Queue.put()`)
then waits for itself forever. Here the handlers do nothing: the interpreter's
own C handler writes each signal's number into a pipe (`signal.set_wakeup_fd`,
no lock), and a small thread reads it and runs the signal's action, where
taking a lock only waits for the main thread to let it go. (The supervisor's
loop does the same with an attribute it reads every turn: Manager.stop_from_signal.)
"""

import os
import signal
import threading
from typing import Any, Callable, Dict, Mapping, Optional

__all__ = ["SignalRelay"]


def _ignore(signum: int, frame: Any) -> None:
    """The Python-level handler: nothing (the wake-up byte is the signal's delivery)."""


class SignalRelay:
    def __init__(self, actions: Mapping[int, Callable[[], None]], name: str = "signals"):
        self.actions: Dict[int, Callable[[], None]] = dict(actions)
        self.name = name
        self._read: Optional[int] = None
        self._write: Optional[int] = None
        self._previous_fd = -1
        self._thread: Optional[threading.Thread] = None

    def install(self) -> None:
        """Handle the signals (on the main thread, as signal.signal requires)."""
        self._read, self._write = os.pipe()
        os.set_blocking(self._write, False)          # set_wakeup_fd's requirement: a full pipe drops, never blocks
        self._thread = threading.Thread(target=self._relay, args=(self._read,), daemon=True, name=self.name)
        self._thread.start()
        self._previous_fd = signal.set_wakeup_fd(self._write, warn_on_full_buffer=False)
        for signum in self.actions:
            signal.signal(signum, _ignore)

    def _relay(self, fd: int) -> None:
        while True:
            try:
                data = os.read(fd, 64)
            except OSError:
                return
            if not data:
                return                                # close(): the write end is gone
            for signum in data:
                action = self.actions.get(signum)
                if action is not None:
                    action()

    def close(self) -> None:
        """Stop relaying (the signals keep their do-nothing handlers: the process is ending)."""
        if self._write is None:
            return
        signal.set_wakeup_fd(self._previous_fd)
        os.close(self._write)
        self._write = None
        if self._thread is not None:
            self._thread.join(2.0)
        if self._read is not None:
            os.close(self._read)
            self._read = None
