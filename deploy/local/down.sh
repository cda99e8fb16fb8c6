#!/usr/bin/env bash
# Stops the local infrastructure started by up.sh (Jaeger included). Data is kept unless --purge is given.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

status=0
"${SCRIPT_DIR}/jaeger.sh" stop || status=$?
"${SCRIPT_DIR}/keycloak.sh" stop "$@" || status=$?
"${SCRIPT_DIR}/kafka.sh" stop "$@" || status=$?
"${SCRIPT_DIR}/postgres.sh" stop "$@" || status=$?
exit "${status}"
