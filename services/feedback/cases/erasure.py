"""Erasure of the free texts feedback keeps about a complaint, when intake has erased its personal data
(complaint.erased): the complaint's words in the KPI read model, survey comments and follow-up notes. Scores,
dates and categories stay, so KPIs still count the complaint. Repeating it changes nothing; each time,
complaint.erasure-confirmed tells intake, which reports the erasure's completion per service."""

from uuid import UUID

from sqlalchemy import update

from services.feedback.analytics.models import ComplaintFact
from services.feedback.evaluations.models import Evaluation
from services.feedback.followups.models import FollowUpTask
from services.feedback.uow import FeedbackUow
from shared.contracts.complaint import ERASED_TEXT, ComplaintErasureConfirmedV1


async def erase_complaint(uow: FeedbackUow, *, complaint_id: UUID, tenant: str) -> None:
    async with uow:
        run = uow.session.execute
        await run(update(ComplaintFact).where(ComplaintFact.complaint_id == complaint_id,
                                              ComplaintFact.subject.is_not(None)).values(subject=ERASED_TEXT))
        await run(update(ComplaintFact).where(ComplaintFact.complaint_id == complaint_id,
                                              ComplaintFact.description.is_not(None))
                  .values(description=ERASED_TEXT))
        await run(update(Evaluation).where(Evaluation.complaint_id == complaint_id, Evaluation.comment.is_not(None))
                  .values(comment=ERASED_TEXT))
        await run(update(FollowUpTask).where(FollowUpTask.complaint_id == complaint_id,
                                             FollowUpTask.notes.is_not(None)).values(notes=ERASED_TEXT))
        uow.emit(ComplaintErasureConfirmedV1(complaint_id=complaint_id, service=uow.source, tenant=tenant))
        await uow.commit()
