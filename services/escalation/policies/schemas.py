"""HTTP shapes of policies, calendars and the audit."""

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from shared.contracts.complaint import Channel, Priority
from shared.contracts.sla import SlaTarget

Name = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")]
Value = Annotated[str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TargetIn(Strict):
    minutes: float = Field(gt=0, le=525_600, description="Length of the target: business minutes of the calendar "
                         "when business_hours, else elapsed minutes.")
    business_hours: bool = True
    calendar: Name = Field("cn-standard", description="Name of a stored calendar.")
    starts_at: Literal["received", "assigned"] = Field("received", description="When the clock starts: at the "
                                                       "complaint's receipt, or at its first assignment to a team "
                                                       "(a reassignment does not restart it).")


class ConditionsIn(Strict):
    """Each list given limits the policy to complaints with one of its values; missing or empty: any."""

    priority: list[Priority] | None = None
    customer_tier: list[Value] | None = None
    category: list[Value] | None = None
    channel: list[Channel] | None = None
    tenant: list[Value] | None = Field(None, description="Tenants (organisations) of a deployment that serves "
                                       "several, as complaint.received names them; one that serves one has only "
                                       "`default`.")


class PolicyBody(Strict):
    name: str = Field(min_length=1, max_length=200)
    position: int = Field(ge=0, le=1_000_000, description="Policies are tried in ascending position; the first "
                          "active one whose conditions match applies.")
    active: bool = True
    conditions: ConditionsIn = Field(default_factory=ConditionsIn)
    targets: dict[SlaTarget, TargetIn] = Field(min_length=1)
    warning_thresholds: list[int] = Field([75, 90], max_length=10, description="Percentages of the target at "
                                          "which sla.warning is announced, once each.")

    @field_validator("warning_thresholds")
    @classmethod
    def _percentages(cls, value: list[int]) -> list[int]:
        if any(not 1 <= percent <= 99 for percent in value):
            raise ValueError("warning thresholds are percentages from 1 to 99")
        if len(set(value)) != len(value):
            raise ValueError("warning thresholds must differ")
        return sorted(value)

    @model_validator(mode="after")
    def _starts(self) -> "PolicyBody":
        target = self.targets.get(SlaTarget.NEXT_RESPONSE)
        if target is not None and target.starts_at != "received":
            raise ValueError("next_response starts on each customer reply: its starts_at can only be 'received'")
        return self

    def stored(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        data["conditions"] = {key: value for key, value in data["conditions"].items() if value}
        return data


class PolicyIn(PolicyBody):
    id: Name


class PolicyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    position: int
    active: bool
    conditions: dict[str, list[str]]
    targets: dict[str, dict[str, Any]]
    warning_thresholds: list[int]
    version: int
    created_at: datetime
    updated_at: datetime


class PolicyChangeOut(PolicyOut):
    recalculated_clocks: int = Field(0, description="Open clocks moved to the changed targets.")


class CalendarBody(Strict):
    definition: dict[str, Any] = Field(description="timezone, weekly_hours, country, subdivision, closed_dates, "
                                       "open_dates, as in the calendar format.")


class CalendarIn(CalendarBody):
    name: Name


class CalendarOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    definition: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class AuditOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    entity: str
    entity_id: str
    action: str
    actor: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    at: datetime
