"""The routes of erasure: a customer's personal data erased on request (right to erasure), and its progress."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from services.intake.deps import UowDep
from services.intake.erasure import domain, service
from services.intake.erasure.schemas import ComplaintErasureOut, ErasureIn, ErasureOut, ErasureProgressOut
from shared.audit.deps import ActorDep
from shared.auth.deps import CallerDep, requires
from shared.http import NOT_JSON, problem_doc, require_json

# Erasure cannot be undone: only an administrator (the data protection officer's key) may ask for it, and only
# for a customer of the administrator's tenant.
router = APIRouter(prefix="/v1", tags=["erasure"], dependencies=[Depends(requires())])

CustomerId = Annotated[str, Path(min_length=1, max_length=200, description="The frontend's customer id.")]


@router.post(
    "/customers/{customer_id}/erasure", status_code=202, dependencies=[Depends(require_json)],
    summary="Erase a customer's personal data (right to erasure)",
    description="Contact data becomes null and the texts of the customer's complaints (subject, description, "
    "replies, notifications) are replaced with `[erased]`, in one transaction; ids, tracking numbers, dates and "
    "the fields KPIs count stay. Each complaint's complaint.erased event has the other services erase their "
    "texts too, shortly after the answer (hence 202); GET on the same path reports their progress. Asking again "
    "is harmless.",
    responses={**NOT_JSON, 404: problem_doc("The customer has no complaints here")},
)
async def erase_customer(customer_id: CustomerId, body: ErasureIn, uow: UowDep, actor: ActorDep,
                         principal: CallerDep) -> ErasureOut:
    erased = await service.erase_customer(uow, customer_id, tenant=principal.tenant, reason=body.reason,
                                          actor=actor)
    return ErasureOut(customer_id=erased.customer_id, complaints=erased.complaints)


@router.get(
    "/customers/{customer_id}/erasure", summary="How far a customer's erasure has come, per service",
    description="Intake erases at once; routing, escalation and feedback confirm theirs with "
    "complaint.erasure-confirmed. `complete` when every service has erased every complaint of the customer.",
    responses={404: problem_doc("The customer has no complaints here")},
)
async def erasure_progress(customer_id: CustomerId, uow: UowDep, principal: CallerDep) -> ErasureProgressOut:
    complaints = await service.progress(uow, customer_id, tenant=principal.tenant)
    services = domain.progress(complaints)
    return ErasureProgressOut(
        customer_id=customer_id, complete=all(state == domain.DONE for state in services.values()),
        services=services,
        complaints=[ComplaintErasureOut(complaint_id=c.complaint_id, tracking_number=c.tracking_number,
                                        erased=c.erased, confirmed_by=c.confirmed) for c in complaints])
