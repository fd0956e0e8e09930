"""Routing's and intake's events for one complaint, as they arrive at escalation."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from shared.contracts.complaint import (
    Channel,
    ComplaintClassifiedV1,
    ComplaintReceivedV1,
    ComplaintResolvedV1,
    ComplaintRespondedV1,
    ComplaintStatusChangedV1,
    Priority,
    Status,
)


def received(complaint_id: UUID, *, at: datetime | None = None, **fields: Any) -> ComplaintReceivedV1:
    at = at or datetime.now(UTC)
    return ComplaintReceivedV1(**{
        "complaint_id": complaint_id, "occurred_at": at, "tracking_number": f"T{complaint_id.hex[:10]}",
        "channel": Channel.WEB, "customer_id": "c-1", "subject": "broken", "description": "it broke",
        "received_at": at, **fields})


def classified(complaint_id: UUID, *, category: str, priority: Priority = Priority.NORMAL, severity: int = 2,
               **fields: Any) -> ComplaintClassifiedV1:
    return ComplaintClassifiedV1(complaint_id=complaint_id, category=category, priority=priority,
                                 severity=severity, confidence=0.9, **fields)


def status(complaint_id: UUID, from_status: Status, to_status: Status) -> ComplaintStatusChangedV1:
    return ComplaintStatusChangedV1(complaint_id=complaint_id, from_status=from_status, to_status=to_status)


def responded(complaint_id: UUID, *, first: bool = True) -> ComplaintRespondedV1:
    return ComplaintRespondedV1(complaint_id=complaint_id, message="we are on it", first_response=first)


def resolved(complaint_id: UUID) -> ComplaintResolvedV1:
    return ComplaintResolvedV1(complaint_id=complaint_id, resolution="refunded")


def fast_policy(category: str, *, first_response_s: float = 3600, resolution_s: float = 7200,
                thresholds: list[int] | None = None, position: int = 0) -> dict[str, Any]:
    """A policy on round-the-clock time for one test's category, with targets of seconds when asked."""
    def target(seconds: float) -> dict[str, Any]:
        return {"minutes": seconds / 60, "business_hours": False, "calendar": "24x7"}
    return {"id": f"fast-{category}", "name": f"fast {category}", "position": position,
            "conditions": {"category": [category]}, "warning_thresholds": thresholds or [75, 90],
            "targets": {"first_response": target(first_response_s), "resolution": target(resolution_s)}}


def new_id() -> UUID:
    return uuid4()


def ago(seconds: float) -> datetime:
    return datetime.now(UTC) - timedelta(seconds=seconds)
