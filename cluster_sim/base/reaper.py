"""A watchdog that cleans up after its parent, however the parent dies.

The supervisor (or a test) starts one reaper and registers everything it
creates: processes, temporary directories, sockets. The reaper sits in its
own session (so Ctrl-C in the terminal does not reach it) and blocks reading
its stdin. When the parent exits, by any means including SIGKILL, the pipe
closes; the reaper then gives the registered processes a grace period to exit
by themselves, terminates (then kills) the ones still running, and removes
the registered paths. A clean shutdown unregisters everything first, so the
reaper finds nothing left to do.

    reaper = Reaper.start(grace=3.0)
    reaper.watch_pid(proc.pid)
    reaper.watch_path(tmpdir)
    ...
    reaper.forget_path(tmpdir)   # after removing it yourself
    reaper.watch_terminal(os.ttyname(1))   # a live view hid the cursor: show it again
    reaper.close()               # or just exit: the reaper notices either way
"""

import os
import shutil
import signal
import subprocess
import sys
import termios
import time
from typing import Dict, List, Optional

from cluster_sim.base import procfs


def _alive(pid: int, start: str) -> bool:
    """Still the process we registered (same start time), and not a zombie."""
    return procfs.start_time(pid) == start and procfs.alive(pid)


class Reaper:
    def __init__(self, proc: "subprocess.Popen[bytes]") -> None:
        self._proc = proc

    @classmethod
    def start(cls, grace: float = 3.0) -> "Reaper":
        proc = subprocess.Popen(
            [sys.executable, "-m", "cluster_sim.base.reaper", str(grace)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )
        return cls(proc)

    @property
    def pid(self) -> int:
        return self._proc.pid

    def _send(self, line: str) -> None:
        stdin = self._proc.stdin
        assert stdin is not None  # a pipe: started so
        try:
            stdin.write((line + "\n").encode())
            stdin.flush()
        except (BrokenPipeError, ValueError, OSError):
            pass

    def watch_pid(self, pid: int) -> None:
        self._send(f"pid {pid} {procfs.start_time(pid)}")

    def forget_pid(self, pid: int) -> None:
        self._send(f"unpid {pid}")

    def watch_path(self, path: str) -> None:
        self._send(f"path {os.path.abspath(path)}")

    def forget_path(self, path: str) -> None:
        self._send(f"unpath {os.path.abspath(path)}")

    def watch_terminal(self, tty_path: str) -> None:
        """A live view hides the cursor on this terminal; if we die without
        restoring it, the reaper shows it again (a teacher's shell stays usable)."""
        self._send(f"tty {tty_path}")

    def forget_terminal(self) -> None:
        self._send("untty")

    def close(self, wait: bool = True) -> None:
        """Let the reaper run its clean-up now (whatever is still registered)."""
        try:
            if self._proc.stdin is not None:   # (a pipe: started so)
                self._proc.stdin.close()
        except OSError:
            pass
        if wait:
            try:
                self._proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._proc.kill()


def _run(grace: float) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    pids: Dict[int, str] = {}
    paths: List[str] = []
    tty: Optional[str] = None
    for raw in sys.stdin.buffer:
        kind, _, rest = raw.decode(errors="replace").strip().partition(" ")
        if kind == "pid":
            pid, _, start = rest.partition(" ")
            pids[int(pid)] = start
        elif kind == "unpid":
            pids.pop(int(rest), None)
        elif kind == "path":
            paths.append(rest)
        elif kind == "unpath" and rest in paths:
            paths.remove(rest)
        elif kind == "tty":
            tty = rest
        elif kind == "untty":
            tty = None
    if tty:
        _restore_terminal(tty)
    # The parent is gone. Processes that watch it exit by themselves first.
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(_alive(p, s) for p, s in pids.items()):
        time.sleep(0.1)
    for sig, wait in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 1.0)):
        living = [p for p, s in pids.items() if _alive(p, s)]
        for pid in living:
            try:
                os.kill(pid, signal.SIGCONT)  # a paused process cannot exit
                os.kill(pid, sig)
            except OSError:
                pass
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and any(_alive(p, s) for p, s in pids.items()):
            time.sleep(0.05)
    for path in paths:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                os.unlink(path)
            except OSError:
                pass


def _restore_terminal(tty: str) -> None:
    """Show the cursor and reset colours, on a fresh line; keys echo again, a line at a time
    (the live view had turned both off)."""
    try:
        with open(tty, "w") as out:
            out.write("\x1b[0m\x1b[?25h\n")
            out.flush()
            try:
                modes = termios.tcgetattr(out.fileno())
                modes[3] |= termios.ECHO | termios.ICANON
                termios.tcsetattr(out.fileno(), termios.TCSAFLUSH, modes)
            except termios.error:
                pass  # not a terminal after all: the escape codes were all it needed
    except OSError:
        pass  # the terminal is gone too: nothing to restore


if __name__ == "__main__":
    _run(float(sys.argv[1]) if len(sys.argv) > 1 else 3.0)
