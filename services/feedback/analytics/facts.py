"""The KPI read model's entry point: every event the feedback service consumes updates the complaint's fact.

Called by the service's event handlers inside their transaction (the handler's unit of work commits)."""

from services.feedback.analytics import domain
from services.feedback.analytics.repository import FactRepository, to_fact
from shared.contracts import Event
from shared.db import UnitOfWork


async def record_fact(event: Event, uow: UnitOfWork) -> None:
    """Apply `event` to its complaint's fact; an identical event applied before changes nothing."""
    if not domain.concerns_a_complaint(event):
        return
    facts = FactRepository(uow.session, uow.database)
    if not await facts.first_time(event):
        return
    row = await facts.lock(event.complaint_id, tenant=event.tenant, seen_at=event.occurred_at)
    facts.save(row, domain.apply(to_fact(row), event))
    answer = domain.answer_of(event)
    if answer is not None:
        await facts.add_answer(event.complaint_id, answer)
