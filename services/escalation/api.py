"""Routes of a complaint's SLA: its clocks and escalations, for agents and supervisors."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends

from services.escalation import service
from services.escalation.deps import UowDep
from services.escalation.schemas import ComplaintSlaOut
from shared.auth.deps import CallerDep, requires
from shared.auth.roles import STAFF
from shared.auth.visibility import case_view

router = APIRouter(prefix="/v1", tags=["sla"], dependencies=[Depends(requires(*STAFF))])
# Another tenant's complaint answers 404 as a missing one does.
UNKNOWN_COMPLAINT: dict[int | str, dict[str, Any]] = {404: {"description": "No SLA record of this complaint"}}


@router.get("/complaints/{complaint_id}/sla", responses=UNKNOWN_COMPLAINT,
            summary="A complaint's SLA clocks, escalation level and history")
async def complaint_sla(complaint_id: UUID, uow: UowDep, caller: CallerDep) -> ComplaintSlaOut:
    view = await service.complaint_sla(uow, complaint_id=complaint_id, view=case_view(caller),
                                       now=datetime.now(UTC))
    return ComplaintSlaOut.model_validate(view, from_attributes=True)
