"""The tracking page's data: a complaint, its public steps and promised dates, in the customer's words."""

from services.intake.models import PublicStep
from services.intake.projection import domain
from services.intake.schemas import EscalationOut, StepOut, TrackingOut
from services.intake.service import Tracked


def tracking_view(tracked: Tracked, *, requested_language: str | None = None) -> TrackingOut:
    complaint = tracked.complaint
    language = domain.language_of(requested=requested_language, locale=complaint.customer_locale,
                                  language=complaint.language)
    merged = complaint.merged_into is not None
    status = domain.customer_status(complaint.status, merged=merged)
    promises = {p.target: (p.due_at, p.state) for p in tracked.promises}
    return TrackingOut(
        tracking_number=complaint.tracking_number, status=status,
        status_text=domain.status_label(status, language=language), language=language, kind=complaint.kind,
        channel=complaint.channel, subject=complaint.subject, received_at=complaint.received_at,
        expected_response_by=complaint.expected_response_by, reply_by=domain.reply_by(promises),
        resolve_by=domain.resolve_by(promises), awaiting_your_reply=status == domain.AWAITING_YOU,
        escalation=EscalationOut(requested_at=complaint.escalation_requested_at,
                                 escalated_at=complaint.escalated_at),
        history=[_step(step, language, merged=merged) for step in tracked.steps],
    )


def _step(step: PublicStep, language: str, *, merged: bool) -> StepOut:
    merged_now = merged and step.kind == "merged"
    return StepOut(at=step.at, kind=step.kind, title=domain.step_title(step.kind, language=language),
                   status=domain.customer_status(step.status, merged=merged_now), text=step.text)
