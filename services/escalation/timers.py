"""The timer job: warnings, breaches and the ladder steps that come with time after a breach, each exactly once,
also with several replicas (due clocks are claimed with FOR UPDATE SKIP LOCKED)."""

import asyncio
from datetime import UTC, datetime

from sqlalchemy import func, select

from services.escalation import domain, events
from services.escalation.domain import DueClock, Fired
from services.escalation.ladder import domain as ladder
from services.escalation.ladder.service import raise_level
from services.escalation.models import SlaClock, SlaComplaint
from services.escalation.settings import EscalationSettings
from services.escalation.timings import Clockwork
from services.escalation.uow import EscalationUow
from shared.contracts.sla import SlaBreachedV1, SlaWarningV1
from shared.db import Database
from shared.runtime import ServiceRuntime
from shared.waiting import wait_until_woken

SHORTEST_PAUSE_S = 0.02


async def fire_due_clocks(uow: EscalationUow, *, now: datetime, limit: int) -> int:
    """One round: claim up to `limit` clocks with work due by `now`, announce it, advance them; commits.

    All clocks move first and the complaints their breaches escalate are then read in one query, so the round
    sends a fixed number of statements (changes of one kind go out together at commit) instead of a few per
    clock."""
    async with uow:
        clocks = await uow.clocks.claim_due(now, limit=limit)
        work = Clockwork(uow)
        delays, fired = await work.delays(), []
        for clock in sorted(clocks, key=lambda clock: (str(clock.complaint_id), clock.next_fire_at)):
            fired.append((clock, domain.fire(clock, await work.timing(clock), now, delays)))
            clock.updated_at = now
        await uow.clocks.save_fired(clocks)
        # Locked in one order (by id) by every replica, so two rounds never wait on each other in a cycle.
        complaints = await uow.clocks.complaints_for_update(
            {clock.complaint_id for clock, items in fired if any(item.kind != "warning" for item in items)})
        levels = await work.levels()
        for clock, items in fired:
            for item in items:
                _announce(uow, clock, item, now, complaint=complaints.get(clock.complaint_id), levels=levels)
        await uow.commit()
    return len(clocks)


def _announce(uow: EscalationUow, clock: DueClock, item: Fired, now: datetime, *, complaint: SlaComplaint | None,
              levels: list[ladder.Level]) -> None:
    if item.kind == "warning":
        uow.emit(events.sla_event(SlaWarningV1, clock, now, threshold_percent=item.threshold))
        return
    if item.kind == "breached":
        uow.emit(events.sla_event(SlaBreachedV1, clock, now))
        rung = ladder.on_breach(levels, complaint.escalation_level, clock.target) if complaint else None
        reason, trigger = f"{clock.target} target of policy {clock.policy_id} breached", "breach"
    else:
        assert item.level is not None
        rung = ladder.after_breach(levels, complaint.escalation_level, item.level) if complaint else None
        minutes = ladder.ladder_delays(levels).get(item.level)
        reason, trigger = f"{clock.target} still unmet {minutes} min after its breach", "time_after_breach"
    if complaint is not None and rung is not None:
        raise_level(uow, complaint, rung, trigger=trigger, reason=reason, now=now, target=clock.target)


async def next_fire_at(database: Database) -> datetime | None:
    """When the earliest clock next has work; read without taking SQLite's write lock."""
    async with database.reading() as connection:
        return await connection.scalar(select(func.min(SlaClock.next_fire_at)))


async def run_sla_timers(runtime: ServiceRuntime) -> None:
    """Sleeps until the earliest clock has work (at most sla_timer_max_sleep_s, and less when a change in this
    process commits events), then fires what is due, in batches."""
    settings = runtime.settings
    assert isinstance(settings, EscalationSettings)
    woken = asyncio.Event()
    runtime.database.on_events_committed(woken.set)
    while True:
        woken.clear()
        upcoming, now = await next_fire_at(runtime.database), datetime.now(UTC)
        if upcoming is not None and upcoming <= now:
            uow = runtime.new_uow()
            assert isinstance(uow, EscalationUow)
            if await fire_due_clocks(uow, now=now, limit=settings.sla_timer_batch_size) >= \
                    settings.sla_timer_batch_size:
                continue
            upcoming = await next_fire_at(runtime.database)
        pause = settings.sla_timer_max_sleep_s
        if upcoming is not None:
            # Rows still due are another replica's, claimed right now: look again shortly.
            pause = min(pause, max((upcoming - datetime.now(UTC)).total_seconds(), SHORTEST_PAUSE_S))
        await wait_until_woken(woken, pause)
