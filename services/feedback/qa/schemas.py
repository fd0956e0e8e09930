"""HTTP shapes of QA samples and reviews."""

from datetime import datetime
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from services.feedback.evaluations.schemas import ScorecardIn
from services.feedback.qa.domain import MAX_SEED


class QaSampleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: AwareDatetime = Field(description="Cases resolved at or after this time…")
    end: AwareDatetime = Field(description="…and before this one.")
    size: int = Field(ge=1, le=1000, description="How many cases to draw (fewer if the period has fewer that no "
                      "earlier sample drew).")
    seed: int | None = Field(None, ge=0, le=MAX_SEED, description="Seed of the draw; default: a random one, "
                             "stored with the sample either way.")
    drawn_by: str = Field(min_length=1, max_length=200, description="Who draws the sample.")


class SampledCaseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    complaint_id: UUID
    position: int = Field(description="Order in which the case was drawn, from 1.")
    tracking_number: str | None
    resolved_at: datetime = Field(description="The resolution drawn; it is never drawn again.")
    team_id: str | None
    agent_id: str | None
    evaluation_id: UUID | None = Field(description="The QA review of the case, once recorded.")
    reviewed_at: datetime | None


class QaSampleSummaryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True, populate_by_name=True)

    id: UUID
    start: datetime = Field(validation_alias="period_start")
    end: datetime = Field(validation_alias="period_end")
    requested_size: int
    size: int = Field(description="Cases drawn.")
    seed: int
    rule: str
    drawn_by: str
    drawn_at: datetime


class QaSampleOut(QaSampleSummaryOut):
    cases: list[SampledCaseOut]


class QaSampleListedOut(QaSampleSummaryOut):
    reviewed: int = Field(description="Cases of the sample with a QA review.")


class QaSamplePage(BaseModel):
    items: list[QaSampleListedOut]
    limit: int
    offset: int


class QaReviewIn(ScorecardIn):
    evaluator: str = Field(min_length=1, max_length=200, description="The QA reviewer.")
