"""Events the intake service consumes, each mapped to the handler that turns it into a use case: the other
services' events become the customer's view of the complaint and the messages the customer is sent."""

from services.intake.erasure import service as erasure
from services.intake.notifications import domain as notices
from services.intake.projection import domain, service
from services.intake.uow import IntakeUow
from shared.contracts import Event
from shared.contracts.complaint import (
    ComplaintAssignedV1,
    ComplaintErasureConfirmedV1,
    ComplaintEscalatedV1,
    ComplaintInformationRequestedV1,
    ComplaintMergedV1,
    ComplaintResolvedV1,
    ComplaintRespondedV1,
    ComplaintStatusChangedV1,
)
from shared.contracts.feedback import SurveyRequestedV1
from shared.contracts.sla import (
    SlaCancelledV1,
    SlaFulfilledV1,
    SlaPausedV1,
    SlaRecalculatedV1,
    SlaResumedV1,
    SlaStartedV1,
)
from shared.messaging.consumer import Handler


async def on_status_changed(event: ComplaintStatusChangedV1, uow: IntakeUow) -> None:
    await service.change_status(uow, complaint_id=event.complaint_id, to_status=event.to_status,
                                at=event.occurred_at)


async def on_assigned(event: ComplaintAssignedV1, uow: IntakeUow) -> None:
    # A team-level step: the customer is never told who the agent is.
    moved = event.previous_team_id is not None and event.previous_team_id != event.team_id
    await service.record_step(uow, complaint_id=event.complaint_id, kind="transferred" if moved else "assigned",
                              at=event.occurred_at)


async def on_responded(event: ComplaintRespondedV1, uow: IntakeUow) -> None:
    await service.record_step(uow, complaint_id=event.complaint_id, kind="reply", at=event.occurred_at,
                              text=event.message, notify=notices.REPLY, data={"message": event.message})


async def on_information_requested(event: ComplaintInformationRequestedV1, uow: IntakeUow) -> None:
    await service.record_step(uow, complaint_id=event.complaint_id, kind="information_request",
                              at=event.occurred_at, text=event.message, notify=notices.INFORMATION_REQUEST,
                              data={"message": event.message})


async def on_resolved(event: ComplaintResolvedV1, uow: IntakeUow) -> None:
    await service.resolve(uow, complaint_id=event.complaint_id, resolution=event.resolution, at=event.occurred_at)


async def on_escalated(event: ComplaintEscalatedV1, uow: IntakeUow) -> None:
    await service.escalate(uow, complaint_id=event.complaint_id, at=event.occurred_at)


async def on_merged(event: ComplaintMergedV1, uow: IntakeUow) -> None:
    await service.merge(uow, complaint_id=event.complaint_id, into=event.into_complaint_id, at=event.occurred_at)


async def on_sla_running(event: SlaStartedV1 | SlaResumedV1, uow: IntakeUow) -> None:
    await service.promise(uow, complaint_id=event.complaint_id, target=event.target, due_at=event.due_at,
                          state=domain.RUNNING, at=event.occurred_at)


async def on_sla_paused(event: SlaPausedV1, uow: IntakeUow) -> None:
    await service.promise(uow, complaint_id=event.complaint_id, target=event.target, due_at=event.due_at,
                          state=domain.PAUSED, at=event.occurred_at)


async def on_sla_recalculated(event: SlaRecalculatedV1, uow: IntakeUow) -> None:
    # A policy change moved the promise: the customer sees the new date.
    await service.promise(uow, complaint_id=event.complaint_id, target=event.target, due_at=event.due_at,
                          state=domain.PAUSED if event.paused else domain.RUNNING, at=event.occurred_at)


async def on_sla_fulfilled(event: SlaFulfilledV1, uow: IntakeUow) -> None:
    await service.promise(uow, complaint_id=event.complaint_id, target=event.target, due_at=event.due_at,
                          state=domain.FULFILLED, at=event.occurred_at)


async def on_sla_cancelled(event: SlaCancelledV1, uow: IntakeUow) -> None:
    await service.promise(uow, complaint_id=event.complaint_id, target=event.target, due_at=event.due_at,
                          state=domain.CANCELLED, at=event.occurred_at)


async def on_survey_requested(event: SurveyRequestedV1, uow: IntakeUow) -> None:
    data = {"survey_url": event.survey_url, "expires_at": event.expires_at.isoformat(), "reminder": event.reminder}
    await service.record_step(uow, complaint_id=event.complaint_id, kind="survey", at=event.occurred_at,
                              text=event.survey_url, notify=notices.SURVEY, data=data, language=event.language)


async def on_erasure_confirmed(event: ComplaintErasureConfirmedV1, uow: IntakeUow) -> None:
    await erasure.confirm(uow, complaint_id=event.complaint_id, service=event.service, at=event.occurred_at)


HANDLERS: dict[type[Event], Handler] = {
    ComplaintStatusChangedV1: on_status_changed,
    ComplaintAssignedV1: on_assigned,
    ComplaintRespondedV1: on_responded,
    ComplaintInformationRequestedV1: on_information_requested,
    ComplaintResolvedV1: on_resolved,
    ComplaintEscalatedV1: on_escalated,
    ComplaintMergedV1: on_merged,
    SlaStartedV1: on_sla_running,
    SlaResumedV1: on_sla_running,
    SlaPausedV1: on_sla_paused,
    SlaRecalculatedV1: on_sla_recalculated,
    SlaFulfilledV1: on_sla_fulfilled,
    SlaCancelledV1: on_sla_cancelled,
    SurveyRequestedV1: on_survey_requested,
    ComplaintErasureConfirmedV1: on_erasure_confirmed,
}
