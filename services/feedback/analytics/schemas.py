"""HTTP shapes of the analytics API."""

from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.feedback.analytics.actions.domain import ActionStatus
from services.feedback.analytics.periods import GroupBy, Period
from shared.errors import InvalidInput

DEFAULT_SPAN = timedelta(days=30)
LONGEST_SPAN = timedelta(days=3 * 366)


class Format(StrEnum):
    JSON = "json"
    CSV = "csv"


class ReportFormat(StrEnum):
    HTML = "html"
    CSV = "csv"


def utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def time_range(start: datetime | None, end: datetime | None, *, now: datetime | None = None) -> tuple[datetime,
                                                                                                     datetime]:
    """[from, to) in UTC: a time without a zone is UTC; defaults: the last 30 days."""
    end = utc(end) if end else (now or datetime.now(UTC))
    start = utc(start) if start else end - DEFAULT_SPAN
    if start >= end:
        raise InvalidInput(f"'from' ({start.isoformat()}) must be before 'to' ({end.isoformat()})")
    if end - start > LONGEST_SPAN:
        raise InvalidInput("the range may cover at most three years")
    return start, end


class KpiGroupOut(BaseModel):
    key: str
    kpis: dict[str, Any]


class KpiOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: datetime = Field(alias="from")
    to: datetime
    group_by: GroupBy
    period: Period
    filters: dict[str, str]
    total: dict[str, Any]
    groups: list[KpiGroupOut]


class HotspotOut(BaseModel):
    id: UUID
    dimension: str
    value: str
    window_start: datetime
    window_end: datetime
    count: int
    expected: float
    upper_limit: float
    detected_at: datetime
    complaint_ids: list[UUID] = Field(default_factory=list, description="The complaints counted in the window, "
                                      "latest first (empty for hotspots found before they were kept).")

    @field_validator("complaint_ids", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return [] if value is None else value


class TermOut(BaseModel):
    term: str
    score: float


class TopicOut(BaseModel):
    terms: list[str]
    weight: float


class TermsOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    category: str | None
    from_: datetime = Field(alias="from")
    to: datetime
    documents: int
    compared_with: int
    terms: list[TermOut]
    topics: list[TopicOut]


class ActionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    owner: str = Field(min_length=1, max_length=200)
    due_date: date
    category: str | None = Field(None, min_length=1, max_length=100,
                                 description="Category whose complaint rate the action should lower; "
                                 "default: the linked insight's category.")
    insight_id: UUID | None = None
    complaint_ids: list[UUID] = Field(default_factory=list, max_length=1000)


class ActionStatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: ActionStatus


class ImpactOut(BaseModel):
    window_days: float
    rate_before: float = Field(description="Complaints of the category per day in the window before creation.")
    rate_after: float = Field(description="Complaints of the category per day in the window after completion.")


class ActionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    title: str
    owner: str
    due_date: date
    category: str
    insight_id: UUID | None
    complaint_ids: list[UUID]
    status: ActionStatus
    created_at: datetime
    started_at: datetime | None
    done_at: datetime | None
    impact: ImpactOut | None = None
