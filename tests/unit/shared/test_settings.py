import pytest
from pydantic import ValidationError

from services.intake.settings import IntakeSettings
from services.routing.settings import RoutingSettings
from shared.settings import async_database_url


def test_defaults_need_no_configuration(monkeypatch):
    for name in ("REDRESS_KAFKA_BOOTSTRAP", "REDRESS_INTAKE_DATABASE_URL", "REDRESS_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = IntakeSettings()
    assert settings.port == 8001
    assert settings.kafka_bootstrap == "127.0.0.1:9092"
    assert settings.resolved_database_url == "sqlite+aiosqlite:///var/intake.db"
    assert settings.resolved_consumer_group == "redress-intake"


def test_a_service_variable_wins_over_the_common_one(monkeypatch):
    monkeypatch.setenv("REDRESS_LOG_LEVEL", "WARNING")
    monkeypatch.setenv("REDRESS_ROUTING_LOG_LEVEL", "DEBUG")
    monkeypatch.setenv("REDRESS_KAFKA_BOOTSTRAP", "kafka:9092")
    assert RoutingSettings().log_level == "DEBUG"
    assert IntakeSettings().log_level == "WARNING"
    assert IntakeSettings().kafka_bootstrap == "kafka:9092"


def test_each_service_reads_its_own_database_url(monkeypatch):
    monkeypatch.setenv("REDRESS_INTAKE_DATABASE_URL", "postgresql://db/intake")
    assert IntakeSettings().resolved_database_url == "postgresql+asyncpg://db/intake"
    assert RoutingSettings().resolved_database_url.endswith("/routing.db")


@pytest.mark.parametrize(("given", "used"), [
    ("postgresql://u@h/d", "postgresql+asyncpg://u@h/d"),
    ("postgres://u@h/d", "postgresql+asyncpg://u@h/d"),
    ("sqlite:///var/x.db", "sqlite+aiosqlite:///var/x.db"),
    ("postgresql+asyncpg://u@h/d", "postgresql+asyncpg://u@h/d"),
])
def test_plain_urls_get_async_drivers(given, used):
    assert async_database_url(given) == used


def test_combinations_that_cannot_work_are_refused():
    with pytest.raises(ValidationError, match="heartbeat"):
        IntakeSettings(kafka_session_timeout_ms=2000, kafka_heartbeat_interval_ms=1000)
    with pytest.raises(ValidationError):
        IntakeSettings(port=0)
