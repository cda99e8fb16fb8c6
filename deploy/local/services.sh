#!/usr/bin/env bash
# Distributed mode without Docker: the seven services as seven background uvicorn processes on loopback,
# one per service, talking through the real Kafka broker and PostgreSQL of deploy/local/up.sh, and the
# built-in OAuth 2.0 issuer as a seventh (`backbone.issuer.main`) whose tokens all seven accept.
#
#   eval "$(deploy/local/up.sh)"          # KAFKA_BOOTSTRAP_SERVERS, DATABASE_URL
#   deploy/local/services.sh start        # idempotent; waits (bounded) until every /readyz answers 200
#   deploy/local/services.sh status       # exit 0 if all are running and ready
#   deploy/local/services.sh token ACCOUNT [--scope S]  # prints an access token of a registered account
#   deploy/local/services.sh password PERSON   # prints a person's password (the operations page's sign-in)
#   deploy/local/services.sh stop         # SIGTERM, then SIGKILL after a bounded wait
#
# Ports: 8001 + the service's index in contracts.catalogue.SERVICES (intake 8001 ... notifications 8007),
# then the operations page (ops, 8008: http://127.0.0.1:8008/ops/, reading the services' APIs);
# the issuer on ISSUER_PORT (default: the first service port - 1, i.e. 8000), at http://127.0.0.1:8000/issuer.
# Each service's API is then at http://127.0.0.1:80xx/<service>/v1/..., its docs at /<service>/docs.
# Pid and log files: $LOCAL_INFRA_DIR/services/<name>.pid|.log (default <repo>/.local-infra); the
# issuer's accounts' secrets and its signing keys: $ISSUER_DATA_DIR/identity/ (owner-only).
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
#   ISSUER_PORT             the built-in issuer's port (default SERVICES_BASE_PORT - 1)
#   ISSUER_DATA_DIR         its state (default $LOCAL_INFRA_DIR/issuer); it also reads IDENTITY_REGISTRY_PATH,
#                           IDENTITY_TOKEN_LIFETIME_SECONDS and AUTH_AUDIENCE (inherited, as are the others)
#   AUTH_ISSUER             a city's own issuer: if set, no built-in issuer starts and the services trust it
#                           (Keycloak of up.sh: AUTH_ISSUER=$KEYCLOAK_URL/realms/child-protection)
#   SERVICES_START_TIMEOUT  seconds to wait for every service to be ready (default 120)
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
ISSUER_PORT="${ISSUER_PORT:-$((BASE_PORT - 1))}"
ISSUER_DATA_DIR="${ISSUER_DATA_DIR:-${INFRA_DIR}/issuer}"
# The built-in issuer runs unless a city's own is given.
BUILTIN_ISSUER="$([[ -z "${AUTH_ISSUER:-}" ]] && echo 1 || true)"
ISSUER_URL="${AUTH_ISSUER:-http://${HOST}:${ISSUER_PORT}/issuer}"

