"""Queries of the escalation database: complaints as escalation knows them, their clocks and escalations."""

from datetime import datetime
from uuid import UUID

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.escalation.domain import OPEN, DueClock
from services.escalation.models import Escalation, SlaClock, SlaComplaint
from shared.auth.visibility import CaseView
from shared.errors import NotFound

# What the timer changes on a clock it fires.
FIRED_FIELDS = ("state", "warned", "escalated_after_breach", "breached_at", "next_fire_at", "updated_at")


class ClockRepository:
    """Rows read here for a change are locked (FOR UPDATE on PostgreSQL), so the timer job of another replica
    and an event handler never change the same clock at once."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def complaint(self, complaint_id: UUID, *, lock: bool = True, tenant: str | None = None
                        ) -> SlaComplaint | None:
        """The complaint; with `tenant`, None too when it is another tenant's (a caller's view). The handlers
        of events pass none: an event names the complaint's own tenant."""
        query = select(SlaComplaint).where(SlaComplaint.id == complaint_id)
        if tenant is not None:
            query = query.where(SlaComplaint.tenant == tenant)
        if lock:
            query = query.with_for_update().execution_options(populate_existing=True)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def complaints_for_update(self, complaint_ids: set[UUID]) -> dict[UUID, SlaComplaint]:
        """The complaints by id, locked in the order of their ids."""
        if not complaint_ids:
            return {}
        query = (select(SlaComplaint).where(SlaComplaint.id.in_(sorted(complaint_ids))).order_by(SlaComplaint.id)
                 .with_for_update().execution_options(populate_existing=True))
        return {row.id: row for row in (await self.session.execute(query)).scalars()}

    async def get_complaint(self, complaint_id: UUID, *, view: CaseView, lock: bool = False) -> SlaComplaint:
        """The complaint if the caller's view holds it (its tenant's, and for an agent or a supervisor with queues
        one of their queues' or assigned to them); NotFound otherwise, exactly as for a missing one."""
        complaint = await self.complaint(complaint_id, lock=lock, tenant=view.tenant)
        if complaint is None or not view.sees(tenant=complaint.tenant, team_id=complaint.team_id,
                                              agent_id=complaint.agent_id):
            raise NotFound(f"no SLA record of complaint {complaint_id}", complaint_id=str(complaint_id))
        return complaint

    def add(self, row: object) -> None:
        self.session.add(row)

    async def open_clocks(self, complaint_id: UUID, *targets: str) -> list[SlaClock]:
        query = (select(SlaClock).where(SlaClock.complaint_id == complaint_id, SlaClock.state.in_(list(OPEN)))
                 .order_by(SlaClock.started_at).with_for_update().execution_options(populate_existing=True))
        if targets:
            query = query.where(SlaClock.target.in_(targets))
        return list((await self.session.execute(query)).scalars())

    async def clocks_of(self, complaint_id: UUID) -> list[SlaClock]:
        query = select(SlaClock).where(SlaClock.complaint_id == complaint_id).order_by(SlaClock.started_at,
                                                                                       SlaClock.target)
        return list((await self.session.execute(query)).scalars())

    async def has_clock(self, complaint_id: UUID, target: str) -> bool:
        query = select(func.count()).select_from(SlaClock).where(SlaClock.complaint_id == complaint_id,
                                                                 SlaClock.target == target)
        return bool((await self.session.execute(query)).scalar_one())

    async def open_clocks_of_policy(self, policy_id: str) -> list[SlaClock]:
        query = (select(SlaClock).where(SlaClock.policy_id == policy_id, SlaClock.state.in_(list(OPEN)))
                 .with_for_update().execution_options(populate_existing=True))
        return list((await self.session.execute(query)).scalars())

    async def claim_due(self, now: datetime, *, limit: int) -> list[DueClock]:
        """Clocks with work due, locked for this transaction; rows another replica holds are skipped. They are
        plain objects, not in the session: `save_fired` writes what the timer changed, in one statement."""
        table = SlaClock.__table__
        query = (select(table).where(table.c.next_fire_at <= now).order_by(table.c.next_fire_at).limit(limit)
                 .with_for_update(skip_locked=True))
        return [DueClock(**row) for row in (await self.session.execute(query)).mappings()]

    async def save_fired(self, clocks: list[DueClock]) -> None:
        """Write back the fields `domain.fire` changes on claimed clocks."""
        if not clocks:
            return
        table = SlaClock.__table__
        statement = update(table).where(table.c.id == bindparam("clock_id", type_=table.c.id.type)).values(
            {name: bindparam(name, type_=table.c[name].type) for name in FIRED_FIELDS})
        await self.session.execute(statement, [
            {"clock_id": clock.id, **{name: getattr(clock, name) for name in FIRED_FIELDS}} for clock in clocks],
            execution_options={"synchronize_session": False})

    async def escalations_of(self, complaint_id: UUID) -> list[Escalation]:
        query = select(Escalation).where(Escalation.complaint_id == complaint_id).order_by(Escalation.at,
                                                                                           Escalation.level)
        return list((await self.session.execute(query)).scalars())
