"""Replicas of the four services as real processes (`redress serve <service>`), each on a port of its own,
sharing one database and one consumer group per service: what a scaled-out deployment runs, on one machine.

The scale-out test and the replica benchmark both start their services here. A replica can be stopped with
SIGTERM (as a container runtime stops it) and started again on the same port with the same settings. Once the
databases are migrated, `grant_key` stores one API key in all of them; `headers` sends it."""

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from cryptography.fernet import Fernet

from services.catalog import SERVICES
from shared.auth.deps import API_KEY_HEADER
from shared.auth.provision import grant
from shared.auth.roles import Role
from shared.broker import free_port
from shared.migrations import upgrade

ROOT = Path(__file__).resolve().parent.parent
READY_WITHIN_S = 300.0
STOP_WITHIN_S = 20.0
# uvicorn shuts down gracefully on SIGTERM and then raises the signal again, so a clean stop exits with -SIGTERM.
CLEAN_EXIT = (0, -signal.SIGTERM)
# Groups rebalance about a second after a member joins or goes silent (the embedded broker has no LeaveGroup, so
# a stopped member's partitions move only when its session times out); relays and timers poll often.
FAST: dict[str, str] = {
    "KAFKA_SESSION_TIMEOUT_MS": "2000", "KAFKA_HEARTBEAT_INTERVAL_MS": "300", "OUTBOX_POLL_S": "0.05",
    "RELAY_LEASE_S": "2", "CONSUMER_BACKOFF_S": "0.05", "CONSUMER_BACKOFF_MAX_S": "0.5", "LOG_LEVEL": "WARNING",
}


