"""Tables of the intake database: complaints as filed (with the customer's contact data, which no other
service holds), the answers given to idempotent requests, the customer's view of each complaint (public steps,
promised dates) and the notifications sent to customers. The messaging tables come from
shared.messaging.tables.

Contact data is stored encrypted (encryption.py): the customer's name, e-mail address and phone number, and the
notifications' destinations and payloads, which copy the address and the name."""

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Text,
    Uuid,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.intake.encryption import EncryptedJSON, EncryptedText
from shared.audit.tables import include_audit_tables
from shared.auth.tables import include_auth_tables
from shared.contracts.base import DEFAULT_TENANT
from shared.db_types import UtcDateTime

metadata = MetaData()
include_audit_tables(metadata)  # the audit log every service keeps
include_auth_tables(metadata)  # the API keys every service checks


class Base(DeclarativeBase):
    metadata = metadata


class Complaint(Base):
    __tablename__ = "complaint"

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    tracking_number: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(30))
    external_ref: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(100))
    location: Mapped[str | None] = mapped_column(String(200))
    tenant: Mapped[str] = mapped_column(String(64), default=DEFAULT_TENANT, server_default=DEFAULT_TENANT)
    customer_id: Mapped[str] = mapped_column(String(200))
    customer_name: Mapped[str | None] = mapped_column(EncryptedText())
    customer_email: Mapped[str | None] = mapped_column(EncryptedText())
    customer_phone: Mapped[str | None] = mapped_column(EncryptedText())
    customer_tier: Mapped[str | None] = mapped_column(String(40))
    customer_locale: Mapped[str | None] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(8))
    product_ref: Mapped[str | None] = mapped_column(String(200))
    occurred_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    remedy_sought: Mapped[str | None] = mapped_column(Text)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    consent: Mapped[dict[str, bool]] = mapped_column(JSON)
    callback_url: Mapped[str | None] = mapped_column(String(2000))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    acknowledged_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expected_response_by: Mapped[datetime] = mapped_column(UtcDateTime())
    duplicate_of: Mapped[UUID | None] = mapped_column(Uuid)
    repeat: Mapped[bool] = mapped_column(Boolean)
    fingerprint: Mapped[str] = mapped_column(String(64))
    # The customer's view, kept from the events of the other services.
    status_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    merged_into: Mapped[UUID | None] = mapped_column(Uuid)
    escalation_requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (
        Index("ix_complaint_received", "received_at", "id"),
        Index("ix_complaint_customer_received", "customer_id", "received_at"),
        Index("ix_complaint_channel_received", "channel", "received_at"),
        Index("ix_complaint_status_received", "status", "received_at"),
        Index("ix_complaint_duplicate_of", "duplicate_of", sqlite_where=text("duplicate_of IS NOT NULL"),
              postgresql_where=text("duplicate_of IS NOT NULL")),
    )


class IdempotentAnswer(Base):
    """The first answer to a request with an Idempotency-Key, given again to every retry of that request."""

    __tablename__ = "idempotent_answer"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class PublicStep(Base):
    """A step of the complaint's history that the customer sees on the tracking page."""

    __tablename__ = "public_step"

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    complaint_id: Mapped[UUID] = mapped_column(Uuid, ForeignKey("complaint.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(30))
    text: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_public_step_complaint_at", "complaint_id", "at"),)


class Promise(Base):
    """A date promised to the customer (first reply, next reply, resolution), kept from the SLA clocks."""

    __tablename__ = "promise"

    complaint_id: Mapped[UUID] = mapped_column(Uuid, ForeignKey("complaint.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(30))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    state: Mapped[str] = mapped_column(String(20))
    # occurred_at of the SLA event that set it: an older event arriving late changes nothing.
    as_of: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (PrimaryKeyConstraint("complaint_id", "target"),)


class Notification(Base):
    """A message to the customer, written with the change that causes it and delivered by a background job."""

    __tablename__ = "notification"

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    complaint_id: Mapped[UUID] = mapped_column(Uuid, ForeignKey("complaint.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    channel: Mapped[str] = mapped_column(String(20))
    destination: Mapped[str] = mapped_column(EncryptedText())
    language: Mapped[str] = mapped_column(String(8))
    payload: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON())
    state: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_notification_due", "state", "next_attempt_at"),
        Index("ix_notification_complaint", "complaint_id", "created_at"),
        Index("ix_notification_created", "created_at", "id"),
    )


class ErasureConfirmation(Base):
    """Another service's word that it erased its copy of an erased complaint (complaint.erasure-confirmed)."""

    __tablename__ = "erasure_confirmation"

    complaint_id: Mapped[UUID] = mapped_column(Uuid, ForeignKey("complaint.id", ondelete="CASCADE"))
    service: Mapped[str] = mapped_column(String(40))
    confirmed_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (PrimaryKeyConstraint("complaint_id", "service"),)
