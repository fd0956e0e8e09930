"""The audit of changes to policies, calendars and the ladder: who, what, before, after, when."""

from datetime import datetime
from typing import Any
from uuid import uuid4

from services.escalation.models import AuditEntry
from services.escalation.uow import EscalationUow


def record(uow: EscalationUow, *, entity: str, entity_id: str, action: str, actor: str,
           before: dict[str, Any] | None, after: dict[str, Any] | None, now: datetime) -> None:
    """Add an audit entry to the unit of work; it commits with the change it describes. It goes both into
    sla_audit, which GET /v1/sla/audit answers from, and into the service's hash-chained audit log."""
    uow.policies.add(AuditEntry(id=uuid4(), entity=entity, entity_id=entity_id, action=action, actor=actor,
                                before=before, after=after, at=now))
    uow.record_change(actor=actor, action=action, entity=entity, entity_id=entity_id, before=before, after=after,
                      at=now)
