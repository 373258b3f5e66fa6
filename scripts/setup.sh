#!/usr/bin/env bash
# One-time set-up on a fresh Debian/Ubuntu machine: Apache ZooKeeper (Debian's
# package, needs Java) and a virtual environment in .venv with clustersim in it.
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

need_zk=0
command -v java >/dev/null 2>&1 || need_zk=1
if [ -z "${ZOOKEEPER_HOME:-}" ] && [ ! -e /usr/share/java/zookeeper.jar ]; then need_zk=1; fi
if [ "$need_zk" = 1 ]; then
    echo "clustersim setup: installing Apache ZooKeeper (apt-get install zookeeper)" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq zookeeper python3-venv >/dev/null
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"
echo "clustersim setup: ready (.venv/bin/clustersim)" >&2
