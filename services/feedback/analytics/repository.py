"""Async queries of the analytics read model."""

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from services.feedback.analytics.domain import Answer, Fact
from services.feedback.analytics.models import AnswerFact, ComplaintFact, FactEvent
from shared.contracts import Event
from shared.db import Database

FACT_COLUMNS = [f.name for f in fields(Fact) if f.name != "answers"]
ANSWER_COLUMNS = [f.name for f in fields(Answer)]


@dataclass(frozen=True)
class Scope:
    """Which complaints a KPI query covers: the tenant's, received in [start, end) and matching every filter given."""

    start: datetime
    end: datetime
    tenant: str = field(kw_only=True)
    channel: str | None = None
    category: str | None = None
    product: str | None = None
    team: str | None = None
    agent: str | None = None
    region: str | None = None

    def where(self, query: Select) -> Select:
        query = query.where(ComplaintFact.tenant == self.tenant, ComplaintFact.counted_at >= self.start,
                            ComplaintFact.counted_at < self.end)
        for name in ("channel", "category", "product", "team", "agent", "region"):
            value = getattr(self, name)
            if value is not None:
                query = query.where(getattr(ComplaintFact, name) == value)
        return query


def to_fact(row: ComplaintFact, answers: Sequence[Answer] = ()) -> Fact:
    return Fact(**{name: getattr(row, name) for name in FACT_COLUMNS}, answers=tuple(answers))


class FactRepository:
    """Writes of the consumer: one fact row per complaint, one row per answer."""

    def __init__(self, session: AsyncSession, database: Database) -> None:
        self.session = session
        self.database = database

    async def first_time(self, event: Event) -> bool:
        """Records that `event` is applied; False when an identical event already was."""
        statement = self.database.insert(FactEvent.__table__).values(
            complaint_id=event.complaint_id, ce_type=event.ce_type, occurred_at=event.occurred_at,
        ).on_conflict_do_nothing()
        return (await self.session.execute(statement)).rowcount == 1

    async def lock(self, complaint_id: UUID, *, tenant: str, seen_at: datetime) -> ComplaintFact:
        """The complaint's fact row, created (in the event's tenant) when new, locked until the transaction ends."""
        statement = self.database.insert(ComplaintFact.__table__).values(
            complaint_id=complaint_id, tenant=tenant, first_seen_at=seen_at, counted_at=seen_at, sla={}, repeat=False,
            merged=False, responses=0, information_requests=0, reopen_count=0, transfers=0, escalation_level=0,
            surveys_sent=0,
        ).on_conflict_do_nothing()
        await self.session.execute(statement)
        query = select(ComplaintFact).where(ComplaintFact.complaint_id == complaint_id).with_for_update()
        return (await self.session.execute(query)).scalar_one()

    def save(self, row: ComplaintFact, fact: Fact) -> None:
        for name in FACT_COLUMNS:
            setattr(row, name, getattr(fact, name))
        row.counted_at = fact.anchor

    async def add_answer(self, complaint_id: UUID, answer: Answer) -> None:
        values = {name: getattr(answer, name) for name in ANSWER_COLUMNS}
        statement = self.database.insert(AnswerFact.__table__).values(
            complaint_id=complaint_id, **{**values, "dimensions": dict(answer.dimensions)},
        ).on_conflict_do_nothing()
        await self.session.execute(statement)


async def load_facts(connection: AsyncConnection, scope: Scope) -> list[Fact]:
    """The facts of the scope, each with its answers."""
    rows = (await connection.execute(scope.where(select(ComplaintFact.__table__)))).mappings().all()
    ids = select(ComplaintFact.complaint_id)
    answer_rows = (await connection.execute(
        select(AnswerFact.__table__).where(AnswerFact.complaint_id.in_(scope.where(ids)))
    )).mappings().all()
    answers: dict[UUID, list[Answer]] = {}
    for item in answer_rows:
        answers.setdefault(item["complaint_id"], []).append(_answer(item))
    return [_fact(row, answers.get(row["complaint_id"], ())) for row in rows]


def _answer(item: Any) -> Answer:
    return Answer(**{n: item[n] for n in ANSWER_COLUMNS if n != "dimensions"}, dimensions=item["dimensions"] or {})


def _fact(row: Any, answers: Sequence[Answer]) -> Fact:
    return Fact(**{name: row[name] for name in FACT_COLUMNS}, answers=tuple(answers))


async def load_texts(connection: AsyncConnection, scope: Scope) -> list[tuple[str | None, str]]:
    """(category, subject + description) of the scope's complaints whose text is known."""
    query = scope.where(select(ComplaintFact.category, ComplaintFact.subject, ComplaintFact.description))
    rows = (await connection.execute(query.where(ComplaintFact.subject.is_not(None)))).all()
    return [(category, f"{subject}\n{description or ''}") for category, subject, description in rows]


async def load_anchors(connection: AsyncConnection, start: datetime, end: datetime) -> list[Any]:
    """(tenant, category, product, channel, counted_at, complaint_id) of complaints counted in [start, end)."""
    query = select(ComplaintFact.tenant, ComplaintFact.category, ComplaintFact.product, ComplaintFact.channel,
                   ComplaintFact.counted_at, ComplaintFact.complaint_id)
    query = query.where(ComplaintFact.counted_at >= start, ComplaintFact.counted_at < end)
    return list((await connection.execute(query)).all())
