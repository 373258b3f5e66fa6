"""Helpers for the web view's tests: a plain SSE client and a headless Chromium, or a clear skip."""

import json
import os
import shutil
import socket
import tempfile
import time
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("CLUSTERSIM_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = os.environ.get("CLUSTERSIM_CHROMEDRIVER") or shutil.which("chromedriver")


class SSE:
    """A raw Server-Sent Events client on a socket: reads (event, data) pairs and comments."""

    def __init__(self, url, timeout=10.0, rcvbuf=None):
        parts = urlsplit(url)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect((parts.hostname, parts.port))
        self.sock.sendall(b"GET /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
        self.buffer = b""
        self.headers = self._read_until(b"\r\n\r\n").decode("latin-1")
        self.comments = 0

    def _read_until(self, marker):
        while marker not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("stream closed")
            self.buffer += chunk
        head, self.buffer = self.buffer.split(marker, 1)
        return head

    def next(self):
        """The next (event name, data) message; a comment (a heartbeat) comes as (":", its text)."""
        while True:
            block = self._read_until(b"\n\n").decode("utf-8")
            name, data = "message", []
            for line in block.split("\n"):
                if line.startswith(":"):
                    self.comments += 1
                    return ":", line[1:].strip()
                elif line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    data.append(line[6:])
            if data:
                return name, json.loads("\n".join(data))

    def until(self, predicate, timeout=10.0):
        """Messages up to and including the first for which predicate(name, data) is true."""
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            message = self.next()
            seen.append(message)
            if predicate(*message):
                return seen
        raise AssertionError(f"no such message within {timeout:g} s; saw {[m[0] for m in seen]}")

    def close(self):
        self.sock.close()


@contextmanager
def headless_browser(width=1600, height=900):
    """A headless Chromium driven by selenium (or pytest.skip with the reason), quit at the end.
    It lives in a temp dir of its own, removed afterwards: its profile (--user-data-dir) and
    whatever Chromium and chromedriver make in TMPDIR (org.chromium.Chromium.*) never outlive
    the test."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("selenium is not installed (pip install -e .[test])")
    if not CHROMIUM or not CHROMEDRIVER:
        pytest.skip("no headless browser: apt-get install chromium chromium-driver (scripts/setup.sh does)")
    home = tempfile.mkdtemp(prefix="clustersim-chromium-")
    try:
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    f"--window-size={width},{height}", "--hide-scrollbars", "--no-first-run",
                    "--disable-background-networking", "--disable-extensions",
                    f"--user-data-dir={os.path.join(home, 'profile')}"):
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        service = Service(CHROMEDRIVER, env={**os.environ, "TMPDIR": home})
        driver = webdriver.Chrome(service=service, options=options)
        try:
            yield driver
        finally:
            driver.quit()
    finally:
        shutil.rmtree(home, ignore_errors=True)


def page_errors(driver):
    """The browser console's errors (a script error, a resource the page tried to load)."""
    return [entry for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]
