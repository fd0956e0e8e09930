"""Route of knowledge-base suggestions: agents use them to answer, so they see those of the cases in view."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from services.routing.casework.access import CaseWorker
from services.routing.deps import UowDep
from services.routing.knowledge import service
from services.routing.knowledge.schemas import SuggestionOut

router = APIRouter(prefix="/v1", tags=["cases"])


@router.get("/cases/{complaint_id}/suggestions", responses={404: {"description": "No case of this complaint"}},
            summary="The most similar resolved cases, with their resolutions and responses")
async def suggestions(complaint_id: UUID, uow: UowDep, _: CaseWorker,
                      limit: Annotated[int, Query(ge=1, le=20)] = 5) -> list[SuggestionOut]:
    return await service.suggestions(uow, complaint_id, limit=limit)
