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
