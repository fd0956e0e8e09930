"""Filing submissions: idempotency, duplicates and repeats, the rows, the event and the acknowledgement.

Submissions that arrive while a transaction of filings is being written wait and are then filed together in the
next one (group commit): one transaction, one look-up of idempotency keys and of the customers' recent
complaints, one INSERT per table and one commit for the whole group, instead of each of those per request. Each
submission is still decided on its own and in arrival order, seeing the ones filed before it in the same group,
so answers are those of filing them one by one. Each filing carries its tenant: Idempotency-Keys and the
customers' earlier complaints are only ever matched within the filing's tenant, so one group may hold several.
If the group's commit fails on a unique key (another process filed the same Idempotency-Key, or a tracking
number clashed), its submissions are filed again one at a time.
"""

import asyncio
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4
from weakref import WeakKeyDictionary

from pydantic import ValidationError
from sqlalchemy import Table, insert
from sqlalchemy.exc import IntegrityError

from services.intake import domain
from services.intake.domain import Earlier
from services.intake.language import detect_language
from services.intake.models import Base, Complaint, IdempotentAnswer, Notification, PublicStep
from services.intake.notifications import domain as notices
from services.intake.notifications import service as notifications
from services.intake.schemas import AcknowledgementOut, BatchItemIn, BatchResultOut, ComplaintIn, ItemProblemOut
from services.intake.settings import IntakeSettings
from services.intake.tracking import new_tracking_number
from services.intake.uow import IntakeUow
from shared.contracts.complaint import ComplaintCustomerRepliedV1, ComplaintReceivedV1
from shared.db import Database
from shared.errors import DomainError
from shared.http import validation_problem
from shared.pii import mask_pii

log = logging.getLogger(__name__)

# Concurrent retries with one Idempotency-Key (or, rarely, a tracking-number clash) end in a unique-key
# violation for all but one; trying again finds the winner's answer (or draws a new number).
ATTEMPTS = 3
# Largest group in one transaction: a batch of 500 is written in a few, and no transaction grows unbounded.
MAX_GROUP = 200
# Complaints before the rows that refer to them.
INSERT_ORDER: tuple[Table, ...] = tuple(
    model.__table__ for model in (Complaint, PublicStep, Notification, IdempotentAnswer))


@dataclass(frozen=True)
class Answer:
    status_code: int
    body: str
    replayed: bool = False


@dataclass
class Filing:
    """One submission waiting to be filed; `outcome` gets its Answer, or the DomainError that refused it."""

    submission: ComplaintIn
    key: str | None
    request_hash: str
    tenant: str
    outcome: "asyncio.Future[Answer | DomainError]" = field(
        default_factory=lambda: asyncio.get_running_loop().create_future())


@dataclass
class _Queue:
    waiting: list[Filing] = field(default_factory=list)
    # Set while a group is being written: the next group forms from what arrives meanwhile.
    writing: "asyncio.Future[None] | None" = None


_queues: "WeakKeyDictionary[Database, _Queue]" = WeakKeyDictionary()


async def submit_complaint(uow: IntakeUow, submission: ComplaintIn, *, settings: IntakeSettings, tenant: str,
                           idempotency_key: str | None = None) -> Answer:
    """File a complaint of `tenant` (or link it to the customer's near-identical recent one) and acknowledge it."""
    filing = _filing(submission, idempotency_key, tenant=tenant, settings=settings)
    [outcome] = await file_all(uow, [filing], settings=settings)
    if isinstance(outcome, DomainError):
        raise outcome
    return outcome


def _filing(submission: ComplaintIn, idempotency_key: str | None, *, tenant: str, settings: IntakeSettings
            ) -> Filing:
    key = domain.check_idempotency_key(idempotency_key)
    if submission.callback_url is not None:
        domain.check_callback_url(str(submission.callback_url), policy=settings.callback_policy())
    # Only a request with a key is ever compared with another one.
    fingerprint = domain.request_hash(submission.model_dump(mode="json")) if key is not None else ""
    return Filing(submission, key, fingerprint, tenant)


