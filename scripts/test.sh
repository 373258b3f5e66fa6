#!/usr/bin/env bash
# Set up (if needed) and run the whole test suite against real ZooKeeper servers
# that the tests start and stop themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
CLUSTERSIM_TEST_BROWSER=1 bash scripts/setup.sh
# two workers: most end-to-end tests wait on ZooKeeper sessions and rounds, not on a core
exec .venv/bin/python -m pytest -n 2 --dist loadfile "$@"
