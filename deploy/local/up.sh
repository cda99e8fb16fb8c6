#!/usr/bin/env bash
# Starts the real local infrastructure (Kafka broker + PostgreSQL + Jaeger) idempotently and
# prints the environment variables to export, e.g.:
#
#   eval "$(deploy/local/up.sh)"
#
# Progress goes to stderr; only the export lines go to stdout.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

"${SCRIPT_DIR}/postgres.sh" start
"${SCRIPT_DIR}/kafka.sh" start
"${SCRIPT_DIR}/jaeger.sh" start

# The broker's super user (SASL/SCRAM); services.sh gives each service its own user instead.
"${SCRIPT_DIR}/kafka.sh" env admin
printf 'export DATABASE_URL=%s\n' "$("${SCRIPT_DIR}/postgres.sh" url)"
printf 'export OTEL_EXPORTER_OTLP_ENDPOINT=%s\n' "$("${SCRIPT_DIR}/jaeger.sh" endpoint)"
