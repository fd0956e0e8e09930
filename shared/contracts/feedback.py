"""The feedback family: surveys, answers and insights, on `redress.feedback.v1`."""

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from shared.contracts.base import Event

TOPIC = "redress.feedback.v1"


class SurveyRequestedV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.survey.requested.v1"
    emitted_by: ClassVar[str] = "feedback, when a resolved complaint's survey is due; intake delivers it"

    survey_url: str
    expires_at: datetime
    reminder: bool = False


class FeedbackReceivedV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.feedback.received.v1"
    emitted_by: ClassVar[str] = "feedback, when a customer answers a survey"

    csat: int | None = Field(None, ge=1, le=5)
    solved: bool | None = None
    nps: int | None = Field(None, ge=0, le=10)
    ces: int | None = Field(None, ge=1, le=7)


class InsightHotspotDetectedV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.insight.hotspot-detected.v1"
    emitted_by: ClassVar[str] = "feedback, when a category's complaint volume rises well above its trend"

    category: str
    window_start: datetime
    window_end: datetime
    count: int = Field(ge=0)
    expected: float = Field(ge=0)


EVENTS = (SurveyRequestedV1, FeedbackReceivedV1, InsightHotspotDetectedV1)
