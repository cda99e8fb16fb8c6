#!/usr/bin/env bash
# Creates .venv with Python 3.11 and installs the pinned dependencies (pyproject.toml, with every
# transitive one pinned by constraints.txt) when either changed.
# Sourced by ./run.sh and ./test.sh; safe to run again.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${REPO_ROOT}/.venv"
PYTHON="${PYTHON:-python3.11}"
command -v "${PYTHON}" >/dev/null || PYTHON=python3

if [ ! -x "${VENV}/bin/python" ]; then
    echo "bootstrap: creating ${VENV}" >&2
    "${PYTHON}" -m venv "${VENV}"
fi
stamp="${VENV}/.installed-$(cat "${REPO_ROOT}/pyproject.toml" "${REPO_ROOT}/constraints.txt" | sha256sum | cut -c1-16)"
if [ ! -f "${stamp}" ]; then
    echo "bootstrap: installing dependencies (pinned in pyproject.toml)" >&2
    "${VENV}/bin/python" -m pip install --quiet --upgrade pip >&2
    "${VENV}/bin/python" -m pip install --quiet -c "${REPO_ROOT}/constraints.txt" -e "${REPO_ROOT}[dev]" >&2
    rm -f "${VENV}"/.installed-*
    touch "${stamp}"
fi
