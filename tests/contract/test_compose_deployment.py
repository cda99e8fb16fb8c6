"""The multi-container deployment, checked against the code without a Docker engine.

docker-compose.yml, Dockerfile, .dockerignore, deploy/gateway/nginx.conf, deploy/otel/collector.yaml,
deploy/prometheus/prometheus.yml and deploy/compose/ are parsed and compared with what the code says: the
services of `contracts.catalogue.SERVICES`, the environment variables `backbone.settings.Settings` reads
(its fields' validation aliases), the version in pyproject.toml. Values written `${NAME:-default}` in the
compose file are checked with their defaults, as `docker compose up` without a .env file would see them.
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from backbone.db import asyncpg_url
from backbone.settings import Settings
from contracts.catalogue import SERVICES

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
KEYCLOAK_SCRIPT = ROOT / "deploy" / "local" / "keycloak.sh"
REALM_FILE = ROOT / "deploy" / "keycloak" / "child-protection-realm.json"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())

# Variables a service container may set although Settings does not read them (Python's own switches).
EXTRA_ALLOWED_ENV = frozenset({"PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE"})
# Settings fields that default to None but need no value in distributed mode, with the reason.
OPTIONAL_NONE_FIELDS = {
    "sla_policy_path": "None means the policy shipped in contracts/policies",
    "sla_calendar_dir": "None means the holiday calendars shipped in contracts/calendars",
    "access_policy_path": "None means the access policy shipped in contracts/policies",
    "identity_registry_path": "only the built-in issuer reads it; compose uses Keycloak",
    "public_url": "only the built-in issuer's URL derives from it",
    "service_api_url": "agencies read routing's deadlines through the gateway; None: this process's URL",
    "sealing_keys": "None means the key file (SEALING_KEY_FILE)",
    "sealing_key_file": "None means <data dir>/sealing-keys.json; only intake holds keys",
    "webhook_secret_keys": "None means the key file (WEBHOOK_SECRET_KEY_FILE)",
    "webhook_secret_key_file": "None means <data dir>/webhook-secret-keys.json; only notifications uses it",
    "http_max_in_flight": "None means the database pool's capacity, 2 x DB_POOL_SIZE",
    "traces_sampler_arg": "None means the sampler's own default (a ratio of 1)",
}
# Fields every service container sets although their defaults would work: explicit is safer here.
ALWAYS_SET_FIELDS = ("services", "kafka_topic_partitions", "kafka_replication_factor", "log_level")
TOP_LEVEL_KEYS = {"name", "services", "volumes", "networks", "configs", "secrets", "version"}

_VARIABLE = re.compile(r"\$(?:\$|\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?-)(?P<default>[^}]*))?\})")


# --- reading the files ---------------------------------------------------------------------------------


def _interpolate(value: Any) -> Any:
    """Compose's `${NAME:-default}` / `${NAME-default}` / `$$`, resolved to the defaults."""
    if isinstance(value, dict):
        return {k: _interpolate(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_interpolate(v) for v in value]
    if not isinstance(value, str):
        return value

    def replace(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        if match["op"] is None:
            raise AssertionError(
                f"${{{match['name']}}} in docker-compose.yml has no default: write ${{{match['name']}:-...}} "
                "so that `docker compose up` works without a .env file"
            )
        return match["default"]

    return _VARIABLE.sub(replace, value)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return _interpolate(yaml.safe_load(COMPOSE_FILE.read_text()))


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def _environment(service: dict[str, Any]) -> dict[str, str]:
    """A service's environment as the container sees it (compose turns numbers and booleans to text)."""
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) if "=" in item else (item, "") for item in raw)
    return {
        str(k): ("" if v is None else str(v).lower() if isinstance(v, bool) else str(v))
        for k, v in raw.items()
    }


def _command(service: dict[str, Any]) -> list[str]:
    command = service.get("command") or []
    return shlex.split(command) if isinstance(command, str) else [str(c) for c in command]