async def submit_batch(uow: IntakeUow, items: list[object], *, settings: IntakeSettings, tenant: str
                       ) -> list[BatchResultOut]:
    """File each item as submit_complaint would; a bad item fails alone."""
    results: dict[int, BatchResultOut] = {}
    filings: dict[int, Filing] = {}
    for index, item in enumerate(items):
        try:
            parsed = BatchItemIn.model_validate(item)
            filings[index] = _filing(parsed.complaint, parsed.idempotency_key, tenant=tenant, settings=settings)
        except ValidationError as exc:
            results[index] = BatchResultOut(index=index, status=422, acknowledgement=None, problem=invalid_item(exc))
        except DomainError as exc:
            results[index] = _refused(index, exc)
    outcomes = await file_all(uow, list(filings.values()), settings=settings)
    for index, outcome in zip(filings, outcomes, strict=True):
        if isinstance(outcome, DomainError):
            results[index] = _refused(index, outcome)
        else:
            ack = AcknowledgementOut.model_validate_json(outcome.body)
            results[index] = BatchResultOut(index=index, status=outcome.status_code, acknowledgement=ack,
                                            problem=None)
    return [results[index] for index in range(len(items))]


def _refused(index: int, exc: DomainError) -> BatchResultOut:
    problem = ItemProblemOut(title=exc.title, detail=exc.detail)
    return BatchResultOut(index=index, status=int(exc.status), acknowledgement=None, problem=problem)


def invalid_item(exc: ValidationError) -> ItemProblemOut:
    detail, errors = validation_problem(exc.errors(), whole="item")
    return ItemProblemOut(title="Invalid request", detail=detail, errors=errors)


async def file_all(uow: IntakeUow, filings: list[Filing], *, settings: IntakeSettings) -> list[Answer | DomainError]:
    """Queue the filings and wait for their outcomes. Whoever finds no group being written writes the next one
    (with its own unit of work), so no background task is needed and a lone request waits for nobody."""
    queue = _queues.setdefault(uow.database, _Queue())
    queue.waiting.extend(filings)
    outcomes = [f.outcome for f in filings]
    while not all(o.done() for o in outcomes):
        if queue.writing is not None:
            await asyncio.wait([queue.writing, *(o for o in outcomes if not o.done())],
                               return_when=asyncio.FIRST_COMPLETED)
            continue
        # One turn of the event loop first, so that requests already read join this group rather than the next.
        await asyncio.sleep(0)
        if queue.writing is not None or all(o.done() for o in outcomes):
            continue
        # From here to the shielded task nothing awaits, so a cancelled request cannot leave the queue claimed.
        queue.writing = asyncio.get_running_loop().create_future()
        group, queue.waiting = queue.waiting[:MAX_GROUP], queue.waiting[MAX_GROUP:]
        # Shielded: a client that hangs up must not cancel the others' transaction halfway.
        writing = asyncio.ensure_future(_write_group(uow, group, settings=settings))
        writing.add_done_callback(lambda _, queue=queue: _next_turn(queue))
        await asyncio.shield(writing)
    return [o.result() for o in outcomes]


def _next_turn(queue: _Queue) -> None:
    done, queue.writing = queue.writing, None
    if done is not None:
        done.set_result(None)


async def _write_group(uow: IntakeUow, group: list[Filing], *, settings: IntakeSettings) -> None:
    try:
        try:
            outcomes = await _file_group(uow, group, settings=settings)
        except IntegrityError:
            log.info("unique-key clash in a group of %d filings; filing them one at a time", len(group))
            outcomes = [await _file_alone(uow, filing, settings=settings) for filing in group]
    except Exception as exc:
        for filing in group:
            filing.outcome.set_exception(exc)
        return
    for filing, outcome in zip(group, outcomes, strict=True):
        filing.outcome.set_result(outcome)


