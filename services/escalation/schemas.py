"""HTTP shapes of a complaint's SLA view."""

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field

from services.escalation.ladder.schemas import EscalationOut


class ClockOut(BaseModel):
    id: UUID
    target: str
    policy_id: str
    state: str = Field(description="running, paused, breached (still running), fulfilled or cancelled.")
    business_hours: bool
    calendar: str
    target_minutes: float
    started_at: datetime
    due_at: datetime
    breached_at: datetime | None
    ended_at: datetime | None
    met: bool | None = Field(description="Set once fulfilled: whether by the due time.")
    warned_thresholds: list[int]
    elapsed_minutes: float = Field(description="Time the clock has run (business minutes where it counts "
                                   "business hours), pauses excluded.")
    remaining_minutes: float = Field(description="Until the target; negative once past it.")


class ComplaintSlaOut(BaseModel):
    complaint_id: UUID
    policy_id: str | None
    priority: str | None
    category: str | None
    team_id: str | None
    status: str | None
    received_at: datetime | None
    assigned_at: datetime | None = Field(None, description="When the complaint was first assigned to a team.")
    held_since: datetime | None = Field(None, description="Set while staff hold the case: its clocks are paused.")
    escalation_level: int
    escalation_role: str | None
    clocks: list[ClockOut]
    escalations: list[EscalationOut]
