"""The complaint family: the lifecycle of one complaint, on `redress.complaint.v1`.

Events carry no contact data: intake alone holds it, and texts arrive here already masked.
"""

from datetime import datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import Field

from shared.contracts.base import Event

TOPIC = "redress.complaint.v1"
# What every service writes in place of a free text it erased (complaint.erased): a text, so columns that must
# hold one still do, and the same everywhere, so that "already erased" is plain to see.
ERASED_TEXT = "[erased]"


class Channel(StrEnum):
    """Where the customer filed the complaint."""

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
    """What the customer sent: a complaint, a suggestion or praise."""

    COMPLAINT = "complaint"
    SUGGESTION = "suggestion"
    PRAISE = "praise"


class Status(StrEnum):
    """A case's place in the lifecycle (docs/architecture.md)."""

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
    """How soon the case must be handled, from the initial assessment."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"
    CRITICAL = "critical"


class ComplaintReceivedV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.complaint.received.v1"
    emitted_by: ClassVar[str] = "intake, when it has accepted and acknowledged a complaint"

    tracking_number: str = Field(description="Human-friendly number the customer quotes.",
                                 examples=["RD-7K3M-9QX2-T"])
    kind: ComplaintKind = Field(ComplaintKind.COMPLAINT, description="Complaint, suggestion or praise.")
    channel: Channel = Field(description="Where the customer filed it.")
    customer_id: str = Field(description="The frontend's customer id; no contact data.", examples=["c-100482"])
    customer_tier: str | None = Field(None, description="The customer's tier as the frontend names it.",
                                      examples=["gold"])
    locale: str | None = Field(None, description="Customer's locale, e.g. zh-CN, en-US.", examples=["zh-CN"])
    language: str | None = Field(None, description="Detected language of the text (ISO 639-1).", examples=["zh"])
    subject: str = Field(description="Subject with contact data masked.", examples=["退款三周仍未到账"])
    description: str = Field(description="Description with contact data masked.",
                             examples=["订单 A-2291 退货后退款一直没有到账，请尽快处理。电话 ***********"])
    received_at: datetime = Field(description="When intake accepted the complaint (UTC).")
    repeat: bool = Field(False, description="The customer complained recently before (重复投诉).")
    region: str | None = Field(None, description="Where the customer is, as the frontend names it.",
                               examples=["shanghai"])
    product_ref: str | None = Field(None, description="The product or service the complaint is about.",
                                    examples=["broadband-300"])


class ComplaintCustomerRepliedV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.complaint.customer-replied.v1"
    emitted_by: ClassVar[str] = "intake, when the customer adds a reply to an open complaint"

    message: str = Field(description="The reply with contact data masked.",
                         examples=["The refund still has not arrived."])


class ComplaintWithdrawnV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.complaint.withdrawn.v1"
    emitted_by: ClassVar[str] = "intake, when the customer withdraws the complaint"

    reason: str | None = Field(None, description="The customer's reason with contact data masked.",
                               examples=["Solved it with the shop directly."])


class ComplaintClassifiedV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.complaint.classified.v1"
    emitted_by: ClassVar[str] = "routing, after the initial assessment of a received complaint"

    category: str = Field(description="Category of the routing taxonomy.", examples=["billing"])
    subcategory: str | None = Field(None, description="Subcategory within the category.", examples=["refund"])
    severity: int = Field(ge=1, le=5, description="1 (minor) to 5 (critical).")
    priority: Priority = Field(description="How soon the case must be handled.")
    confidence: float = Field(ge=0, le=1, description="Classifier's calibrated confidence in the category.")
    safety_flag: bool = Field(False, description="Health, safety or legal risk: handled first.")
    sentiment: float | None = Field(None, ge=-1, le=1, description="-1 (angry) to 1 (pleased); None when unknown.",
                                    examples=[-0.6])
    source: str | None = Field(None, description="What decided the category: model, keywords, rule or agent.",
                               examples=["model"])
    needs_triage: bool = Field(False, description="Confidence too low: a person confirms the category.")
    tags: list[str] = Field(default_factory=list, description="Free labels set by rules or agents.",
                            examples=[["refund", "repeat"]])


class ComplaintAssignedV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.complaint.assigned.v1"
    emitted_by: ClassVar[str] = "routing, when a team (and usually an agent) takes the complaint"

    team_id: str = Field(description="The team that owns the case now.", examples=["billing"])
    agent_id: str | None = Field(None, description="The agent working on it; None while it waits in the team's "
                                 "queue.", examples=["agent-017"])
    previous_team_id: str | None = Field(None, description="Set when the case moved from another team.")
    previous_agent_id: str | None = Field(None, description="Set when the case moved from another agent.")
    transfers: int = Field(0, ge=0, description="How often the case has moved between agents or teams so far.")


class ComplaintStatusChangedV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.complaint.status-changed.v1"
    emitted_by: ClassVar[str] = "routing, on every transition of the case's status"

    from_status: Status = Field(description="The status before the transition.", examples=["assigned"])
    to_status: Status = Field(description="The status after it.", examples=["in_progress"])
    reason: str | None = Field(None, description="Why, when the transition has a reason (e.g. reopened).")


class ComplaintRespondedV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.complaint.responded.v1"
    emitted_by: ClassVar[str] = "routing, when an agent sends the customer a response"

    message: str = Field(description="The response as the customer will read it.",
                         examples=["We have found your refund and sent it again today."])
    first_response: bool = Field(False, description="The case's first response: fulfils the first-response "
                                 "SLA target.")
    agent_id: str | None = Field(None, description="The agent who responded.", examples=["agent-017"])


class ComplaintResolvedV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.complaint.resolved.v1"
    emitted_by: ClassVar[str] = "routing, when the decision has been communicated"

    resolution: str = Field(description="The decision as communicated to the customer.",
                            examples=["Refund of 129.00 CNY sent again; it arrives within 3 days."])
    root_cause: str | None = Field(None, description="Why it happened, from the root-cause list (e.g. "
                                   "process_failure, system_error).", examples=["process_failure"])
    resolution_code: str | None = Field(None, description="What was done, from the resolution-code list (e.g. "
                                        "refund, replacement, apology).", examples=["refund"])
    team_id: str | None = Field(None, description="The team that resolved it.", examples=["billing"])
    agent_id: str | None = Field(None, description="The agent who resolved it.", examples=["agent-017"])


class ComplaintEscalatedV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.complaint.escalated.v1"
    emitted_by: ClassVar[str] = "escalation, when a breach or a request raises the escalation level"

    level: int = Field(ge=1, description="The new escalation level (0 is none).")
    reason: str = Field(description="Why it was escalated.", examples=["Resolution target breached"])
    role: str | None = Field(None, description="Who owns the case at this level, e.g. team_lead, manager.",
                             examples=["team_lead"])
    trigger: str | None = Field(None, description="breach, time_after_breach, severity, manual or customer.",
                                examples=["breach"])


class ComplaintReopenRequestedV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.complaint.reopen-requested.v1"
    emitted_by: ClassVar[str] = "feedback, when the customer rejects the outcome or scores it low"

    reason: str = Field(description="Why: the customer's rejection or the low score.", examples=["csat 1"])


class ComplaintEscalationRequestedV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.complaint.escalation-requested.v1"
    emitted_by: ClassVar[str] = "intake, when the customer asks for the complaint to be escalated"

    reason: str = Field(description="The customer's reason with contact data masked.",
                        examples=["No answer for a week."])


class ComplaintInformationRequestedV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.complaint.information-requested.v1"
    emitted_by: ClassVar[str] = "routing, when an agent asks the customer for information (the case awaits them)"

    message: str = Field(description="The question as the customer will read it.",
                         examples=["Please send the order number of the returned item."])
    agent_id: str | None = Field(None, description="The agent who asks.", examples=["agent-017"])


class ComplaintMergedV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.complaint.merged.v1"
    emitted_by: ClassVar[str] = "routing, when a duplicate case is merged into another and closed"

    into_complaint_id: UUID = Field(description="The complaint that carries on; this one is closed.")


class ComplaintCloseRequestedV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.complaint.close-requested.v1"
    emitted_by: ClassVar[str] = "feedback, when the customer accepts the outcome or its follow-up window ends"

    reason: str = Field(description="accepted or no_answer.", examples=["accepted"])


class ComplaintHeldV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.complaint.held.v1"
    emitted_by: ClassVar[str] = "routing, when staff put the case on hold (its SLA clocks pause)"

    reason: str = Field(description="Why the case waits, e.g. on a third party.",
                        examples=["Waiting for the courier's report on the lost parcel."])
    until: datetime | None = Field(None, description="When the hold is expected to end, if known (UTC); the hold "
                                   "lasts until it is released.")
    actor: str = Field(description="Who put the case on hold.", examples=["agent-017"])


class ComplaintHoldReleasedV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.complaint.hold-released.v1"
    emitted_by: ClassVar[str] = "routing, when staff release a case from hold (its SLA clocks resume)"

    actor: str = Field(description="Who released the case.", examples=["agent-017"])
    reason: str | None = Field(None, description="Why the hold ended, if given.",
                               examples=["The courier's report arrived."])


class ComplaintErasedV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.complaint.erased.v1"
    emitted_by: ClassVar[str] = ("intake, when it has erased a complaint's personal data (the customer's right to "
                                 "erasure, or the end of the retention period)")

    basis: str = Field(description="Why: request (the customer asked for erasure) or retention (the complaint was "
                       "closed longer ago than the retention period).", examples=["request"])


class ComplaintErasureConfirmedV1(Event):
    topic: ClassVar[str] = TOPIC
    ce_type: ClassVar[str] = "redress.complaint.erasure-confirmed.v1"
    emitted_by: ClassVar[str] = ("routing, escalation and feedback, when they have erased what they held of a "
                                 "complaint after its complaint.erased (also when they held nothing)")

    service: str = Field(description="The service that erased its copy of the complaint's personal data.",
                         examples=["routing"])


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
    ComplaintEscalationRequestedV1,
    ComplaintInformationRequestedV1,
    ComplaintMergedV1,
    ComplaintCloseRequestedV1,
    ComplaintHeldV1,
    ComplaintHoldReleasedV1,
    ComplaintErasedV1,
    ComplaintErasureConfirmedV1,
)
