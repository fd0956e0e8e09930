"""The feedback family: surveys, answers and insights, on `redress.feedback.v1`."""

from datetime import datetime
from typing import ClassVar
from uuid import UUID

from pydantic import Field

from shared.contracts.base import Event

TOPIC = "redress.feedback.v1"


class SurveyRequestedV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.survey.requested.v1"
    emitted_by: ClassVar[str] = "feedback, when a resolved complaint's survey is due; intake delivers it"

    survey_url: str = Field(description="The customer's personal survey link; intake sends it.",
                            examples=["https://feedback.example.com/s/eyJzIjoiNDIifQ.c2lnbmF0dXJl"])
    expires_at: datetime = Field(description="When the link stops working (UTC).",
                                 examples=["2026-03-09T09:15:00Z"])
    reminder: bool = Field(False, description="A reminder of an earlier, unanswered request.")
    language: str | None = Field(None, description="Language of the survey (ISO 639-1).", examples=["zh"])


class FeedbackReceivedV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.feedback.received.v1"
    emitted_by: ClassVar[str] = "feedback, when a customer answers a survey"

    csat: int | None = Field(None, ge=1, le=5, description="Satisfaction, 1 (very dissatisfied) to 5.",
                             examples=[4])
    solved: bool | None = Field(None, description="Whether the customer says the problem is solved.",
                                examples=[True])
    nps: int | None = Field(None, ge=0, le=10, description="Likelihood to recommend, 0 to 10.", examples=[8])
    ces: int | None = Field(None, ge=1, le=7, description="Effort it took, 1 (very low) to 7.", examples=[2])
    method: str = Field("survey", description="survey, follow_up_call, interview, mystery_customer or qa_review.")
    dimensions: dict[str, int] = Field(default_factory=dict, description="Scores 1-5 by service-quality dimension: "
                                       "response_speed, attitude, expertise, problem_solving, communication.",
                                       examples=[{"response_speed": 3, "attitude": 5}])
    comment: str | None = Field(None, description="The customer's comment with contact data masked.",
                                examples=["Friendly, but it took too long."])


class InsightHotspotDetectedV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.insight.hotspot-detected.v1"
    emitted_by: ClassVar[str] = "feedback, when a category's complaint volume rises well above its trend"
    key_field: ClassVar[str] = "hotspot_id"

    category: str = Field(description="The value that rose: a category, product or channel (see dimension).",
                          examples=["delivery"])
    dimension: str = Field("category", description="category, product or channel.")
    window_start: datetime = Field(description="Start of the window that was counted (UTC).")
    window_end: datetime = Field(description="End of the window (UTC).", examples=["2026-03-02T10:15:00Z"])
    count: int = Field(ge=0, description="Complaints in the window.", examples=[42])
    expected: float = Field(ge=0, description="Complaints the trend predicted for the window.",
                            examples=[12.5])
    hotspot_id: UUID | None = Field(None, description="The hotspot (GET /v1/insights/hotspots on feedback); when "
                                    "set, also the message key and ce_subject.",
                                    examples=["5d0c7a51-2e8f-4a7b-9c36-0f4e1b2d8a93"])
    complaint_ids: list[UUID] = Field(default_factory=list, description="Complaints counted in the window, latest "
                                      "first (at most 100); complaint_id is the first of them.",
                                      examples=[["3f2b8c1e-6a4d-4f0e-9b7a-1c5d2e8f4a60",
                                                 "a81d3c5e-07b2-4c9f-8e6a-5b4f2d1c0e97"]])

    @property
    def key(self) -> str:
        """An insight is about many complaints: it is keyed by its hotspot, not by one of them."""
        return str(self.hotspot_id or self.complaint_id)


EVENTS = (SurveyRequestedV1, FeedbackReceivedV1, InsightHotspotDetectedV1)
