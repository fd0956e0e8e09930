"""Intake's HTTP routes: parse, call a use case, answer with a schema."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Path, Query, Response

from services.intake import service
from services.intake.deps import SettingsDep, UowDep
from services.intake.projection.view import tracking_view
from services.intake.repository import ComplaintFilter
from services.intake.schemas import (
    AcknowledgementOut,
    BatchIn,
    BatchOut,
    ComplaintIn,
    ComplaintOut,
    ComplaintPage,
    ComplaintSummaryOut,
    CustomerOut,
    CustomerReplyIn,
    EscalationRequestIn,
    TrackingOut,
    WithdrawalIn,
)
from shared.auth.deps import public, requires
from shared.auth.principal import Principal
from shared.auth.roles import Role
from shared.contracts.complaint import Channel, ComplaintKind
from shared.http import NOT_JSON, problem_doc, require_json
from shared.ratelimit import TOO_MANY_REQUESTS, public_rate_limit

router = APIRouter(prefix="/v1", tags=["complaints"])
# Frontends file complaints; staff read them. The listing shows contact data, so it is for staff only.
# Each caller files and sees only its own tenant's complaints. The routes declare the dependency and take its
# Principal too (resolved once per request), so credentials are checked before the body.
FILING = Depends(requires(Role.FRONTEND))
READING = Depends(requires(Role.FRONTEND, Role.AGENT, Role.SUPERVISOR))
LISTING = Depends(requires(Role.AGENT, Role.SUPERVISOR))
Filer = Annotated[Principal, FILING]
Reader = Annotated[Principal, READING]
Lister = Annotated[Principal, LISTING]
# Its own body limit (settings.max_batch_body_bytes), set up in app.py.
BATCH_PATH = "/v1/complaints:batch"

NOT_FOUND = {404: problem_doc("No such complaint")}
NOT_VERIFIED = {404: problem_doc("No complaint matches this tracking number and verification")}
FINAL = {409: problem_doc("The complaint is closed or withdrawn")}

IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", description="Retries with the same key and body get the first answer; "
    "never two complaints.")]


@router.post(
    "/complaints", status_code=201, response_model=AcknowledgementOut, dependencies=[FILING, Depends(require_json)],
    summary="Submit a complaint, suggestion or praise",
    responses={**NOT_JSON, 200: {"model": AcknowledgementOut,
                     "description": "Linked to the customer's near-identical recent open complaint: id, "
                     "tracking_number and status are that complaint's (duplicate_of); the submission itself is "
                     "kept as submission_id, and its words join that complaint's history"}},
)
async def submit(body: ComplaintIn, uow: UowDep, settings: SettingsDep, principal: Filer,
                 idempotency_key: IdempotencyKey = None) -> Response:
    answer = await service.submit_complaint(uow, body, settings=settings, tenant=principal.tenant,
                                            idempotency_key=idempotency_key)
    return acknowledgement_response(answer)


def acknowledgement_response(answer: service.Answer) -> Response:
    """The filing's answer as it was first given, marked when it is a retry's replay."""
    headers = {"Idempotency-Replayed": "true"} if answer.replayed else {}
    return Response(answer.body, status_code=answer.status_code, media_type="application/json", headers=headers)


@router.post(
    BATCH_PATH.removeprefix(router.prefix), dependencies=[FILING, Depends(require_json)], responses=NOT_JSON,
    summary="Submit up to 500 complaints at once",
    description="Each item is validated and filed on its own, exactly as POST /v1/complaints would file it; a "
    "bad item never stops the others. The answer lists every item's status in the items' order.",
)
async def submit_batch(body: BatchIn, uow: UowDep, settings: SettingsDep, principal: Filer) -> BatchOut:
    results = await service.submit_batch(uow, body.items, settings=settings, tenant=principal.tenant)
    return BatchOut.of(results)


@router.get("/complaints", summary="List complaints, newest first")
async def list_complaints(
    uow: UowDep,
    principal: Lister,
    channel: Channel | None = None,
    status: str | None = Query(None, max_length=30),
    kind: ComplaintKind | None = None,
    customer_id: str | None = Query(None, max_length=200),
    received_from: datetime | None = Query(None, description="Inclusive, ISO 8601."),
    received_to: datetime | None = Query(None, description="Exclusive, ISO 8601."),
    duplicate_of: UUID | None = Query(None, description="Only the submissions linked to this complaint."),
    linked: Literal["false", "true", "all"] | None = Query(
        None, description="false: complaints only; true: only submissions linked to an earlier complaint as its "
        "duplicates; all: both. Default: false, or all with duplicate_of."),
    limit: int = Query(50, ge=1, le=200),
    cursor: str | None = Query(None, max_length=500),
) -> ComplaintPage:
    linked = linked or ("all" if duplicate_of else "false")
    where = ComplaintFilter(tenant=principal.tenant, channel=channel, status=status, kind=kind, customer_id=customer_id,
                            received_from=received_from, received_to=received_to, duplicate_of=duplicate_of,
                            linked=None if linked == "all" else linked == "true")
    complaints, next_cursor = await service.list_complaints(uow, where, limit=limit, cursor=cursor)
    return ComplaintPage(items=[ComplaintSummaryOut.model_validate(c, from_attributes=True) for c in complaints],
                         next_cursor=next_cursor)


@router.get("/complaints/{complaint_id}", summary="One complaint as filed", responses=NOT_FOUND)
async def get_complaint(complaint_id: UUID, uow: UowDep, principal: Reader) -> ComplaintOut:
    complaint = await service.get_complaint(uow, complaint_id, tenant=principal.tenant)
    customer = CustomerOut(id=complaint.customer_id, name=complaint.customer_name, email=complaint.customer_email,
                           phone=complaint.customer_phone, tier=complaint.customer_tier,
                           locale=complaint.customer_locale)
    return ComplaintOut.model_validate({**_columns(complaint), "customer": customer, "submission_id": complaint.id})


def _columns(complaint: object) -> dict[str, object]:
    return {name: getattr(complaint, name) for name in ComplaintOut.model_fields
            if name not in {"customer", "submission_id"}}


# Anyone may call these: the customer proves who they are with the verification each request carries.
track_router = APIRouter(prefix="/v1/track", tags=["customer tracking"],
                         dependencies=[Depends(public()), Depends(public_rate_limit)], responses=TOO_MANY_REQUESTS)
TrackingNumber = Annotated[str, Path(max_length=40, description="As the customer has it, e.g. RD-7K3M-9QX2-T; "
                                     "case, spaces and O/0, I/1 mix-ups are forgiven.")]


@track_router.get("/{tracking_number}", summary="The customer's view of their complaint", responses=NOT_VERIFIED)
async def track(tracking_number: TrackingNumber, uow: UowDep,
                verification: str = Query(..., min_length=4, max_length=320,
                                          description="The e-mail address or the phone number's last 4 digits."),
                lang: Literal["en", "zh"] | None = Query(None, description="Language of the status and steps; "
                                                         "default: the customer's locale.")
                ) -> TrackingOut:
    tracked = await service.track(uow, tracking_number, verification=verification)
    return tracking_view(tracked, requested_language=lang)


@track_router.post("/{tracking_number}/replies", status_code=204, dependencies=[Depends(require_json)],
                   summary="The customer replies or adds information",
                   responses={**NOT_JSON, **NOT_VERIFIED, **FINAL})
async def reply(tracking_number: TrackingNumber, body: CustomerReplyIn, uow: UowDep) -> None:
    await service.reply_as_customer(uow, tracking_number, verification=body.verification, message=body.message)


@track_router.post("/{tracking_number}/withdrawal", status_code=204, dependencies=[Depends(require_json)],
                   summary="The customer withdraws the complaint",
                   responses={**NOT_JSON, **NOT_VERIFIED, **FINAL})
async def withdraw(tracking_number: TrackingNumber, body: WithdrawalIn, uow: UowDep) -> None:
    await service.withdraw(uow, tracking_number, verification=body.verification, reason=body.reason)


@track_router.post("/{tracking_number}/escalation", status_code=204, dependencies=[Depends(require_json)],
                   summary="The customer asks for the complaint to go to a senior team",
                   responses={**NOT_JSON, **NOT_VERIFIED, **FINAL,
                              429: problem_doc("Escalation was asked for recently; the answer says when the "
                                               "customer may ask again")})
async def request_escalation(tracking_number: TrackingNumber, body: EscalationRequestIn, uow: UowDep,
                             settings: SettingsDep) -> None:
    await service.request_escalation(uow, tracking_number, verification=body.verification, reason=body.reason,
                                     settings=settings)
