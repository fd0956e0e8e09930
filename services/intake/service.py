"""Intake's use cases; the only place that commits."""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError

from services.intake import domain
from services.intake.language import detect_language
from services.intake.models import Complaint, IdempotentAnswer, PublicStep
from services.intake.repository import ComplaintFilter
from services.intake.schemas import AcknowledgementOut, BatchItemIn, BatchResultOut, ComplaintIn, ItemProblemOut
from services.intake.settings import IntakeSettings
from services.intake.tracking import new_tracking_number, normalise_tracking_number
from services.intake.uow import IntakeUow
from shared.contracts.complaint import ComplaintCustomerRepliedV1, ComplaintReceivedV1, ComplaintWithdrawnV1
from shared.errors import DomainError, InvalidInput
from shared.http import validation_problem
from shared.pii import mask_pii

log = logging.getLogger(__name__)

# Concurrent retries with one Idempotency-Key (or, rarely, a tracking-number clash) end in a unique-key
# violation for all but one; trying again finds the winner's answer (or draws a new number).
ATTEMPTS = 3


@dataclass(frozen=True)
class Answer:
    status_code: int
    body: str
    replayed: bool = False


async def submit_complaint(uow: IntakeUow, submission: ComplaintIn, *, settings: IntakeSettings,
                           idempotency_key: str | None = None) -> Answer:
    """File a complaint (or link it to the customer's near-identical recent one) and acknowledge it."""
    key = domain.check_idempotency_key(idempotency_key)
    fingerprint = domain.request_hash(submission.model_dump(mode="json"))
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return await _submit_once(uow, submission, settings=settings, key=key, request_hash=fingerprint)
        except IntegrityError:
            if attempt == ATTEMPTS:
                raise
            log.info("unique-key clash while filing a complaint; trying again (%d)", attempt)
    raise AssertionError("unreachable")


async def submit_batch(uow: IntakeUow, items: list[object], *, settings: IntakeSettings) -> list[BatchResultOut]:
    """File each item as submit_complaint would, each in its own transaction: a bad item fails alone."""
    return [await _submit_item(uow, index, item, settings=settings) for index, item in enumerate(items)]


async def _submit_item(uow: IntakeUow, index: int, item: object, *, settings: IntakeSettings) -> BatchResultOut:
    try:
        parsed = BatchItemIn.model_validate(item)
        answer = await submit_complaint(uow, parsed.complaint, settings=settings,
                                        idempotency_key=parsed.idempotency_key)
    except ValidationError as exc:
        return BatchResultOut(index=index, status=422, acknowledgement=None, problem=invalid_item(exc))
    except DomainError as exc:
        problem = ItemProblemOut(title=exc.title, detail=exc.detail)
        return BatchResultOut(index=index, status=int(exc.status), acknowledgement=None, problem=problem)
    ack = AcknowledgementOut.model_validate_json(answer.body)
    return BatchResultOut(index=index, status=answer.status_code, acknowledgement=ack, problem=None)


def invalid_item(exc: ValidationError) -> ItemProblemOut:
    detail, errors = validation_problem(exc.errors(), whole="item")
    return ItemProblemOut(title="Invalid request", detail=detail, errors=errors)


async def _submit_once(uow: IntakeUow, submission: ComplaintIn, *, settings: IntakeSettings, key: str | None,
                       request_hash: str) -> Answer:
    async with uow:
        if key is not None:
            stored = await uow.complaints.idempotent_answer(key)
            if stored is not None:
                domain.check_idempotent_replay(stored_hash=stored.request_hash, new_hash=request_hash, key=key)
                return Answer(stored.status_code, stored.body, replayed=True)
        answer = await _file(uow, submission, settings=settings)
        if key is not None:
            uow.complaints.remember_answer(IdempotentAnswer(
                key=key, request_hash=request_hash, status_code=answer.status_code, body=answer.body,
                created_at=datetime.now(UTC)))
        await uow.commit()
    return answer


async def _file(uow: IntakeUow, submission: ComplaintIn, *, settings: IntakeSettings) -> Answer:
    now = datetime.now(UTC)
    fingerprint = domain.complaint_fingerprint(customer_id=submission.customer.id, subject=submission.subject,
                                               description=submission.description)
    duplicate_window = timedelta(hours=settings.duplicate_window_hours)
    repeat_window = timedelta(days=settings.repeat_window_days)
    earlier = await uow.complaints.earlier_of_customer(submission.customer.id,
                                                       since=now - max(duplicate_window, repeat_window))
    history = domain.relate_to_history(earlier, fingerprint=fingerprint, now=now,
                                       duplicate_window=duplicate_window, repeat_window=repeat_window)
    if history.duplicate_of is not None:
        existing = await uow.complaints.get(history.duplicate_of.id)
        return Answer(200, acknowledgement(existing, duplicate_of=existing.id).model_dump_json())
    complaint = new_complaint(submission, now=now, fingerprint=fingerprint, repeat=history.repeat,
                              settings=settings)
    uow.complaints.add(complaint)
    uow.complaints.add_step(public_step(complaint, kind=domain.RECEIVED, at=now))
    uow.emit(received_event(complaint))
    return Answer(201, acknowledgement(complaint).model_dump_json())


