#!/usr/bin/env bash
# Jaeger all-in-one (in-memory storage) on loopback: the trace UI and query API for local development,
# the distributed mode and the tracing integration test.
#
#   deploy/local/jaeger.sh start           # idempotent; builds the binary once, waits until the API answers
#   deploy/local/jaeger.sh status          # exit 0 if running and answering, 3 if stopped, 1 otherwise
#   deploy/local/jaeger.sh stop            # TERM, then KILL after a bounded wait (traces are in memory: gone)
#   deploy/local/jaeger.sh endpoint        # prints OTEL_EXPORTER_OTLP_ENDPOINT for the services
#
# The binary is Jaeger v1.76.0's `cmd/jaeger` (the OpenTelemetry-collector based all-in-one), built from
# the Go module proxy with the machine's `go` in a scratch module (`go install` refuses the module's
# replace directives). The first build takes a few minutes on two cores; the binary is kept in
# $LOCAL_INFRA_DIR/jaeger/bin and reused, and the Go build cache makes a rebuild fast.
#
# A binary built from the Go module has no UI assets embedded: Jaeger publishes its UI only as a release
# archive, not in any package registry. The query API (/api/services, /api/traces?service=&tags=,
# /api/traces/{id}) is complete; JAEGER_UI_ASSETS serves a UI build someone has at hand.
#
# Environment:
#   LOCAL_INFRA_DIR          state root (default: <repo>/.local-infra); Jaeger uses $LOCAL_INFRA_DIR/jaeger
#   JAEGER_OTLP_HTTP_PORT    OTLP/HTTP receiver on 127.0.0.1 (default 4318)
#   JAEGER_OTLP_GRPC_PORT    OTLP/gRPC receiver on 127.0.0.1 (default 4317)
#   JAEGER_UI_PORT           UI and query API (/api/traces) on 127.0.0.1 (default 16686)
#   JAEGER_QUERY_GRPC_PORT   query gRPC API on 127.0.0.1 (default 16685)
#   JAEGER_MAX_TRACES        traces kept in memory, oldest dropped first (default 50000)
#   JAEGER_UI_ASSETS         a folder holding the Jaeger UI's built assets (index.html, static/) to serve;
#                            unset, the UI page is Jaeger's placeholder (see below), the query API works
#   JAEGER_START_TIMEOUT     seconds to wait for readiness (default 60; the build is not counted)
#   JAEGER_STOP_TIMEOUT      seconds to wait after SIGTERM before SIGKILL (default 15)
set -euo pipefail

JAEGER_VERSION="v1.76.0"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=deploy/local/lib.sh
source "${SCRIPT_DIR}/lib.sh"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"
INFRA_DIR="${LOCAL_INFRA_DIR:-${REPO_ROOT}/.local-infra}"
JAEGER_HOME="${INFRA_DIR}/jaeger"
BIN="${JAEGER_HOME}/bin/jaeger-${JAEGER_VERSION}"
BUILD_DIR="${JAEGER_HOME}/build"
CONFIG_FILE="${JAEGER_HOME}/config.yaml"
PID_FILE="${JAEGER_HOME}/jaeger.pid"
LOG_FILE="${JAEGER_HOME}/jaeger.log"
LOCK_FILE="${JAEGER_HOME}/.lock"

HOST="127.0.0.1"
OTLP_HTTP_PORT="${JAEGER_OTLP_HTTP_PORT:-4318}"
OTLP_GRPC_PORT="${JAEGER_OTLP_GRPC_PORT:-4317}"
UI_PORT="${JAEGER_UI_PORT:-16686}"
QUERY_GRPC_PORT="${JAEGER_QUERY_GRPC_PORT:-16685}"
MAX_TRACES="${JAEGER_MAX_TRACES:-50000}"
UI_ASSETS="${JAEGER_UI_ASSETS:-}"
START_TIMEOUT="${JAEGER_START_TIMEOUT:-60}"
STOP_TIMEOUT="${JAEGER_STOP_TIMEOUT:-15}"

