#!/usr/bin/env bash
# Set up (if needed) and run the whole test suite against real ZooKeeper servers
# that the tests start and stop themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
CLUSTERSIM_TEST_BROWSER=1 bash scripts/setup.sh
# three workers on two cores: most end-to-end tests wait on ZooKeeper sessions and rounds, not on a
# core (measured: 11:26 on two workers, see README; the suite passes under far heavier load)
exec .venv/bin/python -m pytest -n 3 --dist loadfile "$@"
