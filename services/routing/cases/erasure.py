"""Erasure of a case's free texts when intake has erased the complaint's personal data (complaint.erased).

Everything people wrote about the case (the complaint's words, history, notes, tasks, responses, resolution)
becomes the marker; statuses, categories, teams, agents and dates stay for reports. The texts kept to retrain
the classifier are deleted: a label of "[erased]" would only teach it noise. Repeating it changes nothing; each time,
complaint.erasure-confirmed tells intake, which reports the erasure's completion per service."""

from uuid import UUID

from sqlalchemy import delete, update

from services.routing.cases.models import Case, CaseEntry, CaseNote, CaseResponse, CaseTask, TriageLabel
from services.routing.uow import RoutingUow
from shared.contracts.complaint import ERASED_TEXT, ComplaintErasureConfirmedV1


async def erase_case(uow: RoutingUow, *, complaint_id: UUID, tenant: str) -> None:
    async with uow:
        run = uow.session.execute
        await run(update(Case).where(Case.id == complaint_id)
                  .values(subject=ERASED_TEXT, description=ERASED_TEXT))
        await run(update(Case).where(Case.id == complaint_id, Case.resolution.is_not(None))
                  .values(resolution=ERASED_TEXT))
        await run(update(CaseEntry).where(CaseEntry.complaint_id == complaint_id, CaseEntry.text.is_not(None))
                  .values(text=ERASED_TEXT))
        await run(update(CaseNote).where(CaseNote.complaint_id == complaint_id).values(text=ERASED_TEXT))
        await run(update(CaseTask).where(CaseTask.complaint_id == complaint_id).values(title=ERASED_TEXT))
        await run(update(CaseTask).where(CaseTask.complaint_id == complaint_id, CaseTask.outcome.is_not(None))
                  .values(outcome=ERASED_TEXT))
        await run(update(CaseResponse).where(CaseResponse.complaint_id == complaint_id).values(message=ERASED_TEXT))
        await run(update(CaseResponse).where(CaseResponse.complaint_id == complaint_id,
                                             CaseResponse.decision_note.is_not(None))
                  .values(decision_note=ERASED_TEXT))
        await run(delete(TriageLabel).where(TriageLabel.complaint_id == complaint_id))
        uow.emit(ComplaintErasureConfirmedV1(complaint_id=complaint_id, tenant=tenant, service=uow.source))
        await uow.commit()
