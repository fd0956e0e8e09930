"""HTTP shapes of the intake API. Unknown fields are refused so a frontend's typo is an error, not lost data."""

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    HttpUrl,
    StringConstraints,
)
from pydantic_core import CoreSchema, core_schema

from shared.contracts.complaint import Channel, ComplaintKind

Text = Annotated[str, StringConstraints(strip_whitespace=True)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=40,
                                         pattern=r"^\+?[0-9 ()./-]{5,40}$")]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]


class StrictIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=20_000)


class CustomerIn(StrictIn):
    id: Annotated[Text, Field(min_length=1, max_length=200, description="The frontend's customer id.")]
    name: Annotated[Text, Field(max_length=200)] | None = None
    email: EmailStr | None = None
    phone: Phone | None = None
    tier: Annotated[Text, Field(max_length=40)] | None = Field(None, examples=["standard", "gold", "vip"])
    locale: Annotated[Text, Field(max_length=20)] | None = Field(None, examples=["zh-CN", "en-US"])


class AttachmentIn(StrictIn):
    name: Annotated[Text, Field(min_length=1, max_length=255)]
    media_type: Annotated[Text, Field(min_length=3, max_length=100, pattern=r"^[\w.+-]+/[\w.+-]+$")]
    size: int = Field(ge=0, le=10 * 1024**3)
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{64}$")]
    url: HttpUrl


class ConsentIn(StrictIn):
    contact: bool = Field(True, description="The customer may be contacted about this complaint.")
    data_processing: bool = Field(True, description="The complaint's data may be processed to handle it.")
    survey: bool = Field(True, description="The customer may be asked about satisfaction afterwards.")


class ComplaintIn(StrictIn):
    kind: ComplaintKind = ComplaintKind.COMPLAINT
    channel: Channel
    external_ref: Annotated[Text, Field(max_length=200, description="The frontend's own reference.")] | None = None
    region: Annotated[Text, Field(max_length=100)] | None = None
    location: Annotated[Text, Field(max_length=200)] | None = None
    customer: CustomerIn
    subject: Annotated[Text, Field(min_length=1, max_length=300)]
    description: Annotated[Text, Field(min_length=1, max_length=20_000)]
    language: LanguageCode | None = Field(None, description="ISO 639-1; detected when not given.")
    product_ref: Annotated[Text, Field(max_length=200)] | None = None
    occurred_at: AwareDatetime | None = None
    remedy_sought: Annotated[Text, Field(max_length=5_000)] | None = None
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=20)
    consent: ConsentIn = Field(default_factory=ConsentIn)
    callback_url: HttpUrl | None = None


class AcknowledgementOut(BaseModel):
    """What the frontend shows the customer right away: the complaint is in, and what happens next."""

    id: UUID
    tracking_number: str
    status: str
    kind: ComplaintKind
    channel: Channel
    language: str | None
    received_at: datetime
    acknowledged_at: datetime
    expected_response_by: datetime
    duplicate_of: UUID | None = Field(description="Set when this was linked to an earlier, near-identical complaint.")
    repeat: bool = Field(description="The customer has complained recently before (重复投诉).")
    submission_id: UUID | None = Field(
        None, description="This submission's own record: `id` for a new complaint; for one linked to an earlier "
        "complaint (duplicate_of), the stored duplicate, listed with GET /v1/complaints?duplicate_of=….")


class CustomerOut(BaseModel):
    id: str
    name: str | None
    email: str | None
    phone: str | None
    tier: str | None
    locale: str | None


class ComplaintOut(AcknowledgementOut):
    external_ref: str | None
    region: str | None
    location: str | None
    customer: CustomerOut
    subject: str
    description: str
    product_ref: str | None
    occurred_at: datetime | None
    remedy_sought: str | None
    attachments: list[dict]
    consent: dict[str, bool]
    callback_url: str | None


class ComplaintSummaryOut(BaseModel):
    id: UUID
    tracking_number: str
    status: str
    kind: ComplaintKind
    channel: Channel
    customer_id: str
    subject: str
    received_at: datetime
    duplicate_of: UUID | None
    repeat: bool