async def _file_alone(uow: IntakeUow, filing: Filing, *, settings: IntakeSettings) -> Answer | DomainError:
    for attempt in range(1, ATTEMPTS + 1):
        try:
            [outcome] = await _file_group(uow, [filing], settings=settings)
            return outcome
        except IntegrityError:
            if attempt == ATTEMPTS:
                raise
            log.info("unique-key clash while filing a complaint; trying again (%d)", attempt)
    raise AssertionError("unreachable")


@dataclass
class _Known:
    """What the group has looked up or filed so far: later filings in the group see earlier ones."""

    answers: dict[str, IdempotentAnswer]            # by stored key (domain.stored_idempotency_key)
    earlier: dict[tuple[str, str], list[Earlier]]   # by tenant and customer id
    filed: dict[UUID, Complaint] = field(default_factory=dict)
    # New rows by table, written with one INSERT … VALUES per table rather than through the ORM's flush, which
    # costs more per object than everything else in a filing (see docs/performance.md).
    rows: dict[Table, list[dict[str, Any]]] = field(default_factory=lambda: {table: [] for table in INSERT_ORDER})

    def insert(self, *objects: Base) -> None:
        for item in objects:
            table = item.__table__
            values = item.__dict__
            self.rows[table].append({column.key: values.get(column.key) for column in table.columns})

    async def write(self, uow: IntakeUow) -> None:
        for table, rows in self.rows.items():
            if rows:
                await uow.session.execute(insert(table), rows)


async def _file_group(uow: IntakeUow, group: list[Filing], *, settings: IntakeSettings
                      ) -> list[Answer | DomainError]:
    since = datetime.now(UTC) - max(timedelta(hours=settings.duplicate_window_hours),
                                    timedelta(days=settings.repeat_window_days))
    async with uow:
        known = _Known(
            answers=await uow.complaints.idempotent_answers({k for f in group if (k := _stored_key(f)) is not None}),
            earlier=defaultdict(list, await uow.complaints.earlier_of_customers(
                {(f.tenant, f.submission.customer.id) for f in group}, since=since)))
        outcomes = [await _file_one(uow, filing, known, settings=settings) for filing in group]
        await known.write(uow)
        await uow.commit()
    return outcomes


async def _file_one(uow: IntakeUow, filing: Filing, known: _Known, *, settings: IntakeSettings
                    ) -> Answer | DomainError:
    stored_key = _stored_key(filing)
    if stored_key is not None and (stored := known.answers.get(stored_key)) is not None:
        try:
            domain.check_idempotent_replay(stored_hash=stored.request_hash, new_hash=filing.request_hash,
                                           key=str(filing.key))
        except DomainError as exc:
            return exc
        return Answer(stored.status_code, stored.body, replayed=True)
    answer = await _file(uow, filing.submission, known, tenant=filing.tenant, settings=settings)
    if stored_key is not None:
        remembered = IdempotentAnswer(key=stored_key, request_hash=filing.request_hash,
                                      status_code=answer.status_code, body=answer.body, created_at=datetime.now(UTC))
        known.insert(remembered)
        known.answers[stored_key] = remembered
    return answer


def _stored_key(filing: Filing) -> str | None:
    return None if filing.key is None else domain.stored_idempotency_key(filing.key, tenant=filing.tenant)


async def _file(uow: IntakeUow, submission: ComplaintIn, known: _Known, *, tenant: str,
                settings: IntakeSettings) -> Answer:
    now = datetime.now(UTC)
    fingerprint = domain.complaint_fingerprint(customer_id=submission.customer.id, subject=submission.subject,
                                               description=submission.description)
    earlier = known.earlier[tenant, submission.customer.id]
    history = domain.relate_to_history(earlier, fingerprint=fingerprint, now=now,
                                       duplicate_window=timedelta(hours=settings.duplicate_window_hours),
                                       repeat_window=timedelta(days=settings.repeat_window_days))
    if history.duplicate_of is not None:
        original = known.filed.get(history.duplicate_of.id) or await uow.complaints.get(history.duplicate_of.id)
        return _link(uow, submission, known, original=original, now=now, fingerprint=fingerprint,
                     repeat=history.repeat, settings=settings)
    complaint = new_complaint(submission, now=now, fingerprint=fingerprint, repeat=history.repeat, tenant=tenant,
                              settings=settings)
    known.insert(complaint, public_step(complaint, kind=domain.RECEIVED, at=now))
    uow.emit(received_event(complaint))
    for notification in notifications.queue(uow, complaint, kind=notices.ACKNOWLEDGEMENT, at=now,
                                            data={"reply_by": complaint.expected_response_by.isoformat()}):
        uow.session.expunge(notification)
        known.insert(notification)
    earlier.append(Earlier(complaint.id, fingerprint, now, None, complaint.status))
    known.filed[complaint.id] = complaint
    return Answer(201, acknowledgement(complaint).model_dump_json())


