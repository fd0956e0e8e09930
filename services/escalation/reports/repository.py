"""The clocks a report counts, with the team and category of their complaint."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.escalation.models import SlaClock, SlaComplaint
from services.escalation.reports.domain import ClockFact


@dataclass(frozen=True)
class ReportFilter:
    tenant: str  # a report counts only the caller's tenant's clocks
    started_from: datetime | None = None
    started_to: datetime | None = None
    policy_id: str | None = None
    team_id: str | None = None
    category: str | None = None
    target: str | None = None


async def clock_facts(connection: AsyncConnection, where: ReportFilter) -> list[ClockFact]:
    query = (select(SlaClock.policy_id, SlaComplaint.team_id, SlaComplaint.category, SlaClock.target,
                    SlaClock.state, SlaClock.met, SlaClock.breached_at.is_not(None), SlaClock.started_at,
                    SlaClock.elapsed_s)
             .join(SlaComplaint, SlaComplaint.id == SlaClock.complaint_id)
             .where(SlaClock.tenant == where.tenant))
    conditions = {SlaClock.policy_id: where.policy_id, SlaComplaint.team_id: where.team_id,
                  SlaComplaint.category: where.category, SlaClock.target: where.target}
    for column, value in conditions.items():
        if value is not None:
            query = query.where(column == value)
    if where.started_from is not None:
        query = query.where(SlaClock.started_at >= where.started_from)
    if where.started_to is not None:
        query = query.where(SlaClock.started_at < where.started_to)
    rows = await connection.execute(query)
    return [ClockFact(*row) for row in rows]
