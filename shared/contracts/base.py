"""The base of every event contract: a frozen, versioned Pydantic model bound to a topic and a CloudEvents type."""

from datetime import UTC, datetime
from typing import ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


def utcnow() -> datetime:
    return datetime.now(UTC)


class Event(BaseModel):
    """One fact a service announces. Subclasses set `topic` and `ce_type` and name the version (…V1)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    topic: ClassVar[str]
    ce_type: ClassVar[str]
    # Which service emits it and when: documentation for the event catalogue.
    emitted_by: ClassVar[str] = ""

    complaint_id: UUID = Field(description="The complaint the event is about; also the message key.")
    occurred_at: datetime = Field(default_factory=utcnow, description="When it happened (UTC).")

    @property
    def key(self) -> str:
        return str(self.complaint_id)

    @classmethod
    def family(cls) -> str:
        """`redress.complaint.received.v1` -> `complaint`."""
        return cls.ce_type.split(".")[1]
