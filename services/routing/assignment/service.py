"""Placing cases with teams and agents: the first routing, queues that drain when agents free up or come
online, transfers and escalations. The steps here never commit; the use cases that call them do."""

from datetime import datetime

from services.routing import domain as lifecycle
from services.routing.assignment import domain
from services.routing.cases.models import Case
from services.routing.cases.steps import move, record
from services.routing.org.models import Agent, Team
from services.routing.uow import RoutingUow
from shared.contracts.complaint import ComplaintAssignedV1, Status

QUEUE_SCAN = 50


def high_value(uow: RoutingUow, case: Case) -> bool:
    return case.customer_tier is not None and case.customer_tier.lower() in uow.context.settings.high_value_tiers


async def route(uow: RoutingUow, case: Case, *, at: datetime, prefer: str | None = None,
                actor: str | None = None, team_id: str | None = None) -> None:
    """Give a classified (or reopened, or re-classified) case a team (the one a rule named, if it exists) and,
    if one is free, an agent."""
    team = await uow.org.find_team(team_id) if team_id else None
    team = team or domain.choose_team(await uow.org.teams(), case, high_value=high_value(uow, case))
    if team is None:
        record(uow, case, "unrouted", at=at, text="no team serves this case yet")
        return
    agent = await take_agent(uow, team, case, at=at, prefer=prefer)
    await place(uow, case, team=team, agent=agent, at=at, actor=actor)


async def candidates(uow: RoutingUow, team: Team, case: Case) -> list[Agent]:
    if case.required_role in ("manager", "director"):
        return await uow.org.agents(role=case.required_role)
    return await uow.org.agents(team_id=team.id)


async def take_agent(uow: RoutingUow, team: Team, case: Case, *, at: datetime,
                     prefer: str | None = None, among: list[Agent] | None = None) -> Agent | None:
    """Choose an agent and count the case against their capacity; if another transaction filled them first,
    choose again without them."""
    agents = among if among is not None else await candidates(uow, team, case)
    while True:
        agent = domain.choose_agent(team, agents, case, at=at, prefer=prefer)
        if agent is None or await uow.org.take_capacity(agent, at=at):
            return agent
        agents = [a for a in agents if a.id != agent.id]


async def place(uow: RoutingUow, case: Case, *, team: Team, agent: Agent | None, at: datetime,
                actor: str | None = None, reason: str | None = None) -> None:
    """Put the case with `team` and `agent` (None: in the team's queue), whose capacity the caller has taken."""
    previous_team, previous_agent = case.team_id, case.agent_id
    agent_id = agent.id if agent else None
    if Status(case.status) in lifecycle.HELD and previous_agent and previous_agent != agent_id:
        await uow.org.release_capacity(previous_agent)
    moved = (previous_agent is not None and previous_agent != agent_id) or (
        previous_team is not None and previous_team != team.id)
    case.transfers += int(moved)
    case.team_id, case.agent_id, case.updated_at = team.id, agent_id, at
    case.queued_at = None if agent else (case.queued_at or at)
    if agent is None:
        uow.context.queued.set()
    if agent is not None:
        case.last_agent_id = agent.id
    uow.emit(ComplaintAssignedV1(complaint_id=case.id, tenant=case.tenant, team_id=team.id, agent_id=agent_id,
                                 previous_team_id=previous_team if moved else None,
                                 previous_agent_id=previous_agent if moved else None,
                                 transfers=case.transfers, occurred_at=at))
    record(uow, case, "assigned", at=at, actor=actor, text=reason, team_id=team.id, agent_id=agent_id,
           previous_team_id=previous_team, previous_agent_id=previous_agent, transfers=case.transfers)
    if Status(case.status) in (Status.CLASSIFIED, Status.REOPENED):
        move(uow, case, Status.ASSIGNED, at=at, actor=actor,
             reason="assigned to an agent" if agent else "waiting in the team's queue")
    if previous_agent and previous_agent != agent_id:
        await fill(uow, previous_agent, at=at)


async def let_go(uow: RoutingUow, case: Case, *, at: datetime) -> None:
    """The case leaves its agent's hands (resolved, closed, withdrawn): free the capacity, take the next."""
    case.queued_at = None
    if Status(case.status) in lifecycle.HELD and case.agent_id:
        await uow.org.release_capacity(case.agent_id)
        await fill(uow, case.agent_id, at=at)


async def fill(uow: RoutingUow, agent_id: str, *, at: datetime) -> None:
    """Give an agent who has room the waiting cases they fit, most urgent first."""
    agent = await uow.org.find_agent(agent_id)
    if agent is None:
        return
    await uow.org.refresh(agent)
    if not domain.available(agent, at):
        return
    teams = {t.id: t for t in await uow.org.teams()}
    for case in await uow.cases.waiting(team_ids=None if agent.role in ("manager", "director") else [agent.team_id],
                                        limit=QUEUE_SCAN):
        team = teams.get(case.team_id or "")
        if team is None or (case.required_role or "agent") != agent.role:
            continue
        if await take_agent(uow, team, case, at=at, among=[agent]) is not None:
            await place(uow, case, team=team, agent=agent, at=at, reason="taken from the queue")
        if agent.open_cases >= agent.capacity:
            return


async def drain(uow: RoutingUow, *, at: datetime) -> int:
    """Try every waiting case (and every case no team took) again: shifts begin, waits relax skills."""
    placed = 0
    teams = {t.id: t for t in await uow.org.teams()}
    for case in await uow.cases.unrouted(limit=QUEUE_SCAN):
        await route(uow, case, at=at)
    for case in await uow.cases.waiting(limit=QUEUE_SCAN):
        team = teams.get(case.team_id or "")
        agent = await take_agent(uow, team, case, at=at) if team else None
        if team is not None and agent is not None:
            await place(uow, case, team=team, agent=agent, at=at, reason="taken from the queue")
            placed += 1
    return placed
