"""Settings from environment variables; the README's configuration table documents each one."""

from __future__ import annotations

import importlib
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from backbone.telemetry import SAMPLERS, sample_ratio

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)

    services: str = Field(
        default="",
        validation_alias="BACKBONE_SERVICES",
        description="comma-separated services this process runs (default: all seven and ops)",
    )
    service_registry: str = Field(
        default="services.registry",
        validation_alias="BACKBONE_SERVICE_REGISTRY",
        description="the module whose definition(name) gives each runnable service's ServiceDefinition",
    )
    transport: Literal["kafka", "embedded"] | None = Field(
        default=None,
        validation_alias="BACKBONE_TRANSPORT",
        description="kafka or embedded; default kafka when KAFKA_BOOTSTRAP_SERVERS is set",
    )
    kafka_bootstrap_servers: str | None = Field(
        default=None, validation_alias="KAFKA_BOOTSTRAP_SERVERS", description="Kafka brokers, host:port,..."
    )
    kafka_namespace: str = Field(default="", validation_alias="KAFKA_NAMESPACE")
    kafka_security_protocol: Literal["PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        default="PLAINTEXT", validation_alias="KAFKA_SECURITY_PROTOCOL"
    )
    kafka_sasl_mechanism: Literal["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"] = Field(
        default="SCRAM-SHA-512", validation_alias="KAFKA_SASL_MECHANISM"
    )
    kafka_sasl_username: str | None = Field(default=None, validation_alias="KAFKA_SASL_USERNAME")
    kafka_sasl_password: str | None = Field(default=None, validation_alias="KAFKA_SASL_PASSWORD", repr=False)
    kafka_topic_partitions: int = Field(default=3, validation_alias="KAFKA_TOPIC_PARTITIONS")
    kafka_replication_factor: int = Field(default=1, validation_alias="KAFKA_REPLICATION_FACTOR")
    database_url: str | None = Field(
        default=None,
        validation_alias="DATABASE_URL",
        description="postgresql+asyncpg://...; unset: embedded PostgreSQL in BACKBONE_DATA_DIR",
    )
    database_role_secret: str | None = Field(
        default=None, validation_alias="DATABASE_ROLE_SECRET", repr=False
    )
    data_dir: Path = Field(
        default=REPO_ROOT / ".data",
        validation_alias="BACKBONE_DATA_DIR",
        description="where the embedded PostgreSQL keeps its data (default .data/)",
    )
    host: str = Field(
        default="127.0.0.1", validation_alias="BACKBONE_HOST", description="address ./run.sh listens on"
    )
    port: int = Field(default=8000, validation_alias="BACKBONE_PORT", description="port ./run.sh listens on")
    log_level: str = Field(default="INFO", validation_alias="LOG_LEVEL", description="JSON log level")
    otlp_endpoint: str | None = Field(
        default=None,
        validation_alias="OTEL_EXPORTER_OTLP_ENDPOINT",
        description="OTLP/HTTP endpoint for traces, e.g. http://127.0.0.1:4318 (unset: no export)",
    )
    traces_sampler: Literal[SAMPLERS] = Field(  # type: ignore[valid-type]
        default="parentbased_always_on",
        validation_alias="OTEL_TRACES_SAMPLER",
        description="which operations are traced; always parent-based, so a report is one whole trace",
    )
    traces_sampler_arg: float | None = Field(
        default=None, validation_alias="OTEL_TRACES_SAMPLER_ARG", ge=0, le=1
    )
    trace_db_statements: bool = Field(default=False, validation_alias="TRACE_DB_STATEMENTS")
    sla_policy_path: str | None = Field(
        default=None,
        validation_alias="SLA_POLICY_PATH",
        description="a city's deadline policy (default contracts/policies/sla.v1.json)",
    )
    sla_calendar_dir: str | None = Field(default=None, validation_alias="SLA_CALENDAR_DIR")
    consumer_concurrency: int = Field(default=4, validation_alias="CONSUMER_CONCURRENCY", ge=1)
    consumer_max_attempts: int = Field(default=3, validation_alias="CONSUMER_MAX_ATTEMPTS")
    consumer_batch_max: int = Field(default=100, validation_alias="CONSUMER_BATCH_MAX", ge=1)
    relay_batch_size: int = Field(default=200, validation_alias="OUTBOX_RELAY_BATCH_SIZE")
    outbox_retention_seconds: float = Field(default=3600, validation_alias="OUTBOX_RETENTION_SECONDS")
    embedded_retention_seconds: float = Field(
        default=86400, validation_alias="EMBEDDED_LOG_RETENTION_SECONDS"
    )
    db_pool_size: int = Field(default=5, validation_alias="DB_POOL_SIZE")
    http_max_body_bytes: int = Field(default=1_048_576, validation_alias="HTTP_MAX_BODY_BYTES", ge=1)
    # Admission control (backbone/web/admission.py): requests each service works on at once.
    http_max_in_flight: int | None = Field(
        default=None,
        validation_alias="HTTP_MAX_IN_FLIGHT",
        ge=1,
        description="requests a service works on at once (default: its pool's capacity, 2 x DB_POOL_SIZE)",
    )
    http_admission_wait_seconds: float = Field(
        default=0.05, validation_alias="HTTP_ADMISSION_WAIT_SECONDS", ge=0
    )
    http_overload_retry_after_seconds: int = Field(
        default=1, validation_alias="HTTP_OVERLOAD_RETRY_AFTER_SECONDS", ge=1
    )
    auth_issuer: str | None = Field(default=None, validation_alias="AUTH_ISSUER")
    auth_audience: str = Field(default="child-protection-backbone", validation_alias="AUTH_AUDIENCE")
    auth_max_token_lifetime_seconds: int = Field(
        default=3600, validation_alias="AUTH_MAX_TOKEN_LIFETIME_SECONDS", ge=60
    )
    access_policy_path: str | None = Field(default=None, validation_alias="ACCESS_POLICY_PATH")
    identity_registry_path: Path | None = Field(default=None, validation_alias="IDENTITY_REGISTRY_PATH")
    identity_token_lifetime_seconds: int = Field(
        default=300, validation_alias="IDENTITY_TOKEN_LIFETIME_SECONDS", ge=30
    )
    public_url: str | None = Field(default=None, validation_alias="BACKBONE_PUBLIC_URL")
    # The key ring sealing personal data (backbone/sealing.py): inline JSON, else a key file, which the
    # embedded default creates on first start.
    sealing_keys: str | None = Field(default=None, validation_alias="SEALING_KEYS", repr=False)
    sealing_key_file: Path | None = Field(default=None, validation_alias="SEALING_KEY_FILE")
    service_api_url: str | None = Field(
        default=None,
        validation_alias="SERVICE_API_URLS",
        description="where this process reaches the other services' APIs (the operations page, an "
        "agency's deadline view reading routing's): one base URL (default this process's), or "
        "service=URL pairs separated by commas when each service has its own",
    )
    ops_jaeger_ui_url: str = Field(
        default="http://127.0.0.1:16686",
        validation_alias="OPS_JAEGER_UI_URL",
        description="the trace UI the operations page links a case to",
    )
    agency_clock_skew_seconds: float = Field(default=120, ge=0, validation_alias="AGENCY_CLOCK_SKEW_SECONDS")
    # Push delivery to agency systems (services/notifications).
    webhook_retry_schedule: str = Field(
        default="5s,5m,30m,2h,5h,10h,10h",
        pattern=r"^\s*\d+[smhd]\s*(,\s*\d+[smhd]\s*)*$",
        validation_alias="WEBHOOK_RETRY_SCHEDULE",
        description="waits between a delivery's attempts (s, m, h, d); after the last it is dead-lettered",
    )
    webhook_retry_jitter: float = Field(default=0.1, ge=0, le=1, validation_alias="WEBHOOK_RETRY_JITTER")
    webhook_timeout_seconds: float = Field(default=10, gt=0, validation_alias="WEBHOOK_TIMEOUT_SECONDS")
    webhook_concurrency: int = Field(default=4, ge=1, validation_alias="WEBHOOK_CONCURRENCY")
    webhook_poll_seconds: float = Field(default=30, gt=0, validation_alias="WEBHOOK_POLL_SECONDS")
    webhook_allow_loopback: bool = Field(default=False, validation_alias="WEBHOOK_ALLOW_LOOPBACK")
    webhook_allow_private_networks: bool = Field(
        default=False, validation_alias="WEBHOOK_ALLOW_PRIVATE_NETWORKS"
    )
    webhook_secret_grace_seconds: float = Field(
        default=86400, ge=0, validation_alias="WEBHOOK_SECRET_GRACE_SECONDS"
    )
    # The key ring sealing webhook secrets: its own, never the one sealing children's personal data.
    webhook_secret_keys: str | None = Field(default=None, validation_alias="WEBHOOK_SECRET_KEYS", repr=False)
    webhook_secret_key_file: Path | None = Field(default=None, validation_alias="WEBHOOK_SECRET_KEY_FILE")

    @property
    def trace_ratio(self) -> float:
        """The share of root operations traced (`OTEL_TRACES_SAMPLER`, `OTEL_TRACES_SAMPLER_ARG`)."""
        return sample_ratio(self.traces_sampler, self.traces_sampler_arg)

    @property
    def resolved_max_in_flight(self) -> int:
        """The admission bound: as set, else the database pool's capacity (pool plus overflow)."""
        return self.http_max_in_flight or 2 * self.db_pool_size

    @property
    def service_names(self) -> list[str]:
        """The services to run, checked against the registry's `RUNNABLE` (all of them by default)."""
        runnable = importlib.import_module(self.service_registry).RUNNABLE
        names = [s.strip() for s in self.services.split(",") if s.strip()] or list(runnable)
        unknown = set(names) - set(runnable)
        if unknown:
            raise ValueError(f"BACKBONE_SERVICES names unknown services: {sorted(unknown)}")
        return names

    def kafka_security_options(self) -> dict[str, str]:
        """aiokafka's keyword arguments for authenticating to the broker (none on PLAINTEXT)."""
        if self.kafka_security_protocol == "PLAINTEXT":
            return {}
        if not (self.kafka_sasl_username and self.kafka_sasl_password):
            raise ValueError(
                f"KAFKA_SECURITY_PROTOCOL={self.kafka_security_protocol} needs KAFKA_SASL_USERNAME "
                "and KAFKA_SASL_PASSWORD"
            )
        return {
            "security_protocol": self.kafka_security_protocol,
            "sasl_mechanism": self.kafka_sasl_mechanism,
            "sasl_plain_username": self.kafka_sasl_username,
            "sasl_plain_password": self.kafka_sasl_password,
        }

    @property
    def issuer_url(self) -> str:
        """The configured issuer, or the built-in one this process serves at `/issuer`."""
        if self.auth_issuer:
            return self.auth_issuer.rstrip("/")
        return self.base_url + "/issuer"

    @property
    def base_url(self) -> str:
        """The URL callers reach this process at."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def service_api_urls(self) -> dict[str, str]:
        """Where this process calls each other service's API (`*`: every service not named)."""
        urls = {"*": self.base_url}
        for entry in filter(None, (e.strip() for e in (self.service_api_url or "").split(","))):
            service, named, url = entry.partition("=")
            if named and "://" not in service:
                urls[service.strip()] = url.strip().rstrip("/")
            else:
                urls["*"] = entry.rstrip("/")
        return urls

    @property
    def resolved_sealing_key_file(self) -> Path:
        return self.sealing_key_file or self.data_dir / "sealing-keys.json"

    @property
    def resolved_webhook_secret_key_file(self) -> Path:
        return self.webhook_secret_key_file or self.data_dir / "webhook-secret-keys.json"

    @property
    def resolved_transport(self) -> Literal["kafka", "embedded"]:
        """Kafka when a broker is configured, the in-process transport otherwise."""
        if self.transport:
            return self.transport
        return "kafka" if self.kafka_bootstrap_servers else "embedded"


@lru_cache
def get_settings() -> Settings:
    return Settings()
