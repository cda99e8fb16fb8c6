#!/usr/bin/env bash
# Distributed mode without Docker: the six services as six background uvicorn processes on loopback,
# one per service, talking through the real Kafka broker and PostgreSQL of deploy/local/up.sh.
#
#   eval "$(deploy/local/up.sh)"          # KAFKA_BOOTSTRAP_SERVERS, DATABASE_URL
#   deploy/local/services.sh start        # idempotent; waits (bounded) until every /readyz answers 200
#   deploy/local/services.sh status       # exit 0 if all six are running and ready
#   deploy/local/services.sh stop         # SIGTERM, then SIGKILL after a bounded wait
#
# Ports: 8001 + the service's index in contracts.catalogue.SERVICES (intake 8001 ... civil_affairs 8006).
# Each service's API is then at http://127.0.0.1:80xx/<service>/v1/..., its docs at /<service>/docs.
# Pid and log files: $LOCAL_INFRA_DIR/services/<service>.pid|.log (default <repo>/.local-infra).
#
# Environment:
#   DATABASE_URL, KAFKA_BOOTSTRAP_SERVERS   required (from deploy/local/up.sh)
#   SERVICES_DATABASE       if set, the services use this database on DATABASE_URL's server instead of
#                           the one DATABASE_URL names; it is created when missing (e.g. `distributed`)
#   KAFKA_NAMESPACE         topic and consumer-group prefix (e.g. `dist.`), passed through
#   KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*, KAFKA_CREDENTIALS_DIR  from `deploy/local/kafka.sh env` (via
#                           up.sh): the services' ACLs are granted for KAFKA_NAMESPACE with these (the
#                           admin's), and each service connects as its own user, with its password from
#                           $KAFKA_CREDENTIALS_DIR/<service>
#   OTEL_EXPORTER_OTLP_ENDPOINT, LOG_LEVEL, KAFKA_TOPIC_PARTITIONS, KAFKA_REPLICATION_FACTOR  passed through
#   SERVICES_BASE_PORT      first port (default 8001)
#   SERVICES_START_TIMEOUT  seconds to wait for all six to be ready (default 120)
#   SERVICES_STOP_TIMEOUT   seconds to wait for each to exit before SIGKILL (default 20)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"
INFRA_DIR="${LOCAL_INFRA_DIR:-${REPO_ROOT}/.local-infra}"
RUN_DIR="${INFRA_DIR}/services"
PYTHON="${SERVICES_PYTHON:-${REPO_ROOT}/.venv/bin/python}"
HOST="127.0.0.1"
BASE_PORT="${SERVICES_BASE_PORT:-8001}"
START_TIMEOUT="${SERVICES_START_TIMEOUT:-120}"
STOP_TIMEOUT="${SERVICES_STOP_TIMEOUT:-20}"

