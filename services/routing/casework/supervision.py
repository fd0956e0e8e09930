"""Supervisors' and agents' moves of a case as a whole: reassign, merge a duplicate, reopen, re-classify.
The only place here that commits."""

from datetime import UTC, datetime
from uuid import UUID

from services.routing import domain as lifecycle
from services.routing.assignment import service as assignment
from services.routing.cases import service as cases
from services.routing.cases.models import Case
from services.routing.cases.steps import close_duplicate, record
from services.routing.casework.schemas import AssignmentIn, ClassificationIn
from services.routing.org.models import Team
from services.routing.triage import domain as triage_domain
from services.routing.triage import service as triage
from services.routing.uow import RoutingUow
from shared.contracts.complaint import ComplaintMergedV1, Status
from shared.errors import Conflict, IllegalTransition, InvalidInput

ASSIGNABLE = lifecycle.HELD | {Status.CLASSIFIED, Status.REOPENED}


async def reassign(uow: RoutingUow, complaint_id: UUID, body: AssignmentIn, *, actor: str) -> Case:
    """Hand the case to another agent or team by hand (a transfer): the agent must have room."""
    at = datetime.now(UTC)
    async with uow:
        case = await uow.cases.get(complaint_id)
        if case.status not in ASSIGNABLE:
            raise IllegalTransition(case.status, Status.ASSIGNED)
        agent = await uow.org.agent(body.agent_id) if body.agent_id else None
        team = await uow.org.team(body.team_id or (agent.team_id if agent else ""))
        if agent is not None and agent.id == case.agent_id:
            raise Conflict(f"the case is with {agent.id} already")
        if agent is not None and not await uow.org.take_capacity(agent, at=at):
            raise Conflict(f"agent {agent.id} has no room: {agent.open_cases} of {agent.capacity} open cases")
        if agent is None:
            agent = await assignment.take_agent(uow, team, case, at=at)
        await assignment.place(uow, case, team=team, agent=agent, at=at, actor=actor, reason=body.reason)
        await uow.commit()
    return case


async def merge(uow: RoutingUow, complaint_id: UUID, *, into: UUID, actor: str) -> Case:
    """Close a duplicate and point it at the case that carries on."""
    if into == complaint_id:
        raise InvalidInput("a case cannot be merged into itself", field="into_complaint_id")
    at = datetime.now(UTC)
    async with uow:
        case = await uow.cases.get(complaint_id)
        target = await uow.cases.get(into)
        if target.status in (Status.CLOSED, Status.WITHDRAWN):
            raise Conflict(f"case {into} is {target.status}; merge into an open case")
        if case.status not in lifecycle.OPEN:
            raise IllegalTransition(case.status, Status.CLOSED)
        case.merged_into = into
        uow.emit(ComplaintMergedV1(complaint_id=case.id, tenant=case.tenant, into_complaint_id=into, occurred_at=at))
        await assignment.let_go(uow, case, at=at)
        close_duplicate(uow, case, at=at, actor=actor, reason=f"merged into {into}")
        record(uow, target, "merged_in", at=at, actor=actor, duplicate=str(case.id))
        await uow.commit()
    return case


async def reopen(uow: RoutingUow, complaint_id: UUID, *, reason: str, actor: str) -> Case:
    """resolved → reopened → assigned, preferably to the agent who resolved it."""
    at = datetime.now(UTC)
    async with uow:
        case = await uow.cases.get(complaint_id)
        cases.reopen_case(uow, case, at=at, actor=actor, reason=reason, strict=True)
        await assignment.route(uow, case, at=at, prefer=case.last_agent_id, actor=actor)
        await uow.commit()
    return case


async def reclassify(uow: RoutingUow, complaint_id: UUID, body: ClassificationIn, *, actor: str) -> Case:
    """An agent's category replaces the guess and is kept as a label for retraining; a case in the triage
    queue then goes to the team of its category."""
    if not uow.context.taxonomy.has(body.category, body.subcategory):
        known = ", ".join(uow.context.taxonomy.by_id)
        raise InvalidInput(f"unknown category {body.category}/{body.subcategory}; the taxonomy has {known}",
                           field="category")
    at = datetime.now(UTC)
    async with uow:
        case = await uow.cases.get(complaint_id)
        if case.status not in lifecycle.OPEN or case.status == Status.RECEIVED:
            raise Conflict(f"the case is {case.status}; only classified, open cases can be re-classified")
        guess = triage_domain.Guess(body.category, body.subcategory, 1.0, triage_domain.AGENT)
        triage.apply(uow, case, guess, needs_triage=False, sentiment=case.sentiment, at=at, actor=actor,
                     priority=body.priority)
        triage.label(uow, case, category=body.category, subcategory=body.subcategory, actor=actor, at=at)
        if await _in_triage(uow, case) and case.status in ASSIGNABLE:
            await assignment.route(uow, case, at=at, actor=actor)
        await uow.commit()
    return case


async def _in_triage(uow: RoutingUow, case: Case) -> bool:
    team: Team | None = await uow.org.find_team(case.team_id) if case.team_id else None
    return team is not None and team.kind == "triage"
