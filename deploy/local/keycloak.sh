#!/usr/bin/env bash
# A real Keycloak (the OAuth 2.0 / OpenID Connect issuer of the backbone's access tokens) on loopback,
# for local development, the distributed mode and the integration tests.
#
#   deploy/local/keycloak.sh start           # idempotent; waits until the realm's discovery document answers
#   deploy/local/keycloak.sh status          # exit 0 if running and answering, 1 if not answering, 3 if stopped
#   deploy/local/keycloak.sh stop [--purge]  # TERM, then KILL after a bounded wait; --purge deletes its data
#   deploy/local/keycloak.sh clean           # stop and delete the unpacked distribution and logs
#   deploy/local/keycloak.sh url             # prints the base URL (KEYCLOAK_URL), e.g. http://127.0.0.1:18080
#   deploy/local/keycloak.sh issuer          # prints the realm's issuer (AUTH_ISSUER)
#
# The distribution is org.keycloak:keycloak-quarkus-dist:<version>:zip from Maven Central, fetched with
# `mvn dependency:copy` (cached in ~/.m2) and unpacked once into $LOCAL_INFRA_DIR/keycloak. It runs in
# development mode (`kc.sh start-dev`: plain HTTP, an H2 database in its data/ folder) on Java 21 or
# newer; the machines' default Java is 17, so a newer JDK is looked up (see find_java). The realm files
# of deploy/keycloak/ are imported at start (`--import-realm`); when they changed since the database was
# made, the database is dropped first, so the running realm is always the repository's. A start with
# unchanged realm files reuses the database, which skips minutes of schema creation on two busy cores.
# The realms hold known client secrets: they are for local use and tests only (deploy/keycloak/README.md).
#
# Environment:
#   LOCAL_INFRA_DIR          state root (default: <repo>/.local-infra); Keycloak uses $LOCAL_INFRA_DIR/keycloak
#   KEYCLOAK_PORT            HTTP port on 127.0.0.1 (default 18080)
#   KEYCLOAK_REALM           realm whose discovery document means "ready" (default child-protection)
#   KEYCLOAK_REALM_DIR       directory of realm files to import (default <repo>/deploy/keycloak)
#   KEYCLOAK_ADMIN_USER      bootstrap administrator of the master realm (default admin)
#   KEYCLOAK_ADMIN_PASSWORD  its password (default admin; a local, throw-away server)
#   KEYCLOAK_JAVA_HOME       JDK to run it with (default: JAVA_HOME if it is Java 21+, else the newest
#                            JDK >= 21 under /usr/lib/jvm)
#   KEYCLOAK_HEAP_OPTS       JVM heap options (default "-Xms64m -Xmx768m")
#   KEYCLOAK_START_TIMEOUT   seconds to wait for readiness (default 300)
#   KEYCLOAK_STOP_TIMEOUT    seconds to wait after SIGTERM before SIGKILL (default 30)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"
INFRA_DIR="${LOCAL_INFRA_DIR:-${REPO_ROOT}/.local-infra}"
KC_STATE="${INFRA_DIR}/keycloak"
KC_VERSION="26.5.6"
KC_ARTIFACT="org.keycloak:keycloak-quarkus-dist:${KC_VERSION}:zip"
DEPENDENCY_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
DIST_DIR="${KC_STATE}/keycloak-${KC_VERSION}"
PID_FILE="${KC_STATE}/keycloak.pid"
LOG_FILE="${KC_STATE}/keycloak.log"
LOCK_FILE="${KC_STATE}/.lock"

HOST="127.0.0.1"
PORT="${KEYCLOAK_PORT:-18080}"
REALM="${KEYCLOAK_REALM:-child-protection}"
REALM_DIR="${KEYCLOAK_REALM_DIR:-${REPO_ROOT}/deploy/keycloak}"
ADMIN_USER="${KEYCLOAK_ADMIN_USER:-admin}"
ADMIN_PASSWORD="${KEYCLOAK_ADMIN_PASSWORD:-admin}"
HEAP_OPTS="${KEYCLOAK_HEAP_OPTS:--Xms64m -Xmx768m}"
START_TIMEOUT="${KEYCLOAK_START_TIMEOUT:-300}"
STOP_TIMEOUT="${KEYCLOAK_STOP_TIMEOUT:-30}"
MIN_JAVA=21

