"""What erasure changes, free of I/O: which fields of a complaint are personal data, which complaints the
retention period has run out for, and how far a customer's erasure has come in each service."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from shared.contracts.complaint import ERASED_TEXT, Status

REQUEST, RETENTION = "request", "retention"
# Statuses after which nothing more happens to a complaint: the retention period runs from the last change.
ENDED_STATUSES = frozenset({Status.RESOLVED, Status.CLOSED, Status.WITHDRAWN})
# A notification's payload after erasure; the message it carried (and the customer's name) is gone.
ERASED_PAYLOAD: dict[str, Any] = {"erased": True}
ERASED_NOTIFICATION_ERROR = "not sent: the complaint's personal data was erased"


def erased_fields(*, remedy_sought: str | None) -> dict[str, Any]:
    """The complaint's columns after erasure. Contact data becomes null; the texts the customer wrote become the
    marker (they are required columns); where the customer is and what they attached go as well. Status, dates,
    channel, kind, category-relevant fields (region, product, tier, locale) stay so that KPIs still count."""
    return {
        "customer_name": None, "customer_email": None, "customer_phone": None,
        "subject": ERASED_TEXT, "description": ERASED_TEXT,
        "remedy_sought": None if remedy_sought is None else ERASED_TEXT,
        "location": None, "attachments": [],
    }


def retention_cutoff(now: datetime, *, retention_days: int) -> datetime | None:
    """Complaints that ended before this moment are erased; None when complaints are kept for ever (0 days)."""
    if retention_days <= 0:
        return None
    return now - timedelta(days=retention_days)


@dataclass(frozen=True)
class RetentionRule:
    """Ended complaints of `tenant` are kept `days` days (0: for ever); a rule without a tenant covers every
    tenant except those in `excluding`, which have rules of their own."""

    days: int
    tenant: str | None = None
    excluding: frozenset[str] = frozenset()


def retention_rules(default_days: int, by_tenant: Mapping[str, int]) -> list[RetentionRule]:
    """One rule per tenant with a schedule of its own, then the default for all the others."""
    own = [RetentionRule(days, tenant=tenant) for tenant, days in sorted(by_tenant.items())]
    return [*own, RetentionRule(default_days, excluding=frozenset(by_tenant))]


# The services that keep texts of a complaint and confirm each erasure (complaint.erasure-confirmed).
CONFIRMING_SERVICES = ("routing", "escalation", "feedback")
DONE, PENDING = "done", "pending"


@dataclass(frozen=True)
class ComplaintErasure:
    """How far the erasure of one complaint has come: erased here, and which services have confirmed theirs."""
    complaint_id: UUID
    tracking_number: str
    erased: bool
    confirmed: dict[str, datetime]


def progress(complaints: Sequence[ComplaintErasure]) -> dict[str, str]:
    """Per service, done when it has erased every complaint of the customer (intake: its own rows)."""
    states = {"intake": DONE if all(c.erased for c in complaints) else PENDING}
    for service in CONFIRMING_SERVICES:
        states[service] = DONE if all(c.erased and service in c.confirmed for c in complaints) else PENDING
    return states
