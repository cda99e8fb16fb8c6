#!/usr/bin/env bash
# The compose Kafka node with SASL/SCRAM and ACLs (the apache/kafka image formats its storage without
# SCRAM users, so this replaces its start script). Mounted at /opt/backbone/kafka-start.sh.
#
#   KAFKA_*              broker properties, as the image reads them: KAFKA_LOG_DIRS -> log.dirs
#                        (`_` -> `.`, `__` -> `_`, `___` -> `-`)
#   CLUSTER_ID           the KRaft cluster id
#   KAFKA_ADMIN_PASSWORD the super user `admin` (inter-broker, controller, the kafka-access job)
#   KAFKA_SCRAM_USERS    "name=password ..." SCRAM-SHA-512 users created when the storage is formatted
set -euo pipefail

CONFIG=/tmp/kafka/server.properties
SKIP="^(KAFKA_HEAP_OPTS|KAFKA_OPTS|KAFKA_JMX_OPTS|KAFKA_LOG4J_OPTS|KAFKA_ADMIN_PASSWORD|KAFKA_SCRAM_USERS|KAFKA_VERSION)="
mkdir -p "$(dirname "${CONFIG}")"
: >"${CONFIG}"
while IFS='=' read -r name value; do
  key="${name#KAFKA_}"
  key="${key,,}"
  key="${key//___/-}"
  key="${key//__/@}"
  key="${key//_/.}"
  printf '%s=%s\n' "${key//@/_}" "${value}" >>"${CONFIG}"
done < <(env | grep -E '^KAFKA_' | grep -Ev "${SKIP}")

cat >>"${CONFIG}" <<EOF
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${KAFKA_ADMIN_PASSWORD}";
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="${KAFKA_ADMIN_PASSWORD}" user_admin="${KAFKA_ADMIN_PASSWORD}";
EOF

# The healthcheck's client settings (kafka-broker-api-versions.sh --command-config).
cat >/tmp/kafka/admin.properties <<EOF
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${KAFKA_ADMIN_PASSWORD}";
EOF
chmod 600 /tmp/kafka/admin.properties

log_dir="$(sed -n 's/^log\.dirs=//p' "${CONFIG}")"
if [[ ! -f "${log_dir}/meta.properties" ]]; then
  scram=(--add-scram "SCRAM-SHA-512=[name=admin,password=${KAFKA_ADMIN_PASSWORD}]")
  for user in ${KAFKA_SCRAM_USERS}; do
    scram+=(--add-scram "SCRAM-SHA-512=[name=${user%%=*},password=${user#*=}]")
  done
  /opt/kafka/bin/kafka-storage.sh format -t "${CLUSTER_ID}" -c "${CONFIG}" "${scram[@]}"
fi
exec /opt/kafka/bin/kafka-server-start.sh "${CONFIG}"
