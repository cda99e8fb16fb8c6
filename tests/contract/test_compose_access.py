"""Who can reach the stores in the compose deployment: SASL/SCRAM + ACLs on Kafka, one PostgreSQL
role per service provisioned at start-up, passwords on every TCP connection."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from backbone.settings import Settings
from contracts.catalogue import SERVICES
from tests.contract.test_compose_deployment import (
    COMPOSE_FILE,
    _command,
    _container_of,
    _depends_on,
    _environment,
    _interpolate,
    _kafka_brokers,
    _one,
)


@pytest.fixture(scope="module")
def services() -> dict[str, dict[str, Any]]:
    return _interpolate(yaml.safe_load(COMPOSE_FILE.read_text()))["services"]


def _scram_users(env: dict[str, str]) -> dict[str, str]:
    users = dict(item.split("=", 1) for item in env.get("KAFKA_SCRAM_USERS", "").split())
    return {"admin": env["KAFKA_ADMIN_PASSWORD"], **users}


def test_kafka_authenticates_every_client_and_authorises_with_acls(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, env in _kafka_brokers(services).items():
        protocols = dict(item.split(":") for item in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
        assert set(protocols.values()) <= {"SASL_PLAINTEXT", "SASL_SSL"}, (
            f"{name}: an unauthenticated listener"
        )
        assert env["KAFKA_AUTHORIZER_CLASS_NAME"] == "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
        assert env["KAFKA_SUPER_USERS"] == "User:admin"
        assert env.get("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND") == "false"
        assert "kafka-start.sh" in " ".join(_command(services[name])), (
            f"{name} is not formatted with SCRAM users"
        )
        users = _scram_users(env)
        for service_name in SERVICES:
            _, service = _container_of(services, service_name)
            settings = Settings.model_validate(_environment(service))
            assert settings.kafka_security_protocol == "SASL_PLAINTEXT"
            assert settings.kafka_sasl_mechanism == "SCRAM-SHA-512"
            # Its own user (the ACLs' principal), never the super user.
            assert settings.kafka_sasl_username == service_name
            assert users.get(service_name) == settings.kafka_sasl_password, f"{service_name}: password"


def test_acls_are_granted_before_any_service_starts(services: dict[str, dict[str, Any]]) -> None:
    job = services["kafka-access"]
    assert _command(job)[-1] == "backbone.messaging.kafka_access"
    settings = Settings.model_validate(_environment(job))
    [(broker, env)] = _kafka_brokers(services).items()
    assert _depends_on(job).get(broker) == "service_healthy"
    assert (settings.kafka_sasl_username, settings.kafka_sasl_password) == (
        "admin",
        env["KAFKA_ADMIN_PASSWORD"],
    )
    for service_name in SERVICES:
        _, service = _container_of(services, service_name)
        assert _depends_on(service).get("kafka-access") == "service_completed_successfully"


def test_postgres_wants_passwords_and_services_get_their_own_roles(
    services: dict[str, dict[str, Any]],
) -> None:
    _, postgres = _one(services, "postgres")
    env = _environment(postgres)
    assert env.get("POSTGRES_HOST_AUTH_METHOD") == "scram-sha-256"
    assert "--auth-host=scram-sha-256" in env.get("POSTGRES_INITDB_ARGS", "")
    assert "trust" not in env.get("POSTGRES_INITDB_ARGS", "")
    secrets = set()
    for service_name in SERVICES:
        _, service = _container_of(services, service_name)
        secrets.add(Settings.model_validate(_environment(service)).database_role_secret)
    # One secret for the deployment: replicas and restarts derive the same role passwords.
    assert len(secrets) == 1 and None not in secrets
