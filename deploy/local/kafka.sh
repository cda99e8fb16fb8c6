#!/usr/bin/env bash
# Single-node Apache Kafka broker (KRaft combined mode) on loopback, for local
# development, the distributed mode and the integration tests.
#
#   deploy/local/kafka.sh start           # idempotent; waits until the broker serves metadata
#   deploy/local/kafka.sh status          # exit 0 if running and answering, 1 otherwise
#   deploy/local/kafka.sh stop [--purge]  # TERM, then KILL after a bounded wait; --purge deletes data
#   deploy/local/kafka.sh clean           # stop and delete the data (jars are kept)
#   deploy/local/kafka.sh env [USER]      # prints the export lines for a client (default USER admin)
#
# Security: one SASL_PLAINTEXT listener with SCRAM-SHA-512 and the StandardAuthorizer. The users are
# `admin` (super user: tools and the test harness) and one per service (contracts.catalogue.SERVICES),
# created when the storage is formatted (StorageTool --add-scram), with passwords generated then and
# kept owner-only in $LOCAL_INFRA_DIR/kafka/credentials/<user>. After every start the services' ACLs
# (backbone.messaging.kafka_access: own topics, consumed topics, own group) are granted for the
# topic prefix KAFKA_NAMESPACE (default none). The controller listener authenticates with PLAIN.
#
# Jars come from Maven Central through deploy/local/kafka-pom.xml
# (org.apache.kafka:kafka_2.13 3.9.1 + org.slf4j:slf4j-reload4j 1.7.36) and run on Java 17.
#
# Environment:
#   LOCAL_INFRA_DIR        state root (default: <repo>/.local-infra); Kafka uses $LOCAL_INFRA_DIR/kafka
#   KAFKA_PORT             PLAINTEXT listener on 127.0.0.1 (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller listener on 127.0.0.1 (default 9093)
#   KAFKA_PARTITIONS       num.partitions for auto-created topics (default 3)
#   KAFKA_START_TIMEOUT    seconds to wait for readiness (default 180)
#   KAFKA_STOP_TIMEOUT     seconds to wait after SIGTERM before SIGKILL (default 30)
#   KAFKA_HEAP_OPTS        JVM heap options (default "-Xms256m -Xmx512m")
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"
INFRA_DIR="${LOCAL_INFRA_DIR:-${REPO_ROOT}/.local-infra}"
KAFKA_HOME="${INFRA_DIR}/kafka"
LIBS_DIR="${KAFKA_HOME}/libs"
DATA_DIR="${KAFKA_HOME}/data"
CONFIG_FILE="${KAFKA_HOME}/server.properties"
LOG4J_FILE="${KAFKA_HOME}/log4j.properties"
TOOLS_LOG4J_FILE="${KAFKA_HOME}/tools-log4j.properties"
PID_FILE="${KAFKA_HOME}/kafka.pid"
LOG_FILE="${KAFKA_HOME}/kafka.log"
LOCK_FILE="${KAFKA_HOME}/.lock"
POM_FILE="${SCRIPT_DIR}/kafka-pom.xml"
CREDENTIALS_DIR="${KAFKA_HOME}/credentials"
ADMIN_USER="admin"
PYTHON="${REPO_ROOT}/.venv/bin/python"

HOST="127.0.0.1"
PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
PARTITIONS="${KAFKA_PARTITIONS:-3}"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-180}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"

LOG_PREFIX="kafka"
# shellcheck source=deploy/local/lib.sh
source "${SCRIPT_DIR}/lib.sh"

# Prints the pid of our broker if it is alive (and really is a Kafka JVM), else nothing.
running_pid() { pid_in_file "${PID_FILE}" 'kafka\.Kafka'; }

