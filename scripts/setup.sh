#!/usr/bin/env bash
# One-time set-up on a fresh Debian/Ubuntu machine: Apache ZooKeeper (Debian's
# package, which brings Java) and a virtual environment in .venv with clustersim
# in it. Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

packages=()
if ! command -v java >/dev/null 2>&1; then packages+=(zookeeper); fi
if [ -z "${ZOOKEEPER_HOME:-}" ] && [ ! -e /usr/share/java/zookeeper.jar ]; then packages+=(zookeeper); fi
if ! "$PYTHON" -c "import ensurepip, venv" >/dev/null 2>&1; then packages+=(python3-venv); fi
if [ "${#packages[@]}" -gt 0 ]; then
    # shellcheck disable=SC2207
    packages=($(printf '%s\n' "${packages[@]}" | sort -u))
    echo "clustersim setup: apt-get install ${packages[*]}" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${packages[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"
echo "clustersim setup: ready (.venv/bin/clustersim)" >&2
