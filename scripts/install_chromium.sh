#!/usr/bin/env bash
# Installs Debian's chromium for the page tests (Playwright drives it; its own browser download does not
# work on these machines), and a Chinese font so screenshots show the masked names (王**), when they are
# not there yet; does nothing, quickly, when they are. Run by ./test.sh.
set -euo pipefail

packages=()
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
[ -n "$(fc-list :lang=zh 2>/dev/null | head -n 1)" ] || packages+=(fonts-wqy-microhei)
if [ "${#packages[@]}" -eq 0 ]; then
    exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install_chromium: not root and no sudo: apt-get install -y chromium" >&2; exit 1; }
    sudo="sudo"
fi
echo "install_chromium: installing ${packages[*]} (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
# Another apt run on the machine holds the lock for a while: wait for it rather than fail.
apt_get() { ${sudo} apt-get -o DPkg::Lock::Timeout=600 -q "$@"; }
if ! apt_get install -y "${packages[@]}" >&2; then
    apt_get update >&2
    apt_get install -y "${packages[@]}" >&2
fi
command -v chromium >/dev/null || { echo "install_chromium: chromium is still not on PATH" >&2; exit 1; }