log() { printf '[services] %s\n' "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

# The services, from the code (contracts.catalogue.SERVICES), so a seventh needs no edit here.
service_names() {
  (cd "${REPO_ROOT}" && "${PYTHON}" -c 'from contracts.catalogue import SERVICES; print(*SERVICES)')
}

port_of() { # INDEX
  printf '%s\n' $((BASE_PORT + $1))
}

pid_file() { printf '%s/%s.pid\n' "${RUN_DIR}" "$1"; }
log_file() { printf '%s/%s.log\n' "${RUN_DIR}" "$1"; }

# Prints the pid of the service's process if it is alive and really is that service's uvicorn.
running_pid() { # NAME
  local file pid
  file="$(pid_file "$1")"
  [[ -f "${file}" ]] || return 0
  pid="$(cat "${file}" 2>/dev/null || true)"
  [[ "${pid}" =~ ^[0-9]+$ ]] || return 0
  kill -0 "${pid}" 2>/dev/null || return 0
  if [[ -r "/proc/${pid}/cmdline" ]] && ! tr '\0' ' ' <"/proc/${pid}/cmdline" | grep -q "services\.$1\.main:app"; then
    return 0 # the pid was reused by another process
  fi
  printf '%s\n' "${pid}"
}

ready() { # PORT NAME
  curl -fsS -o /dev/null -m 3 "http://${HOST}:$1/$2/readyz" 2>/dev/null
}

port_open() { # PORT
  (exec 3<>"/dev/tcp/${HOST}/$1") 2>/dev/null
}

now() { printf '%s\n' "${EPOCHREALTIME}"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# The DATABASE_URL the services get: SERVICES_DATABASE (created if missing) on DATABASE_URL's server.
services_database_url() {
  if [[ -z "${SERVICES_DATABASE:-}" ]]; then
    printf '%s\n' "${DATABASE_URL}"
    return 0
  fi
  [[ "${SERVICES_DATABASE}" =~ ^[a-z_][a-z0-9_]*$ ]] || die "SERVICES_DATABASE must be a plain lower-case name"
  (cd "${REPO_ROOT}" && "${PYTHON}" - "${DATABASE_URL}" "${SERVICES_DATABASE}" <<'EOF'
import asyncio
import sys

import asyncpg

from backbone.db import asyncpg_url

url, database = sys.argv[1], sys.argv[2]
head, _, query = asyncpg_url(url).partition("?")
target = head.rsplit("/", 1)[0] + "/" + database + (f"?{query}" if query else "")


async def main() -> None:
    admin = await asyncpg.connect(asyncpg_url(url).replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
        if not exists:
            await admin.execute(f'CREATE DATABASE "{database}"')
            print(f"[services] created database {database}", file=sys.stderr)
    finally:
        await admin.close()


asyncio.run(main())
print(target)
EOF
  )
}

do_start() {
  local names index name port pid db_url deadline
  local -a pending kafka_security
  local -A started_at=() is_ready=()
  [[ -n "${DATABASE_URL:-}" ]] || die 'DATABASE_URL is not set: run eval "$(deploy/local/up.sh)" first'
  [[ -n "${KAFKA_BOOTSTRAP_SERVERS:-}" ]] || die 'KAFKA_BOOTSTRAP_SERVERS is not set: run eval "$(deploy/local/up.sh)" first'
  [[ -x "${PYTHON}" ]] || die "no ${PYTHON}: run scripts/bootstrap.sh"
  command -v curl >/dev/null 2>&1 || die "curl is needed to poll /readyz"
  db_url="$(services_database_url)"
  read -r -a names <<<"$(service_names)"
  if [[ -n "${KAFKA_CREDENTIALS_DIR:-}" ]]; then
    (cd "${REPO_ROOT}" && "${PYTHON}" -m backbone.messaging.kafka_access --namespace "${KAFKA_NAMESPACE:-}") >&2 ||
      die "granting the services' Kafka ACLs failed"
  fi

  index=0
  for name in "${names[@]}"; do
    port="$(port_of "${index}")"
    index=$((index + 1))
    pid="$(running_pid "${name}")"
    if [[ -n "${pid}" ]]; then
      log "${name} already running (pid ${pid}) on ${HOST}:${port}"
      continue
    fi
    rm -f "$(pid_file "${name}")"
    if port_open "${port}"; then
      die "port ${HOST}:${port} (for ${name}) is taken by another process"
    fi
    printf '\n===== start %s =====\n' "$(date -Is)" >>"$(log_file "${name}")"
    started_at[${name}]="$(now)"
    # setsid: own session, so the service outlives this script; the inner shell records its pid and
    # execs, so the pid file holds uvicorn's pid. The environment is given explicitly; fd 9 (the
    # lock) is closed so a running service does not hold it.
    # shellcheck disable=SC2016
    kafka_security=(KAFKA_SECURITY_PROTOCOL="${KAFKA_SECURITY_PROTOCOL:-PLAINTEXT}")
    if [[ -n "${KAFKA_CREDENTIALS_DIR:-}" ]]; then
      kafka_security+=(KAFKA_SASL_MECHANISM="${KAFKA_SASL_MECHANISM:-SCRAM-SHA-512}"
        KAFKA_SASL_USERNAME="${name}" KAFKA_SASL_PASSWORD="$(cat "${KAFKA_CREDENTIALS_DIR}/${name}")")
    fi
    (cd "${REPO_ROOT}" && exec env \
      "${kafka_security[@]}" \
      BACKBONE_SERVICES="${name}" \
      BACKBONE_TRANSPORT=kafka \
      DATABASE_URL="${db_url}" \
      KAFKA_BOOTSTRAP_SERVERS="${KAFKA_BOOTSTRAP_SERVERS}" \
      KAFKA_NAMESPACE="${KAFKA_NAMESPACE:-}" \
      KAFKA_TOPIC_PARTITIONS="${KAFKA_TOPIC_PARTITIONS:-3}" \
      KAFKA_REPLICATION_FACTOR="${KAFKA_REPLICATION_FACTOR:-1}" \
      OTEL_EXPORTER_OTLP_ENDPOINT="${OTEL_EXPORTER_OTLP_ENDPOINT:-}" \
      LOG_LEVEL="${LOG_LEVEL:-INFO}" \
      setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$(pid_file "${name}")" \
      "${PYTHON}" -m uvicorn "services.${name}.main:app" --host "${HOST}" --port "${port}" --no-access-log \
      </dev/null >>"$(log_file "${name}")" 2>&1 9>&-) &
  done

  # Poll every /readyz until all answer 200, a launched service dies, or the deadline passes.
  deadline=$((SECONDS + START_TIMEOUT))
  while :; do
    pending=()
    index=0
    for name in "${names[@]}"; do
      port="$(port_of "${index}")"
      index=$((index + 1))
      [[ -n "${is_ready[${name}]:-}" ]] && continue
      if ready "${port}" "${name}"; then
        is_ready[${name}]=1
        if [[ -n "${started_at[${name}]:-}" ]]; then
          log "${name} ready on http://${HOST}:${port}/${name}/docs in $(elapsed "${started_at[${name}]}" "$(now)")s"
        else
          log "${name} ready on http://${HOST}:${port}/${name}/docs"
        fi
        continue
      fi
      # A launched service whose pid file exists but whose process is gone failed to start.
      if [[ -n "${started_at[${name}]:-}" && -s "$(pid_file "${name}")" && -z "$(running_pid "${name}")" ]]; then
        log "last 30 lines of $(log_file "${name}"):"
        tail -n 30 "$(log_file "${name}")" >&2 || true
        die "${name} exited during start-up; any others are left running (stop them with: $0 stop)"
      fi
      pending+=("${name}")
    done
    ((${#pending[@]} == 0)) && break
    if ((SECONDS >= deadline)); then
      die "not ready within ${START_TIMEOUT}s: ${pending[*]} (logs in ${RUN_DIR}; stop them with: $0 stop)"
    fi
    sleep 0.5
  done
  log "all ${#names[@]} services ready"
}

do_stop() {
  local names name pid deadline
  read -r -a names <<<"$(service_names)"
  for name in "${names[@]}"; do
    pid="$(running_pid "${name}")"
    if [[ -z "${pid}" ]]; then
      rm -f "$(pid_file "${name}")"
      continue
    fi
    log "stopping ${name} (pid ${pid})"
    kill -TERM "${pid}" 2>/dev/null || true
  done
  for name in "${names[@]}"; do
    pid="$(running_pid "${name}")"
    if [[ -z "${pid}" ]]; then
      rm -f "$(pid_file "${name}")"
      continue
    fi
    deadline=$((SECONDS + STOP_TIMEOUT))
    while kill -0 "${pid}" 2>/dev/null; do
      if ((SECONDS >= deadline)); then
        log "${name} still alive after ${STOP_TIMEOUT}s; sending SIGKILL to ${pid}"
        kill -KILL "${pid}" 2>/dev/null || true
        break
      fi
      sleep 0.2
    done
    rm -f "$(pid_file "${name}")"
  done
  log "stopped"
}

do_status() {
  local names index name port pid status=0
  read -r -a names <<<"$(service_names)"
  index=0
  for name in "${names[@]}"; do
    port="$(port_of "${index}")"
    index=$((index + 1))
    pid="$(running_pid "${name}")"
    if [[ -z "${pid}" ]]; then
      echo "${name}: stopped"
      status=3
    elif ready "${port}" "${name}"; then
      echo "${name}: ready (pid ${pid}) on http://${HOST}:${port}/${name}/"
    else
      echo "${name}: running (pid ${pid}) on ${HOST}:${port} but not ready"
      ((status == 0)) && status=1
    fi
  done
  return "${status}"
}

usage() {
  echo "usage: $0 start|stop|status" >&2
  exit 2
}

main() {
  local cmd="${1:-}"
  [[ -n "${cmd}" ]] || usage
  mkdir -p "${RUN_DIR}"
  # Serialise concurrent invocations; the services are started with fd 9 closed.
  exec 9>"${RUN_DIR}/.lock"
  flock -w $((START_TIMEOUT + STOP_TIMEOUT * 6 + 30)) 9 || die "timed out waiting for ${RUN_DIR}/.lock"
  case "${cmd}" in
    start) do_start ;;
    stop) do_stop ;;
    status) do_status ;;
    *) usage ;;
  esac
}

main "$@"