@dataclass
class Replica:
    """One `redress serve <service>` process; `start` after `stop` brings it back on the same port."""

    service: str
    index: int
    port: int
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def name(self) -> str:
        return f"{self.service}-{self.index}"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    async def start(self) -> None:
        self.spawn()
        await self.wait_ready()

    def spawn(self) -> None:
        assert not self.running, f"{self.name} is running already"
        self.starts += 1
        with self.log_path.open("ab") as log:
            log.write(f"--- start {self.starts} of {self.name} ---\n".encode())
            log.flush()
            self.process = subprocess.Popen([sys.executable, "-m", "services.cli", "serve", self.service],
                                            env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)

    async def wait_ready(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + READY_WITHIN_S
        async with httpx.AsyncClient(timeout=10.0) as client:
            while loop.time() < deadline:
                if not self.running:
                    raise RuntimeError(f"{self.name} exited while starting; see {self.log_path}:\n{self.log_tail()}")
                try:
                    if (await client.get(f"{self.base_url}/health/ready")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.2)
        raise RuntimeError(f"{self.name} not ready after {READY_WITHIN_S:.0f} s; see {self.log_path}")

    async def stop(self) -> int:
        """SIGTERM, then wait for the graceful shutdown; returns the exit code (killed after STOP_WITHIN_S)."""
        process = self.process
        if process is None or process.poll() is not None:
            return process.returncode if process else 0
        process.send_signal(signal.SIGTERM)
        try:
            return await asyncio.to_thread(process.wait, STOP_WITHIN_S)
        except subprocess.TimeoutExpired:
            process.kill()
            await asyncio.to_thread(process.wait)
            raise RuntimeError(f"{self.name} did not stop within {STOP_WITHIN_S:.0f} s of SIGTERM") from None

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@dataclass
class ReplicaSet:
    """`replicas[service]` processes of each service, on the databases `database_urls` names."""

    bootstrap: str
    database_urls: Mapping[str, str]
    folder: Path
    groups: Mapping[str, str]
    replicas: Mapping[str, int]
    settings: Mapping[str, str] = field(default_factory=dict)
    processes: dict[str, list[Replica]] = field(default_factory=dict)
    # Replicas of intake share its contact-data key, as a deployment's Secret gives it to every pod; each would
    # otherwise make one of its own in its data folder and could not read what another wrote.
    pii_keys: str = field(default_factory=lambda: Fernet.generate_key().decode())
    api_key: str | None = None

    def env_of(self, service: str, index: int, port: int) -> dict[str, str]:
        prefix = f"REDRESS_{service.upper()}_"
        env = {key: value for key, value in os.environ.items() if not key.startswith("REDRESS_")}
        env.update({f"REDRESS_{key}": value for key, value in FAST.items()})
        env.update({f"REDRESS_{key}": value for key, value in self.settings.items()})
        env.update({
            "REDRESS_KAFKA_BOOTSTRAP": self.bootstrap, "REDRESS_DATA_DIR": str(self.folder / f"{service}-{index}"),
            f"{prefix}DATABASE_URL": self.database_urls[service], f"{prefix}PORT": str(port),
            f"{prefix}CONSUMER_GROUP": self.groups[service], f"{prefix}KAFKA_CLIENT_ID": f"redress-{service}-{index}",
        })
        if service == "intake":
            env.setdefault(f"{prefix}PII_KEYS", self.pii_keys)
        if service == "feedback":
            env.setdefault(f"{prefix}PUBLIC_BASE_URL", f"http://127.0.0.1:{port}")
        return env

    async def migrate(self) -> None:
        for service in self.replicas:
            await upgrade(SERVICES[service].migrations_dir, self.database_urls[service])

    async def grant_key(self, *roles: Role, name: str = "bench") -> str:
        """One key with `roles` (admin by default) in every service's (migrated) database; kept for `headers`."""
        urls = [self.database_urls[service] for service in self.replicas]
        self.api_key = await grant(urls, *(roles or (Role.ADMIN,)), name=name)
        return self.api_key

    @property
    def headers(self) -> dict[str, str]:
        """What authenticates a request to any replica: the key of `grant_key`."""
        if self.api_key is None:
            raise RuntimeError("no API key yet: call grant_key() once the databases are migrated")
        return {API_KEY_HEADER: self.api_key}

    async def start(self) -> None:
        """Every replica: the first of each service together, ready before the second ones start (so that start-up
        work such as creating the demo organisation happens once, as in a rolling deployment)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for index in range(1, max(self.replicas.values()) + 1):
            batch = []
            for service, count in self.replicas.items():
                if index > count:
                    continue
                port = free_port()
                (self.folder / f"{service}-{index}").mkdir(exist_ok=True)
                replica = Replica(service, index, port, self.env_of(service, index, port),
                                  self.folder / f"{service}-{index}.log")
                self.processes.setdefault(service, []).append(replica)
                replica.spawn()
                batch.append(replica)
            await asyncio.gather(*(replica.wait_ready() for replica in batch))

    async def stop(self) -> list[str]:
        """Stop every replica; returns the ones that did not exit cleanly, with their exit codes."""
        unclean = []
        for replicas in self.processes.values():
            for replica in replicas:
                try:
                    code = await replica.stop()
                except RuntimeError as exc:
                    unclean.append(str(exc))
                    continue
                if code not in CLEAN_EXIT:
                    unclean.append(f"{replica.name} exited with {code}")
        return unclean

    def live(self, service: str) -> list[Replica]:
        return [r for r in self.processes[service] if r.running]

    def url(self, service: str, n: int) -> str:
        """The base URL of the n-th live replica of `service` (round robin over those running)."""
        live = self.live(service)
        if not live:
            raise RuntimeError(f"no replica of {service} is running")
        return live[n % len(live)].base_url

    def crashed(self) -> list[str]:
        """Replicas that exited although nobody stopped them, with their logs' last lines."""
        return [f"{r.name} exited with {r.process.returncode}:\n{r.log_tail()}"
                for replicas in self.processes.values() for r in replicas
                if r.process is not None and r.process.returncode not in (None, *CLEAN_EXIT)
                and r.process.poll() is not None]


async def applied_events(client: httpx.AsyncClient, replica: Replica) -> float:
    """Events the replica's consumer applied since it started (its /metrics counter, outcome="applied")."""
    text = (await client.get(f"{replica.base_url}/metrics")).text
    total = 0.0
    for line in text.splitlines():
        if line.startswith("redress_events_consumed_total{") and 'outcome="applied"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return total
