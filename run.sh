#!/usr/bin/env bash
# Runs the whole system in one process on http://127.0.0.1:8000 (embedded PostgreSQL, in-process
# transport; no Docker, no Kafka). Each service's API is under /{service}/v1, its docs at /{service}/docs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
bash scripts/bootstrap.sh
exec .venv/bin/python -m backbone.run "$@"
