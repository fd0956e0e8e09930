"""Events that bring a complaint to feedback's attention, as intake and routing would publish them."""

from datetime import UTC, datetime
from uuid import UUID, uuid4

from shared.contracts.complaint import Channel, ComplaintReceivedV1, ComplaintResolvedV1
from tests.support import unique


def a_received(complaint_id: UUID | None = None, *, locale: str | None = "en-US",
               language: str | None = "en") -> ComplaintReceivedV1:
    return ComplaintReceivedV1(
        complaint_id=complaint_id or uuid4(), tracking_number=unique("T")[:12].upper(), channel=Channel.WEB,
        customer_id=unique("customer-"), locale=locale, language=language, subject="Late refund",
        description="My refund has not arrived.", received_at=datetime.now(UTC))


def a_resolved(complaint_id: UUID, **overrides: object) -> ComplaintResolvedV1:
    fields: dict[str, object] = {"resolution": "Refund sent", "team_id": "billing", "agent_id": "agent-7"}
    return ComplaintResolvedV1(complaint_id=complaint_id, **{**fields, **overrides})


def token_of(survey_url: str) -> str:
    return survey_url.rsplit("/s/", 1)[1]