# A Python interpreter that can import aiokafka, if there is one.
find_python() {
  local candidate
  for candidate in "${REPO_ROOT}/.venv/bin/python" python3; do
    if command -v "${candidate}" >/dev/null 2>&1 && "${candidate}" -c 'import aiokafka' >/dev/null 2>&1; then
      printf '%s\n' "${candidate}"
      return 0
    fi
  done
  return 0
}

# Succeeds when the broker accepts connections and serves metadata listing itself.
broker_ready() {
  local python
  port_open "${HOST}" "${PORT}" || return 1
  python="$(find_python)"
  if [[ -n "${python}" ]]; then
    "${python}" - "${HOST}:${PORT}" "$(password_of "${ADMIN_USER}")" <<'PY' >/dev/null 2>&1
import asyncio
import sys

from aiokafka.admin import AIOKafkaAdminClient


async def main(bootstrap: str, password: str) -> None:
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap, request_timeout_ms=5000, security_protocol="SASL_PLAINTEXT",
        sasl_mechanism="SCRAM-SHA-512", sasl_plain_username="admin", sasl_plain_password=password,
    )
    await asyncio.wait_for(admin.start(), 10)
    try:
        cluster = await asyncio.wait_for(admin.describe_cluster(), 10)
        if not cluster.get("brokers"):
            raise SystemExit(1)
    finally:
        await admin.close()


asyncio.run(main(sys.argv[1], sys.argv[2]))
PY
  else
    # No aiokafka available: the TCP listener plus the startup log line.
    grep -q 'Kafka Server started' "${LOG_FILE}" 2>/dev/null
  fi
}

fetch_jars() {
  local stamp pom_sum tmp
  stamp="${LIBS_DIR}/.complete"
  pom_sum="$(sha256sum "${POM_FILE}" | cut -d' ' -f1)"
  if [[ -f "${stamp}" && "$(cat "${stamp}")" == "${pom_sum}" ]]; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found; Maven is needed to fetch the Kafka jars"
  log "fetching Kafka jars from Maven Central into ${LIBS_DIR}"
  tmp="${KAFKA_HOME}/libs.tmp"
  rm -rf "${tmp}"
  if ! mvn -q -B -f "${POM_FILE}" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="${tmp}" >"${KAFKA_HOME}/mvn.log" 2>&1; then
    tail -n 50 "${KAFKA_HOME}/mvn.log" >&2 || true
    die "maven could not fetch the Kafka jars (see ${KAFKA_HOME}/mvn.log)"
  fi
  printf '%s\n' "${pom_sum}" >"${tmp}/.complete"
  rm -rf "${LIBS_DIR}"
  mv "${tmp}" "${LIBS_DIR}"
}

# The SCRAM users: the admin and one per service, from the code (a seventh service needs no edit here).
users() {
  printf '%s\n' "${ADMIN_USER}"
  (cd "${REPO_ROOT}" && "${PYTHON}" -c 'from contracts.catalogue import SERVICES; print(*SERVICES, sep="\n")')
}

password_of() { # USER
  cat "${CREDENTIALS_DIR}/$1" 2>/dev/null || die "no credentials for $1 in ${CREDENTIALS_DIR} (start the broker first)"
}

# Passwords, generated once per storage (hex: no quoting needed in JAAS or SCRAM configs).
ensure_credentials() {
  local user
  mkdir -p "${CREDENTIALS_DIR}"
  chmod 700 "${CREDENTIALS_DIR}"
  for user in $(users); do
    [[ -s "${CREDENTIALS_DIR}/${user}" ]] && continue
    (umask 077 && od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"${CREDENTIALS_DIR}/${user}")
  done
}

