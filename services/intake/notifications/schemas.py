"""HTTP shapes of the notifications API."""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field

NotificationState = Literal["pending", "sent", "failed", "skipped"]
NotificationKind = Literal["acknowledgement", "reply", "information_request", "survey", "status"]
NotificationChannel = Literal["email", "webhook"]


class NotificationOut(BaseModel):
    id: UUID
    complaint_id: UUID
    kind: NotificationKind
    channel: NotificationChannel
    destination: str = Field(description="The e-mail address or the callback URL.")
    language: str
    payload: dict[str, Any] = Field(description="What the message is made of (rendered in `language`).")
    state: NotificationState = Field(description="pending (due or waiting for its next try), sent, failed (gave "
                                     "up after its tries) or skipped (the channel is off; see last_error)")
    attempts: int
    next_attempt_at: datetime
    created_at: datetime
    sent_at: datetime | None
    last_error: str | None


class NotificationPage(BaseModel):
    items: list[NotificationOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")
