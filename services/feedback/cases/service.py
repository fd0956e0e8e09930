"""Use cases that learn a complaint from the events about it. They run inside the event handler's unit of work,
which commits them together with the inbox row (and the analytics fact)."""

from datetime import UTC, datetime

from services.feedback.surveys.service import cancel_open_survey, schedule_survey
from services.feedback.uow import FeedbackUow
from shared.contracts.complaint import (
    ComplaintMergedV1,
    ComplaintReceivedV1,
    ComplaintResolvedV1,
    ComplaintStatusChangedV1,
    ComplaintWithdrawnV1,
    Status,
)

# Leaving `resolved` for one of these makes an unanswered survey meaningless.
ENDS_THE_SURVEY = (Status.REOPENED, Status.WITHDRAWN)


async def learn_received(uow: FeedbackUow, event: ComplaintReceivedV1) -> None:
    case = await uow.cases.get_or_add(event.complaint_id, tenant=event.tenant, now=datetime.now(UTC))
    case.tracking_number, case.locale, case.language = event.tracking_number, event.locale, event.language
    case.status = case.status or Status.RECEIVED
    case.updated_at = datetime.now(UTC)


async def learn_resolved(uow: FeedbackUow, event: ComplaintResolvedV1) -> None:
    """Records the resolution and schedules its survey (none while an earlier one is still open)."""
    case = await uow.cases.get_or_add(event.complaint_id, tenant=event.tenant, now=datetime.now(UTC))
    case.status, case.resolutions, case.resolved_at = Status.RESOLVED, case.resolutions + 1, event.occurred_at
    case.team_id, case.agent_id, case.updated_at = event.team_id, event.agent_id, datetime.now(UTC)
    await schedule_survey(uow, case, resolved_at=event.occurred_at)


async def learn_status(uow: FeedbackUow, event: ComplaintStatusChangedV1) -> None:
    case = await uow.cases.get_or_add(event.complaint_id, tenant=event.tenant, now=datetime.now(UTC))
    case.status, case.updated_at = event.to_status, datetime.now(UTC)
    if event.from_status == Status.RESOLVED and event.to_status in ENDS_THE_SURVEY:
        await cancel_open_survey(uow, event.complaint_id)


async def learn_ended(uow: FeedbackUow, event: ComplaintWithdrawnV1 | ComplaintMergedV1) -> None:
    case = await uow.cases.get_or_add(event.complaint_id, tenant=event.tenant, now=datetime.now(UTC))
    case.status, case.updated_at = Status.WITHDRAWN if isinstance(event, ComplaintWithdrawnV1) else Status.CLOSED, \
        datetime.now(UTC)
    await cancel_open_survey(uow, event.complaint_id)
