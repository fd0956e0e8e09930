"""Use cases of analytics: KPI tables, root-cause terms, hotspot sweeps and claims of periodic work."""

import asyncio
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from services.feedback.analytics import hotspots, kpis, terms
from services.feedback.analytics.models import AnalyticsClaim, ComplaintFact, Hotspot
from services.feedback.analytics.periods import GroupBy, Period, group_key, start_of
from services.feedback.analytics.repository import Scope, load_anchors, load_facts, load_texts
from shared.contracts.base import DEFAULT_TENANT
from shared.contracts.feedback import InsightHotspotDetectedV1
from shared.db import Database, UnitOfWork

HOTSPOT_NAMESPACE = uuid.UUID("5f1d3c52-8a4e-4b8e-9c55-3e0c2b6f7a10")
EVENT_COMPLAINTS = 100   # complaints an insight names; the hotspot row keeps them all


@dataclass(frozen=True)
class KpiTable:
    scope: Scope
    group_by: GroupBy
    period: Period
    total: dict[str, Any]
    groups: list[tuple[str, dict[str, Any]]]


async def kpi_table(database: Database, scope: Scope, *, group_by: GroupBy, period: Period, target: float,
                    now: datetime | None = None) -> KpiTable:
    now = now or datetime.now(UTC)
    async with database.reading() as connection:
        facts = await load_facts(connection, scope)
    grouped: dict[str, list] = {}
    for fact in facts:
        grouped.setdefault(group_key(fact, group_by, period), []).append(fact)
    groups = [(key, kpis.compute(members, as_of=now, satisfaction_target=target))
              for key, members in sorted(grouped.items())]
    total = kpis.compute(facts, as_of=now, satisfaction_target=target)
    return KpiTable(scope, group_by, period, total, groups)


async def characterise(database: Database, *, tenant: str, start: datetime, end: datetime, category: str | None,
                       top: int, topics: int) -> terms.Characterisation:
    """A category against the tenant's other categories of the period; a whole period against the period before
    it."""
    async with database.reading() as connection:
        if category is not None:
            texts = await load_texts(connection, Scope(start, end, tenant=tenant))
            group = [text for cat, text in texts if cat == category]
            rest = [text for cat, text in texts if cat != category]
        else:
            group = [text for _, text in await load_texts(connection, Scope(start, end, tenant=tenant))]
            before = Scope(start - (end - start), start, tenant=tenant)
            rest = [text for _, text in await load_texts(connection, before)]
    return await asyncio.to_thread(terms.characterise, group, rest, top=top, topics=topics)


def hotspot_id(finding: hotspots.Finding, tenant: str = DEFAULT_TENANT) -> uuid.UUID:
    """The same for the same rise; the default tenant's ids are those of hotspots found before tenants."""
    name = f"{finding.dimension}|{finding.value}|{finding.window_start.isoformat()}"
    return uuid.uuid5(HOTSPOT_NAMESPACE, name if tenant == DEFAULT_TENANT else f"{tenant}|{name}")


async def sweep_hotspots(uow: UnitOfWork, *, now: datetime, baseline_days: int, sigmas: float,
                         min_count: int) -> list[Hotspot]:
    """Judges yesterday and today, each tenant's complaints apart; each new hotspot is stored and announced once
    (unique per tenant, value and day)."""
    today = now.astimezone(UTC).date()
    async with uow.database.reading() as connection:
        rows = await load_anchors(connection, start_of(today - timedelta(days=baseline_days + 1)),
                                  start_of(today + timedelta(days=1)))
    series: dict[str, list] = {}
    for row in rows:
        series.setdefault(row.tenant, []).extend((dim, getattr(row, dim), row.counted_at, row.complaint_id)
                                                 for dim in hotspots.DIMENSIONS)
    findings = [(tenant, found) for tenant, members in sorted(series.items())
                for day in (today - timedelta(days=1), today)
                for found in hotspots.find(members, day=day, baseline_days=baseline_days, sigmas=sigmas,
                                           min_count=min_count)]
    new: list[Hotspot] = []
    async with uow:
        for tenant, finding in findings:
            if await _store_hotspot(uow, finding, tenant=tenant, now=now):
                new.append(await uow.session.get(Hotspot, hotspot_id(finding, tenant)))
                uow.emit(hotspot_detected(finding, tenant=tenant, now=now))
        await uow.commit()
    return new


def hotspot_detected(finding: hotspots.Finding, *, tenant: str, now: datetime) -> InsightHotspotDetectedV1:
    """The insight names the hotspot (its id is the message key) and its complaints; complaint_id, which every
    event must carry, is the latest complaint counted in the window, so that it names a real complaint."""
    return InsightHotspotDetectedV1(
        complaint_id=finding.complaint_ids[0], hotspot_id=hotspot_id(finding, tenant), tenant=tenant,
        complaint_ids=list(finding.complaint_ids[:EVENT_COMPLAINTS]), occurred_at=now, category=finding.value,
        dimension=finding.dimension, window_start=finding.window_start, window_end=finding.window_end,
        count=finding.count, expected=finding.expected)


async def _store_hotspot(uow: UnitOfWork, finding: hotspots.Finding, *, tenant: str, now: datetime) -> bool:
    statement = uow.database.insert(Hotspot.__table__).values(
        id=hotspot_id(finding, tenant), tenant=tenant, dimension=finding.dimension, value=finding.value,
        window_start=finding.window_start, window_end=finding.window_end, count=finding.count,
        expected=finding.expected, upper_limit=finding.limit, detected_at=now,
        complaint_ids=[str(cid) for cid in finding.complaint_ids],
    ).on_conflict_do_nothing()
    return (await uow.session.execute(statement)).rowcount == 1


async def list_hotspots(database: Database, *, tenant: str, start: datetime, end: datetime,
                        dimension: str | None = None) -> list[Any]:
    query = select(Hotspot.__table__).where(Hotspot.tenant == tenant, Hotspot.window_start >= start,
                                            Hotspot.window_start < end)
    if dimension is not None:
        query = query.where(Hotspot.dimension == dimension)
    async with database.reading() as connection:
        result = await connection.execute(query.order_by(Hotspot.window_start.desc(), Hotspot.count.desc()))
        return list(result.mappings().all())


async def known_tenants(database: Database) -> set[str]:
    """The tenants whose complaints the read model holds."""
    async with database.reading() as connection:
        return set((await connection.execute(select(ComplaintFact.tenant).distinct())).scalars())


async def claim(uow: UnitOfWork, *, job: str, key: str, holder: str, lease: timedelta, now: datetime) -> bool:
    """Take a piece of periodic work: free, or its lease ran out and nobody finished it."""
    async with uow:
        inserted = await uow.session.execute(uow.database.insert(AnalyticsClaim.__table__).values(
            job=job, key=key, holder=holder, lease_until=now + lease).on_conflict_do_nothing())
        taken = inserted.rowcount == 1
        if not taken:
            updated = await uow.session.execute(
                update(AnalyticsClaim).where(AnalyticsClaim.job == job, AnalyticsClaim.key == key,
                                             AnalyticsClaim.lease_until < now, AnalyticsClaim.done_at.is_(None))
                .values(holder=holder, lease_until=now + lease))
            taken = updated.rowcount == 1
        await uow.commit()
    return taken


async def finish(uow: UnitOfWork, *, job: str, key: str, now: datetime) -> None:
    async with uow:
        await uow.session.execute(update(AnalyticsClaim).where(AnalyticsClaim.job == job, AnalyticsClaim.key == key)
                                  .values(done_at=now))
        await uow.commit()
