"""Another machine for tests: a Linux network namespace on a veth link of its own.

    with machine() as (ns, host_address):      # pytest.skip when not root / no `ip netns`
        subprocess.Popen(["ip", "netns", "exec", ns, "bash", "-c", line], ...)

Unique names from the pid, addresses in 10.213.x.y. Torn down always: every
process still in the namespace is killed (SIGKILL), then the link and the
namespace are removed; `left_in(ns)` says which pids remain (for a test that
checks it left nothing).
"""

import os
import random
import shutil
import signal
import subprocess
from contextlib import contextmanager

import pytest


def ip(*args, ns=None):
    command = (["ip", "netns", "exec", ns] if ns else []) + ["ip", *args]
    subprocess.run(command, check=True, capture_output=True, timeout=10)


def left_in(ns):
    """The pids still running in the namespace."""
    out = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True, timeout=10).stdout
    return [int(p) for p in out.split()]


@contextmanager
def machine():
    if os.geteuid() != 0:
        pytest.skip("creating a network namespace needs root")
    if shutil.which("ip") is None or subprocess.run(["ip", "netns", "list"], capture_output=True).returncode != 0:
        pytest.skip("`ip netns` is not available here")
    tag = f"{os.getpid() % 100000}{random.randrange(100):02d}"
    ns, host_side, ns_side = f"csj{tag}", f"csh{tag}", f"csn{tag}"
    x = random.randrange(256)
    host_addr, ns_addr = f"10.213.{x}.1", f"10.213.{x}.2"
    try:
        ip("netns", "add", ns)
        ip("link", "add", host_side, "type", "veth", "peer", "name", ns_side)
        ip("link", "set", ns_side, "netns", ns)
        ip("addr", "add", f"{host_addr}/30", "dev", host_side)
        ip("link", "set", host_side, "up")
        ip("addr", "add", f"{ns_addr}/30", "dev", ns_side, ns=ns)
        ip("link", "set", ns_side, "up", ns=ns)
        ip("link", "set", "lo", "up", ns=ns)
    except subprocess.CalledProcessError as exc:
        teardown(ns, host_side)
        pytest.skip(f"cannot create a network namespace here: {exc.stderr.decode().strip()}")
    try:
        yield ns, host_addr
    finally:
        teardown(ns, host_side)


def teardown(ns, host_side):
    for pid in left_in(ns) if os.path.exists(f"/run/netns/{ns}") else []:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    subprocess.run(["ip", "link", "del", host_side], capture_output=True, timeout=10)
    subprocess.run(["ip", "netns", "del", ns], capture_output=True, timeout=10)
