"""The SLA family: clocks escalation keeps per complaint and target, on `redress.sla.v1`."""

from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from pydantic import Field

from shared.contracts.base import Event

TOPIC = "redress.sla.v1"


class SlaTarget(StrEnum):
    """What a clock measures: time to the first response, between responses, between updates, or to the
    resolution."""

    FIRST_RESPONSE = "first_response"
    NEXT_RESPONSE = "next_response"
    PERIODIC_UPDATE = "periodic_update"
    RESOLUTION = "resolution"


class _SlaEvent(Event):
    topic: ClassVar[str] = TOPIC

    target: SlaTarget = Field(description="What the clock measures.")
    policy_id: str = Field(description="The SLA policy that set the target.", examples=["standard"])
    due_at: datetime = Field(description="When the target is due (UTC), with the calendar's business hours "
                             "and pauses taken into account.", examples=["2026-03-03T17:00:00Z"])


class SlaStartedV1(_SlaEvent):
    ce_type: ClassVar[str] = "redress.sla.started.v1"
    emitted_by: ClassVar[str] = "escalation, when a clock starts for a complaint and target"

    business_hours: bool = Field(True, description="The target counts business hours of the policy's calendar.")
    target_minutes: int | None = Field(None, ge=0, description="The target's length.", examples=[480])


class SlaWarningV1(_SlaEvent):
    ce_type: ClassVar[str] = "redress.sla.warning.v1"
    emitted_by: ClassVar[str] = "escalation, once per threshold (e.g. 75 %, 90 %) of a running clock"

    threshold_percent: int = Field(ge=1, le=99, description="Share of the target already used.", examples=[75])


class SlaBreachedV1(_SlaEvent):
    ce_type: ClassVar[str] = "redress.sla.breached.v1"
    emitted_by: ClassVar[str] = "escalation, once, when a clock passes its due time unfulfilled"


class SlaFulfilledV1(_SlaEvent):
    ce_type: ClassVar[str] = "redress.sla.fulfilled.v1"
    emitted_by: ClassVar[str] = "escalation, when the target is met (first response, resolution …)"

    met: bool = Field(description="True when fulfilled by the due time.")
    elapsed_minutes: float | None = Field(None, ge=0, description="Time the clock ran (business minutes where "
                                          "the target counts business hours), pauses excluded.",
                                          examples=[312.5])


class SlaPausedV1(_SlaEvent):
    ce_type: ClassVar[str] = "redress.sla.paused.v1"
    emitted_by: ClassVar[str] = "escalation, when a clock stops while the case awaits the customer or is on hold"


class SlaResumedV1(_SlaEvent):
    ce_type: ClassVar[str] = "redress.sla.resumed.v1"
    emitted_by: ClassVar[str] = "escalation, when a paused clock runs again; due_at is the new due time"


class SlaCancelledV1(_SlaEvent):
    ce_type: ClassVar[str] = "redress.sla.cancelled.v1"
    emitted_by: ClassVar[str] = "escalation, when a clock no longer applies (withdrawn, merged)"


class SlaRecalculatedV1(_SlaEvent):
    ce_type: ClassVar[str] = "redress.sla.recalculated.v1"
    emitted_by: ClassVar[str] = ("escalation, when a policy change, or the complaint's arrival learnt after its "
                                 "clocks started, moves an open clock retroactively; due_at is the new due time")

    previous_due_at: datetime = Field(description="The due time before the change.")
    target_minutes: float = Field(gt=0, description="The target's new length.")
    business_hours: bool = Field(True, description="The target counts business hours of the policy's calendar.")
    paused: bool = Field(False, description="The clock is paused: due_at holds if it ran again now, and "
                         "sla.resumed gives the due time once it does.")
    breached: bool = Field(False, description="The clock is still past its target; False when the new target "
                           "left room again, so warnings and the breach may come anew.")


EVENTS = (SlaStartedV1, SlaWarningV1, SlaBreachedV1, SlaFulfilledV1, SlaPausedV1, SlaResumedV1, SlaCancelledV1,
          SlaRecalculatedV1)
