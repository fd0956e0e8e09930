"""The SLA family: clocks escalation keeps per complaint and target, on `redress.sla.v1`."""

from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from pydantic import Field

from shared.contracts.base import Event

TOPIC = "redress.sla.v1"


class SlaTarget(StrEnum):
    FIRST_RESPONSE = "first_response"
    NEXT_RESPONSE = "next_response"
    PERIODIC_UPDATE = "periodic_update"
    RESOLUTION = "resolution"


class _SlaEvent(Event):
    topic: ClassVar[str] = TOPIC

    target: SlaTarget
    policy_id: str
    due_at: datetime


class SlaStartedV1(_SlaEvent):
    ce_type: ClassVar[str] = "redress.sla.started.v1"
    emitted_by: ClassVar[str] = "escalation, when a clock starts for a complaint and target"


class SlaWarningV1(_SlaEvent):
    ce_type: ClassVar[str] = "redress.sla.warning.v1"
    emitted_by: ClassVar[str] = "escalation, once per threshold (e.g. 75 %, 90 %) of a running clock"

    threshold_percent: int = Field(ge=1, le=99)


class SlaBreachedV1(_SlaEvent):
    ce_type: ClassVar[str] = "redress.sla.breached.v1"
    emitted_by: ClassVar[str] = "escalation, once, when a clock passes its due time unfulfilled"


class SlaFulfilledV1(_SlaEvent):
    ce_type: ClassVar[str] = "redress.sla.fulfilled.v1"
    emitted_by: ClassVar[str] = "escalation, when the target is met (first response, resolution …)"

    met: bool = Field(description="True when fulfilled by the due time.")


EVENTS = (SlaStartedV1, SlaWarningV1, SlaBreachedV1, SlaFulfilledV1)
