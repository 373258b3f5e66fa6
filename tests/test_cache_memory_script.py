"""scripts/cache_memory.py, the measurement behind docs/benchmarks.md's account of a leader's
memory: at a small size it loads every member, follows them round after round, and says what
the cache holds; a bad option gets one line."""

import pathlib
import re
import subprocess
import sys

SCRIPT = pathlib.Path(__file__).resolve().parent.parent / "scripts" / "cache_memory.py"


def run(*args, timeout=120):
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def test_the_script_follows_every_member_round_after_round():
    done = run("--nodes", 30, "--rounds", 3, "--interval", 0.3)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert re.fullmatch(r"loaded: -?\d+\.\d\d MB", lines[0]), done.stdout
    rounds = [line for line in lines if line.startswith("round ")]
    assert [line.split(":")[0] for line in rounds] == ["round 1", "round 2", "round 3"], done.stdout
    assert all(re.fullmatch(r"round \d: -?\d+\.\d\d MB \(30 members\)", line) for line in rounds), done.stdout


def test_the_script_lists_what_the_cache_holds():
    done = run("--nodes", 10, "--rounds", 1, "--interval", 0.3, "--tracemalloc")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^Python objects held: \d+\.\d\d MB; the largest:$", done.stdout, re.M), done.stdout
    assert "cluster_sim/node/" in done.stdout, done.stdout


def test_a_bad_option_gets_one_line():
    done = run("--nodes", 0)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (
        "cache_memory: --nodes and --rounds must be at least 1, --interval above 0, --joining not below 0\n")