def _option(command: list[str], name: str) -> str | None:
    """The value of `--name value` or `--name=value` in a command line."""
    for index, arg in enumerate(command):
        if arg == name and index + 1 < len(command):
            return command[index + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def _image(service: dict[str, Any]) -> tuple[str, str | None]:
    """(repository, tag) of a service's image."""
    image = service.get("image", "")
    repository, _, tag = image.rpartition(":") if ":" in image.split("/")[-1] else (image, "", "")
    return repository, tag or None


def _by_image(services: dict[str, dict[str, Any]], repository: str) -> dict[str, dict[str, Any]]:
    return {name: s for name, s in services.items() if _image(s)[0] == repository}


def _one(services: dict[str, dict[str, Any]], repository: str) -> tuple[str, dict[str, Any]]:
    matches = _by_image(services, repository)
    assert len(matches) == 1, (
        f"expected one {repository} service in docker-compose.yml, found {sorted(matches)}"
    )
    return next(iter(matches.items()))


def _is_project_image(service: dict[str, Any]) -> bool:
    build = service.get("build")
    if build is None:
        return False
    context = build if isinstance(build, str) else build.get("context", ".")
    return (COMPOSE_FILE.parent / context).resolve() == ROOT


def _app_containers(services: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The containers running this repository's image (the backbone's services)."""
    return {name: s for name, s in services.items() if _is_project_image(s)}


def _container_of(services: dict[str, dict[str, Any]], service_name: str) -> tuple[str, dict[str, Any]]:
    """The one container whose command runs `services.<service_name>.main:app`."""
    target = f"services.{service_name}.main:app"
    matches = {n: s for n, s in _app_containers(services).items() if target in _command(s)}
    assert len(matches) == 1, f"expected one container running {target}, found {sorted(matches)}"
    return next(iter(matches.items()))


def _uvicorn_port(service: dict[str, Any]) -> int:
    return int(_option(_command(service), "--port") or 8000)


def _mounts(service: dict[str, Any]) -> dict[str, str]:
    """Container path -> source (host path or volume name) of a service's volumes."""
    mounts: dict[str, str] = {}
    for volume in service.get("volumes") or []:
        if isinstance(volume, dict):
            mounts[volume["target"]] = volume.get("source", "")
        else:
            source, target = volume.split(":")[:2]
            mounts[target] = source
    return mounts


def _host_file(service: dict[str, Any], container_path: str) -> Path:
    source = _mounts(service).get(container_path)
    assert source, f"nothing is mounted at {container_path}"
    assert source.startswith(("./", "/")), f"{container_path} is not a file from the repository: {source}"
    path = (COMPOSE_FILE.parent / source).resolve()
    assert path.is_file(), f"{source} (mounted at {container_path}) does not exist"
    return path


def _depends_on(service: dict[str, Any]) -> dict[str, str]:
    raw = service.get("depends_on") or {}
    if isinstance(raw, list):
        return dict.fromkeys(raw, "service_started")
    return {name: (spec or {}).get("condition", "service_started") for name, spec in raw.items()}


def _kafka_brokers(services: dict[str, dict[str, Any]]) -> dict[str, dict[str, str]]:
    """Kafka nodes with the broker role: compose service name -> its environment."""
    nodes = {name: _environment(s) for name, s in _by_image(services, "apache/kafka").items()}
    return {
        name: env for name, env in nodes.items() if "broker" in env.get("KAFKA_PROCESS_ROLES", "").split(",")
    }


def _broker_count(services: dict[str, dict[str, Any]]) -> int:
    return sum(
        int((services[name].get("deploy") or {}).get("replicas", 1)) for name in _kafka_brokers(services)
    )


def _listeners(value: str) -> dict[str, tuple[str, int]]:
    """`PLAINTEXT://kafka:9092,CONTROLLER://:9093` -> {"PLAINTEXT": ("kafka", 9092), ...}."""
    listeners = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        name, _, address = item.partition("://")
        host, _, port = address.rpartition(":")
        listeners[name] = (host, int(port))
    return listeners


# --- compose file structure ----------------------------------------------------------------------------


def test_compose_file_structure(compose: dict[str, Any]) -> None:
    unknown = {k for k in compose if k not in TOP_LEVEL_KEYS and not k.startswith("x-")}
    assert not unknown, f"unknown top-level keys: {sorted(unknown)}"
    assert isinstance(compose.get("services"), dict) and compose["services"], "no services"
    declared = set((compose.get("volumes") or {}).keys())
    used: set[str] = set()
    for name, service in compose["services"].items():
        assert service.get("image") or service.get("build"), f"{name} has neither image nor build"
        for target, source in _mounts(service).items():
            if source and not source.startswith(("./", "/", "~")):
                used.add(source)
                assert source in declared, f"{name} mounts volume {source!r} at {target}, not declared"
        for dependency in _depends_on(service):
            assert dependency in compose["services"], f"{name} depends on unknown service {dependency}"
    assert declared == used, f"declared but unused volumes: {sorted(declared - used)}"


# --- the services --------------------------------------------------------------------------------------


@pytest.mark.parametrize("service_name", SERVICES)
def test_every_service_has_its_container(services: dict[str, dict[str, Any]], service_name: str) -> None:
    container, service = _container_of(services, service_name)
    command = _command(service)
    assert container == service_name, "the container is named after its service (the gateway resolves it)"
    assert command[0] == "uvicorn" and command[1] == f"services.{service_name}.main:app"
    assert _option(command, "--host") == "0.0.0.0", "uvicorn must listen beyond the container's loopback"
    assert _environment(service).get("BACKBONE_SERVICES") == service_name


def test_no_container_runs_an_unknown_service(services: dict[str, dict[str, Any]]) -> None:
    for name, service in _app_containers(services).items():
        apps = [arg for arg in _command(service) if re.fullmatch(r"services\.\w+\.main:app", arg)]
        assert len(apps) == 1, f"{name} runs {apps or 'no service app'}"
        assert apps[0].split(".")[1] in SERVICES, (
            f"{name} runs {apps[0]}, not in contracts.catalogue.SERVICES"
        )


def _required_env() -> set[str]:
    """Env names distributed mode needs, from the code: Settings fields defaulting to None, plus a few."""
    fields = Settings.model_fields
    names = {name for name, field in fields.items() if field.default is None} - set(OPTIONAL_NONE_FIELDS)
    names |= set(ALWAYS_SET_FIELDS)
    missing = names - set(fields)
    assert not missing, f"Settings has no fields {sorted(missing)}: update this test"
    return {fields[name].validation_alias for name in names}


def test_required_env_is_derived_from_settings() -> None:
    required = _required_env()
    expected = {"DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "BACKBONE_TRANSPORT", "BACKBONE_SERVICES"}
    assert expected | {"OTEL_EXPORTER_OTLP_ENDPOINT"} <= required


@pytest.mark.parametrize("service_name", SERVICES)
def test_service_environment_matches_settings(services: dict[str, dict[str, Any]], service_name: str) -> None:
    _, service = _container_of(services, service_name)
    environment = _environment(service)
    known = {field.validation_alias for field in Settings.model_fields.values()}
    missing = _required_env() - environment.keys()
    assert not missing, f"{service_name} does not set {sorted(missing)}"
    unknown = environment.keys() - known - EXTRA_ALLOWED_ENV
    assert not unknown, (
        f"{service_name} sets {sorted(unknown)}, which backbone.settings.Settings does not read"
    )
    # The values as the code parses them (model_validate reads no process environment).
    settings = Settings.model_validate(environment)
    assert settings.resolved_transport == "kafka"
    assert settings.service_names == [service_name]
    assert settings.database_url and settings.kafka_bootstrap_servers and settings.otlp_endpoint
    asyncpg_url(settings.database_url)  # raises unless the backbone accepts the URL
    assert settings.kafka_topic_partitions >= 1


@pytest.mark.parametrize("service_name", SERVICES)
def test_service_health_and_dependencies(services: dict[str, dict[str, Any]], service_name: str) -> None:
    _, service = _container_of(services, service_name)
    healthcheck = service.get("healthcheck") or {}
    test = healthcheck.get("test")
    text = " ".join(test) if isinstance(test, list) else str(test or "")
    assert not healthcheck.get("disable") and f":{_uvicorn_port(service)}/readyz" in text, text
    depends = _depends_on(service)
    postgres, _ = _one(services, "postgres")
    for broker in _kafka_brokers(services):
        assert depends.get(broker) == "service_healthy", (
            f"{service_name} must wait for {broker} being healthy"
        )
    assert depends.get(postgres) == "service_healthy", (
        f"{service_name} must wait for {postgres} being healthy"
    )
    for dependency, condition in depends.items():
        if condition == "service_healthy":
            assert services[dependency].get("healthcheck"), f"{dependency} has no healthcheck to wait for"


def test_service_containers_can_be_scaled(services: dict[str, dict[str, Any]]) -> None:
    """Routing must be able to run two replicas: nothing may pin a service container to one instance."""
    for name, service in _app_containers(services).items():
        assert "container_name" not in service, f"{name}: container_name prevents --scale"
        assert not service.get("ports"), f"{name}: host ports prevent --scale; publish through the gateway"
    _, routing = _container_of(services, "routing")
    assert int((routing.get("deploy") or {}).get("replicas", 1)) in (1, 2)


# --- Kafka ---------------------------------------------------------------------------------------------


def test_kafka_runs_in_kraft_mode(services: dict[str, dict[str, Any]]) -> None:
    nodes = {name: _environment(s) for name, s in _by_image(services, "apache/kafka").items()}
    assert nodes, "no apache/kafka service"
    assert _kafka_brokers(services), "no Kafka node has the broker role"
    assert len({env.get("CLUSTER_ID") for env in nodes.values()}) == 1 and all(
        env.get("CLUSTER_ID") for env in nodes.values()
    ), "every node needs the same CLUSTER_ID"
    node_ids = {}
    for name, env in nodes.items():
        for key in (
            "KAFKA_NODE_ID",
            "KAFKA_PROCESS_ROLES",
            "KAFKA_CONTROLLER_QUORUM_VOTERS",
            "KAFKA_LISTENERS",
            "KAFKA_CONTROLLER_LISTENER_NAMES",
            "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP",
            "KAFKA_LOG_DIRS",
        ):
            assert env.get(key), f"{name} does not set {key}"
        assert set(env["KAFKA_PROCESS_ROLES"].split(",")) <= {"broker", "controller"}
        node_ids[int(env["KAFKA_NODE_ID"])] = name
        listeners = _listeners(env["KAFKA_LISTENERS"])
        protocols = dict(item.split(":") for item in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
        for listener in listeners:
            assert listener in protocols, f"{name}: listener {listener} has no security protocol"
        if "controller" in env["KAFKA_PROCESS_ROLES"]:
            assert env["KAFKA_CONTROLLER_LISTENER_NAMES"] in listeners
        assert env.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE") == "false", "the services create their own topics"
        assert env["KAFKA_LOG_DIRS"] in _mounts(services[name]), f"{name}: its log dirs are not on a volume"
    assert len(node_ids) == len(nodes), "node ids must be distinct"
    for name, env in nodes.items():
        for voter in env["KAFKA_CONTROLLER_QUORUM_VOTERS"].split(","):
            node_id, _, address = voter.partition("@")
            host, _, port = address.rpartition(":")
            voter_name = node_ids.get(int(node_id))
            assert voter_name, f"{name}: quorum voter {voter} is no node"
            voter_env = nodes[voter_name]
            assert "controller" in voter_env["KAFKA_PROCESS_ROLES"], f"voter {voter} is not a controller"
            assert host in (voter_name, services[voter_name].get("hostname")), f"voter {voter} host"
            controller_port = _listeners(voter_env["KAFKA_LISTENERS"])[
                voter_env["KAFKA_CONTROLLER_LISTENER_NAMES"]
            ][1]
            assert int(port) == controller_port, f"voter {voter} is not on the controller listener"


def test_replication_factors_fit_the_brokers(services: dict[str, dict[str, Any]]) -> None:
    brokers = _broker_count(services)
    for name, env in _kafka_brokers(services).items():
        for key in (
            "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
            "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
        ):
            assert key in env, f"{name} does not set {key} (Kafka's default, 3, needs three brokers)"
        factors = {k: int(v) for k, v in env.items() if k.endswith("REPLICATION_FACTOR")}
        for key, factor in factors.items():
            assert 1 <= factor <= brokers, f"{name}: {key}={factor} with {brokers} broker(s)"
        min_isr = int(env.get("KAFKA_MIN_INSYNC_REPLICAS", 1))
        assert min_isr <= int(env.get("KAFKA_DEFAULT_REPLICATION_FACTOR", 1))
        for container, service in _app_containers(services).items():
            factor = Settings.model_validate(_environment(service)).kafka_replication_factor
            assert 1 <= factor <= brokers, (
                f"{container}: KAFKA_REPLICATION_FACTOR={factor}, {brokers} broker(s)"
            )
            # The producer sends with acks=all: fewer replicas than min.insync.replicas reject every write.
            assert factor >= min_isr, f"{container}: replication {factor} < min.insync.replicas {min_isr}"


def test_bootstrap_servers_point_at_the_broker(services: dict[str, dict[str, Any]]) -> None:
    advertised: set[tuple[str, int]] = set()
    for name, env in _kafka_brokers(services).items():
        controller = env.get("KAFKA_CONTROLLER_LISTENER_NAMES")
        for listener, (host, port) in _listeners(env.get("KAFKA_ADVERTISED_LISTENERS", "")).items():
            assert listener != controller
            assert host in (name, services[name].get("hostname")), f"{name} advertises {host}, not its name"
            advertised.add((host, port))
    for container, service in _app_containers(services).items():
        for server in _environment(service)["KAFKA_BOOTSTRAP_SERVERS"].split(","):
            host, _, port = server.strip().rpartition(":")
            assert (host, int(port)) in advertised, f"{container}: {server} is no advertised broker listener"


# --- PostgreSQL ----------------------------------------------------------------------------------------


def _created_databases(postgres: dict[str, Any]) -> set[str]:
    """Databases created by the scripts mounted into /docker-entrypoint-initdb.d."""
    created: set[str] = set()
    for target in _mounts(postgres):
        if PurePosixPath(target).parent == PurePosixPath("/docker-entrypoint-initdb.d"):
            sql = _host_file(postgres, target).read_text()
            sql = re.sub(r"--[^\n]*", "", sql)
            created |= {m.lower() for m in re.findall(r'CREATE\s+DATABASE\s+"?(\w+)"?', sql, re.IGNORECASE)}
    return created


def test_database_urls_name_the_postgres_service_and_created_databases(
    services: dict[str, dict[str, Any]],
) -> None:
    postgres_name, postgres = _one(services, "postgres")
    env = _environment(postgres)
    created = _created_databases(postgres) | {env.get("POSTGRES_DB", env.get("POSTGRES_USER", "postgres"))}
    databases: dict[str, str] = {}
    for service_name in SERVICES:
        _, service = _container_of(services, service_name)
        url = urlsplit(asyncpg_url(_environment(service)["DATABASE_URL"]))
        assert url.hostname == postgres_name, f"{service_name}: DATABASE_URL host {url.hostname}"
        assert (url.port or 5432) == int(env.get("PGPORT", 5432))
        assert url.username == env.get("POSTGRES_USER", "postgres")
        assert url.password == env.get("POSTGRES_PASSWORD"), f"{service_name}: DATABASE_URL password"
        database = url.path.lstrip("/")
        assert database in created, f"{service_name}: database {database!r} is not created by the init script"
        databases[service_name] = database
    assert len(set(databases.values())) == len(SERVICES), f"one database per service: {databases}"


def test_postgres_keeps_its_data_on_a_volume(services: dict[str, dict[str, Any]]) -> None:
    _, postgres = _one(services, "postgres")
    major = int(_image(postgres)[1].split(".")[0])
    # 18+ images keep data in /var/lib/postgresql/<major>/docker and declare /var/lib/postgresql a volume.
    data = "/var/lib/postgresql" if major >= 18 else "/var/lib/postgresql/data"
    assert data in _mounts(postgres), f"postgres:{major} needs its volume at {data}"
    assert postgres.get("healthcheck"), "postgres has no healthcheck"


# --- gateway -------------------------------------------------------------------------------------------


def _nginx_blocks(text: str, keyword: str) -> dict[str, str]:
    """`keyword <argument> { body }` blocks, not nested (braces in quotes are fine): argument -> body."""
    body = r"""((?:'[^']*'|"[^"]*"|[^{}'"])*)"""
    pattern = rf"(?m)^\s*{keyword}\s+((?:=\s*)?[^\s{{]+)\s*\{{{body}\}}"
    return {arg.replace(" ", ""): body for arg, body in re.findall(pattern, text)}


def test_gateway_proxies_every_service(services: dict[str, dict[str, Any]]) -> None:
    gateway_name, gateway = _one(services, "nginx")
    text = re.sub(r"#[^\n]*", "", _host_file(gateway, "/etc/nginx/nginx.conf").read_text())
    upstreams = {
        name: re.findall(r"\bserver\s+([^\s;]+)", body)
        for name, body in _nginx_blocks(text, "upstream").items()
    }
    locations = _nginx_blocks(text, "location")
    listen = re.findall(r"\blisten\s+(?:[\d.]+:)?(\d+)", text)
    assert listen == ["8000"], f"the gateway listens on {listen}"
    assert any(str(p).split(":")[-1] == "8000" for p in gateway.get("ports") or []), (
        "port 8000 is not published"
    )
    assert re.search(r"return\s+200\b", locations.get("=/healthz", "")), "no /healthz on the gateway"
    prefixes = {loc.strip("/") for loc in locations if re.fullmatch(r"/\w+/", loc)}
    assert prefixes == set(SERVICES), f"gateway prefixes {sorted(prefixes)} != services {sorted(SERVICES)}"
    for service_name in SERVICES:
        container, service = _container_of(services, service_name)
        body = locations[f"/{service_name}/"]
        target = re.search(r"\bproxy_pass\s+http://([^\s;]+)\s*;", body)
        assert target, f"/{service_name}/ has no proxy_pass"
        assert "/" not in target[1], (
            f"/{service_name}/: proxy_pass must carry no URI, so paths pass unchanged"
        )
        servers = upstreams.get(target[1], [target[1]])
        assert servers, f"upstream {target[1]} has no servers"
        for server in servers:
            host, _, port = server.rpartition(":")
            assert (host, int(port)) == (container, _uvicorn_port(service)), f"/{service_name}/ -> {server}"
        assert _depends_on(gateway).get(container), f"{gateway_name} does not depend on {container}"


# --- identity provider -------------------------------------------------------------------------------


def test_keycloak_imports_the_realm_under_the_issuer_the_containers_reach(
    services: dict[str, dict[str, Any]],
) -> None:
    name, keycloak = _one(services, "quay.io/keycloak/keycloak")
    local_version = re.search(r'(?m)^KC_VERSION="([^"]+)"', KEYCLOAK_SCRIPT.read_text())
    assert local_version and _image(keycloak)[1] == local_version[1], (
        "compose and deploy/local/keycloak.sh run different Keycloak versions"
    )
    command = _command(keycloak)
    assert command[0] in ("start-dev", "start") and "--import-realm" in command, command
    imports = [
        target
        for target in _mounts(keycloak)
        if PurePosixPath(target).parent == PurePosixPath("/opt/keycloak/data/import")
    ]
    assert {_host_file(keycloak, target) for target in imports} == {REALM_FILE}, (
        f"{REALM_FILE.name} is not what Keycloak imports: {imports}"
    )
    realm = json.loads(REALM_FILE.read_text())["realm"]

    env = _environment(keycloak)
    port = int(_option(command, "--http-port") or 8080)
    hostname = urlsplit(env.get("KC_HOSTNAME", ""))
    # Without a fixed hostname the issuer would depend on how each client reached Keycloak.
    assert (hostname.scheme, hostname.hostname, hostname.port) == ("http", name, port), (
        f"KC_HOSTNAME={env.get('KC_HOSTNAME')!r}: tokens must name the issuer the containers reach"
    )
    assert env.get("KC_BOOTSTRAP_ADMIN_USERNAME") and env.get("KC_BOOTSTRAP_ADMIN_PASSWORD")
    test = (keycloak.get("healthcheck") or {}).get("test")
    health = " ".join(test) if isinstance(test, list) else str(test or "")
    assert f"/{port}" in health and f"/realms/{realm}/.well-known/openid-configuration" in health, health
    audiences = {
        mapper["config"]["included.custom.audience"]
        for scope in json.loads(REALM_FILE.read_text())["clientScopes"]
        for mapper in scope.get("protocolMappers", [])
        if mapper["protocolMapper"] == "oidc-audience-mapper"
    }
    for container, service in _app_containers(services).items():
        settings = Settings.model_validate(_environment(service))
        assert settings.auth_issuer == f"{env['KC_HOSTNAME']}/realms/{realm}", (
            f"{container}: AUTH_ISSUER={settings.auth_issuer!r} is not the Keycloak realm's issuer"
        )
        assert settings.auth_audience in audiences, (
            f"{container}: the realm issues no tokens for its audience"
        )
        assert _depends_on(service).get(name) == "service_healthy", (
            f"{container} must wait for {name}: it verifies every request's token with its keys"
        )


# --- tracing -------------------------------------------------------------------------------------------


def test_collector_receives_otlp_http_and_exports_to_the_trace_ui(
    services: dict[str, dict[str, Any]],
) -> None:
    collector_name, collector = _one(services, "otel/opentelemetry-collector-contrib")
    jaeger_name, jaeger = _one(services, "jaegertracing/all-in-one")
    config_path = _option(_command(collector), "--config") or "/etc/otelcol-contrib/config.yaml"
    config = yaml.safe_load(_host_file(collector, config_path).read_text())

    http = config["receivers"]["otlp"]["protocols"]["http"]
    host, _, port = http["endpoint"].rpartition(":")
    assert host == "0.0.0.0", "the receiver must listen beyond the collector's loopback"
    for container, service in _app_containers(services).items():
        endpoint = urlsplit(_environment(service)["OTEL_EXPORTER_OTLP_ENDPOINT"])
        assert (endpoint.scheme, endpoint.hostname, endpoint.port) == ("http", collector_name, int(port)), (
            container
        )

    pipeline = config["service"]["pipelines"]["traces"]
    assert "otlp" in pipeline["receivers"]
    for name in pipeline.get("processors", []):
        assert name in config.get("processors", {}), f"processor {name} is not defined"
    exporters = {name: config["exporters"][name] for name in pipeline["exporters"]}
    jaeger_env = _environment(jaeger)
    assert jaeger_env.get("COLLECTOR_OTLP_ENABLED", "true") == "true"
    ports = {"otlp": 4317, "otlphttp": 4318}
    to_jaeger = [
        name
        for name, exporter in exporters.items()
        if urlsplit("//" + exporter["endpoint"].split("://")[-1]).hostname == jaeger_name
        and urlsplit("//" + exporter["endpoint"].split("://")[-1]).port == ports.get(name.split("/")[0])
    ]
    assert to_jaeger, f"no traces exporter sends to {jaeger_name} on its OTLP port: {exporters}"
    assert any(str(p).split(":")[-1] == "16686" for p in jaeger.get("ports") or []), "Jaeger UI not published"


# --- metrics -------------------------------------------------------------------------------------------


def _scrape_targets(job: dict[str, Any]) -> set[tuple[str, int]]:
    """(host, port) pairs a scrape job reaches: static targets and DNS-discovered names."""
    targets = {
        (host, int(port))
        for static in job.get("static_configs") or []
        for host, _, port in (target.rpartition(":") for target in static.get("targets") or [])
    }
    for dns in job.get("dns_sd_configs") or []:
        assert dns.get("type", "SRV") == "A", "A records: compose's DNS answers a service name with IPs"
        targets |= {(name, int(dns["port"])) for name in dns["names"]}
    return targets


def _app_routes(service_name: str) -> set[str]:
    from backbone.app import create_app
    from backbone.system import System

    app = create_app(System(Settings(BACKBONE_SERVICES=service_name)), manage_lifespan=False)
    return {getattr(route, "path", "") for route in app.routes}


def _assert_scrapes_with_a_token(job: dict[str, Any], services: dict[str, dict[str, Any]]) -> None:
    """The job gets a token with the scope the access policy asks of metrics, from the services' issuer."""
    from backbone.auth.policy import load_policy

    rule = load_policy().rule("*", "GET", "/metrics")
    assert rule is not None and not rule.public, "metrics are protected by the access policy"
    oauth2 = job.get("oauth2") or {}
    assert rule.scope in (oauth2.get("scopes") or []), f"{job['job_name']} asks no {rule.scope} token"
    issuers = {_environment(s).get("AUTH_ISSUER") for s in _app_containers(services).values()}
    assert len(issuers) == 1, f"the services name different issuers: {issuers}"
    assert oauth2.get("token_url", "").startswith(issuers.pop().rstrip("/") + "/"), oauth2.get("token_url")
    secret = oauth2.get("client_secret_file", "")
    assert oauth2.get("client_id") and secret.startswith("/run/secrets/"), "a client id and a secret file"


def test_prometheus_scrapes_every_service_container(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    name, prometheus = _one(services, "prom/prometheus")
    config_path = _option(_command(prometheus), "--config.file") or "/etc/prometheus/prometheus.yml"
    config = yaml.safe_load(_host_file(prometheus, config_path).read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert len(jobs) == len(config["scrape_configs"]), "job names must be unique"
    scraped = {
        target: job.get("metrics_path", "/metrics")
        for job in jobs.values()
        for target in _scrape_targets(job)
    }
    for service_name in SERVICES:
        container, service = _container_of(services, service_name)
        target = (container, _uvicorn_port(service))
        assert target in scraped, f"{name} does not scrape {container}:{target[1]}"
        assert scraped[target] in _app_routes(service_name), (
            f"{container} serves no {scraped[target]} for Prometheus"
        )
    app_targets = {(c, _uvicorn_port(s)) for c, s in _app_containers(services).items()}
    for job in jobs.values():
        if _scrape_targets(job) & app_targets:
            _assert_scrapes_with_a_token(job, services)
    assert any(str(p).split(":")[-1] == "9090" for p in prometheus.get("ports") or []), "UI not published"
    assert "/prometheus" in _mounts(prometheus), "Prometheus keeps its data on a volume"
    declared = compose.get("secrets") or {}
    for secret in prometheus.get("secrets") or []:
        assert secret in declared, f"{name} uses the undeclared secret {secret}"


# --- images --------------------------------------------------------------------------------------------


def test_every_image_is_pinned(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        repository, tag = _image(service)
        assert repository, f"{name} has no image name"
        assert tag and tag != "latest" and re.search(r"\d", tag), (
            f"{name}: image {service['image']} is not pinned"
        )
    for name, service in _app_containers(services).items():
        assert _image(service)[1] == PYPROJECT["project"]["version"], f"{name}: tag the project's version"
    for line in re.findall(r"(?im)^FROM\s+(\S+)", DOCKERFILE.read_text()):
        assert ":" in line and not line.endswith(":latest"), f"Dockerfile: FROM {line} is not pinned"
    expected = {
        "apache/kafka",
        "postgres",
        "nginx",
        "otel/opentelemetry-collector-contrib",
        "jaegertracing/all-in-one",
        "prom/prometheus",
        "quay.io/keycloak/keycloak",
    }
    assert expected <= {_image(s)[0] for s in services.values()}


def _dockerfile_instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    return [
        (m[1].upper(), m[2].strip())
        for m in re.finditer(r"(?m)^\s*([A-Za-z]+)\s+(.*)$", text)
        if m[1][0] != "#"
    ]


def test_dockerfile_installs_the_project_and_runs_as_non_root() -> None:
    instructions = _dockerfile_instructions()
    stages = [i for i, (op, _) in enumerate(instructions) if op == "FROM"]
    final = instructions[stages[-1] :]
    everything = " ".join(f"{op} {arg}" for op, arg in instructions)
    python = re.search(r"python:(\d+\.\d+)", instructions[stages[-1]][1])
    assert python and f">={python[1]}" in PYPROJECT["project"]["requires-python"], (
        "base image vs requires-python"
    )
    assert re.search(r"COPY\s+(--\S+\s+)*pyproject\.toml", everything), "pyproject.toml is not copied in"
    assert re.search(r"pip (install|wheel)\b[^&]*\s\.(\s|$)", everything), (
        "the project is not installed by pip"
    )
    users = [arg for op, arg in final if op == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0"), "the image must run as a non-root user"
    healthcheck = [arg for op, arg in final if op == "HEALTHCHECK"]
    assert healthcheck and "/healthz" in healthcheck[-1]
    assert [arg for op, arg in final if op == "CMD"], "no CMD"
    assert not [arg for op, arg in final if op == "ENTRYPOINT"], "an ENTRYPOINT would stop compose's commands"
    known = {field.validation_alias for field in Settings.model_fields.values()} | EXTRA_ALLOWED_ENV
    for op, arg in final:
        if op == "ENV":
            for key in re.findall(r"(\w+)=", arg):
                assert key in known or key.startswith("PIP_"), f"Dockerfile sets {key}, unknown to Settings"


def test_dockerignore_keeps_local_state_out_of_the_image() -> None:
    ignored = {line.strip().rstrip("/") for line in (ROOT / ".dockerignore").read_text().splitlines()}
    assert {".git", ".venv", ".local-infra", ".data"} <= ignored
    assert not {"pyproject.toml", "backbone", "contracts", "services"} & ignored
