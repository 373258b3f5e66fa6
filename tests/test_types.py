"""The typed modules pass mypy (the files are listed in setup.cfg's [mypy]).

mypy is in the test extra (scripts/test.sh installs it): a missing mypy fails this test,
it is never skipped, or the types could rot unseen.
"""

import importlib.util
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_the_typed_modules_type_check():
    if importlib.util.find_spec("mypy") is None:
        pytest.fail("mypy is missing: it is in the test extra (pip install -e .[test])")
    done = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", "/dev/null"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
