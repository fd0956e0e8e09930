"""Queries of cases and their work."""

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.routing.cases.models import Case, CaseEntry, CaseNote, CaseResponse, CaseTask, TriageLabel
from services.routing.org.models import Team
from shared.auth.visibility import CaseView
from shared.errors import InvalidInput, NotFound


@dataclass(frozen=True, kw_only=True)
class CaseFilter:
    view: CaseView   # the cases the caller may see: its tenant's, perhaps only its queues'
    status: str | None = None
    team_id: str | None = None
    agent_id: str | None = None
    priority: str | None = None
    category: str | None = None
    needs_triage: bool | None = None


def encode_cursor(case: Case) -> str:
    raw = json.dumps([case.created_at.isoformat(), str(case.id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, UUID]:
    try:
        created_at, complaint_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return datetime.fromisoformat(created_at), UUID(complaint_id)
    except (ValueError, TypeError) as exc:
        raise InvalidInput("the cursor is not one this API gave out; start again without it") from exc


class CaseRepository:
    def __init__(self, session: AsyncSession, *, lock_rows: bool) -> None:
        self.session = session
        self.lock_rows = lock_rows

    def add(self, item: Case | CaseEntry | CaseNote | CaseTask | CaseResponse | TriageLabel) -> None:
        self.session.add(item)

    async def find(self, complaint_id: UUID) -> Case | None:
        query = select(Case).where(Case.id == complaint_id)
        if self.lock_rows:
            query = query.with_for_update()
        return await self.session.scalar(query)

    async def get(self, complaint_id: UUID) -> Case:
        case = await self.find(complaint_id)
        if case is None:
            raise NotFound(f"no case {complaint_id}", complaint_id=str(complaint_id))
        return case

    async def placement(self, complaint_id: UUID) -> tuple[str, str | None, str | None]:
        """The tenant, team and agent of a case, read without a lock: to check who may see it."""
        query = select(Case.tenant, Case.team_id, Case.agent_id).where(Case.id == complaint_id)
        row = (await self.session.execute(query)).first()
        if row is None:
            raise NotFound(f"no case {complaint_id}", complaint_id=str(complaint_id))
        return row.tenant, row.team_id, row.agent_id

    async def page(self, where: CaseFilter, *, limit: int, cursor: str | None) -> tuple[list[Case], str | None]:
        query = _filtered(select(Case), where)
        if cursor:
            created_at, complaint_id = decode_cursor(cursor)
            query = query.where(or_(Case.created_at < created_at,
                                    and_(Case.created_at == created_at, Case.id < complaint_id)))
        query = query.order_by(Case.created_at.desc(), Case.id.desc()).limit(limit + 1)
        cases = list((await self.session.scalars(query)).all())
        more = len(cases) > limit
        cases = cases[:limit]
        return cases, encode_cursor(cases[-1]) if more else None

    async def waiting(self, *, team_ids: list[str] | None = None, limit: int = 50) -> list[Case]:
        """Cases waiting for an agent, most urgent and oldest first; on PostgreSQL locked, skipping rows another
        replica holds."""
        query = select(Case).where(Case.queued_at.is_not(None))
        if team_ids is not None:
            query = query.where(Case.team_id.in_(team_ids))
        query = query.order_by(Case.priority_rank.desc(), Case.queued_at, Case.id).limit(limit)
        if self.lock_rows:
            query = query.with_for_update(skip_locked=True)
        return list((await self.session.scalars(query)).all())

    async def relaxation_times(self, *, limit: int = 500) -> list[datetime]:
        """When the oldest waiting cases of teams that match by skills may be taken by any agent."""
        query = (select(Case.queued_at, Team.relax_after_s).join(Team, Team.id == Case.team_id)
                 .where(Case.queued_at.is_not(None), Team.strategy == "skills").order_by(Case.queued_at).limit(limit))
        return [queued_at + timedelta(seconds=relax) for queued_at, relax in (await self.session.execute(query)).all()]

    async def unrouted(self, *, limit: int = 50) -> list[Case]:
        """Classified cases no team took (there was none)."""
        query = select(Case).where(Case.status == "classified", Case.team_id.is_(None)).order_by(Case.created_at)
        if self.lock_rows:
            query = query.with_for_update(skip_locked=True)
        return list((await self.session.scalars(query.limit(limit))).all())

    async def history(self, complaint_id: UUID) -> list[CaseEntry]:
        query = select(CaseEntry).where(CaseEntry.complaint_id == complaint_id).order_by(CaseEntry.at, CaseEntry.id)
        return list((await self.session.scalars(query)).all())

    async def notes(self, complaint_id: UUID) -> list[CaseNote]:
        query = select(CaseNote).where(CaseNote.complaint_id == complaint_id).order_by(CaseNote.at)
        return list((await self.session.scalars(query)).all())

    async def tasks(self, complaint_id: UUID) -> list[CaseTask]:
        query = select(CaseTask).where(CaseTask.complaint_id == complaint_id).order_by(CaseTask.created_at)
        return list((await self.session.scalars(query)).all())

    async def task(self, complaint_id: UUID, task_id: UUID) -> CaseTask:
        task = await self.session.get(CaseTask, task_id)
        if task is None or task.complaint_id != complaint_id:
            raise NotFound(f"case {complaint_id} has no task {task_id}")
        return task

    async def responses(self, complaint_id: UUID) -> list[CaseResponse]:
        query = select(CaseResponse).where(CaseResponse.complaint_id == complaint_id)
        return list((await self.session.scalars(query.order_by(CaseResponse.created_at))).all())

    async def response(self, complaint_id: UUID, response_id: UUID) -> CaseResponse:
        response = await self.session.get(CaseResponse, response_id)
        if response is None or response.complaint_id != complaint_id:
            raise NotFound(f"case {complaint_id} has no response {response_id}")
        return response

    async def labels(self, *, limit: int, after: datetime | None = None) -> list[TriageLabel]:
        query = select(TriageLabel).order_by(TriageLabel.created_at, TriageLabel.id).limit(limit)
        if after is not None:
            query = query.where(TriageLabel.created_at > after)
        return list((await self.session.scalars(query)).all())


def _filtered(query: Select[tuple[Case]], where: CaseFilter) -> Select[tuple[Case]]:
    for column, value in ((Case.status, where.status), (Case.team_id, where.team_id),
                          (Case.agent_id, where.agent_id), (Case.priority, where.priority),
                          (Case.category, where.category), (Case.needs_triage, where.needs_triage)):
        if value is not None:
            query = query.where(column == value)
    view = where.view
    query = query.where(Case.tenant == view.tenant)
    if not view.everything:
        query = query.where(or_(Case.agent_id == view.agent_id, Case.team_id.in_(sorted(view.queues))))
    return query
