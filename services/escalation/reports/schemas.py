"""HTTP shapes of the SLA reports."""

from pydantic import BaseModel, Field


class AttainmentRowOut(BaseModel):
    group: str = Field(description="The policy, team, category, target or period (2026-11-23, 2026-W48, 2026-11).")
    clocks: int = Field(description="Clocks counted (cancelled ones are not).")
    met: int
    missed: int = Field(description="Fulfilled late, or breached and still open.")
    open: int = Field(description="Still running within their target.")
    attainment_percent: float | None = Field(description="met / (met + missed); null while nothing is decided.")
    average_minutes_to_fulfil: float | None


class AttainmentOut(BaseModel):
    group_by: str
    rows: list[AttainmentRowOut]
