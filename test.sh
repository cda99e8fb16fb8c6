#!/usr/bin/env bash
# Runs every test: lint, contracts, unit, integration and end-to-end, against a real Kafka broker, a real
# PostgreSQL, a real Keycloak (the identity provider) and a real Jaeger (traces), pages in a real browser
# (Debian's chromium, installed with apt-get when missing). When
# KAFKA_BOOTSTRAP_SERVERS / DATABASE_URL / KEYCLOAK_URL / JAEGER_QUERY_URL are not set it starts them from
# deploy/local (Jaeger only when none answers already) and stops what it started; it never skips them.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
bash scripts/bootstrap.sh
# The page tests drive Debian's chromium (Playwright's own browser download fails here).
bash scripts/install_chromium.sh

started=()
keycloak_starting=""
cleanup() {
    if [ -n "${keycloak_starting}" ]; then kill "${keycloak_starting}" 2>/dev/null || true; fi
    for component in "${started[@]}"; do deploy/local/"${component}".sh stop >&2 || true; done
}
trap cleanup EXIT

# Keycloak takes longest (tens of seconds, minutes on a first run): it starts in the background while the
# rest starts and the linters run, and is waited for just before pytest.
if [ -z "${KEYCLOAK_URL:-}" ]; then
    started+=(keycloak)
    deploy/local/keycloak.sh start &
    keycloak_starting=$!
fi
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

# Only the tracing test exports to Jaeger (it sets the services' OTLP endpoint from JAEGER_OTLP_ENDPOINT);
# the rest of the suite exports nowhere, even in a shell where `eval "$(deploy/local/up.sh)"` set it.
unset OTEL_EXPORTER_OTLP_ENDPOINT
if [ -z "${JAEGER_QUERY_URL:-}" ]; then
    # A Jaeger already answering on the ports (this checkout's or another's) is used as it is.
    if ! deploy/local/jaeger.sh status >/dev/null 2>&1 &&
        ! curl -fsS -o /dev/null -m 3 "http://127.0.0.1:${JAEGER_UI_PORT:-16686}/api/services" 2>/dev/null; then
        deploy/local/jaeger.sh start
        started+=(jaeger)
    fi
    export JAEGER_QUERY_URL="http://127.0.0.1:${JAEGER_UI_PORT:-16686}"
    JAEGER_OTLP_ENDPOINT="$(deploy/local/jaeger.sh endpoint)"
    export JAEGER_OTLP_ENDPOINT
fi

.venv/bin/ruff check .
.venv/bin/python -m contracts.export --check

if [ -n "${keycloak_starting}" ]; then
    if ! wait "${keycloak_starting}"; then
        keycloak_starting=""
        echo "test.sh: Keycloak did not start (see the [keycloak] lines above)" >&2
        exit 1
    fi
    keycloak_starting=""
    KEYCLOAK_URL="$(deploy/local/keycloak.sh url)"
    export KEYCLOAK_URL
fi
.venv/bin/python -m pytest -p no:cacheprovider "$@"