def _link(uow: IntakeUow, submission: ComplaintIn, known: _Known, *, original: Complaint, now: datetime,
          fingerprint: str, repeat: bool, settings: IntakeSettings) -> Answer:
    """Keep the submission as its own record linked to the open complaint it repeats, add its words to that
    complaint's history, and tell the case's handlers that the customer wrote again. The answer names the
    original complaint, whose tracking number the customer goes on using."""
    linked = new_complaint(submission, now=now, fingerprint=fingerprint, repeat=repeat, tenant=original.tenant,
                           settings=settings, duplicate_of=original.id)
    words = f"{submission.subject}\n{submission.description}"
    known.insert(linked, public_step(original, kind="customer_reply", at=now, text=words))
    uow.emit(ComplaintCustomerRepliedV1(complaint_id=original.id, tenant=original.tenant, occurred_at=now,
                                        message=mask_pii(words)))
    return Answer(200, acknowledgement(original, duplicate_of=original.id, submission_id=linked.id).model_dump_json())


def new_complaint(submission: ComplaintIn, *, now: datetime, fingerprint: str, repeat: bool, tenant: str,
                  settings: IntakeSettings, duplicate_of: UUID | None = None) -> Complaint:
    customer = submission.customer
    return Complaint(
        id=uuid4(), tracking_number=new_tracking_number(), kind=submission.kind.value,
        channel=submission.channel.value, status=domain.LINKED if duplicate_of else domain.RECEIVED,
        external_ref=submission.external_ref,
        tenant=tenant, region=submission.region, location=submission.location, customer_id=customer.id,
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
        duplicate_of=duplicate_of, repeat=repeat, fingerprint=fingerprint,
    )


def received_event(complaint: Complaint) -> ComplaintReceivedV1:
    """The event other services see: the customer's id, tier and locale, and texts with contact data masked."""
    return ComplaintReceivedV1(
        complaint_id=complaint.id, occurred_at=complaint.received_at, tracking_number=complaint.tracking_number,
        kind=complaint.kind, channel=complaint.channel, customer_id=complaint.customer_id,
        customer_tier=complaint.customer_tier, locale=complaint.customer_locale, language=complaint.language,
        subject=mask_pii(complaint.subject), description=mask_pii(complaint.description),
        received_at=complaint.received_at, repeat=complaint.repeat, region=complaint.region,
        product_ref=complaint.product_ref, tenant=complaint.tenant,
    )


def acknowledgement(complaint: Complaint, *, duplicate_of: UUID | None = None,
                    submission_id: UUID | None = None) -> AcknowledgementOut:
    return AcknowledgementOut(
        id=complaint.id, tracking_number=complaint.tracking_number, status=complaint.status, kind=complaint.kind,
        channel=complaint.channel, language=complaint.language, received_at=complaint.received_at,
        acknowledged_at=complaint.acknowledged_at, expected_response_by=complaint.expected_response_by,
        duplicate_of=duplicate_of, repeat=complaint.repeat, submission_id=submission_id or complaint.id,
    )


def public_step(complaint: Complaint, *, kind: str, at: datetime, text: str | None = None) -> PublicStep:
    return PublicStep(id=uuid4(), complaint_id=complaint.id, at=at, kind=kind, status=complaint.status, text=text)

