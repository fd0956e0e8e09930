"""HTTP shapes of follow-up tasks."""

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class TaskOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    complaint_id: UUID
    evaluation_id: UUID | None
    reasons: list[str]
    status: str
    assignee: str | None
    created_at: datetime
    assigned_at: datetime | None
    attempts: int
    reached: bool | None
    accepted: bool | None
    notes: str | None
    completed_at: datetime | None


class TaskPage(BaseModel):
    items: list[TaskOut]
    limit: int
    offset: int


class AssignmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    assignee: str = Field(min_length=1, max_length=200, description="The supervisor who makes the call.")


class OutcomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reached: bool = Field(description="Was the customer reached?")
    accepted: bool | None = Field(None, description="Reached customers only: did they accept the outcome? "
                                  "true asks to close the complaint, false to reopen it.")
    notes: str | None = Field(None, max_length=4000)
