"""Servers as real processes for benchmarks: started together, ready when /health/live answers, stopped whatever
happens; and the API key a benchmark's load generator sends, stored in the services' databases before they start."""

import asyncio
import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from services.catalog import SERVICES
from shared.auth.deps import API_KEY_HEADER
from shared.auth.keys import IssuedKey, issue_key
from shared.auth.provision import store_at
from shared.auth.roles import Role
from shared.contracts.base import DEFAULT_TENANT
from shared.migrations import upgrade

HOST = "127.0.0.1"
# Generous: four services importing their libraries at once on two busy cores take a while.
START_TIMEOUT_S = 180.0


@dataclass(frozen=True)
class Command:
    """One server to start: its command line, environment on top of ours, HTTP port and log file."""

    argv: list[str]
    port: int
    log: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def database_url(self) -> str | None:
        return self.env.get("REDRESS_DATABASE_URL")


@contextlib.contextmanager
def running(commands: Sequence[Command]) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Start every command at once (they start up in parallel), wait until each answers, and stop all of them
    on the way out."""
    processes: list[subprocess.Popen[bytes]] = []
    with contextlib.ExitStack() as logs:
        try:
            for command in commands:
                out = logs.enter_context(command.log.open("wb"))
                processes.append(subprocess.Popen(command.argv, env={**os.environ, **command.env}, stdout=out,
                                                  stderr=subprocess.STDOUT))
            for command, process in zip(commands, processes, strict=False):
                wait_ready(process, command.port, command.log)
            yield processes
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def wait_ready(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped at start-up:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"http://{HOST}:{port}/health/live", timeout=1).status_code < 500:
                return
        time.sleep(0.1)
    raise RuntimeError(f"the server did not start within {START_TIMEOUT_S:.0f} s:\n{log.read_text()[-3000:]}")


def service(name: str, folder: Path, bootstrap: str, port: int, *, database_url: str | None = None,
            env: dict[str, str] | None = None) -> Command:
    """`redress serve <name>` on its own database (a fresh SQLite file in `folder` unless `database_url` is
    given), migrated here first, against the broker at `bootstrap`."""
    folder.mkdir(parents=True, exist_ok=True)
    url = database_url or f"sqlite+aiosqlite:///{folder}/{name}.db"
    asyncio.run(upgrade(SERVICES[name].migrations_dir, url))
    return Command(argv=[sys.executable, "-m", "services.cli", "serve", name], port=port, log=folder / f"{name}.log",
                   env={"REDRESS_DATABASE_URL": url, "REDRESS_KAFKA_BOOTSTRAP": bootstrap, "REDRESS_PORT": str(port),
                        "REDRESS_HOST": HOST, "REDRESS_LOG_LEVEL": "WARNING", "REDRESS_DATA_DIR": str(folder),
                        **(env or {})})


def new_key(*roles: Role, name: str = "bench") -> IssuedKey:
    """A key for the load generator and checks of one benchmark; `store_key` puts it in each database it uses."""
    return issue_key(name=name, roles=frozenset(roles or (Role.ADMIN,)), tenant=DEFAULT_TENANT)


def store_key(issued: IssuedKey, commands: Sequence[Command]) -> dict[str, str]:
    """Store `issued` in the (migrated) database of each service command, so every one of them takes it; the
    headers that send it."""
    asyncio.run(store_at([url for command in commands if (url := command.database_url)], issued))
    return auth_headers(issued)


def auth_headers(issued: IssuedKey) -> dict[str, str]:
    return {API_KEY_HEADER: issued.text}
