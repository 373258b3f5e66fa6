"""The supervisor's typed core passes mypy (the files are listed in setup.cfg's [mypy])."""

import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_the_core_type_checks():
    pytest.importorskip("mypy", reason="mypy is in the test extra: pip install -e .[test]")
    done = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", "/dev/null"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
