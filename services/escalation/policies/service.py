"""Editing policies and calendars: every change audited; a changed policy can move its open clocks along."""

from datetime import datetime
from typing import Any

from services.escalation import domain, events
from services.escalation.calendars import calendar_to_dict, parse_calendar
from services.escalation.models import SlaCalendar, SlaPolicy
from services.escalation.policies.audit import record
from services.escalation.policies.domain import target_specs
from services.escalation.timings import Clockwork
from services.escalation.uow import EscalationUow
from shared.errors import Conflict, InvalidInput, NotFound

POLICY_FIELDS = ("name", "position", "active", "conditions", "targets", "warning_thresholds")


def policy_dict(row: SlaPolicy) -> dict[str, Any]:
    return {"id": row.id, "version": row.version, **{key: getattr(row, key) for key in POLICY_FIELDS}}


async def _policy(uow: EscalationUow, policy_id: str) -> SlaPolicy:
    row = await uow.policies.policy(policy_id, lock=True)
    if row is None:
        raise NotFound(f"no SLA policy {policy_id!r}", policy_id=policy_id)
    return row


async def _check_calendars(uow: EscalationUow, targets: dict[str, Any]) -> None:
    known = {row.name for row in await uow.policies.calendars()}
    missing = sorted({spec["calendar"] for spec in targets.values()} - known)
    if missing:
        raise InvalidInput(f"unknown calendars {missing}; create them first or use one of {sorted(known)}",
                           calendars=missing)


async def list_policies(uow: EscalationUow) -> list[SlaPolicy]:
    async with uow:
        return await uow.policies.policies()


async def get_policy(uow: EscalationUow, policy_id: str) -> SlaPolicy:
    async with uow:
        return await _policy(uow, policy_id)


async def create_policy(uow: EscalationUow, *, fields: dict[str, Any], actor: str, now: datetime) -> SlaPolicy:
    async with uow:
        if await uow.policies.policy(fields["id"]) is not None:
            raise Conflict(f"SLA policy {fields['id']!r} exists already", policy_id=fields["id"])
        await _check_calendars(uow, fields["targets"])
        row = SlaPolicy(**fields, version=1, created_at=now, updated_at=now)
        uow.policies.add(row)
        record(uow, entity="policy", entity_id=row.id, action="create", actor=actor, before=None,
               after=policy_dict(row), now=now)
        await uow.commit()
    return row


async def update_policy(uow: EscalationUow, *, policy_id: str, fields: dict[str, Any], recalculate: bool,
                        actor: str, now: datetime) -> tuple[SlaPolicy, int]:
    """Replace a policy. Clocks already running keep the targets they started with, unless `recalculate`:
    then open clocks of the policy follow the new targets as if those had applied from their start."""
    async with uow:
        row = await _policy(uow, policy_id)
        await _check_calendars(uow, fields["targets"])
        before = policy_dict(row)
        for key, value in fields.items():
            setattr(row, key, value)
        row.version, row.updated_at = row.version + 1, now
        moved = await _recalculate(uow, row, now) if recalculate else 0
        record(uow, entity="policy", entity_id=row.id, action="update", actor=actor, before=before,
               after={**policy_dict(row), "recalculated_clocks": moved}, now=now)
        await uow.commit()
    return row, moved


async def _recalculate(uow: EscalationUow, policy: SlaPolicy, now: datetime) -> int:
    """Move the open clocks of the policy to its targets; those whose due time or breach changed are announced
    (sla.recalculated), so routing, the customer's status page and partners learn the new due time."""
    specs, work, moved = target_specs(policy.targets), Clockwork(uow), 0
    for clock in await uow.clocks.open_clocks_of_policy(policy.id):
        spec = specs.get(clock.target)
        if spec is None:
            continue
        before = domain.Terms.of(clock, business_hours=clock.business_hours)
        clock.business_hours, clock.calendar = spec.business_hours, spec.calendar
        domain.recalculate(clock, await work.timing(clock), now, target_minutes=spec.minutes,
                           thresholds=list(policy.warning_thresholds), ladder_delays=await work.delays())
        clock.updated_at, moved = now, moved + 1
        if domain.Terms.of(clock, business_hours=clock.business_hours).differs(before):
            uow.emit(events.recalculated(clock, previous_due_at=before.due_at, now=now))
    return moved


async def delete_policy(uow: EscalationUow, *, policy_id: str, actor: str, now: datetime) -> None:
    async with uow:
        row = await _policy(uow, policy_id)
        if await uow.clocks.open_clocks_of_policy(policy_id):
            raise Conflict(f"SLA policy {policy_id!r} has open clocks; set active=false to stop new ones",
                           policy_id=policy_id)
        record(uow, entity="policy", entity_id=policy_id, action="delete", actor=actor,
               before=policy_dict(row), after=None, now=now)
        await uow.policies.delete(row)
        await uow.commit()


def _normalised(definition: dict[str, Any]) -> dict[str, Any]:
    """The calendar as calendar_to_dict writes it; CalendarError (422) names what is wrong."""
    return calendar_to_dict(parse_calendar(definition))


async def list_calendars(uow: EscalationUow) -> list[SlaCalendar]:
    async with uow:
        return await uow.policies.calendars()


async def get_calendar(uow: EscalationUow, name: str) -> SlaCalendar:
    async with uow:
        row = await uow.policies.calendar(name)
        if row is None:
            raise NotFound(f"no calendar {name!r}", calendar=name)
        return row


async def create_calendar(uow: EscalationUow, *, name: str, definition: dict[str, Any], actor: str,
                          now: datetime) -> SlaCalendar:
    definition = _normalised(definition)
    async with uow:
        if await uow.policies.calendar(name) is not None:
            raise Conflict(f"calendar {name!r} exists already", calendar=name)
        row = SlaCalendar(name=name, definition=definition, created_at=now, updated_at=now)
        uow.policies.add(row)
        record(uow, entity="calendar", entity_id=name, action="create", actor=actor, before=None,
               after=definition, now=now)
        await uow.commit()
    return row


async def replace_calendar(uow: EscalationUow, *, name: str, definition: dict[str, Any], actor: str,
                           now: datetime) -> SlaCalendar:
    """New hours apply to due times computed from now on (starts, resumes, recalculations)."""
    definition = _normalised(definition)
    async with uow:
        row = await uow.policies.calendar(name, lock=True)
        if row is None:
            raise NotFound(f"no calendar {name!r}", calendar=name)
        before, row.definition, row.updated_at = row.definition, definition, now
        record(uow, entity="calendar", entity_id=name, action="update", actor=actor, before=before,
               after=definition, now=now)
        await uow.commit()
    return row


async def delete_calendar(uow: EscalationUow, *, name: str, actor: str, now: datetime) -> None:
    async with uow:
        row = await uow.policies.calendar(name, lock=True)
        if row is None:
            raise NotFound(f"no calendar {name!r}", calendar=name)
        users = [policy.id for policy in await uow.policies.policies()
                 if any(spec.get("calendar") == name for spec in policy.targets.values())]
        if users:
            raise Conflict(f"calendar {name!r} is used by policies {users}", policies=users)
        record(uow, entity="calendar", entity_id=name, action="delete", actor=actor, before=row.definition,
               after=None, now=now)
        await uow.policies.delete(row)
        await uow.commit()


async def audit_trail(uow: EscalationUow, *, entity: str | None, entity_id: str | None, limit: int
                      ) -> list[Any]:
    async with uow:
        return await uow.policies.audit(entity=entity, entity_id=entity_id, before=None, limit=limit)
