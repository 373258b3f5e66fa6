"""A real terminal for tests: a command in a pseudo-terminal of a given size, its screen kept by
pyte (a VT100 emulator), so a test reads what a person would see.

    with Terminal(["clustersim", "up", "-n", "5"], cols=80, rows=24) as term:
        term.wait_for(lambda screen: "LEADER" in screen, what="a leader")
        term.type("\\r")
        print(term.text())                 # the screen, one line per row

The command is the session leader with the pty as its controlling terminal,
as in a shell: Ctrl-C typed (term.interrupt()) reaches it as SIGINT.
Everything it starts is ended when the block is left.
"""

import fcntl
import os
import signal
import struct
import subprocess
import sys
import termios
import threading

import pyte

from conftest import wait_until


def _controlling_tty():
    # runs in the child before exec: a session of its own, the pty as its terminal
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    def __init__(self, args, cols=80, rows=24, env=None):
        self.cols, self.rows = cols, rows
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self._lock = threading.Lock()
        self.raw = bytearray()           # everything the program wrote, for failure messages
        self._final_modes = None
        self.master, self.slave = os.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        environ = dict(os.environ, TERM="xterm-256color", COLUMNS=str(cols), LINES=str(rows), **(env or {}))
        environ.pop("NO_COLOR", None)
        self.proc = subprocess.Popen(args, stdin=self.slave, stdout=self.slave, stderr=self.slave,
                                     env=environ, preexec_fn=_controlling_tty, close_fds=True)
        self._reader = threading.Thread(target=self._read, daemon=True, name="pty-reader")
        self._reader.start()

    @classmethod
    def clustersim(cls, *args, cols=80, rows=24, env=None):
        return cls([sys.executable, "-m", "cluster_sim", *[str(a) for a in args]], cols=cols, rows=rows, env=env)

    # -- the screen --------------------------------------------------------
    def _read(self):
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:          # the slave side closed: the program and its children are gone
                return
            if not data:
                return
            with self._lock:
                self.raw += data
                self.stream.feed(data)

    def lines(self):
        """The screen now: one string per row, trailing spaces cut."""
        with self._lock:
            return [line.rstrip() for line in self.screen.display]

    def text(self):
        return "\n".join(self.lines())

    def wait_for(self, predicate, timeout=60.0, what="the screen"):
        """Wait until predicate(screen text) is truthy; its value is returned. Fails with the screen."""
        try:
            return wait_until(lambda: predicate(self.text()), timeout, what)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n--- screen ({self.cols}x{self.rows}) ---\n{self.text()}") from None

    # -- the keyboard ------------------------------------------------------
    def type(self, keys):
        os.write(self.master, keys.encode() if isinstance(keys, str) else keys)

    def interrupt(self):
        self.type(b"\x03")

    def modes(self):
        """The terminal's local modes now (termios lflag): ECHO, ICANON, ...; after
        wait_exit, as the program left them."""
        if self.slave is None:
            return self._final_modes
        return termios.tcgetattr(self.slave)[3]

    # -- the end -----------------------------------------------------------
    def wait_exit(self, timeout=60.0):
        """Wait for the program to exit, then for the reader to take in everything it
        wrote (a fast program exits with its last frames still in the pty's buffer)."""
        wait_until(lambda: self.proc.poll() is not None, timeout, "the program to exit")
        if self.slave is not None:
            self._final_modes = termios.tcgetattr(self.slave)[3]   # what the program left behind
            os.close(self.slave)      # ours was the last copy once the program is gone
            self.slave = None
        self._reader.join(timeout)
        return self.proc.returncode

    def close(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGINT)
                self.proc.wait(40)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(10)
        if self.slave is not None:
            os.close(self.slave)          # the reader sees the end once no process holds it either
            self.slave = None
        self._reader.join(5)
        for fd in (self.slave, self.master):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.slave = self.master = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
