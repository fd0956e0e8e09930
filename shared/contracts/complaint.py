"""The complaint family: the lifecycle of one complaint, on `redress.complaint.v1`.

Events carry no contact data: intake alone holds it, and texts arrive here already masked.
"""

from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from pydantic import Field

from shared.contracts.base import Event

TOPIC = "redress.complaint.v1"


class Channel(StrEnum):
    WEB = "web"
    APP = "app"
    EMAIL = "email"
    PHONE = "phone"
    WECHAT = "wechat"
    SOCIAL = "social"
    IN_PERSON = "in_person"
    LETTER = "letter"
    PARTNER = "partner"


class ComplaintKind(StrEnum):
    COMPLAINT = "complaint"
    SUGGESTION = "suggestion"
    PRAISE = "praise"


class Status(StrEnum):
    RECEIVED = "received"
    CLASSIFIED = "classified"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    AWAITING_CUSTOMER = "awaiting_customer"
    RESPONDED = "responded"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"
    WITHDRAWN = "withdrawn"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"
    CRITICAL = "critical"


class ComplaintReceivedV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.complaint.received.v1"
    emitted_by: ClassVar[str] = "intake, when it has accepted and acknowledged a complaint"

    tracking_number: str = Field(description="Human-friendly number the customer quotes.")
    kind: ComplaintKind = ComplaintKind.COMPLAINT
    channel: Channel
    customer_id: str = Field(description="The frontend's customer id; no contact data.")
    customer_tier: str | None = None
    locale: str | None = Field(None, description="Customer's locale, e.g. zh-CN, en-US.")
    language: str | None = Field(None, description="Detected language of the text (ISO 639-1).")
    subject: str = Field(description="Subject with contact data masked.")
    description: str = Field(description="Description with contact data masked.")
    received_at: datetime
    repeat: bool = Field(False, description="The customer complained recently before (重复投诉).")
    region: str | None = None
    product_ref: str | None = Field(None, description="The product or service the complaint is about.")


class ComplaintCustomerRepliedV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.complaint.customer-replied.v1"
    emitted_by: ClassVar[str] = "intake, when the customer adds a reply to an open complaint"

    message: str = Field(description="The reply with contact data masked.")


class ComplaintWithdrawnV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.complaint.withdrawn.v1"
    emitted_by: ClassVar[str] = "intake, when the customer withdraws the complaint"

    reason: str | None = None


class ComplaintClassifiedV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.complaint.classified.v1"
    emitted_by: ClassVar[str] = "routing, after the initial assessment of a received complaint"

    category: str
    subcategory: str | None = None
    severity: int = Field(ge=1, le=5, description="1 (minor) to 5 (critical).")
    priority: Priority
    confidence: float = Field(ge=0, le=1, description="Classifier's calibrated confidence in the category.")
    safety_flag: bool = False


class ComplaintAssignedV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.complaint.assigned.v1"
    emitted_by: ClassVar[str] = "routing, when a team (and usually an agent) takes the complaint"

    team_id: str
    agent_id: str | None = None


class ComplaintStatusChangedV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.complaint.status-changed.v1"
    emitted_by: ClassVar[str] = "routing, on every transition of the case's status"

    from_status: Status
    to_status: Status


class ComplaintRespondedV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.complaint.responded.v1"
    emitted_by: ClassVar[str] = "routing, when an agent sends the customer a response"

    message: str = Field(description="The response as the customer will read it.")
    first_response: bool = False


class ComplaintResolvedV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.complaint.resolved.v1"
    emitted_by: ClassVar[str] = "routing, when the decision has been communicated"

    resolution: str
    root_cause: str | None = None


class ComplaintEscalatedV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.complaint.escalated.v1"
    emitted_by: ClassVar[str] = "escalation, when a breach or a request raises the escalation level"

    level: int = Field(ge=1)
    reason: str


class ComplaintReopenRequestedV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.complaint.reopen-requested.v1"
    emitted_by: ClassVar[str] = "feedback, when the customer rejects the outcome or scores it low"

    reason: str


EVENTS = (
    ComplaintReceivedV1,
    ComplaintCustomerRepliedV1,
    ComplaintWithdrawnV1,
    ComplaintClassifiedV1,
    ComplaintAssignedV1,
    ComplaintStatusChangedV1,
    ComplaintRespondedV1,
    ComplaintResolvedV1,
    ComplaintEscalatedV1,
    ComplaintReopenRequestedV1,
)
