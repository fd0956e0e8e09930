"""SLA timers of 100,000 open clocks: escalation's scheduler (`run_sla_timers`, started by the service runtime as
the service starts it) on a filled database, SQLite and PostgreSQL, with the outbox relay and consumer off.

Three measurements on each database:
- backlog: every clock has a warning or its breach overdue (as after an outage): timers fired per second;
- on time: the clocks' next warning or breach falls due spread evenly over a window: the lag between the due
  time and the firing (the outbox row written in the firing transaction), p50 and p99;
- at rest: nothing due for the next half hour: queries the scheduler sends and CPU it uses per idle second.
A third of the clocks reach 75 % of their target, a third 90 % and a third their due time; a breach also raises
the complaint one level of the default ladder (an escalation row and `complaint.escalated`). Targets count
business hours of the round-the-clock calendar, so every next due time goes through the calendar arithmetic.
"""

import asyncio
import math
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import event, func, insert, select

from bench.databases import postgres_database, postgres_unreachable, sqlite_database
from bench.report import Tracker, machine, markdown_table, now_iso, per_second, write_json, write_markdown
from services.catalog import SERVICES
from services.escalation import domain
from services.escalation.calendars import DEFAULT_CALENDARS
from services.escalation.domain import ClockState, Timing
from services.escalation.models import SlaClock, SlaComplaint
from services.escalation.settings import EscalationSettings
from services.escalation.timers import run_sla_timers
from services.escalation.uow import EscalationUow
from shared.contracts.sla import SlaBreachedV1, SlaTarget, SlaWarningV1
from shared.db import Database
from shared.messaging.tables import outbox
from shared.runtime import ServiceRuntime

MIGRATIONS = SERVICES["escalation"].migrations_dir
CLOCKS = 100_000
QUICK_CLOCKS = 10_000
OFFERED_PER_S = 100_000 / 120
TARGET_MINUTES = 480.0
THRESHOLDS = [75, 90]
# What each clock has done already, by its position modulo 3: the next thing due is 75 %, 90 % or the breach.
WARNED = ([], [75], [75, 90])
REACHED = (0.75, 0.90, 1.0)
FILL_CHUNK = 5_000
LEAD_S = 2.0
IDLE_S = 10.0
POLL_S = 0.5
LABELS = {"sqlite": "SQLite", "postgres": "PostgreSQL"}

OpenDatabase = Callable[[], AbstractAsyncContextManager[Database]]


@dataclass(frozen=True)
class Plan:
    clocks: int
    window_s: float
    postgres_url: str | None
    batch_size: int
    lead_s: float = LEAD_S


def timing() -> Timing:
    return Timing(DEFAULT_CALENDARS["24x7"], business_hours=True)


def clock_row(complaint_id: UUID, position: int, due: datetime, now: datetime) -> dict[str, Any]:
    """An open clock whose next warning or breach falls due at `due`."""
    kind = position % 3
    start = due - timedelta(minutes=TARGET_MINUTES * REACHED[kind])
    clock = domain.Clock(state=ClockState.RUNNING, target_minutes=TARGET_MINUTES, thresholds=THRESHOLDS,
                         started_at=start, running_since=start, due_at=start + timedelta(minutes=TARGET_MINUTES),
                         warned=list(WARNED[kind]))
    clock.next_fire_at = domain.next_fire_at(clock, timing(), {})
    return {**vars(clock), "id": uuid4(), "complaint_id": complaint_id, "target": SlaTarget.FIRST_RESPONSE,
            "policy_id": "standard", "business_hours": True, "calendar": "24x7", "created_at": now,
            "updated_at": now}


def complaint_row(complaint_id: UUID, now: datetime) -> dict[str, Any]:
    return {"id": complaint_id, "received_at": now, "channel": "web", "customer_tier": None, "category": "billing",
            "priority": "normal", "severity": 2, "team_id": "care", "status": "in_progress",
            "policy_id": "standard", "escalation_level": 0, "escalation_role": None, "created_at": now,
            "updated_at": now}


async def fill(database: Database, dues: list[datetime], *, tracker: Tracker, label: str) -> dict[str, datetime]:
    """One complaint and one open clock per due time; returns the due time by complaint id (the outbox key)."""
    now, by_key = datetime.now(UTC), {}
    started = time.monotonic()
    with tracker.step(f"{label}: fill {len(dues):,} clocks (untimed)", len(dues)) as step:
        for first in range(0, len(dues), FILL_CHUNK):
            complaints, clocks = [], []
            for position in range(first, min(first + FILL_CHUNK, len(dues))):
                complaint_id = uuid4()
                complaints.append(complaint_row(complaint_id, now))
                clocks.append(clock_row(complaint_id, position, dues[position], now))
                by_key[str(complaint_id)] = clocks[-1]["next_fire_at"]
            async with database.engine.begin() as connection:
                await connection.execute(insert(SlaComplaint.__table__), complaints)
                await connection.execute(insert(SlaClock.__table__), clocks)
            step(len(clocks))
    tracker.note(f"{label}: filled {len(dues):,} clocks in {time.monotonic() - started:.1f} s")
    return by_key


