"""`python -m bench.chaos`: fault injection. Under a steady load of complaints, kill -9 each service once and the
broker once, start them again (after the broker came back empty: restart the services and republish the
outboxes), wait until the
platform is quiet, then check every service's database: no complaint lost, none duplicated, no event applied
twice, every SLA clock right. Then poison events of every kind go to the topics: each must land in the dead-letter
topics, fail again when replayed, and stop nothing. Prints the counts; exits 1 on any violation.

The load generator posts through intake with an admin API key and an Idempotency-Key, and retries with the same
Idempotency-Key when the connection fails or intake is not ready, so a killed intake loses nothing it
acknowledged: only 200/201 answers count as acknowledged.
"""

import argparse
import asyncio
import contextlib
import signal
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any
from uuid import UUID, uuid4

import httpx

from bench import chaos_poison
from bench.chaos_checks import (
    Check,
    clock_checks,
    complaint_checks,
    consumer_checks,
    handled_types,
    snapshot,
    topics_of,
)
from bench.chaos_lag import quiet
from bench.chaos_processes import Platform, complaint_body, migrate, new_broker, postgres_urls, sleep_until, sqlite_urls
from bench.report import markdown_table, stderr
from shared.auth.provision import grant
from shared.auth.roles import Role
from shared.contracts import REGISTRY, dlq_topic
from shared.messaging import dlq

VICTIMS = ("routing", "broker", "intake", "escalation", "feedback")
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
REQUEST_DEADLINE_S = 180.0
RECHECK_S = 30.0


@dataclass
class Load:
    acknowledged: dict[str, UUID] = field(default_factory=dict)
    given_up: list[str] = field(default_factory=list)
    answers: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


@dataclass
class Kill:
    victim: str
    at_s: float
    down_s: float
    back_after_s: float = 0.0
    republished: str = ""


async def post_complaint(client: httpx.AsyncClient, run: str, n: int, load: Load) -> None:
    key, body = f"chaos-{run}-{n}", complaint_body(run, n)
    deadline, pause = time.monotonic() + REQUEST_DEADLINE_S, 0.1
    while time.monotonic() < deadline:
        try:
            response = await client.post("/v1/complaints", json=body, headers={"Idempotency-Key": key})
            load.answers[str(response.status_code)] += 1
            if response.status_code in (200, 201):
                load.acknowledged[key] = UUID(response.json()["id"])
                return
        except httpx.HTTPError as error:
            load.answers[type(error).__name__] += 1
        await asyncio.sleep(pause)
        pause = min(pause * 2, 2.0)
    load.given_up.append(key)


async def steady_load(base_url: str, *, complaints: int, rate: float, load: Load, headers: dict[str, str]) -> None:
    """Open loop: complaint n is sent at start + n/rate whatever happened to the ones before."""
    run = uuid4().hex[:8]
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=base_url, timeout=15.0, limits=limits, headers=headers) as client:
        start = time.monotonic()
        tasks = []
        for n in range(complaints):
            await sleep_until(start + n / rate)
            tasks.append(asyncio.create_task(post_complaint(client, run, n, load)))
            if n and n % max(complaints // 10, 1) == 0:
                stderr.log(f"load: {n:,} sent, {len(load.acknowledged):,} acknowledged")
        await asyncio.gather(*tasks)
        load.seconds = time.monotonic() - start


def kill_and_restart(platform: Platform, kill: Kill, since: datetime) -> None:
    """SIGKILL the victim, leave it down for a while, start it again; after the broker, restart the services and
    republish."""
    started = time.monotonic()
    if kill.victim == "broker":
        platform.broker.kill()
        time.sleep(kill.down_s)
        platform.broker.start()
        # As the runbook says (docs/operations.md, broker data loss): restart the services, so that no consumer
        # keeps a read position in the lost log and skips what the republish writes below it; then republish.
        for service in platform.services.values():
            service.stop()
            service.start()
        for service in platform.services.values():
            service.wait_ready()
        kill.republished = platform.redress("outbox", "republish", "--since", since.isoformat()).strip()
    else:
        service = platform.services[kill.victim]
        service.kill()
        time.sleep(kill.down_s)
        service.start()
        service.wait_ready()
    kill.back_after_s = time.monotonic() - started
    stderr.log(f"{kill.victim} back after {kill.back_after_s:.1f} s {kill.republished}".rstrip())


async def kills(platform: Platform, schedule: list[Kill], since: datetime) -> None:
    """One victim at a time, each at its moment or as soon as the one before is back: the broker's turn restarts
    every service, which must not race another service's kill."""
    start = time.monotonic()
    for kill in sorted(schedule, key=lambda k: k.at_s):
        await sleep_until(start + kill.at_s)
        stderr.log(f"kill -9 {kill.victim} at {time.monotonic() - start:.1f} s")
        await asyncio.to_thread(kill_and_restart, platform, kill, since)


def plan_kills(load_s: float, down_s: float) -> list[Kill]:
    step = load_s / (len(VICTIMS) + 1)
    return [Kill(victim, at_s=step * (i + 1), down_s=down_s) for i, victim in enumerate(VICTIMS)]


@dataclass
class Outcome:
    options: argparse.Namespace
    load: Load
    kills: list[Kill]
    checks: list[Check]
    quiet_after_s: float

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks if check.blocking) and not self.load.given_up

    def table(self) -> str:
        rows = [check.row() for check in self.checks]
        return markdown_table(["check", "expected", "found", "result"], rows)

    def summary(self) -> str:
        kills = ", ".join(f"{k.victim} at {k.at_s:.0f} s (back after {k.back_after_s:.1f} s)" for k in self.kills)
        answers = ", ".join(f"{k}: {v:,}" for k, v in sorted(self.load.answers.items()))
        return (f"{self.options.complaints:,} complaints at {self.options.rate:g}/s on {self.options.database} in "
                f"{self.load.seconds:.0f} s; answers {answers}; {len(self.load.given_up)} given up.\n"
                f"kill -9: {kills}.\nquiet {self.quiet_after_s:.0f} s after the load.")


