"""Suggest how to handle a case from the most similar resolved cases and the responses that went out."""

import asyncio
from uuid import UUID

from sqlalchemy import select

from services.routing.cases.models import Case, CaseResponse
from services.routing.knowledge.domain import most_similar
from services.routing.knowledge.schemas import SuggestionOut
from services.routing.uow import RoutingUow

# The newest resolved cases compared against; older knowledge matters less and costs time.
CORPUS = 2000


async def suggestions(uow: RoutingUow, complaint_id: UUID, *, limit: int) -> list[SuggestionOut]:
    async with uow:
        case = await uow.cases.get(complaint_id)
        # Only the case's own tenant's knowledge: another organisation's complaints and answers stay theirs.
        query = (select(Case).where(Case.tenant == case.tenant, Case.status.in_(("resolved", "closed")),
                                    Case.resolution.is_not(None), Case.id != case.id)
                 .order_by(Case.resolved_at.desc()).limit(CORPUS))
        resolved = list((await uow.session.scalars(query)).all())
        texts = [f"{c.subject}\n{c.description}" for c in resolved]
        ranked = await asyncio.to_thread(most_similar, f"{case.subject}\n{case.description}", texts, limit=limit)
        chosen = [(resolved[i], score) for i, score in ranked]
        sent = await _responses(uow, [c.id for c, _ in chosen])
    return [SuggestionOut(complaint_id=c.id, tracking_number=c.tracking_number, subject=c.subject,
                          category=c.category, resolution=c.resolution, resolution_code=c.resolution_code,
                          root_cause=c.root_cause, similarity=score, responses=sent.get(c.id, []))
            for c, score in chosen]


async def _responses(uow: RoutingUow, ids: list[UUID]) -> dict[UUID, list[str]]:
    if not ids:
        return {}
    query = (select(CaseResponse.complaint_id, CaseResponse.message)
             .where(CaseResponse.complaint_id.in_(ids), CaseResponse.state == "sent")
             .order_by(CaseResponse.created_at))
    found: dict[UUID, list[str]] = {}
    for complaint_id, message in (await uow.session.execute(query)).all():
        found.setdefault(complaint_id, []).append(message)
    return found
