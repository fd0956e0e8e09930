"""Raising a complaint's escalation level, and editing the ladder."""

from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from services.escalation.ladder import domain
from services.escalation.ladder.domain import Level
from services.escalation.models import Escalation, EscalationLevel, SlaComplaint
from services.escalation.policies.audit import record
from services.escalation.timings import Clockwork
from services.escalation.uow import EscalationUow
from shared.auth.visibility import CaseView
from shared.contracts.complaint import ComplaintEscalatedV1
from shared.errors import Conflict, NotFound


def raise_level(uow: EscalationUow, complaint: SlaComplaint, rung: Level, *, trigger: str, reason: str,
                now: datetime, target: str | None = None, actor: str | None = None) -> Escalation:
    """Move the complaint up to `rung`, keep the history and announce it; the caller commits."""
    entry = Escalation(id=uuid4(), complaint_id=complaint.id, from_level=complaint.escalation_level,
                       level=rung.level, role=rung.role, trigger=trigger, reason=reason, target=target,
                       actor=actor, at=now)
    uow.clocks.add(entry)
    complaint.escalation_level, complaint.escalation_role, complaint.updated_at = rung.level, rung.role, now
    uow.emit(ComplaintEscalatedV1(complaint_id=complaint.id, tenant=complaint.tenant, occurred_at=now,
                                  level=rung.level, role=rung.role, reason=reason, trigger=trigger))
    return entry


async def escalate_on_request(uow: EscalationUow, *, complaint_id: UUID, view: CaseView, reason: str, trigger: str,
                              now: datetime, actor: str | None = None) -> Escalation:
    """A step up asked for by staff (`manual`) or the customer (`customer`); Conflict at the top level. A
    complaint outside the caller's view (another tenant's, another queue's) is NotFound, like a missing one."""
    async with uow:
        complaint = await uow.clocks.get_complaint(complaint_id, view=view, lock=True)
        rung = domain.step_up(await Clockwork(uow).levels(), complaint.escalation_level)
        before = {"level": complaint.escalation_level, "role": complaint.escalation_role}
        entry = raise_level(uow, complaint, rung, trigger=trigger, reason=reason, now=now, actor=actor)
        if trigger == "manual":
            uow.record_change(actor=actor, action="escalate", entity="complaint", entity_id=complaint_id,
                              before=before, after={"level": rung.level, "role": rung.role, "reason": reason}, at=now,
                              tenant=complaint.tenant)
        await uow.commit()
    return entry


async def escalate_for_customer(uow: EscalationUow, *, complaint_id: UUID, reason: str, now: datetime) -> None:
    """The customer's request: a step up when there is one above; at the top (or for an unknown complaint) the
    request changes nothing."""
    async with uow:
        complaint = await uow.clocks.complaint(complaint_id)
        levels = await Clockwork(uow).levels()
        if complaint is None or not [rung for rung in levels if rung.level > complaint.escalation_level]:
            await uow.commit()
            return
        rung = domain.step_up(levels, complaint.escalation_level)
        raise_level(uow, complaint, rung, trigger="customer", reason=reason, now=now)
        await uow.commit()


def level_dict(row: EscalationLevel) -> dict[str, Any]:
    return {"level": row.level, "role": row.role, "breach_targets": list(row.breach_targets),
            "after_breach_minutes": row.after_breach_minutes, "min_severity": row.min_severity}


async def list_levels(uow: EscalationUow) -> list[EscalationLevel]:
    async with uow:
        return await uow.policies.levels()


async def put_level(uow: EscalationUow, *, level: int, fields: dict[str, Any], actor: str,
                    now: datetime) -> EscalationLevel:
    """Create or replace one level of the ladder; levels stay numbered 1, 2, 3 … without gaps."""
    async with uow:
        row = await uow.policies.level(level)
        before = level_dict(row) if row else None
        if row is None:
            top = max((existing.level for existing in await uow.policies.levels()), default=0)
            if level != top + 1:
                raise Conflict(f"the next level of the ladder is {top + 1}, not {level}", next_level=top + 1)
            row = EscalationLevel(level=level)
            uow.policies.add(row)
        for key, value in fields.items():
            setattr(row, key, value)
        row.updated_at = now
        record(uow, entity="escalation_level", entity_id=str(level), action="update" if before else "create",
               actor=actor, before=before, after=level_dict(row), now=now)
        await uow.commit()
    return row


async def delete_level(uow: EscalationUow, *, level: int, actor: str, now: datetime) -> None:
    """Only the top level can go, so the ladder keeps no gaps."""
    async with uow:
        levels = await uow.policies.levels()
        row = next((existing for existing in levels if existing.level == level), None)
        if row is None:
            raise NotFound(f"no escalation level {level}", level=level)
        if level != levels[-1].level:
            raise Conflict(f"only the top level ({levels[-1].level}) can be removed", top=levels[-1].level)
        record(uow, entity="escalation_level", entity_id=str(level), action="delete", actor=actor,
               before=level_dict(row), after=None, now=now)
        await uow.policies.delete(row)
        await uow.commit()
