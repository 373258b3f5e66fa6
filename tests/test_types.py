"""The whole package passes mypy, every function annotated (setup.cfg's [mypy]).

mypy is in the test extra (scripts/test.sh installs it): a missing mypy fails this test,
it is never skipped, or the types could rot unseen.
"""

import configparser
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


def test_mypy_checks_the_whole_package_strictly():
    """No module drops out of the check: the package is the one target, untyped definitions
    are refused everywhere, and no section of the package's own is silenced or excused."""
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    assert config["mypy"]["files"].strip() == "cluster_sim"
    assert config["mypy"].getboolean("disallow_untyped_defs")
    for section in config.sections():
        if section.startswith("mypy-cluster_sim"):
            relaxed = {"follow_imports", "ignore_errors", "disallow_untyped_defs", "ignore_missing_imports"}
            assert not relaxed & set(config[section]), f"[{section}] relaxes the check"