def new_complaint(submission: ComplaintIn, *, now: datetime, fingerprint: str, repeat: bool,
                  settings: IntakeSettings) -> Complaint:
    customer = submission.customer
    return Complaint(
        id=uuid4(), tracking_number=new_tracking_number(), kind=submission.kind.value,
        channel=submission.channel.value, status=domain.RECEIVED, external_ref=submission.external_ref,
        region=submission.region, location=submission.location, customer_id=customer.id,
        customer_name=customer.name, customer_email=customer.email, customer_phone=customer.phone,
        customer_tier=customer.tier, customer_locale=customer.locale, subject=submission.subject,
        description=submission.description,
        language=submission.language or detect_language(f"{submission.subject}\n{submission.description}"),
        product_ref=submission.product_ref, occurred_at=submission.occurred_at,
        remedy_sought=submission.remedy_sought,
        attachments=[a.model_dump(mode="json") for a in submission.attachments],
        consent=submission.consent.model_dump(), callback_url=str(submission.callback_url or "") or None,
        received_at=now, acknowledged_at=now,
        expected_response_by=domain.expected_response_by(now, promise_hours=settings.first_response_promise_hours),
        duplicate_of=None, repeat=repeat, fingerprint=fingerprint,
    )


def received_event(complaint: Complaint) -> ComplaintReceivedV1:
    """The event other services see: the customer's id, tier and locale, and texts with contact data masked."""
    return ComplaintReceivedV1(
        complaint_id=complaint.id, occurred_at=complaint.received_at, tracking_number=complaint.tracking_number,
        kind=complaint.kind, channel=complaint.channel, customer_id=complaint.customer_id,
        customer_tier=complaint.customer_tier, locale=complaint.customer_locale, language=complaint.language,
        subject=mask_pii(complaint.subject), description=mask_pii(complaint.description),
        received_at=complaint.received_at, repeat=complaint.repeat, region=complaint.region,
        product_ref=complaint.product_ref,
    )


def acknowledgement(complaint: Complaint, *, duplicate_of: UUID | None = None) -> AcknowledgementOut:
    return AcknowledgementOut(
        id=complaint.id, tracking_number=complaint.tracking_number, status=complaint.status, kind=complaint.kind,
        channel=complaint.channel, language=complaint.language, received_at=complaint.received_at,
        acknowledged_at=complaint.acknowledged_at, expected_response_by=complaint.expected_response_by,
        duplicate_of=duplicate_of, repeat=complaint.repeat,
    )


async def get_complaint(uow: IntakeUow, complaint_id: UUID) -> Complaint:
    async with uow:
        return await uow.complaints.get(complaint_id)


async def list_complaints(uow: IntakeUow, where: ComplaintFilter, *, limit: int, cursor: str | None
                          ) -> tuple[list[Complaint], str | None]:
    async with uow:
        return await uow.complaints.page(where, limit=limit, cursor=cursor)


async def _verified_complaint(uow: IntakeUow, tracking_number: str, verification: str) -> Complaint:
    try:
        canonical = normalise_tracking_number(tracking_number)
    except ValueError as exc:
        raise InvalidInput(str(exc), tracking_number=tracking_number[:40]) from None
    complaint = await uow.complaints.by_tracking_number(canonical)
    if complaint is None or not domain.verified(given=verification, email=complaint.customer_email,
                                                phone=complaint.customer_phone):
        raise domain.NotVerified()
    return complaint


async def track(uow: IntakeUow, tracking_number: str, *, verification: str) -> tuple[Complaint, list[PublicStep]]:
    async with uow:
        complaint = await _verified_complaint(uow, tracking_number, verification)
        return complaint, await uow.complaints.steps_of(complaint.id)


async def reply_as_customer(uow: IntakeUow, tracking_number: str, *, verification: str, message: str) -> None:
    """The customer adds a reply or information; the case's handlers get it masked."""
    async with uow:
        complaint = await _verified_complaint(uow, tracking_number, verification)
        domain.check_open(complaint.status, action="customer reply")
        now = datetime.now(UTC)
        uow.complaints.add_step(public_step(complaint, kind="customer_reply", at=now, text=message))
        uow.emit(ComplaintCustomerRepliedV1(complaint_id=complaint.id, occurred_at=now, message=mask_pii(message)))
        await uow.commit()


async def withdraw(uow: IntakeUow, tracking_number: str, *, verification: str, reason: str | None) -> None:
    async with uow:
        complaint = await _verified_complaint(uow, tracking_number, verification)
        domain.check_open(complaint.status, action=domain.WITHDRAWN)
        now = datetime.now(UTC)
        complaint.status = domain.WITHDRAWN
        uow.complaints.add_step(public_step(complaint, kind=domain.WITHDRAWN, at=now, text=reason))
        uow.emit(ComplaintWithdrawnV1(complaint_id=complaint.id, occurred_at=now,
                                      reason=mask_pii(reason) if reason else None))
        await uow.commit()


def public_step(complaint: Complaint, *, kind: str, at: datetime, text: str | None = None) -> PublicStep:
    return PublicStep(id=uuid4(), complaint_id=complaint.id, at=at, kind=kind, status=complaint.status, text=text)
