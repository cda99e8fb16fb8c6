#!/usr/bin/env bash
# Installs Debian's chromium for the page tests (Playwright drives it; its own browser download does not
# work on these machines) when it is not there yet; does nothing, quickly, when it is. Run by ./test.sh.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install_chromium: not root and no sudo: apt-get install -y chromium" >&2; exit 1; }
    sudo="sudo"
fi
echo "install_chromium: installing Debian's chromium (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
# Another apt run on the machine holds the lock for a while: wait for it rather than fail.
apt_get() { ${sudo} apt-get -o DPkg::Lock::Timeout=600 -q "$@"; }
if ! apt_get install -y --no-install-recommends chromium >&2; then
    apt_get update >&2
    apt_get install -y --no-install-recommends chromium >&2
fi
command -v chromium >/dev/null || { echo "install_chromium: chromium is still not on PATH" >&2; exit 1; }
