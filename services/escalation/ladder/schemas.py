"""HTTP shapes of the escalation ladder and of escalations."""

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.sla import SlaTarget


class LevelBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: str = Field(min_length=1, max_length=60, description="Who owns the case at this level, e.g. manager.")
    breach_targets: list[SlaTarget] = Field(default_factory=list, description="A breach of one of these targets "
                                            "raises a complaint below this level to it.")
    after_breach_minutes: float | None = Field(None, gt=0, le=525_600, description="A clock still unmet this long "
                                             "after its breach raises the complaint to this level.")
    min_severity: int | None = Field(None, ge=1, le=5, description="A classification with at least this "
                                     "severity raises the complaint to this level at once.")


class LevelOut(LevelBody):
    model_config = ConfigDict(from_attributes=True)

    level: int
    updated_at: datetime


class EscalationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000, description="Why the complaint goes up a level.")


class EscalationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    complaint_id: UUID
    from_level: int
    level: int
    role: str
    trigger: str
    reason: str
    target: str | None
    actor: str | None
    at: datetime
