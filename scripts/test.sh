#!/usr/bin/env bash
# Set up (if needed) and run the whole test suite against real ZooKeeper servers
# that the tests start and stop themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
CLUSTERSIM_TEST_BROWSER=1 bash scripts/setup.sh
# four workers on two cores: most end-to-end tests wait on ZooKeeper sessions and rounds, not on a
# core (measured on 1,498 tests: 9:27 on three workers, 6:52 on four; see README)
exec .venv/bin/python -m pytest -n 4 --dist loadfile "$@"
