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

# The web view's browser tests drive a real headless Chromium: scripts/test.sh asks for it
# (CLUSTERSIM_TEST_BROWSER=1); a teacher who only runs clusters does not get 250 MB of browser.
# Only what the tests need (no recommended extras); skipped quietly when it is there, or when the
# distribution has no such packages (the tests then skip and say why).
browser=()
if [ "${CLUSTERSIM_TEST_BROWSER:-0}" = "1" ]; then
    if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then browser+=(chromium); fi
    if ! command -v chromedriver >/dev/null 2>&1; then browser+=(chromium-driver); fi
fi
if [ "${#browser[@]}" -gt 0 ]; then
    if [ "${#packages[@]}" -eq 0 ]; then $SUDO apt-get update -qq || true; fi
    if apt-cache show "${browser[@]}" >/dev/null 2>&1; then
        echo "clustersim setup: apt-get install ${browser[*]} (for the web view's browser tests)" >&2
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${browser[@]}" >/dev/null \
            || echo "clustersim setup: could not install ${browser[*]}; the browser tests will be skipped" >&2
    else
        echo "clustersim setup: no ${browser[*]} package here; the browser tests will be skipped" >&2
    fi
fi

if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"
echo "clustersim setup: ready (.venv/bin/clustersim)" >&2