class ComplaintPage(BaseModel):
    items: list[ComplaintSummaryOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


SortOrder = Literal["newest", "oldest"]

MAX_BATCH_ITEMS = 500


class BatchItemIn(StrictIn):
    idempotency_key: str | None = Field(
        None, min_length=1, max_length=255, description="Like the Idempotency-Key header of a single submission: "
        "a retry with the same key and complaint gets the first answer; never two complaints.")
    complaint: ComplaintIn


class _RawBatchItem:
    """Accepts any JSON value, so that each item is validated on its own and a bad one fails alone; the OpenAPI
    document still shows BatchItemIn."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.any_schema()

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: CoreSchema, handler: GetJsonSchemaHandler) -> dict[str, Any]:
        return handler(BatchItemIn.__pydantic_core_schema__)


class BatchIn(BaseModel):
    items: list[_RawBatchItem] = Field(min_length=1, max_length=MAX_BATCH_ITEMS)


class ItemProblemOut(BaseModel):
    title: str
    detail: str
    errors: list[dict[str, Any]] | None = Field(None, description="Invalid fields: loc, msg, type.")


class BatchResultOut(BaseModel):
    index: int = Field(description="Position of the item in the request, from 0.")
    status: int = Field(description="What POST /v1/complaints would have answered for this item alone.")
    acknowledgement: AcknowledgementOut | None
    problem: ItemProblemOut | None


class BatchOut(BaseModel):
    results: list[BatchResultOut] = Field(description="One per item, in the items' order.")
    accepted: int = Field(description="Items filed as new complaints (201).")
    linked: int = Field(description="Items linked to an earlier, near-identical complaint (200).")
    rejected: int = Field(description="Items refused; see their problem.")

    @classmethod
    def of(cls, results: list[BatchResultOut]) -> "BatchOut":
        accepted = sum(r.status == 201 for r in results)
        linked = sum(r.status == 200 for r in results)
        return cls(results=results, accepted=accepted, linked=linked, rejected=len(results) - accepted - linked)


class StepOut(BaseModel):
    at: datetime
    kind: str = Field(description="received, assigned, transferred, reply, information_request, customer_reply, "
                      "escalation_request, escalated, resolved, merged, reopened, closed, withdrawn, survey")
    title: str = Field(description="The step in the customer's language.")
    status: str = Field(description="The customer-facing status at that step.")
    text: str | None = Field(description="The reply, question, resolution or the customer's own words.")


class EscalationOut(BaseModel):
    requested_at: datetime | None = Field(description="When the customer last asked for escalation.")
    escalated_at: datetime | None = Field(description="When the complaint last went to a senior team.")


class TrackingOut(BaseModel):
    """The customer's view of their complaint: no internal notes, no agent names, no other customer's data."""

    tracking_number: str
    status: str = Field(description="received, being_handled, awaiting_your_reply, replied, resolved, closed, "
                        "withdrawn or merged")
    status_text: str = Field(description="The status in the customer's language.")
    language: Literal["en", "zh"]
    kind: ComplaintKind
    channel: Channel
    subject: str
    received_at: datetime
    expected_response_by: datetime = Field(description="The first reply promised: the acknowledgement's promise "
                                           "until the service-level clock gives the real one.")
    reply_by: datetime | None = Field(description="We will reply by then (first or next reply); null when no "
                                      "reply is owed.")
    resolve_by: datetime | None = Field(description="We will resolve the complaint by then, when known.")
    awaiting_your_reply: bool = Field(description="We asked for information; answer with POST …/replies.")
    escalation: EscalationOut
    history: list[StepOut]


Verification = Annotated[str, StringConstraints(strip_whitespace=True, min_length=4, max_length=320)]


class CustomerReplyIn(StrictIn):
    verification: Verification = Field(description="The e-mail address or the last 4 digits of the phone number.")
    message: Annotated[Text, Field(min_length=1, max_length=5_000)]


class WithdrawalIn(StrictIn):
    verification: Verification = Field(description="The e-mail address or the last 4 digits of the phone number.")
    reason: Annotated[Text, Field(max_length=1_000)] | None = None


class EscalationRequestIn(StrictIn):
    verification: Verification = Field(description="The e-mail address or the last 4 digits of the phone number.")
    reason: Annotated[Text, Field(min_length=1, max_length=1_000, description="Why the complaint needs a senior "
                                  "team.")]
