#!/usr/bin/env bash
# Runs every test: lint, contracts, unit, integration and end-to-end, against a real Kafka broker and a
# real PostgreSQL. When KAFKA_BOOTSTRAP_SERVERS / DATABASE_URL are not set it starts them from
# deploy/local (and stops what it started); it never skips them. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
bash scripts/bootstrap.sh

started=()
cleanup() {
    for component in "${started[@]}"; do deploy/local/"${component}".sh stop >&2 || true; done
}
trap cleanup EXIT

if [ -z "${DATABASE_URL:-}" ]; then
    deploy/local/postgres.sh start
    started+=(postgres)
    DATABASE_URL="$(deploy/local/postgres.sh url)"
    export DATABASE_URL
fi
if [ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" ]; then
    deploy/local/kafka.sh start
    started+=(kafka)
    # SASL/SCRAM with ACLs: the harness connects as the broker's super user; the ACL test reads the
    # services' own credentials from KAFKA_CREDENTIALS_DIR.
    eval "$(deploy/local/kafka.sh env admin)"
fi

.venv/bin/ruff check .
.venv/bin/python -m contracts.export --check
.venv/bin/python -m pytest -p no:cacheprovider "$@"
