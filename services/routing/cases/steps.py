"""Steps every use case on a case takes: write its history, move its status (with the status-changed event).
They never commit: the use case that calls them does."""

from datetime import datetime
from typing import Any
from uuid import uuid4

from services.routing import domain
from services.routing.cases.models import Case, CaseEntry
from services.routing.uow import RoutingUow
from shared.contracts.complaint import ERASED_TEXT, ComplaintStatusChangedV1, Status

# Actors of steps that events cause, not staff: their steps stay out of the audit log (a customer's reply
# would bring its text along).
NOT_STAFF = frozenset({"customer", "feedback", "escalation"})


def record(uow: RoutingUow, case: Case, kind: str, *, at: datetime, actor: str | None = None,
           text: str | None = None, **data: Any) -> None:
    """Write a step of the case's history; a step staff took goes into the audit log as well."""
    details = {k: v for k, v in data.items() if v is not None}
    if text is not None and case.subject == ERASED_TEXT:  # an event that arrives after the erasure brings no text
        text = ERASED_TEXT
    uow.cases.add(CaseEntry(id=uuid4(), complaint_id=case.id, at=at, kind=kind, actor=actor, text=text,
                            data=details))
    if actor is not None and actor not in NOT_STAFF:
        uow.record_change(actor=actor, action=kind, entity="case", entity_id=case.id, before=None,
                          after={"text": text, **details} if text else details, at=at, tenant=case.tenant)


def move(uow: RoutingUow, case: Case, target: Status, *, at: datetime, actor: str | None = None,
         reason: str | None = None) -> None:
    """Advance the case's status (IllegalTransition, 409, if the lifecycle forbids it) and announce it."""
    current = Status(case.status)
    _set_status(uow, case, domain.advance(current, target), current=current, at=at, actor=actor, reason=reason)


def close_duplicate(uow: RoutingUow, case: Case, *, at: datetime, actor: str | None, reason: str) -> None:
    current = Status(case.status)
    _set_status(uow, case, domain.close_as_duplicate(current), current=current, at=at, actor=actor, reason=reason)


def _set_status(uow: RoutingUow, case: Case, target: Status, *, current: Status, at: datetime, actor: str | None,
                reason: str | None) -> None:
    case.status = target
    case.updated_at = at
    uow.emit(ComplaintStatusChangedV1(complaint_id=case.id, tenant=case.tenant, from_status=current, to_status=target,
                                      reason=reason, occurred_at=at))
    record(uow, case, "status", at=at, actor=actor, text=reason, from_status=current, to_status=target)
