"""The base of every event contract: a frozen, versioned Pydantic model bound to a topic and a CloudEvents type."""

from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

# The services that emit events; every contract's `emitted_by` starts with one of them.
SERVICES = ("intake", "routing", "escalation", "feedback")
# How long a superseded version is still published beside its successor.
DEPRECATION_MONTHS = 6
# The tenant of a deployment that serves one organisation, and of events from before tenants.
DEFAULT_TENANT = "default"


def utcnow() -> datetime:
    return datetime.now(UTC)


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


@dataclass(frozen=True)
class Deprecation:
    """A contract version on its way out: published beside `successor` (a `ce_type`) until `sunset`,
    which is at least DEPRECATION_MONTHS after `announced`."""

    successor: str
    announced: date
    sunset: date | None = None
    note: str = ""

    def __post_init__(self) -> None:
        earliest = add_months(self.announced, DEPRECATION_MONTHS)
        if self.sunset is None:
            object.__setattr__(self, "sunset", earliest)
        elif self.sunset < earliest:
            raise ValueError(f"a deprecated version is published for {DEPRECATION_MONTHS} months: "
                             f"sunset {self.sunset} is before {earliest}")


class Event(BaseModel):
    """One fact a service announces. Subclasses set `topic` and `ce_type` and name the version (…V1)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    topic: ClassVar[str]
    ce_type: ClassVar[str]
    # Which service emits it and when, as "<service>, when …": read by the event catalogue, the AsyncAPI
    # document and the webhooks' `source`.
    emitted_by: ClassVar[str] = ""
    # The field whose value is the message key and `ce_subject` (see `key`).
    key_field: ClassVar[str] = "complaint_id"
    # Set on a version that a newer one replaces; shown in the catalogue and the AsyncAPI document.
    deprecated: ClassVar[Deprecation | None] = None

    complaint_id: UUID = Field(description="The complaint the event is about; also the message key unless "
                               "the contract names another key field.",
                               examples=["3f2b8c1e-6a4d-4f0e-9b7a-1c5d2e8f4a60"])
    occurred_at: datetime = Field(default_factory=utcnow, description="When it happened (UTC).",
                                  examples=["2026-03-02T09:15:00Z"])
    # On every event, so that consumers, webhooks and reports keep organisations apart.
    tenant: str = Field(DEFAULT_TENANT, max_length=64, description="The organisation the complaint belongs to, in a "
                        "deployment that serves several; `default` in one that serves one. Added in 0.2; events "
                        "without it belong to `default`.", examples=["acme-retail"])

    @property
    def key(self) -> str:
        return str(self.complaint_id)

    @classmethod
    def family(cls) -> str:
        """`redress.complaint.received.v1` -> `complaint`."""
        return cls.ce_type.split(".")[1]

    @classmethod
    def event_name(cls) -> str:
        """`redress.complaint.received.v1` -> `complaint.received`: the same for every version."""
        return cls.ce_type.removeprefix("redress.").rsplit(".", 1)[0]

    @classmethod
    def major_version(cls) -> int:
        """`redress.complaint.received.v1` -> 1."""
        return int(cls.ce_type.rsplit(".v", 1)[1])

    @classmethod
    def emitter(cls) -> str:
        """The service that emits it: `intake, when …` -> `intake`."""
        return cls.emitted_by.split(",", 1)[0].strip()

    @classmethod
    def emitted_when(cls) -> str:
        """The moment in the lifecycle: `intake, when it has accepted …` -> `when it has accepted …`."""
        return cls.emitted_by.split(",", 1)[1].strip() if "," in cls.emitted_by else ""
