"""docker-compose.yml: Kafka (KRaft), PostgreSQL with a database per service, a migration step, the services."""

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from tests.unit.deploy.variables import SETTINGS, default_port, known_variables

ROOT = Path(__file__).parents[3]
SERVICES = list(SETTINGS)
INFRASTRUCTURE = ["kafka", "postgres"]
_DEFAULTED = re.compile(r"\$\{(\w+):-([^}]*)\}")


def interpolate(value: str) -> str:
    """What Compose makes of `${VAR:-default}` with nothing set."""
    return _DEFAULTED.sub(lambda m: m.group(2), value)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def created_databases() -> set[str]:
    sql = (ROOT / "deploy" / "postgres" / "create-databases.sql").read_text()
    return set(re.findall(r"^CREATE DATABASE (\w+);", sql, re.MULTILINE))


def _environment(service: dict[str, Any]) -> dict[str, str]:
    return {key: interpolate(str(value)) for key, value in service["environment"].items()}


def _database(url: str) -> str:
    parts = urlsplit(url)
    assert parts.scheme == "postgresql" and parts.hostname == "postgres", url
    return parts.path.lstrip("/")


def test_compose_runs_kafka_postgres_the_migration_and_the_four_services(compose: dict[str, Any]):
    running = {name for name, service in compose["services"].items() if not service.get("profiles")}
    assert running == {*INFRASTRUCTURE, "migrate", *SERVICES}


def test_kafka_runs_in_kraft_mode_from_the_official_image_and_keeps_its_data(compose: dict[str, Any]):
    kafka = compose["services"]["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    assert not kafka["image"].endswith(":latest")
    environment = kafka["environment"]
    assert set(environment["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert not any("ZOOKEEPER" in key for key in environment)
    assert environment["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    data_dir = environment["KAFKA_LOG_DIRS"]
    assert any(volume.endswith(f":{data_dir}") for volume in kafka["volumes"])


@pytest.mark.parametrize("name", [*INFRASTRUCTURE, *SERVICES])
def test_every_long_running_service_has_a_healthcheck(compose: dict[str, Any], name: str):
    assert compose["services"][name]["healthcheck"]["test"]


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_probes_its_readiness_on_its_own_port(compose: dict[str, Any], name: str):
    service = compose["services"][name]
    port = default_port(name)
    assert f"http://127.0.0.1:{port}/health/ready" in " ".join(service["healthcheck"]["test"])
    assert service["ports"] == [f"{port}:{port}"]
    assert service["command"] == ["serve", name]


@pytest.mark.parametrize("name", SERVICES)
def test_services_start_after_the_migration_succeeded_and_the_broker_and_database_are_healthy(
        compose: dict[str, Any], name: str):
    depends_on = compose["services"][name]["depends_on"]
    assert depends_on["migrate"]["condition"] == "service_completed_successfully"
    assert depends_on["kafka"]["condition"] == "service_healthy"
    assert depends_on["postgres"]["condition"] == "service_healthy"


def test_the_migration_runs_once_for_every_service_after_postgres_is_healthy(compose: dict[str, Any]):
    migrate = compose["services"]["migrate"]
    assert migrate["command"] == ["migrate", *SERVICES]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    environment = _environment(migrate)
    assert {_database(environment[f"REDRESS_{s.upper()}_DATABASE_URL"]) for s in SERVICES} == set(SERVICES)


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_uses_its_own_database_which_postgres_creates(
        compose: dict[str, Any], created_databases: set[str], name: str):
    environment = _environment(compose["services"][name])
    urls = {key: value for key, value in environment.items() if key.endswith("_DATABASE_URL")}
    assert list(urls) == [f"REDRESS_{name.upper()}_DATABASE_URL"], "a service gets only its own database"
    database = _database(urls[f"REDRESS_{name.upper()}_DATABASE_URL"])
    assert database == name
    assert database in created_databases
    assert environment["REDRESS_KAFKA_BOOTSTRAP"] == "kafka:9092"


def test_postgres_runs_the_script_that_creates_the_databases(compose: dict[str, Any], created_databases: set[str]):
    assert created_databases == set(SERVICES)
    volumes = compose["services"]["postgres"]["volumes"]
    assert any(v.startswith("./deploy/postgres/create-databases.sql:/docker-entrypoint-initdb.d/") for v in volumes)


def test_compose_sets_only_variables_the_services_read(compose: dict[str, Any]):
    known = known_variables()
    for name, service in compose["services"].items():
        if name in INFRASTRUCTURE:
            continue
        unknown = {key for key in service["environment"] if key.startswith("REDRESS_")} - known
        assert not unknown, f"{name}: {unknown}"


def test_the_tools_profile_has_the_command_line_with_every_database(compose: dict[str, Any]):
    cli = compose["services"]["cli"]
    assert cli["profiles"] == ["tools"]
    environment = _environment(cli)
    assert {_database(environment[f"REDRESS_{s.upper()}_DATABASE_URL"]) for s in SERVICES} == set(SERVICES)
