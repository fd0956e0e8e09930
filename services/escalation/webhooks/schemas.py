"""HTTP request and response models of the webhook API."""

import json
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    UrlConstraints,
    model_validator,
)

MAX_URL = 2000  # the column's length


def _fits_column(url: HttpUrl) -> HttpUrl:
    """max_length counts the URL as sent; normalising (a trailing slash, punycode) can make it longer."""
    if len(str(url)) > MAX_URL:
        raise ValueError(f"the URL is longer than {MAX_URL} characters once normalised")
    return url


# http or https only (HttpUrl), with a host; what the partner's endpoint may look like.
WebhookUrl = Annotated[HttpUrl, UrlConstraints(max_length=MAX_URL, allowed_schemes=["http", "https"]),
                       AfterValidator(_fits_column)]
Pattern = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9._\-*?\[\]!]+$")]
Filters = Annotated[list[Pattern], Field(min_length=1, max_length=50, description=(
    "Event types to deliver, as shell patterns: `redress.complaint.*`, `redress.sla.breached.v1`, `*`."))]
Description = Annotated[str, Field(max_length=500, description="What the subscription is for.")]
MAX_GRACE_S = 30 * 86_400


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: WebhookUrl = Field(description="The partner's endpoint; deliveries are POSTed to it.")
    description: Description = ""
    filters: Filters
    active: bool = True


class WebhookPatchIn(BaseModel):
    """Fields to change; `active: true` re-enables a disabled subscription and clears its notice."""

    model_config = ConfigDict(extra="forbid")

    url: WebhookUrl | None = None
    description: Description | None = None
    filters: Filters | None = None
    active: bool | None = None

    @model_validator(mode="after")
    def _something_to_change(self) -> "WebhookPatchIn":
        if not self.model_fields_set:
            raise ValueError("name at least one of url, description, filters, active")
        if any(getattr(self, name) is None for name in self.model_fields_set):
            raise ValueError("fields given must not be null")
        return self

    def changes(self) -> dict[str, Any]:
        values = self.model_dump(exclude_unset=True)
        if "url" in values:
            values["url"] = str(self.url)
        return values


class WebhookOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    url: str
    description: str
    filters: list[str]
    active: bool
    disabled_at: datetime | None = Field(description="When delivery failures disabled the subscription.")
    disabled_reason: str | None = Field(description="The notice given when it was disabled.")
    failed_deliveries: int = Field(description="Deliveries in a row that failed every try.")
    failing_since: datetime | None = Field(description="First failed try since the last success.")
    previous_secret_until: datetime | None = Field(description="The replaced secret signs beside the new one "
                                                   "until then.")
    created_at: datetime
    updated_at: datetime


class WebhookCreatedOut(WebhookOut):
    secret: str = Field(description="The signing secret (`whsec_…`); shown only now and on rotation.")


class WebhookPage(BaseModel):
    items: list[WebhookOut]
    next_cursor: str | None


class SecretRotationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    grace_s: float | None = Field(None, ge=0, le=MAX_GRACE_S, description="How long the old secret keeps "
                                  "signing beside the new one; default: the service's rotation grace.")


class SecretOut(BaseModel):
    secret: str
    previous_secret_until: datetime | None


class AttemptOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: int
    at: datetime
    succeeded: bool
    status_code: int | None
    duration_ms: int
    error: str | None
    response_excerpt: str | None


class DeliveryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    subscription_id: UUID
    event_id: str = Field(description="The event's CloudEvents id (`ce_id` on its Kafka topic), sent as the "
                          "payload's `id`.")
    event_type: str
    complaint_id: UUID
    state: str = Field(description="pending, succeeded or failed (every try failed).")
    attempts: int = Field(description="Tries since the delivery was last queued.")
    next_attempt_at: datetime
    created_at: datetime
    delivered_at: datetime | None
    last_status_code: int | None
    last_error: str | None


class DeliveryDetailOut(DeliveryOut):
    payload: dict[str, Any] = Field(description="The body sent to the partner.")
    log: list[AttemptOut] = Field(description="Every try, oldest first.")

    @classmethod
    def of(cls, delivery: Any, attempts: list[Any]) -> "DeliveryDetailOut":
        summary = DeliveryOut.model_validate(delivery)
        return cls(**summary.model_dump(), payload=json.loads(delivery.payload),
                   log=[AttemptOut.model_validate(a) for a in attempts])


class DeliveryPage(BaseModel):
    items: list[DeliveryOut]
    next_cursor: str | None
