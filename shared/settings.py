"""Settings every service shares, read from ``REDRESS_*`` environment variables.

An option can be set for all services (``REDRESS_LOG_LEVEL``) or for one
(``REDRESS_ROUTING_LOG_LEVEL``); the service-specific variable wins. Every option has a
default, so a service starts with no configuration at all.
"""

from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REDRESS_", extra="ignore", frozen=True)

    service_name: ClassVar[str] = "service"

    host: str = Field("127.0.0.1", description="Address the HTTP server binds to.")
    port: int = Field(8000, ge=1, le=65535, description="HTTP port.")
    data_dir: Path = Field(Path("var"), description="Folder for SQLite files and local state.")
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL of this service's own database; default: a SQLite file in data_dir. "
        "postgresql:// and sqlite:// URLs get their async drivers (asyncpg, aiosqlite).",
    )
    log_level: LogLevel = Field("INFO", description="Lowest level that is logged.")
    log_json: bool = Field(True, description="JSON lines (true) or plain text (false) logs.")

    kafka_bootstrap: str = Field("127.0.0.1:9092", description="Kafka bootstrap servers, comma-separated.")
    kafka_client_id: str | None = Field(None, description="Kafka client id; default: redress-<service>.")
    topic_partitions: int = Field(6, ge=1, description="Partitions of topics this service creates.")
    topic_replication: int = Field(1, ge=1, description="Replication factor of topics this service creates.")
    broker_wait_s: float = Field(30.0, gt=0, description="How long CLI commands wait for an absent broker.")

    run_relay: bool = Field(True, description="Run the outbox relay in this process.")
    run_consumer: bool = Field(True, description="Run the event consumer in this process.")
    run_background: bool = Field(True, description="Run this service's periodic jobs (timers, reminders) in this "
                                 "process; safe with several replicas.")
    background_restart_s: float = Field(5.0, gt=0, description="Pause before a failed periodic job starts again.")
    outbox_batch_size: int = Field(500, ge=1, le=10_000, description="Outbox rows published per round.")
    outbox_poll_s: float = Field(0.5, gt=0, description="Relay poll interval when nothing woke it up.")
    outbox_retention_days: float = Field(7.0, gt=0, description="How long sent outbox rows are kept.")
    inbox_retention_days: float = Field(14.0, gt=0, description="How long processed-event ids are kept.")
    relay_lease_s: float = Field(10.0, gt=0, description="Lease that makes one replica's relay the publisher.")

    rate_limit_per_address: str = Field("300/minute", description="Requests one client address may make to "
                                        "the public endpoints (tracking, customer pages, surveys), per replica, "
                                        "e.g. 120/minute or 10/second; off for none.")
    rate_limit_per_key: str = Field("6000/minute", description="Requests with one API key to the public endpoints, "
                                    "per replica; off for none.")

    auth_jwt_jwks_url: str | None = Field(None, description="JWKS URL of the identity provider whose staff bearer "
                                          "tokens this service accepts (OIDC jwks_uri); no tokens without it or "
                                          "auth_jwt_public_key.")
    auth_jwt_public_key: str | None = Field(None, description="PEM public key that signs staff tokens, instead of "
                                            "a JWKS URL.")
    auth_jwt_issuer: str | None = Field(None, description="Required iss of staff tokens; not checked when unset.")
    auth_jwt_audience: str | None = Field(None, description="Required aud of staff tokens; not checked when unset.")
    auth_jwt_algorithms: str = Field("RS256", description="Signing algorithms accepted for staff tokens, "
                                     "comma-separated; asymmetric only (RS*, PS*, ES*, EdDSA).")
    auth_jwt_roles_claim: str = Field("roles", description="Claim with the Redress role names: a list or a "
                                      "space-separated string; a dotted path reaches into an object.")
    auth_jwt_tenant_claim: str = Field("tenant", description="Claim with the tenant; default tenant when absent.")
    auth_jwt_queues_claim: str = Field("queues", description="Claim with the staff member's queues (optional).")
    auth_jwt_leeway_s: float = Field(30.0, ge=0, le=300, description="Clock skew allowed on exp, nbf and iat.")
    auth_key_cache_s: float = Field(10.0, ge=0, description="How long a checked API key is remembered, so that "
                                    "requests cost no key query; a revocation takes effect within this time.")

    consumer_group: str | None = Field(None, description="Consumer group; default: redress-<service>.")
    consumer_max_attempts: int = Field(5, ge=1, description="Tries before an event goes to the DLQ.")
    consumer_backoff_s: float = Field(0.2, gt=0, description="First retry delay; doubles on each try.")
    consumer_backoff_max_s: float = Field(5.0, gt=0, description="Longest retry delay.")
    kafka_session_timeout_ms: int = Field(10_000, ge=1000, description="Consumer group session timeout.")
    kafka_heartbeat_interval_ms: int = Field(3_000, ge=100, description="Consumer heartbeat interval.")
    kafka_fetch_max_wait_ms: int = Field(10, ge=0, description="Longest wait of a fetch; low for latency.")

    @field_validator("rate_limit_per_address", "rate_limit_per_key")
    @classmethod
    def _readable_limit(cls, value: str) -> str:
        from shared.ratelimit import parse_limit  # imports FastAPI: only when a limit is set

        parse_limit(value)
        return value

    @field_validator("auth_jwt_jwks_url", "auth_jwt_public_key", "auth_jwt_issuer", "auth_jwt_audience",
                     mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("auth_jwt_jwks_url")
    @classmethod
    def _web_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @field_validator("auth_jwt_algorithms")
    @classmethod
    def _asymmetric_algorithms(cls, value: str) -> str:
        from shared.auth.tokens import parse_algorithms  # imports PyJWT: not when this module is imported

        parse_algorithms(value)
        return value

    @field_validator("auth_jwt_public_key")
    @classmethod
    def _public_key(cls, value: str | None) -> str | None:
        if value is not None:
            from shared.auth.tokens import load_public_key

            load_public_key(value)
        return value

    @model_validator(mode="after")
    def _one_token_key_source(self) -> "ServiceSettings":
        if self.auth_jwt_jwks_url and self.auth_jwt_public_key:
            raise ValueError("set auth_jwt_jwks_url or auth_jwt_public_key, not both")
        if self.auth_jwt_public_key:
            from shared.auth.tokens import check_key_fits, load_public_key, parse_algorithms

            check_key_fits(load_public_key(self.auth_jwt_public_key),
                           algorithms=parse_algorithms(self.auth_jwt_algorithms))
        return self

    @model_validator(mode="after")
    def _heartbeat_below_session(self) -> "ServiceSettings":
        if self.kafka_heartbeat_interval_ms * 3 > self.kafka_session_timeout_ms:
            raise ValueError("kafka_heartbeat_interval_ms must be at most a third of kafka_session_timeout_ms")
        return self

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return async_database_url(self.database_url)
        return f"sqlite+aiosqlite:///{self.data_dir / f'{self.service_name}.db'}"

    @property
    def resolved_consumer_group(self) -> str:
        return self.consumer_group or f"redress-{self.service_name}"

    @property
    def resolved_client_id(self) -> str:
        return self.kafka_client_id or f"redress-{self.service_name}"

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        own_prefix = f"REDRESS_{cls.service_name.upper()}_"
        service_env = EnvSettingsSource(settings_cls, env_prefix=own_prefix)
        return init_settings, service_env, env_settings, dotenv_settings, file_secret_settings


def async_database_url(url: str) -> str:
    """Give plain database URLs the async driver the services use."""
    for plain, driver in (("postgresql://", "postgresql+asyncpg://"), ("postgres://", "postgresql+asyncpg://"),
                          ("sqlite://", "sqlite+aiosqlite://")):
        if url.startswith(plain):
            return driver + url[len(plain):]
    return url


def describe_options(settings_cls: type[ServiceSettings]) -> list[dict[str, Any]]:
    """Rows for the configuration table: variable, default, meaning."""
    rows = []
    for name, field in settings_cls.model_fields.items():
        rows.append({"name": name, "default": field.default, "description": field.description or ""})
    return rows
