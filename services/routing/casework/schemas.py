"""HTTP shapes of cases and case work. Every request may name its `actor` (else the X-Actor header)."""

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from shared.contracts.complaint import Priority

Actor = Field(None, min_length=1, max_length=100, description="Who does it; default: X-Actor, else the caller.")


class ActionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    actor: str | None = Actor


class CaseSummaryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    tracking_number: str
    status: str
    channel: str
    language: str | None
    customer_tier: str | None
    subject: str
    category: str | None
    subcategory: str | None
    priority: str | None
    severity: int | None
    safety_flag: bool
    needs_triage: bool
    team_id: str | None
    agent_id: str | None
    queued_at: datetime | None
    escalation_level: int
    transfers: int
    received_at: datetime
    created_at: datetime
    updated_at: datetime


class CaseOut(CaseSummaryOut):
    kind: str
    customer_id: str
    region: str | None
    product_ref: str | None
    description: str
    repeat: bool
    confidence: float | None
    sentiment: float | None
    classification_source: str | None
    tags: list[str]
    required_role: str | None
    first_responded_at: datetime | None
    resolved_at: datetime | None
    resolution: str | None
    resolution_code: str | None
    root_cause: str | None
    merged_into: UUID | None


class EntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    kind: str
    actor: str | None
    text: str | None
    data: dict[str, Any]


class NoteOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    at: datetime
    author: str
    text: str


class TaskOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    title: str
    assignee: str | None
    created_by: str
    created_at: datetime
    done_by: str | None
    done_at: datetime | None
    outcome: str | None


class ResponseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    message: str
    template: str | None
    author: str
    state: str = Field(description="sent, pending (a supervisor approves it first) or rejected.")
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None


class CaseDetailOut(CaseOut):
    history: list[EntryOut]
    notes: list[NoteOut]
    tasks: list[TaskOut]
    responses: list[ResponseOut]


class CasePage(BaseModel):
    items: list[CaseSummaryOut]
    next_cursor: str | None


class NoteIn(ActionIn):
    text: str = Field(min_length=1, max_length=10_000)


class TaskIn(ActionIn):
    title: str = Field(min_length=1, max_length=300)
    assignee: str | None = Field(None, max_length=100)


class TaskDoneIn(ActionIn):
    outcome: str | None = Field(None, max_length=10_000)


class InformationRequestIn(ActionIn):
    message: str = Field(min_length=1, max_length=10_000)


class ResponseIn(ActionIn):
    message: str | None = Field(None, min_length=1, max_length=20_000)
    template: str | None = Field(None, max_length=60, description="A template id (GET /v1/response-templates).")
    variables: dict[str, str] = Field({}, description="Extra template variables; tracking_number, category and "
                                      "agent_name are filled in.")

    @model_validator(mode="after")
    def _message_or_template(self) -> "ResponseIn":
        if (self.message is None) == (self.template is None):
            raise ValueError("give either a message or a template")
        return self


class DecisionIn(ActionIn):
    note: str | None = Field(None, max_length=10_000)


class ResolutionIn(ActionIn):
    resolution: str = Field(min_length=1, max_length=10_000, description="The decision as told to the customer.")
    resolution_code: str = Field(max_length=40, description="GET /v1/codes lists them.")
    root_cause: str = Field(max_length=40, description="GET /v1/codes lists them.")


class AssignmentIn(ActionIn):
    team_id: str | None = Field(None, max_length=64)
    agent_id: str | None = Field(None, max_length=64)
    reason: str | None = Field(None, max_length=1000)

    @model_validator(mode="after")
    def _somewhere(self) -> "AssignmentIn":
        if self.team_id is None and self.agent_id is None:
            raise ValueError("name a team_id, an agent_id or both")
        return self


class MergeIn(ActionIn):
    into_complaint_id: UUID


class ReopenIn(ActionIn):
    reason: str = Field(min_length=1, max_length=1000)


class ClassificationIn(ActionIn):
    category: str = Field(max_length=60)
    subcategory: str | None = Field(None, max_length=60)
    priority: Priority | None = Field(None, description="Overrides the priority the rules give.")


class TemplateOut(BaseModel):
    id: str
    texts: dict[str, str]


class CodesOut(BaseModel):
    resolution_codes: dict[str, str]
    root_causes: dict[str, str]


class HoldIn(ActionIn):
    reason: str = Field(min_length=1, max_length=2_000, description="Why the case waits, e.g. on a supplier.")
    until: AwareDatetime | None = Field(None, description="When the hold is expected to end, if known; the case "
                                        "stays on hold until it is released.")


class HoldReleaseIn(ActionIn):
    reason: str | None = Field(None, min_length=1, max_length=2_000)


class HoldOut(BaseModel):
    complaint_id: UUID
    status: str
    on_hold: bool
    since: datetime | None = Field(None, description="When the current hold began; None when not on hold.")
    until: datetime | None = None
    reason: str | None = None
    actor: str = Field(description="Who held or released the case.")
