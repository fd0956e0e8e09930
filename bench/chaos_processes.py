"""The platform of a chaos run: the embedded broker and the four services as separate processes, each on a
database of its own (SQLite files, or throwaway PostgreSQL databases), that can be killed with SIGKILL and
started again. One admin API key, stored in the four databases once they are migrated, authenticates the load and
the checks."""

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from uuid import uuid4

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from services.catalog import SERVICES
from shared.auth.deps import API_KEY_HEADER
from shared.broker import EmbeddedBroker, free_port
from shared.migrations import upgrade

HOST = "127.0.0.1"
READY_TIMEOUT_S = 120.0
# Quick group joins and relay take-overs: a killed member's partitions and relay lease come free within seconds.
FAST_ENV = {
    "REDRESS_KAFKA_SESSION_TIMEOUT_MS": "3000", "REDRESS_KAFKA_HEARTBEAT_INTERVAL_MS": "500",
    "REDRESS_OUTBOX_POLL_S": "0.1", "REDRESS_RELAY_LEASE_S": "3", "REDRESS_CONSUMER_BACKOFF_S": "0.05",
    "REDRESS_CONSUMER_BACKOFF_MAX_S": "0.5", "REDRESS_LOG_LEVEL": "WARNING", "REDRESS_LOG_JSON": "true",
}


@dataclass
class ServiceProcess:
    """`redress serve <name>` in a session of its own, its output appended to one log across restarts."""

    name: str
    port: int
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "services.cli", "serve", self.name], env={**os.environ, **self.env},
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.starts += 1

    def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer would: no shutdown code runs."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()

    def stop(self, timeout_s: float = 15.0) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def wait_ready(self, timeout_s: float = READY_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited while starting:\n{self.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base_url}/health/ready", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} not ready within {timeout_s:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class Platform:
    folder: Path
    urls: dict[str, str]
    broker: EmbeddedBroker
    api_key: str
    services: dict[str, ServiceProcess] = field(default_factory=dict)

    @property
    def bootstrap(self) -> str:
        return self.broker.bootstrap

    @property
    def headers(self) -> dict[str, str]:
        return {API_KEY_HEADER: self.api_key}

    def cli_env(self) -> dict[str, str]:
        """What `redress outbox …` and `redress dlq …` need to reach every database and the broker."""
        env = {f"REDRESS_{name.upper()}_DATABASE_URL": url for name, url in self.urls.items()}
        return {**env, "REDRESS_KAFKA_BOOTSTRAP": self.bootstrap}

    def redress(self, *args: str, timeout_s: float = 300.0) -> str:
        """Run the `redress` CLI against this platform; its output, or an error with it."""
        done = subprocess.run([sys.executable, "-m", "services.cli", *args], env={**os.environ, **self.cli_env()},
                              capture_output=True, text=True, timeout=timeout_s, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"redress {' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
        return done.stdout

    def start(self) -> None:
        self.broker.start()
        for name, url in self.urls.items():
            env = {**FAST_ENV, "REDRESS_DATABASE_URL": url, "REDRESS_HOST": HOST, "REDRESS_PORT": str(free_port()),
                   "REDRESS_KAFKA_BOOTSTRAP": self.bootstrap, "REDRESS_DATA_DIR": str(self.folder / name)}
            (self.folder / name).mkdir(parents=True, exist_ok=True)
            service = ServiceProcess(name, int(env["REDRESS_PORT"]), env, self.folder / f"{name}.log")
            self.services[name] = service
            service.start()
        for service in self.services.values():
            service.wait_ready()

    def stop(self) -> None:
        for service in self.services.values():
            service.stop()
        self.broker.stop()


def complaint_body(run: str, n: int) -> dict[str, object]:
    return {"channel": "web", "subject": f"Parcel {n} arrived two weeks late",
            "description": f"My parcel {run}-{n} was delivered two weeks late and the courier never called.",
            "customer": {"id": f"chaos-{run}-{n}", "name": "Sam Price", "email": f"sam.{n}@example.com",
                         "tier": "standard", "locale": "en-GB"}}


async def migrate(urls: dict[str, str]) -> None:
    for name, url in urls.items():
        await upgrade(SERVICES[name].migrations_dir, url)


def sqlite_urls(folder: Path) -> dict[str, str]:
    return {name: f"sqlite+aiosqlite:///{folder / f'{name}.db'}" for name in SERVICES}


@contextlib.asynccontextmanager
async def postgres_urls(admin_url: str, *, keep: bool = False) -> AsyncIterator[dict[str, str]]:
    """One throwaway database per service on the server at `admin_url`, dropped afterwards unless `keep`."""
    prefix = f"chaos_{uuid4().hex[:10]}"
    names = {service: f"{prefix}_{service}" for service in SERVICES}
    try:
        for database in names.values():
            await _as_admin(admin_url, f'CREATE DATABASE "{database}"')
        base = make_url(admin_url).set(drivername="postgresql+asyncpg")
        yield {service: base.set(database=database).render_as_string(hide_password=False)
               for service, database in names.items()}
    finally:
        for database in names.values() if not keep else ():
            await _as_admin(admin_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


async def _as_admin(admin_url: str, statement: str) -> None:
    connection = await asyncpg.connect(admin_url, timeout=10)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def new_broker(folder: Path) -> EmbeddedBroker:
    return EmbeddedBroker(port=free_port(), log_path=folder / "broker.log")


async def sleep_until(moment: float) -> None:
    await asyncio.sleep(max(moment - time.monotonic(), 0))