write_config() {
  local admin_password
  admin_password="$(password_of "${ADMIN_USER}")"
  cat >"${CONFIG_FILE}" <<EOF
# Generated by deploy/local/kafka.sh on every start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${HOST}:${CONTROLLER_PORT}
listeners=SASL_PLAINTEXT://${HOST}:${PORT},CONTROLLER://${HOST}:${CONTROLLER_PORT}
advertised.listeners=SASL_PLAINTEXT://${HOST}:${PORT}
controller.listener.names=CONTROLLER
inter.broker.listener.name=SASL_PLAINTEXT
listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${ADMIN_USER}" password="${admin_password}";
# SCRAM credentials live in the metadata the controller serves, so the controller listener uses PLAIN.
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${ADMIN_USER}" password="${admin_password}" user_${ADMIN_USER}="${admin_password}";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:${ADMIN_USER}
allow.everyone.if.no.acl.found=false
log.dirs=${DATA_DIR}
num.partitions=${PARTITIONS}
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
  cat >"${LOG4J_FILE}" <<'EOF'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.org.apache.kafka=INFO
log4j.logger.kafka=INFO
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.request.logger=WARN
EOF
  # Command-line tools (StorageTool) log to stderr so their stdout stays clean.
  cat >"${TOOLS_LOG4J_FILE}" <<'EOF'
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
}

# java_cmd LOG4J_PROPERTIES: prints the java command line, NUL-separated.
java_cmd() {
  local -a heap
  read -r -a heap <<<"${HEAP_OPTS}"
  printf '%s\0' java "${heap[@]}" -XX:+UseG1GC -Djava.awt.headless=true \
    "-Dlog4j.configuration=file:$1" "-Dkafka.logs.dir=${KAFKA_HOME}" \
    -cp "${LIBS_DIR}/*"
}

format_storage() {
  local cluster_id user
  local -a java scram
  if [[ -f "${DATA_DIR}/meta.properties" && ! -f "${DATA_DIR}/.scram-users" ]]; then
    # Formatted by an older version of this script, without SASL users: its topics are test data.
    log "storage in ${DATA_DIR} has no SCRAM users; re-formatting it"
    rm -rf "${DATA_DIR}"
  elif [[ -f "${DATA_DIR}/meta.properties" && "$(cat "${DATA_DIR}/.scram-users")" != "$(users)" ]]; then
    # A service was added (or removed) since the storage was formatted: its SCRAM user is missing.
    log "storage in ${DATA_DIR} was formatted for other services; re-formatting it (local test data)"
    rm -rf "${DATA_DIR}"
  fi
  [[ -f "${DATA_DIR}/meta.properties" ]] && return 0
  for user in $(users); do
    scram+=(--add-scram "SCRAM-SHA-512=[name=${user},password=$(password_of "${user}")]")
  done
  mapfile -d '' -t java < <(java_cmd "${TOOLS_LOG4J_FILE}")
  log "formatting KRaft storage in ${DATA_DIR}"
  mkdir -p "${DATA_DIR}"
  if ! cluster_id="$("${java[@]}" kafka.tools.StorageTool random-uuid 2>>"${LOG_FILE}")"; then
    show_log_tail
    die "kafka.tools.StorageTool random-uuid failed: ${cluster_id}"
  fi
  [[ "${cluster_id}" =~ ^[A-Za-z0-9_-]{22}$ ]] ||
    die "StorageTool random-uuid gave an unexpected cluster id: ${cluster_id}"
  if ! "${java[@]}" kafka.tools.StorageTool format -t "${cluster_id}" -c "${CONFIG_FILE}" "${scram[@]}" \
    >>"${LOG_FILE}" 2>&1; then
    show_log_tail
    die "formatting the storage failed"
  fi
  users >"${DATA_DIR}/.scram-users"
}

