#!/usr/bin/env bash
# Starts the real local infrastructure (Kafka broker, PostgreSQL, Keycloak, the identity provider, and
# Jaeger for traces) idempotently and prints the environment variables to export, e.g.:
#
#   eval "$(deploy/local/up.sh)"
#
# Progress goes to stderr; only the export lines go to stdout. deploy/local/services.sh makes the
# services trust Keycloak's child-protection realm (AUTH_ISSUER) when KEYCLOAK_URL is set.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

"${SCRIPT_DIR}/postgres.sh" start
"${SCRIPT_DIR}/kafka.sh" start
"${SCRIPT_DIR}/keycloak.sh" start
"${SCRIPT_DIR}/jaeger.sh" start

# The broker's super user (SASL/SCRAM); services.sh gives each service its own user instead.
"${SCRIPT_DIR}/kafka.sh" env admin
printf 'export DATABASE_URL=%s\n' "$("${SCRIPT_DIR}/postgres.sh" url)"
printf 'export KEYCLOAK_URL=%s\n' "$("${SCRIPT_DIR}/keycloak.sh" url)"
printf 'export OTEL_EXPORTER_OTLP_ENDPOINT=%s\n' "$("${SCRIPT_DIR}/jaeger.sh" endpoint)"
