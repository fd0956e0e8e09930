"""HTTP shapes of routing rules and their audit trail."""

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.contracts.complaint import Channel, Priority


class ConditionsIn(BaseModel):
    """All given conditions must hold; a list holds when the complaint's value is in it."""

    model_config = ConfigDict(extra="forbid")

    channels: list[Channel] = []
    tiers: list[str] = Field([], max_length=50)
    categories: list[str] = Field([], max_length=50)
    keywords: list[str] = Field([], max_length=200, description="Any of them in subject or description (EN/ZH).")
    languages: list[str] = Field([], max_length=50)


class ActionsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: str | None = Field(None, max_length=60)
    subcategory: str | None = Field(None, max_length=60)
    priority: Priority | None = None
    team_id: str | None = Field(None, max_length=64)
    tags: list[str] = Field([], max_length=20)

    @model_validator(mode="after")
    def _does_something(self) -> "ActionsIn":
        if not (self.category or self.priority or self.team_id or self.tags):
            raise ValueError("a rule must set a category, priority, team or tags")
        if self.subcategory and not self.category:
            raise ValueError("a subcategory needs its category")
        return self


class RuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    position: int = Field(100, ge=0, le=1_000_000, description="Rules apply in ascending position.")
    enabled: bool = True
    conditions: ConditionsIn = ConditionsIn()
    actions: ActionsIn
    actor: str | None = Field(None, min_length=1, max_length=100, description="Default: X-Actor, else the caller.")


class RuleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    name: str
    position: int
    enabled: bool
    conditions: dict[str, Any]
    actions: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class RuleAuditOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    rule_id: UUID
    at: datetime
    actor: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