log() { printf '[services] %s\n' "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

# The services, from the code (services.registry.RUNNABLE: contracts.catalogue.SERVICES, then the pages:
# the operations page, which reads the others' APIs), so a seventh needs no edit here.
service_names() {
  (cd "${REPO_ROOT}" && "${PYTHON}" -c 'from services.registry import RUNNABLE; print(*RUNNABLE)')
}
is_page() { # NAME
  [[ "$1" == ops ]]
}

# SERVICE_API_URLS: each service's own process (service=URL,...), where the operations page reads the
# services and an agency reads its deadlines from routing.
api_urls() {
  local i urls=""
  for i in "${!NAMES[@]}"; do
    [[ "${NAMES[i]}" == issuer ]] || is_page "${NAMES[i]}" && continue
    urls+="${urls:+,}${NAMES[i]}=http://${HOST}:${PORTS[i]}"
  done
  printf '%s\n' "${urls}"
}

port_of() { # INDEX
  printf '%s\n' $((BASE_PORT + $1))
}

# What each process runs and where it answers readiness: the issuer, or a service.
app_of() { # NAME
  if [[ "$1" == issuer ]]; then echo "backbone.issuer.main:app"; else echo "services.$1.main:app"; fi
}
ready_path_of() { # NAME
  if [[ "$1" == issuer ]]; then echo "/readyz"; else echo "/$1/readyz"; fi
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
  if [[ -r "/proc/${pid}/cmdline" ]] && ! tr '\0' ' ' <"/proc/${pid}/cmdline" | grep -qF "$(app_of "$1")"; then
    return 0 # the pid was reused by another process
  fi
  printf '%s\n' "${pid}"
}

ready() { # PORT NAME
  curl -fsS -o /dev/null -m 3 "http://${HOST}:$1$(ready_path_of "$2")" 2>/dev/null
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

# The processes this script runs, in start order, with their ports: the issuer first (unless a city's
# own is given), then the services. Sets NAMES and PORTS.
load_processes() {
  local -a services
  local index=0 name
  NAMES=()
  PORTS=()
  if [[ -n "${BUILTIN_ISSUER}" ]]; then
    NAMES+=(issuer)
    PORTS+=("${ISSUER_PORT}")
  fi
  read -r -a services <<<"$(service_names)"
  for name in "${services[@]}"; do
    NAMES+=("${name}")
    PORTS+=("$(port_of "${index}")")
    index=$((index + 1))
  done
}

launch() { # NAME PORT VAR=VALUE...
  local name="$1" port="$2"
  shift 2
  printf '\n===== start %s =====\n' "$(date -Is)" >>"$(log_file "${name}")"
  # setsid: own session, so the process outlives this script; the inner shell records its pid and
  # execs, so the pid file holds uvicorn's pid. The environment is given explicitly; fd 9 (the
  # lock) is closed so a running process does not hold it.
  # shellcheck disable=SC2016
  (cd "${REPO_ROOT}" && exec env "$@" LOG_LEVEL="${LOG_LEVEL:-INFO}" \
    setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$(pid_file "${name}")" \
    "${PYTHON}" -m uvicorn "$(app_of "${name}")" --host "${HOST}" --port "${port}" --no-access-log \
    </dev/null >>"$(log_file "${name}")" 2>&1 9>&-) &
}

do_start() {
  local i name port pid db_url deadline
  local -a pending kafka_security
  local -A started_at=() is_ready=()
  [[ -n "${DATABASE_URL:-}" ]] || die 'DATABASE_URL is not set: run eval "$(deploy/local/up.sh)" first'
  [[ -n "${KAFKA_BOOTSTRAP_SERVERS:-}" ]] || die 'KAFKA_BOOTSTRAP_SERVERS is not set: run eval "$(deploy/local/up.sh)" first'
  [[ -x "${PYTHON}" ]] || die "no ${PYTHON}: run scripts/bootstrap.sh"
  command -v curl >/dev/null 2>&1 || die "curl is needed to poll /readyz"
  db_url="$(services_database_url)"
  load_processes
  if [[ -n "${KAFKA_CREDENTIALS_DIR:-}" ]]; then
    (cd "${REPO_ROOT}" && "${PYTHON}" -m backbone.messaging.kafka_access --namespace "${KAFKA_NAMESPACE:-}") >&2 ||
      die "granting the services' Kafka ACLs failed"
  fi

  for i in "${!NAMES[@]}"; do
    name="${NAMES[i]}"
    port="${PORTS[i]}"
    pid="$(running_pid "${name}")"
    if [[ -n "${pid}" ]]; then
      log "${name} already running (pid ${pid}) on ${HOST}:${port}"
      continue
    fi
    rm -f "$(pid_file "${name}")"
    if port_open "${port}"; then
      [[ "${name}" == issuer ]] && die "port ${HOST}:${port} (for the issuer) is taken by another process; set ISSUER_PORT"
      die "port ${HOST}:${port} (for ${name}) is taken by another process"
    fi
    started_at[${name}]="$(now)"
    if [[ "${name}" == issuer ]]; then
      # Launched first; the services fetch its keys when the first token arrives. It needs no broker.
      launch issuer "${port}" \
        BACKBONE_DATA_DIR="${ISSUER_DATA_DIR}" \
        BACKBONE_PUBLIC_URL="http://${HOST}:${port}"
      continue
    fi
    if is_page "${name}"; then
      # No database or broker: it reads the services' APIs with the signed-in person's token.
      launch "${name}" "${port}" \
        BACKBONE_SERVICES="${name}" \
        SERVICE_API_URLS="$(api_urls)" \
        OPS_JAEGER_UI_URL="${OPS_JAEGER_UI_URL:-http://${HOST}:16686}" \
        AUTH_ISSUER="${ISSUER_URL}"
      continue
    fi
    kafka_security=(KAFKA_SECURITY_PROTOCOL="${KAFKA_SECURITY_PROTOCOL:-PLAINTEXT}")
    if [[ -n "${KAFKA_CREDENTIALS_DIR:-}" ]]; then
      kafka_security+=(KAFKA_SASL_MECHANISM="${KAFKA_SASL_MECHANISM:-SCRAM-SHA-512}"
        KAFKA_SASL_USERNAME="${name}" KAFKA_SASL_PASSWORD="$(cat "${KAFKA_CREDENTIALS_DIR}/${name}")")
    fi
    launch "${name}" "${port}" \
      "${kafka_security[@]}" \
      BACKBONE_SERVICES="${name}" \
      BACKBONE_TRANSPORT=kafka \
      SERVICE_API_URLS="$(api_urls)" \
      DATABASE_URL="${db_url}" \
      KAFKA_BOOTSTRAP_SERVERS="${KAFKA_BOOTSTRAP_SERVERS}" \
      KAFKA_NAMESPACE="${KAFKA_NAMESPACE:-}" \
      KAFKA_TOPIC_PARTITIONS="${KAFKA_TOPIC_PARTITIONS:-3}" \
      KAFKA_REPLICATION_FACTOR="${KAFKA_REPLICATION_FACTOR:-1}" \
      OTEL_EXPORTER_OTLP_ENDPOINT="${OTEL_EXPORTER_OTLP_ENDPOINT:-}" \
      AUTH_ISSUER="${ISSUER_URL}"
  done

  # Poll every /readyz until all answer 200, a launched process dies, or the deadline passes.
  deadline=$((SECONDS + START_TIMEOUT))
  while :; do
    pending=()
    for i in "${!NAMES[@]}"; do
      name="${NAMES[i]}"
      port="${PORTS[i]}"
      [[ -n "${is_ready[${name}]:-}" ]] && continue
      if ready "${port}" "${name}"; then
        is_ready[${name}]=1
        local where="http://${HOST}:${port}/${name}/docs"
        [[ "${name}" == issuer ]] && where="${ISSUER_URL}"
        is_page "${name}" && where="http://${HOST}:${port}/${name}/"
        if [[ -n "${started_at[${name}]:-}" ]]; then
          log "${name} ready on ${where} in $(elapsed "${started_at[${name}]}" "$(now)")s"
        else
          log "${name} ready on ${where}"
        fi
        continue
      fi
      # A launched process whose pid file exists but whose process is gone failed to start.
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
  log "all ${#NAMES[@]} processes ready; tokens from ${ISSUER_URL} (e.g. $0 token hotline-12355)"
}

stop_names() { # NAME...
  local name pid deadline
  for name in "$@"; do
    pid="$(running_pid "${name}")"
    if [[ -z "${pid}" ]]; then
      rm -f "$(pid_file "${name}")"
      continue
    fi
    log "stopping ${name} (pid ${pid})"
    kill -TERM "${pid}" 2>/dev/null || true
  done
  for name in "$@"; do
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
}

do_stop() {
  local -a services
  read -r -a services <<<"$(service_names)"
  stop_names "${services[@]}"
  # Last, and even when AUTH_ISSUER is set now: one started earlier is still ours to stop.
  stop_names issuer
  log "stopped"
}

do_status() {
  local i name port pid status=0
  load_processes
  for i in "${!NAMES[@]}"; do
    name="${NAMES[i]}"
    port="${PORTS[i]}"
    pid="$(running_pid "${name}")"
    if [[ -z "${pid}" ]]; then
      echo "${name}: stopped"
      status=3
    elif ready "${port}" "${name}"; then
      echo "${name}: ready (pid ${pid}) on http://${HOST}:${port}$(ready_path_of "${name}" | sed 's/readyz$//')"
    else
      echo "${name}: running (pid ${pid}) on ${HOST}:${port} but not ready"
      ((status == 0)) && status=1
    fi
  done
  return "${status}"
}

# An access token of a registered account from the built-in issuer (secrets from its state folder).
# `password PERSON`: the password a person signs in to the operations page with.
do_token() { # token|password ACCOUNT...
  local what="$1"
  shift
  [[ -n "${BUILTIN_ISSUER}" ]] || die "AUTH_ISSUER is set: get tokens from that issuer"
  [[ $# -ge 1 ]] || die "usage: $0 ${what} ACCOUNT [--scope SCOPES]"
  cd "${REPO_ROOT}" && exec env BACKBONE_DATA_DIR="${ISSUER_DATA_DIR}" AUTH_ISSUER="${ISSUER_URL}" \
    "${PYTHON}" -m backbone.issuer "${what}" "$@"
}

usage() {
  echo "usage: $0 start|stop|status|token ACCOUNT|password PERSON" >&2
  exit 2
}

main() {
  local cmd="${1:-}"
  [[ -n "${cmd}" ]] || usage
  if [[ "${cmd}" == token || "${cmd}" == password ]]; then
    do_token "$@"
  fi
  mkdir -p "${RUN_DIR}"
  # Serialise concurrent invocations; the processes are started with fd 9 closed.
  exec 9>"${RUN_DIR}/.lock"
  flock -w $((START_TIMEOUT + STOP_TIMEOUT * 7 + 30)) 9 || die "timed out waiting for ${RUN_DIR}/.lock"
  case "${cmd}" in
    start) do_start ;;
    stop) do_stop ;;
    status) do_status ;;
    *) usage ;;
  esac
}

main "$@"