do_start() {
  local pid
  local -a java
  command -v java >/dev/null 2>&1 || die "java not found (Java 17 is needed)"
  pid="$(running_pid)"
  if [[ -n "${pid}" ]]; then
    if broker_ready; then
      log "already running (pid ${pid}) on ${HOST}:${PORT}"
      return 0
    fi
    log "process ${pid} is alive but not answering yet; waiting"
  else
    rm -f "${PID_FILE}"
    if port_open "${HOST}" "${PORT}"; then
      die "port ${HOST}:${PORT} is taken by another process; stop it or set KAFKA_PORT"
    fi
    if port_open "${HOST}" "${CONTROLLER_PORT}"; then
      die "port ${HOST}:${CONTROLLER_PORT} is taken by another process; stop it or set KAFKA_CONTROLLER_PORT"
    fi
    fetch_jars
    ensure_credentials
    write_config
    format_storage
    mapfile -d '' -t java < <(java_cmd "${LOG4J_FILE}")
    log "starting broker on ${HOST}:${PORT} (controller ${CONTROLLER_PORT}); log: ${LOG_FILE}"
    # nohup execs java, so the pid file holds the JVM's pid.
    launch nohup "${java[@]}" kafka.Kafka "${CONFIG_FILE}"
    pid="$(running_pid)"
  fi
  await_ready broker_ready "the broker"
  grant_service_acls "${KAFKA_NAMESPACE:-}"
  log "ready: KAFKA_BOOTSTRAP_SERVERS=${HOST}:${PORT} (pid ${pid}); client settings: $0 env"
}

grant_service_acls() { # NAMESPACE
  local out
  if ! out="$(client_env "${ADMIN_USER}" | (eval "$(cat)" && cd "${REPO_ROOT}" &&
    "${PYTHON}" -m backbone.messaging.kafka_access --namespace "$1") 2>&1)"; then
    printf '%s\n' "${out}" >&2
    die "granting the services' ACLs failed"
  fi
  log "${out##*$'\n'}"
}

client_env() { # USER
  printf 'export KAFKA_BOOTSTRAP_SERVERS=%s\n' "${HOST}:${PORT}"
  printf 'export KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT\n'
  printf 'export KAFKA_SASL_MECHANISM=SCRAM-SHA-512\n'
  printf 'export KAFKA_SASL_USERNAME=%s\n' "$1"
  printf 'export KAFKA_SASL_PASSWORD=%s\n' "$(password_of "$1")"
  printf 'export KAFKA_CREDENTIALS_DIR=%s\n' "${CREDENTIALS_DIR}"
}

do_stop() {
  local pid
  pid="$(running_pid)"
  if [[ -z "${pid}" ]]; then
    log "not running"
    rm -f "${PID_FILE}"
    return 0
  fi
  log "stopping broker (pid ${pid})"
  stop_process "${pid}" TERM "${STOP_TIMEOUT}"
  rm -f "${PID_FILE}"
  log "stopped"
}

do_purge() {
  log "deleting data in ${DATA_DIR}"
  rm -rf "${DATA_DIR}" "${CONFIG_FILE}" "${LOG4J_FILE}" "${TOOLS_LOG4J_FILE}" "${LOG_FILE}" "${CREDENTIALS_DIR}"
}

do_status() {
  local pid
  pid="$(running_pid)"
  if [[ -z "${pid}" ]]; then
    echo "kafka: stopped"
    return 3
  fi
  if broker_ready; then
    echo "kafka: running (pid ${pid}) on ${HOST}:${PORT}"
    return 0
  fi
  echo "kafka: process ${pid} alive but not answering on ${HOST}:${PORT}"
  return 1
}

usage() {
  echo "usage: $0 start|stop [--purge]|status|clean|env [USER]" >&2
  exit 2
}

main() {
  local cmd="${1:-}"
  [[ -n "${cmd}" ]] || usage
  shift
  if [[ "${cmd}" == "env" ]]; then
    client_env "${1:-${ADMIN_USER}}"
    return 0
  fi
  mkdir -p "${KAFKA_HOME}"
  # Serialise concurrent invocations (e.g. a developer and the test command).
  # The broker itself is started with fd 9 closed, so it does not hold the lock.
  exec 9>"${LOCK_FILE}"
  flock -w $((START_TIMEOUT + STOP_TIMEOUT + 120)) 9 || die "timed out waiting for ${LOCK_FILE}"
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
