"""Routes of the escalation ladder (supervisors read it, admins change it) and of manual escalation (staff)."""

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Response

from services.escalation.deps import ADMINS, SUPERVISORS, ActorDep, UowDep
from services.escalation.ladder import service
from services.escalation.ladder.schemas import EscalationIn, EscalationOut, LevelBody, LevelOut
from shared.auth.deps import CallerDep, requires
from shared.auth.roles import STAFF
from shared.auth.visibility import case_view
from shared.http import require_json

router = APIRouter(prefix="/v1", tags=["escalation"])
LevelNumber = Annotated[int, Path(ge=1, le=100)]
NOT_JSON: dict[int | str, dict[str, Any]] = {415: {"description": "The body is not declared JSON"}}


@router.get("/sla/escalation-levels", dependencies=SUPERVISORS, summary="The escalation ladder, lowest level first")
async def list_levels(uow: UowDep) -> list[LevelOut]:
    return [LevelOut.model_validate(row) for row in await service.list_levels(uow)]


@router.put("/sla/escalation-levels/{level}", dependencies=[*ADMINS, Depends(require_json)],
            responses={**NOT_JSON, 409: {"description": "The level would leave a gap in the ladder"}},
            summary="Add the next level or change one", description="Levels are numbered 1, 2, 3 … without gaps.")
async def put_level(level: LevelNumber, body: LevelBody, uow: UowDep, actor: ActorDep) -> LevelOut:
    row = await service.put_level(uow, level=level, fields=body.model_dump(mode="json"), actor=actor,
                                  now=datetime.now(UTC))
    return LevelOut.model_validate(row)


@router.delete("/sla/escalation-levels/{level}", status_code=204, dependencies=ADMINS,
               responses={404: {"description": "No such level"}, 409: {"description": "Not the top level"}},
               summary="Remove the top level")
async def delete_level(level: LevelNumber, uow: UowDep, actor: ActorDep) -> Response:
    await service.delete_level(uow, level=level, actor=actor, now=datetime.now(UTC))
    return Response(status_code=204)


@router.post("/complaints/{complaint_id}/escalations", status_code=201,
             dependencies=[Depends(requires(*STAFF)), Depends(require_json)],
             responses={**NOT_JSON, 404: {"description": "No SLA record of this complaint"},
                        409: {"description": "The complaint is at the top level already"}},
             summary="Escalate a complaint one level", description="409 at the top level of the ladder.")
async def escalate(complaint_id: UUID, body: EscalationIn, uow: UowDep, actor: ActorDep,
                   caller: CallerDep) -> EscalationOut:
    entry = await service.escalate_on_request(uow, complaint_id=complaint_id, view=case_view(caller),
                                              reason=body.reason, trigger="manual", now=datetime.now(UTC),
                                              actor=actor)
    return EscalationOut.model_validate(entry)