class Scheduler:
    """The service's runtime with only its background jobs (the SLA timers), and the queries it sends."""

    def __init__(self, url: str, *, batch_size: int) -> None:
        settings = EscalationSettings(database_url=url, run_relay=False, run_consumer=False,
                                      sla_timer_batch_size=batch_size)
        self.runtime = ServiceRuntime(settings, handlers={}, uow_class=EscalationUow, background=[run_sla_timers])
        self.queries = 0

    def _count(self, *_: Any) -> None:
        self.queries += 1

    async def __aenter__(self) -> "Scheduler":
        await self.runtime.start()  # the job's task is created here and first runs at the next await
        event.listen(self.runtime.database.engine.sync_engine, "before_cursor_execute", self._count)
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.runtime.stop()


async def fired(database: Database) -> list[tuple[str, datetime]]:
    """(complaint id, when its warning or breach was written) of every timer fired so far."""
    query = select(outbox.c.key, outbox.c.created_at).where(
        outbox.c.ce_type.in_([SlaWarningV1.ce_type, SlaBreachedV1.ce_type]))
    async with database.reading() as connection:
        return [(key, _utc(at)) for key, at in (await connection.execute(query)).all()]


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


async def wait_fired(database: Database, last_due: datetime, *, tracker: Tracker, label: str,
                     limit_s: float) -> None:
    """Until no clock has work due by `last_due` (a fired clock's next warning or ladder step is half an hour
    away or more). Polls the indexed earliest fire time, so the wait costs the scheduler next to nothing."""
    deadline = time.monotonic() + limit_s
    with tracker.step(label, 1) as step:
        while True:
            async with database.reading() as connection:
                earliest = await connection.scalar(select(func.min(SlaClock.next_fire_at)))
            if earliest is None or _utc(earliest) > last_due:
                step(1)
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"{label}: clocks due by {last_due} still unfired after {limit_s:.0f} s")
            await asyncio.sleep(POLL_S)


def checked(rows: list[tuple[str, datetime]], expected: int, label: str) -> list[tuple[str, datetime]]:
    if len(rows) != expected:
        raise RuntimeError(f"{label}: {len(rows):,} warnings and breaches for {expected:,} due clocks")
    return rows


async def backlog_run(open_database: OpenDatabase, plan: Plan, *, tracker: Tracker, label: str) -> dict[str, Any]:
    """Every clock overdue (spread over the last ten minutes): how fast the scheduler works through them."""
    async with open_database() as database:
        now, fill_started = datetime.now(UTC), time.monotonic()
        dues = [now - timedelta(seconds=600 * (1 - i / plan.clocks)) for i in range(plan.clocks)]
        due_by_key = await fill(database, dues, tracker=tracker, label=label)
        filled, started = time.monotonic() - fill_started, datetime.now(UTC)
        async with Scheduler(database.url, batch_size=plan.batch_size) as scheduler:
            await wait_fired(database, max(due_by_key.values()), tracker=tracker, label=f"{label}: backlog fires",
                             limit_s=3600)
            queries = scheduler.queries
        last = max(at for _, at in checked(await fired(database), plan.clocks, label))
    seconds = (last - started).total_seconds()
    return {"timers": plan.clocks, "seconds": round(seconds, 2), "timers_per_s": round(plan.clocks / seconds),
            "queries_per_1000_timers": round(queries * 1000 / plan.clocks, 1), "fill_s": round(filled, 1)}


async def on_time_run(open_database: OpenDatabase, plan: Plan, *, tracker: Tracker, label: str) -> dict[str, Any]:
    """Due times spread evenly over the window: the lag of each firing; then, with nothing due, the cost at rest."""
    async with open_database() as database:
        first = datetime.now(UTC) + timedelta(seconds=plan.lead_s)
        dues = [first + timedelta(seconds=plan.window_s * i / plan.clocks) for i in range(plan.clocks)]
        due_by_key = await fill(database, dues, tracker=tracker, label=label)
        if datetime.now(UTC) > first:
            raise RuntimeError(f"{label}: filling took longer than the lead of {plan.lead_s:.0f} s")
        async with Scheduler(database.url, batch_size=plan.batch_size) as scheduler:
            await wait_fired(database, max(due_by_key.values()), tracker=tracker,
                             label=f"{label}: timers fire on time", limit_s=plan.lead_s + plan.window_s + 3600)
            rows = checked(await fired(database), plan.clocks, label)
            lags = sorted((at - due_by_key[key]).total_seconds() * 1000 for key, at in rows)
            rest = await at_rest(scheduler, tracker=tracker, label=label)
    return {"timers": plan.clocks, "window_s": plan.window_s, "offered_per_s": round(plan.clocks / plan.window_s),
            "lag_ms": {"p50": round(percentile(lags, 50), 1), "p99": round(percentile(lags, 99), 1),
                       "max": round(lags[-1], 1)}, "at_rest": rest}


