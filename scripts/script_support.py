"""What the scripts that drive a real cluster and a browser share: the headless Chromium, waiting, the cluster.

    from script_support import browser, running_up, wait

    with running_up(["-n", "3", "--web", "127.0.0.1:0"], name="demo", stdout=log) as up:
        url = wait(lambda: find_url(), 60, "the teacher's address", script="teacher_latency")
        with browser(1600, 900) as driver:      # tests/web_support.py's Chromium, in a temp dir of its own
            driver.get(url)

The browser is the tests' (`web_support.headless_browser`: the same flags, its
profile and chromedriver's files in a temp dir removed afterwards); where
selenium or Chromium is missing a script says so in one line and exits instead
of a test's skip. `running_up` starts `clustersim up` and stops it at the end
(SIGINT: the clean shutdown, then SIGKILL if it hangs), also on failure.
"""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator, List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))      # web_support.py


def wait(predicate: Callable[[], Any], timeout: float, what: str, script: str = "clustersim script",
         every: float = 0.1) -> Any:
    """predicate()'s first true value (an exception counts as not yet); SystemExit after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except Exception:  # not there yet
            value = None
        if value:
            return value
        time.sleep(every)
    raise SystemExit(f"{script}: timed out waiting for {what}")


@contextmanager
def browser(width: int = 1600, height: int = 900) -> Iterator[Any]:
    """A headless Chromium (selenium's driver), quit and its files removed at the end."""
    import pytest
    from web_support import headless_browser

    try:
        with headless_browser(width, height) as driver:
            yield driver
    except pytest.skip.Exception as exc:        # no selenium, no Chromium: the reason, in one line
        raise SystemExit(f"no headless browser: {exc}") from None


@contextmanager
def running_up(argv: List[str], name: str, env: Optional[dict] = None, stdout: Any = subprocess.DEVNULL,
               stop_within: float = 60.0) -> Iterator["subprocess.Popen[bytes]"]:
    """`clustersim up --plain --name NAME ARGV...`, running while the block runs, stopped after it."""
    up = subprocess.Popen([sys.executable, "-m", "cluster_sim", "up", "--plain", "--name", name, *argv],
                          stdout=stdout, stderr=subprocess.STDOUT if stdout is not subprocess.DEVNULL else
                          subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env)
    try:
        yield up
    finally:
        if up.poll() is None:
            up.send_signal(signal.SIGINT)
            try:
                up.wait(stop_within)
            except subprocess.TimeoutExpired:
                up.kill()
                up.wait(10)