log() { printf '[jaeger] %s\n' "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

show_log_tail() {
  if [[ -f "${LOG_FILE}" ]]; then
    log "last 40 lines of ${LOG_FILE}:"
    tail -n 40 "${LOG_FILE}" >&2 || true
  fi
}

# Prints the pid of our Jaeger if it is alive (and really is our binary), else nothing.
running_pid() {
  local pid
  [[ -f "${PID_FILE}" ]] || return 0
  pid="$(cat "${PID_FILE}" 2>/dev/null || true)"
  [[ "${pid}" =~ ^[0-9]+$ ]] || return 0
  kill -0 "${pid}" 2>/dev/null || return 0
  if [[ -r "/proc/${pid}/cmdline" ]] && ! tr '\0' ' ' <"/proc/${pid}/cmdline" | grep -q "jaeger-${JAEGER_VERSION}"; then
    return 0 # pid recycled by an unrelated process
  fi
  printf '%s\n' "${pid}"
}

# Ready = the query API answers and the OTLP/HTTP receiver accepts connections.
jaeger_ready() {
  curl -fsS -o /dev/null -m 3 "http://${HOST}:${UI_PORT}/api/services" 2>/dev/null && port_open "${OTLP_HTTP_PORT}"
}

build_binary() {
  [[ -x "${BIN}" ]] && return 0
  command -v go >/dev/null 2>&1 || die "go not found; Go is needed to build Jaeger from the module proxy"
  log "building Jaeger ${JAEGER_VERSION} from the Go module proxy (a few minutes the first time); log: ${JAEGER_HOME}/build.log"
  mkdir -p "${BUILD_DIR}" "$(dirname "${BIN}")"
  if ! (
    cd "${BUILD_DIR}" &&
      { [[ -f go.mod ]] || go mod init jaeger-local-build; } &&
      go get -tool "github.com/jaegertracing/jaeger/cmd/jaeger@${JAEGER_VERSION}" &&
      go build -o "${BIN}.tmp" github.com/jaegertracing/jaeger/cmd/jaeger
  ) >"${JAEGER_HOME}/build.log" 2>&1; then
    tail -n 40 "${JAEGER_HOME}/build.log" >&2 || true
    rm -f "${BIN}.tmp"
    die "building Jaeger failed (see ${JAEGER_HOME}/build.log)"
  fi
  mv "${BIN}.tmp" "${BIN}"
  log "built ${BIN}"
}

write_config() {
  local ui=""
  if [[ -n "${UI_ASSETS}" ]]; then
    [[ -f "${UI_ASSETS}/index.html" ]] || die "JAEGER_UI_ASSETS=${UI_ASSETS} holds no index.html"
    ui="    ui:
      assets_path: ${UI_ASSETS}"
  fi
  cat >"${CONFIG_FILE}" <<EOF
# Generated by deploy/local/jaeger.sh on every start; edit the script, not this file.
# Loopback only; OTLP in, memory storage, query API and UI out. No self-metrics port.
service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    resource:
      service.name: jaeger
    metrics:
      level: none
    logs:
      level: info

extensions:
  jaeger_query:
    storage:
      traces: memstore
    http:
      endpoint: ${HOST}:${UI_PORT}
    grpc:
      endpoint: ${HOST}:${QUERY_GRPC_PORT}
${ui}
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: ${MAX_TRACES}

receivers:
  otlp:
    protocols:
      http:
        endpoint: ${HOST}:${OTLP_HTTP_PORT}
      grpc:
        endpoint: ${HOST}:${OTLP_GRPC_PORT}

processors:
  batch:

exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
EOF
}

do_start() {
  local pid port deadline
  pid="$(running_pid)"
  if [[ -n "${pid}" ]]; then
    if jaeger_ready; then
      log "already running (pid ${pid}): UI http://${HOST}:${UI_PORT}, OTLP http://${HOST}:${OTLP_HTTP_PORT}"
      return 0
    fi
    log "process ${pid} is alive but not answering yet; waiting"
  else
    rm -f "${PID_FILE}"
    for port in "${OTLP_HTTP_PORT}" "${OTLP_GRPC_PORT}" "${UI_PORT}" "${QUERY_GRPC_PORT}"; do
      if port_open "${port}"; then
        die "port ${HOST}:${port} is taken by another process; stop it or set the JAEGER_*_PORT variables"
      fi
    done
    build_binary
    write_config
    log "starting Jaeger (UI ${HOST}:${UI_PORT}, OTLP/HTTP ${HOST}:${OTLP_HTTP_PORT}); log: ${LOG_FILE}"
    printf '\n===== start %s =====\n' "$(date -Is)" >>"${LOG_FILE}"
    # setsid: own session, so Jaeger outlives this script; the inner shell records its pid and execs.
    # shellcheck disable=SC2016
    setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "${PID_FILE}" \
      "${BIN}" --config "${CONFIG_FILE}" </dev/null >>"${LOG_FILE}" 2>&1 9>&- &
    for _ in $(seq 50); do
      [[ -s "${PID_FILE}" ]] && break
      sleep 0.1
    done
    pid="$(cat "${PID_FILE}" 2>/dev/null || true)"
  fi

  deadline=$((SECONDS + START_TIMEOUT))
  until jaeger_ready; do
    if [[ -z "$(running_pid)" ]]; then
      show_log_tail
      die "Jaeger exited during startup"
    fi
    if ((SECONDS >= deadline)); then
      show_log_tail
      die "Jaeger did not become ready within ${START_TIMEOUT}s (pid ${pid}); stop it with: $0 stop"
    fi
    sleep 0.3
  done
  log "ready: OTEL_EXPORTER_OTLP_ENDPOINT=http://${HOST}:${OTLP_HTTP_PORT}, UI http://${HOST}:${UI_PORT} (pid ${pid})"
}

do_stop() {
  local pid
  pid="$(running_pid)"
  if [[ -z "${pid}" ]]; then
    log "not running"
    rm -f "${PID_FILE}"
    return 0
  fi
  stop_pid "${pid}" Jaeger "${STOP_TIMEOUT}"
}

do_status() {
  local pid
  pid="$(running_pid)"
  if [[ -z "${pid}" ]]; then
    echo "jaeger: stopped"
    return 3
  fi
  if jaeger_ready; then
    echo "jaeger: running (pid ${pid}); UI http://${HOST}:${UI_PORT}, OTLP http://${HOST}:${OTLP_HTTP_PORT}"
    return 0
  fi
  echo "jaeger: process ${pid} alive but not answering on ${HOST}:${UI_PORT}"
  return 1
}

usage() {
  echo "usage: $0 start|stop|status|endpoint" >&2
  exit 2
}

main() {
  local cmd="${1:-}"
  [[ -n "${cmd}" ]] || usage
  if [[ "${cmd}" == "endpoint" ]]; then
    printf 'http://%s:%s\n' "${HOST}" "${OTLP_HTTP_PORT}"
    return 0
  fi
  mkdir -p "${JAEGER_HOME}"
  # Serialise concurrent invocations (a developer and the test command); Jaeger runs with fd 9 closed.
  # The first build is inside the lock, so the wait allows for it.
  exec 9>"${LOCK_FILE}"
  flock -w $((START_TIMEOUT + STOP_TIMEOUT + 900)) 9 || die "timed out waiting for ${LOCK_FILE}"
  case "${cmd}" in
    start) do_start ;;
    stop) do_stop ;;
    status) do_status ;;
    *) usage ;;
  esac
}

main "$@"
