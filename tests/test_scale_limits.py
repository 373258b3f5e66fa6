"""How many nodes `up` starts: the cap (CLUSTERSIM_MAX_NODES), and the open files it needs.

A supervisor holds about ten descriptors per local node (base/fdlimit.py): `up` raises its soft
RLIMIT_NOFILE to the hard limit before it starts anything, and refuses in one line when that is
still too few. The 1,000-node runs themselves are benchmarks (docs/benchmarks.md), not tests.
"""

import os
import resource
import subprocess
import sys

from conftest import INTERVAL

from cluster_sim import control


def one_line_failure(result):
    assert result.returncode != 0, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    return lines[0]


def run_up(*args, env=None, limit=None):
    def lowered():
        resource.setrlimit(resource.RLIMIT_NOFILE, limit)
    return subprocess.run([sys.executable, "-m", "cluster_sim", "up", "--plain", *map(str, args)],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
                          env=dict(os.environ, **(env or {})), preexec_fn=lowered if limit else None)


def test_up_takes_a_thousand_nodes_and_refuses_more_in_one_line(runtime_dir):
    line = one_line_failure(run_up("-n", 1001))
    assert "-n must be between 1 and 1000 (got 1001; raise CLUSTERSIM_MAX_NODES for more)" in line, line


def test_the_cap_follows_clustersim_max_nodes(runtime_dir):
    line = one_line_failure(run_up("-n", 4, env={"CLUSTERSIM_MAX_NODES": "3"}))
    assert "between 1 and 3 (got 4; raise CLUSTERSIM_MAX_NODES" in line, line


def test_too_few_open_files_is_refused_in_one_line_before_anything_starts(runtime_dir, zk_hosts, tmp_path):
    before = set(os.listdir("/tmp"))
    result = run_up("-n", 50, "--zk", zk_hosts, "--name", "fdlow", limit=(256, 256))
    line = one_line_failure(result)
    assert result.returncode == 2
    assert ("50 nodes need about 700 open files and this process may open 256 (hard limit 256): "
            "raise it (ulimit -n 700") in line, line
    # nothing was started: no control socket, no temporary directory, no process of that cluster
    assert not os.path.exists(control.socket_path("fdlow"))
    assert not [p for p in set(os.listdir("/tmp")) - before if p.startswith("clustersim-fdlow")]
    left = subprocess.run(["pgrep", "-f", "--", "--name fdlow"], capture_output=True, text=True).stdout
    assert not left.strip(), left


def test_a_low_soft_limit_is_raised_to_the_hard_one(start_up, zk_hosts):
    # 6 nodes need 260 files: with a soft limit of 64 the cluster starts only because up raised it
    up = start_up("-n", 6, "--zk", zk_hosts, "--interval", INTERVAL,
                  preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (64, 1024)))
    up.wait_ready(6)
    with open(f"/proc/{up.proc.pid}/limits") as f:
        files = [line.split() for line in f if line.startswith("Max open files")][0]
    assert files[3:5] == ["1024", "1024"], files
    assert up.stop() == 0
