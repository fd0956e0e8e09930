"""The route of erasure: a customer's personal data erased on request (right to erasure)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from services.intake.deps import UowDep
from services.intake.erasure import service
from services.intake.erasure.schemas import ErasureIn, ErasureOut
from shared.audit.deps import ActorDep
from shared.http import NOT_JSON, problem_doc, require_json

router = APIRouter(prefix="/v1", tags=["erasure"])

CustomerId = Annotated[str, Path(min_length=1, max_length=200, description="The frontend's customer id.")]


@router.post(
    "/customers/{customer_id}/erasure", status_code=202, dependencies=[Depends(require_json)],
    summary="Erase a customer's personal data (right to erasure)",
    description="Contact data becomes null and the texts of the customer's complaints (subject, description, "
    "replies, notifications) are replaced with `[erased]`, in one transaction; ids, tracking numbers, dates and "
    "the fields KPIs count stay. Each complaint's complaint.erased event has the other services erase their "
    "texts too, shortly after the answer (hence 202). Asking again is harmless.",
    responses={**NOT_JSON, 404: problem_doc("The customer has no complaints here")},
)
async def erase_customer(customer_id: CustomerId, body: ErasureIn, uow: UowDep, actor: ActorDep) -> ErasureOut:
    erased = await service.erase_customer(uow, customer_id, reason=body.reason, actor=actor)
    return ErasureOut(customer_id=erased.customer_id, complaints=erased.complaints)
