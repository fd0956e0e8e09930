"""HTTP shapes of surveys for frontends that show their own form."""

from datetime import datetime

from pydantic import BaseModel

from services.feedback.evaluations.schemas import SurveyAnswerIn

__all__ = ["AnswerOut", "QuestionOut", "SurveyAnswerIn", "SurveyOut"]


class QuestionOut(BaseModel):
    id: str
    kind: str
    text: str
    required: bool
    min: int | None = None
    max: int | None = None
    low_label: str | None = None
    high_label: str | None = None


class SurveyOut(BaseModel):
    state: str
    language: str
    expires_at: datetime | None
    tracking_number: str | None
    title: str
    questions: list[QuestionOut]
    comment_label: str


class AnswerOut(BaseModel):
    state: str
    message: str
