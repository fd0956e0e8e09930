"""HTTP shapes of scorecards and evaluations."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.feedback.evaluations.domain import MAX_COMMENT, Scores

DimensionName = Literal["response_speed", "attitude", "expertise", "problem_solving", "communication"]
DimensionScore = Annotated[int, Field(ge=1, le=5)]


class ScorecardIn(BaseModel):
    """Scores on the shared scorecard; every one optional except where a method needs it."""

    model_config = ConfigDict(extra="forbid")

    csat: int | None = Field(None, ge=1, le=5, description="Overall satisfaction, 1-5.")
    solved: bool | None = Field(None, description="Was the problem solved?")
    nps: int | None = Field(None, ge=0, le=10, description="Likelihood to recommend, 0-10.")
    ces: int | None = Field(None, ge=1, le=7, description="Customer effort, 1 (very hard) to 7 (very easy).")
    dimensions: dict[DimensionName, DimensionScore] = Field(
        default_factory=dict, description="Service quality 1-5: response_speed, attitude, expertise, "
        "problem_solving, communication.")
    comment: str | None = Field(None, max_length=MAX_COMMENT)

    def scores(self) -> Scores:
        return Scores(csat=self.csat, solved=self.solved, nps=self.nps, ces=self.ces,
                      dimensions=dict(self.dimensions), comment=self.comment)


class SurveyAnswerIn(ScorecardIn):
    csat: int = Field(ge=1, le=5, description="Overall satisfaction, 1-5.")
    solved: bool = Field(description="Was the problem solved?")


class EvaluationIn(ScorecardIn):
    complaint_id: UUID
    method: Literal["follow_up_call", "interview", "mystery_customer", "qa_review"]
    evaluator: str = Field(min_length=1, max_length=200, description="Who called, interviewed, visited or "
                           "reviewed.")


class EvaluationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    complaint_id: UUID
    method: str
    csat: int | None
    solved: bool | None
    nps: int | None
    ces: int | None
    dimensions: dict[str, int]
    comment: str | None
    sentiment: float | None
    evaluator: str | None
    recorded_at: datetime