LOG_PREFIX="keycloak"
# shellcheck source=deploy/local/lib.sh
source "${SCRIPT_DIR}/lib.sh"

base_url() { printf 'http://%s:%s\n' "${HOST}" "${PORT}"; }
issuer_url() { printf '%s/realms/%s\n' "$(base_url)" "${REALM}"; }

# The major Java version of a java binary (17, 21, 25, ...), or nothing if it does not run.
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 |
    awk -F'= ' '/java\.specification\.version/ { sub(/^1\./, "", $2); print $2; exit }'
}

# Prints a JAVA_HOME whose java is at least MIN_JAVA: KEYCLOAK_JAVA_HOME, then JAVA_HOME, then the
# newest JDK under /usr/lib/jvm (Debian's and Temurin's packages install there).
find_java() {
  local candidate major best="" best_major=0
  if [[ -n "${KEYCLOAK_JAVA_HOME:-}" ]]; then
    major="$(java_major "${KEYCLOAK_JAVA_HOME}/bin/java" || true)"
    ((${major:-0} >= MIN_JAVA)) ||
      die "KEYCLOAK_JAVA_HOME=${KEYCLOAK_JAVA_HOME} is not a Java ${MIN_JAVA}+ JDK (found: ${major:-no java})"
    printf '%s\n' "${KEYCLOAK_JAVA_HOME}"
    return 0
  fi
  if [[ -n "${JAVA_HOME:-}" ]]; then
    major="$(java_major "${JAVA_HOME}/bin/java" || true)"
    if ((${major:-0} >= MIN_JAVA)); then
      printf '%s\n' "${JAVA_HOME}"
      return 0
    fi
  fi
  for candidate in /usr/lib/jvm/*; do
    # Debian adds aliases (symbolic links) of its JDKs: each real one once is enough.
    [[ -x "${candidate}/bin/java" && ! -L "${candidate}" ]] || continue
    major="$(java_major "${candidate}/bin/java" || true)"
    [[ "${major}" =~ ^[0-9]+$ ]] || continue
    if ((major > best_major)); then
      best="${candidate}"
      best_major="${major}"
    fi
  done
  ((best_major >= MIN_JAVA)) ||
    die "Keycloak ${KC_VERSION} needs Java ${MIN_JAVA} or newer; none found (JAVA_HOME=${JAVA_HOME:-unset}, /usr/lib/jvm: $(ls /usr/lib/jvm 2>/dev/null | tr '\n' ' ')). Install one or set KEYCLOAK_JAVA_HOME"
  printf '%s\n' "${best}"
}

# Prints the pid of our Keycloak (its kc.sh launcher, which forwards signals to the JVM) if alive.
running_pid() { pid_in_file "${PID_FILE}" "${DIST_DIR}"; }

# Ready = the realm's OpenID Connect discovery document answers and names the expected issuer.
server_ready() {
  local document
  document="$(curl -fsS --max-time 5 "$(issuer_url)/.well-known/openid-configuration" 2>/dev/null)" || return 1
  [[ "${document}" == *"\"issuer\":\"$(issuer_url)\""* ]]
}

fetch_dist() {
  local download started
  [[ -f "${DIST_DIR}/.complete" ]] && return 0
  command -v mvn >/dev/null 2>&1 || die "mvn not found; Maven is needed to fetch Keycloak from Maven Central"
  command -v unzip >/dev/null 2>&1 || die "unzip not found; it unpacks the Keycloak distribution"
  download="${KC_STATE}/download"
  rm -rf "${download}" "${DIST_DIR}" "${DIST_DIR}.tmp"
  started=${SECONDS}
  log "fetching ${KC_ARTIFACT} (about 165 MB; cached in ~/.m2 afterwards)"
  if ! mvn -q -B "${DEPENDENCY_PLUGIN}:copy" -Dartifact="${KC_ARTIFACT}" \
    -DoutputDirectory="${download}" >"${KC_STATE}/mvn.log" 2>&1; then
    tail -n 50 "${KC_STATE}/mvn.log" >&2 || true
    die "maven could not fetch ${KC_ARTIFACT} (see ${KC_STATE}/mvn.log)"
  fi
  log "fetched in $((SECONDS - started)) s; unpacking into ${DIST_DIR}"
  started=${SECONDS}
  mkdir -p "${DIST_DIR}.tmp"
  unzip -q "${download}/keycloak-quarkus-dist-${KC_VERSION}.zip" -d "${DIST_DIR}.tmp" ||
    die "could not unpack ${download}/keycloak-quarkus-dist-${KC_VERSION}.zip"
  mv "${DIST_DIR}.tmp/keycloak-${KC_VERSION}" "${DIST_DIR}"
  rm -rf "${DIST_DIR}.tmp" "${download}"
  touch "${DIST_DIR}/.complete"
  log "unpacked in $((SECONDS - started)) s"
}

realms_checksum() {
  cat "${REALM_DIR}"/*.json | sha256sum | cut -d' ' -f1
}

# The realm files to import at start. A database made from other realm files is dropped: Keycloak's
# import skips realms that exist, so it would keep serving the old ones.
install_realms() {
  local data_dir="${DIST_DIR}/data" checksum
  compgen -G "${REALM_DIR}/*.json" >/dev/null || die "no realm files (*.json) in ${REALM_DIR}"
  checksum="$(realms_checksum)"
  if [[ -d "${data_dir}/h2" && "$(cat "${data_dir}/.realms-sha256" 2>/dev/null || true)" != "${checksum}" ]]; then
    log "the realm files changed since the database was made: dropping it for a fresh import"
    rm -rf "${data_dir}/h2"
  fi
  rm -rf "${data_dir}/import"
  mkdir -p "${data_dir}/import"
  cp "${REALM_DIR}"/*.json "${data_dir}/import/"
  # Recorded as the database's once the import succeeded (see mark_imported).
  rm -f "${data_dir}/.realms-sha256"
  printf '%s\n' "${checksum}" >"${data_dir}/.realms-sha256.pending"
}

mark_imported() {
  local data_dir="${DIST_DIR}/data"
  if [[ -f "${data_dir}/.realms-sha256.pending" ]]; then
    mv "${data_dir}/.realms-sha256.pending" "${data_dir}/.realms-sha256"
  fi
}

# JVM options beyond kc.sh's own: Java 24+ warns about netty's sun.misc.Unsafe use, and jboss-threads
# needs java.lang opened to reset thread locals (without it every stop prints an IllegalAccessError).
java_opts_append() { # JAVA_HOME
  local opts="--add-opens=java.base/java.lang=ALL-UNNAMED -XX:TieredStopAtLevel=1"
  if (($(java_major "$1/bin/java") >= 24)); then
    opts+=" --sun-misc-unsafe-memory-access=allow"
  fi
  printf '%s\n' "${opts}"
}

do_start() {
  local pid started java_home
  command -v curl >/dev/null 2>&1 || die "curl not found; it checks that Keycloak answers"
  pid="$(running_pid)"
  started=${SECONDS}
  if [[ -n "${pid}" ]]; then
    if ! tr '\0' ' ' <"/proc/${pid}/cmdline" | grep -q -- "--http-port=${PORT} "; then
      die "the Keycloak of ${KC_STATE} (pid ${pid}) serves another port than ${PORT}; stop it first, or give this one its own LOCAL_INFRA_DIR"
    fi
    if server_ready; then
      mark_imported # a start that gave up waiting leaves the mark to whoever sees it ready
      log "already running (pid ${pid}) on $(base_url)"
      return 0
    fi
    log "process ${pid} is alive but not answering yet; waiting"
  else
    rm -f "${PID_FILE}"
    if port_open "${HOST}" "${PORT}"; then
      die "port ${HOST}:${PORT} is taken by another process; stop it or set KEYCLOAK_PORT"
    fi
    java_home="$(find_java)"
    fetch_dist
    install_realms
    log "starting Keycloak ${KC_VERSION} on $(base_url) (Java $(java_major "${java_home}/bin/java") from ${java_home}); log: ${LOG_FILE}"
    started=${SECONDS}
    # kc.sh runs the JVM as its child and forwards TERM to it (or execs it after a rebuild).
    launch env JAVA_HOME="${java_home}" JAVA_OPTS_KC_HEAP="${HEAP_OPTS}" \
      JAVA_OPTS_APPEND="$(java_opts_append "${java_home}")" \
      KC_BOOTSTRAP_ADMIN_USERNAME="${ADMIN_USER}" KC_BOOTSTRAP_ADMIN_PASSWORD="${ADMIN_PASSWORD}" \
      "${DIST_DIR}/bin/kc.sh" start-dev --http-host="${HOST}" --http-port="${PORT}" --db=dev-file --import-realm
    pid="$(running_pid)"
  fi
  await_ready server_ready "Keycloak (answering $(issuer_url)/.well-known/openid-configuration)"
  mark_imported
  log "ready in $((SECONDS - started)) s: KEYCLOAK_URL=$(base_url), issuer $(issuer_url) (pid ${pid})"
}

do_stop() {
  local pid
  pid="$(running_pid)"
  if [[ -z "${pid}" ]]; then
    log "not running"
    rm -f "${PID_FILE}"
    return 0
  fi
  log "stopping Keycloak (pid ${pid})"
  # The launcher and its JVM share the process group setsid gave them (its id is the launcher's pid).
  stop_process "${pid}" TERM "${STOP_TIMEOUT}" "-${pid}"
  rm -f "${PID_FILE}"
  log "stopped"
}

do_purge() {
  log "deleting ${LOG_FILE} and ${DIST_DIR}/data"
  rm -rf "${LOG_FILE}" "${DIST_DIR}/data"
}

do_status() {
  local pid
  pid="$(running_pid)"
  if [[ -z "${pid}" ]]; then
    echo "keycloak: stopped"
    return 3
  fi
  if server_ready; then
    echo "keycloak: running (pid ${pid}) on $(base_url), issuer $(issuer_url)"
    return 0
  fi
  echo "keycloak: process ${pid} alive but $(issuer_url) is not answering"
  return 1
}

usage() {
  echo "usage: $0 start|stop [--purge]|status|clean|url|issuer" >&2
  exit 2
}

main() {
  local cmd="${1:-}"
  [[ -n "${cmd}" ]] || usage
  shift
  case "${cmd}" in
    url)
      base_url
      return 0
      ;;
    issuer)
      issuer_url
      return 0
      ;;
  esac
  mkdir -p "${KC_STATE}"
  # Serialise concurrent invocations (e.g. a developer and the test command); Keycloak itself is
  # started with fd 9 closed, so it does not hold the lock.
  exec 9>"${LOCK_FILE}"
  flock -w $((START_TIMEOUT + STOP_TIMEOUT + 300)) 9 || die "timed out waiting for ${LOCK_FILE}"
  case "${cmd}" in
    start) do_start ;;
    stop)
      do_stop
      if [[ "${1:-}" == "--purge" ]]; then do_purge; fi
      ;;
    clean)
      do_stop
      log "deleting ${KC_STATE} (the download stays cached in ~/.m2)"
      rm -rf "${DIST_DIR}" "${LOG_FILE}" "${KC_STATE}/mvn.log"
      ;;
    status) do_status ;;
    *) usage ;;
  esac
}

main "$@"
