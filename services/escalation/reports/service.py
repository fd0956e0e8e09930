"""SLA reports, read from a snapshot without write locks."""

from typing import Any

from services.escalation.reports.domain import GroupBy, attainment
from services.escalation.reports.repository import ReportFilter, clock_facts
from services.escalation.uow import EscalationUow


async def attainment_report(uow: EscalationUow, *, where: ReportFilter, group_by: GroupBy,
                            max_rows: int) -> list[dict[str, Any]]:
    async with uow.database.reading() as connection:
        facts = await clock_facts(connection, where)
    return attainment(facts, group_by)[:max_rows]