async def at_rest(scheduler: Scheduler, *, tracker: Tracker, label: str) -> dict[str, float]:
    with tracker.step(f"{label}: at rest for {IDLE_S:.0f} s", 1) as step:
        queries, cpu = scheduler.queries, time.process_time()
        await asyncio.sleep(IDLE_S)
        queries, cpu = scheduler.queries - queries, time.process_time() - cpu
        step(1)
    return {"queries_per_s": round(queries / IDLE_S, 2), "cpu_ms_per_s": round(cpu * 1000 / IDLE_S, 2)}


def percentile(values: list[float], percent: float) -> float:
    """Nearest-rank percentile of sorted values."""
    rank = math.ceil(percent / 100 * len(values))
    return values[min(max(rank, 1), len(values)) - 1]


async def backends(plan: Plan) -> tuple[dict[str, OpenDatabase], list[str]]:
    chosen: dict[str, OpenDatabase] = {"sqlite": lambda: sqlite_database(MIGRATIONS)}
    if plan.postgres_url is None:
        return chosen, ["PostgreSQL skipped (--no-postgres)"]
    reason = await postgres_unreachable(plan.postgres_url)
    if reason:
        return chosen, [f"PostgreSQL skipped: {reason}"]
    admin_url = plan.postgres_url
    chosen["postgres"] = lambda: postgres_database(admin_url, MIGRATIONS)
    return chosen, []


async def measure(plan: Plan, *, tracker: Tracker) -> dict[str, Any]:
    databases, notes = await backends(plan)
    results: dict[str, Any] = {}
    for name, open_database in databases.items():
        backlog = await backlog_run(open_database, plan, tracker=tracker, label=name)
        # The first due time comes after a fill like the backlog's, with room to spare.
        lead = replace(plan, lead_s=LEAD_S + 2 * backlog["fill_s"])
        on_time = await on_time_run(open_database, lead, tracker=tracker, label=name)
        results[name] = {"backlog": backlog, "on_time": on_time}
        tracker.note(f"{name}: {backlog['timers_per_s']:,} timers/s; lag p50 {on_time['lag_ms']['p50']} ms, "
                     f"p99 {on_time['lag_ms']['p99']} ms; {on_time['at_rest']['queries_per_s']} queries/s at rest")
    return {
        "benchmark": "SLA timers of open clocks", "machine": machine(), "clocks": plan.clocks,
        "batch_size": plan.batch_size, "target_minutes": TARGET_MINUTES, "thresholds": THRESHOLDS,
        "results": results, "notes": notes, "measured_at": now_iso(),
    }


def markdown(data: dict[str, Any]) -> list[str]:
    rows = []
    for name, entry in data["results"].items():
        backlog, on_time = entry["backlog"], entry["on_time"]
        rows.append([LABELS[name], per_second(backlog["timers_per_s"]), f"{backlog['seconds']:,}",
                     backlog["queries_per_1000_timers"], f"{on_time['offered_per_s']:,}",
                     on_time["lag_ms"]["p50"], on_time["lag_ms"]["p99"], on_time["lag_ms"]["max"],
                     on_time["at_rest"]["queries_per_s"], on_time["at_rest"]["cpu_ms_per_s"]])
    header = ["database", "backlog timers/s", "backlog s", "queries per 1,000 timers", "on time: due/s",
              "lag p50 ms", "lag p99 ms", "lag max ms", "at rest: queries/s", "at rest: CPU ms/s"]
    facts = (f"{data['clocks']:,} open clocks (a third each reaching 75 %, 90 % and their due time), one "
             f"complaint each; batches of {data['batch_size']}; the scheduler alone (relay and consumer off); "
             f"measured {data['measured_at']}.")
    caveat = (f"The scheduler and the database share this machine's {data['machine']['cpus']} cores; compare "
              "only figures from one run.")
    return [facts, markdown_table(header, rows), caveat, *data["notes"]]


def plan(*, quick: bool, postgres_url: str | None) -> Plan:
    """100,000 clocks falling due over two minutes (833/s, about half what SQLite fires from a backlog here);
    a tenth of that when quick."""
    clocks = QUICK_CLOCKS if quick else CLOCKS
    return Plan(clocks=clocks, window_s=clocks / OFFERED_PER_S, postgres_url=postgres_url,
                batch_size=EscalationSettings.model_fields["sla_timer_batch_size"].default)


def write(out: Path, data: dict[str, Any]) -> str:
    json_path = write_json(out / "timers.json", data)
    md_path = write_markdown(out / "timers.md", title="SLA timers of open clocks", blocks=markdown(data))
    lines = [f"{LABELS[name]}: {entry['backlog']['timers_per_s']:,} timers/s from a backlog; on time "
             f"lag p50 {entry['on_time']['lag_ms']['p50']} ms, p99 {entry['on_time']['lag_ms']['p99']} ms; "
             f"at rest {entry['on_time']['at_rest']['queries_per_s']} queries/s"
             for name, entry in data["results"].items()]
    return "\n".join([*lines, *data["notes"], f"wrote {json_path} and {md_path}"])