async def checks_of(platform: Platform, load: Load) -> list[Check]:
    data = await snapshot(platform.urls)
    groups = {name: f"redress-{name}" for name in platform.urls}
    letters = await dlq.list_dead_letters(platform.bootstrap, [dlq_topic(t) for t in REGISTRY.topics])
    return [*complaint_checks(data, load.acknowledged), *clock_checks(data, load.acknowledged),
            *consumer_checks(data, handled_types(), groups),
            Check("dead letters after the load", 0, len(letters),
                  [f"{f.get('ce_type')} {f.get('dlq_error_type')}" for f in (x.facts for x in letters)])]


async def chaos(options: argparse.Namespace, platform: Platform) -> Outcome:
    since = datetime.now(UTC) - timedelta(seconds=5)
    load = Load()
    load_s = options.complaints / options.rate
    schedule = plan_kills(load_s, options.down)
    await asyncio.gather(steady_load(platform.services["intake"].base_url, complaints=options.complaints,
                                     rate=options.rate, load=load, headers=platform.headers),
                         kills(platform, schedule, since))
    stderr.log(f"load done: {len(load.acknowledged):,} acknowledged; waiting for the platform to be quiet")
    started = time.monotonic()
    groups = {f"redress-{name}": topics_of(types) for name, types in handled_types().items()}
    await quiet(platform, timeout_s=options.quiet_timeout)
    quiet_after = time.monotonic() - started
    checks = await checks_of(platform, load)
    if any(not check.ok for check in checks):
        # Tell a stalled consumer from a lost event: look again after a while; the first look stays in the report.
        stderr.log(f"violations right after the platform looked quiet; looking again in {RECHECK_S:.0f} s")
        await asyncio.sleep(RECHECK_S)
        first = [Check(f"{check.what} (first look, {RECHECK_S:.0f} s earlier)", check.expected, check.found,
                       check.problems, blocking=False) for check in checks if not check.ok]
        checks = [*first, *await checks_of(platform, load)]
    if not options.no_poison:
        checks += await chaos_poison.poison_round(platform, groups)
    return Outcome(options, load, schedule, checks, quiet_after)


@contextlib.asynccontextmanager
async def databases(options: argparse.Namespace, folder: Path) -> AsyncIterator[dict[str, str]]:
    if options.database == "postgres":
        async with postgres_urls(options.postgres_url, keep=options.keep is not None) as urls:
            yield urls
    else:
        yield sqlite_urls(folder)


async def run(options: argparse.Namespace) -> Outcome:
    with TemporaryDirectory(prefix="redress-chaos-") as name:
        folder = Path(options.keep) if options.keep else Path(name)
        folder.mkdir(parents=True, exist_ok=True)
        async with databases(options, folder) as urls:
            await migrate(urls)
            key = await grant(urls.values(), Role.ADMIN, name="chaos")
            platform = Platform(folder, urls, new_broker(folder), key)
            try:
                await asyncio.to_thread(platform.start)
                stderr.log(f"platform up: broker {platform.bootstrap}, "
                           + ", ".join(f"{s.name} :{s.port}" for s in platform.services.values()))
                return await chaos(options, platform)
            finally:
                await asyncio.to_thread(platform.stop)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.chaos", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--complaints", type=int, default=10_000, help="complaints posted during the run")
    parser.add_argument("--rate", type=float, default=None,
                        help="complaints per second (default: complaints/20, between 10 and 40)")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL,
                        help="admin URL of a PostgreSQL server; four temporary databases are made there")
    parser.add_argument("--down", type=float, default=3.0, help="seconds each victim stays dead")
    parser.add_argument("--quiet-timeout", type=float, default=900.0,
                        help="longest wait for the platform to catch up after the load")
    parser.add_argument("--no-poison", action="store_true", help="skip the dead-letter round")
    parser.add_argument("--keep", type=Path,
                        help="keep the logs (and SQLite files) in this folder, and the PostgreSQL databases")
    parser.add_argument("--out", type=Path, help="also write the report (Markdown) here")
    options = parser.parse_args(argv)
    if options.complaints < 1:
        parser.error("--complaints must be positive")
    options.rate = options.rate or min(max(options.complaints / 20, 10.0), 40.0)
    return options


async def cancelled_on_sigterm(job: Coroutine[Any, Any, Outcome]) -> Outcome:
    # SIGTERM cancels like Ctrl-C does, so the services, the broker and the databases are cleaned up.
    loop, task = asyncio.get_running_loop(), asyncio.current_task()
    if task is not None:
        loop.add_signal_handler(signal.SIGTERM, task.cancel)
    try:
        return await job
    finally:
        loop.remove_signal_handler(signal.SIGTERM)


def main(argv: list[str] | None = None) -> int:
    options = parse(sys.argv[1:] if argv is None else argv)
    outcome = asyncio.run(cancelled_on_sigterm(run(options)))
    report = f"{outcome.summary()}\n\n{outcome.table()}\n"
    print(report)
    if options.out:
        options.out.parent.mkdir(parents=True, exist_ok=True)
        options.out.write_text(f"# Fault injection\n\n{report}")
    print("chaos: all checks passed" if outcome.ok else "chaos: VIOLATIONS found (see FAIL above)")
    return 0 if outcome.ok else 1


if __name__ == "__main__":
    sys.exit(main())
