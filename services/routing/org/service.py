"""Use cases of the organisation: teams, agents, presence and schedules, organisation files and the demo
organisation. Changes that give agents room let them take waiting cases at once."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from services.routing.assignment import service as assignment
from services.routing.cases.models import Case
from services.routing.org import demo
from services.routing.org.models import Agent, Team
from services.routing.org.schedule import BadSchedule, check_schedule
from services.routing.org.schemas import AgentIn, Counts, ImportOut, OrgIn, ScheduleIn, TeamIn
from services.routing.uow import RoutingUow
from shared.errors import Conflict, InvalidInput, NotFound

CREATED, UPDATED, UNCHANGED, DELETED = "created", "updated", "unchanged", "deleted"
TEAM_FIELDS = ("name", "kind", "categories", "languages", "strategy", "relax_after_s")
AGENT_FIELDS = ("name", "team_id", "role", "categories", "languages", "channels", "capacity", "presence",
                "timezone", "schedule")


def _check_categories(uow: RoutingUow, categories: list[str], owner: str) -> None:
    unknown = [c for c in categories if c not in uow.context.taxonomy.by_id]
    if unknown:
        known = ", ".join(uow.context.taxonomy.by_id)
        raise InvalidInput(f"{owner}: unknown categories {', '.join(unknown)}; the taxonomy has {known}")


def _values(body: TeamIn | AgentIn, fields: tuple[str, ...]) -> dict[str, Any]:
    data = body.model_dump(mode="json")
    if "schedule" in data:
        data["schedule"] = {day: [list(r) for r in ranges] for day, ranges in data["schedule"].items()}
    return {name: data[name] for name in fields}


def _snapshot(item: Team | Agent) -> dict[str, Any]:
    return {name: getattr(item, name) for name in (TEAM_FIELDS if isinstance(item, Team) else AGENT_FIELDS)}


def _audit(uow: RoutingUow, item: Team | Agent, action: str, *, actor: str | None,
           before: dict[str, Any] | None, at: datetime) -> None:
    uow.record_change(actor=actor, action=action, entity="team" if isinstance(item, Team) else "agent",
                      entity_id=item.id, before=before, after=None if action == DELETED else _snapshot(item), at=at)


def _apply(uow: RoutingUow, item: Team | Agent, values: dict[str, Any], *, at: datetime, actor: str | None) -> str:
    if all(getattr(item, k) == v for k, v in values.items()):
        return UNCHANGED
    before = _snapshot(item)
    for name, value in values.items():
        setattr(item, name, value)
    item.updated_at = at
    _audit(uow, item, UPDATED, actor=actor, before=before, at=at)
    return UPDATED


async def upsert_team(uow: RoutingUow, team_id: str, body: TeamIn, *, at: datetime, actor: str | None = None
                      ) -> tuple[Team, str]:
    _check_categories(uow, body.categories, f"team {team_id}")
    values = _values(body, TEAM_FIELDS)
    team = await uow.org.find_team(team_id)
    if team is None:
        team = Team(id=team_id, created_at=at, updated_at=at, **values)
        uow.org.add(team)
        _audit(uow, team, CREATED, actor=actor, before=None, at=at)
        return team, CREATED
    return team, _apply(uow, team, values, at=at, actor=actor)


async def upsert_agent(uow: RoutingUow, agent_id: str, body: AgentIn, *, at: datetime, actor: str | None = None
                       ) -> tuple[Agent, str]:
    _check_categories(uow, body.categories, f"agent {agent_id}")
    _check_schedule(body.schedule, body.timezone)
    if await uow.org.find_team(body.team_id) is None:
        raise InvalidInput(f"agent {agent_id}: no team {body.team_id}", team_id=body.team_id)
    values = _values(body, AGENT_FIELDS)
    agent = await uow.org.find_agent(agent_id)
    if agent is None:
        agent = Agent(id=agent_id, open_cases=0, created_at=at, updated_at=at, **values)
        uow.org.add(agent)
        _audit(uow, agent, CREATED, actor=actor, before=None, at=at)
        return agent, CREATED
    if body.capacity < agent.open_cases:
        raise Conflict(f"agent {agent_id} holds {agent.open_cases} open cases; capacity cannot go below that")
    return agent, _apply(uow, agent, values, at=at, actor=actor)


def _check_schedule(schedule: dict[str, Any], timezone: str) -> None:
    try:
        check_schedule({day: [list(r) for r in ranges] for day, ranges in schedule.items()}, timezone)
    except BadSchedule as exc:
        raise InvalidInput(str(exc)) from exc


async def put_team(uow: RoutingUow, team_id: str, body: TeamIn, *, create_only: bool = False,
                   actor: str | None = None) -> tuple[Team, str]:
    at = datetime.now(UTC)
    async with uow:
        if create_only and await uow.org.find_team(team_id) is not None:
            raise Conflict(f"team {team_id} exists already; PUT /v1/teams/{team_id} changes it")
        team, outcome = await upsert_team(uow, team_id, body, at=at, actor=actor)
        await uow.session.flush()
        await assignment.drain(uow, at=at)
        await uow.commit()
    return team, outcome


async def put_agent(uow: RoutingUow, agent_id: str, body: AgentIn, *,
                    create_only: bool = False, actor: str | None = None) -> tuple[Agent, str]:
    at = datetime.now(UTC)
    async with uow:
        if create_only and await uow.org.find_agent(agent_id) is not None:
            raise Conflict(f"agent {agent_id} exists already; PUT /v1/agents/{agent_id} changes it")
        agent, outcome = await upsert_agent(uow, agent_id, body, at=at, actor=actor)
        await uow.session.flush()
        await assignment.fill(uow, agent_id, at=at)
        await uow.commit()
    return agent, outcome


async def set_presence(uow: RoutingUow, agent_id: str, presence: str, *, actor: str | None = None,
                       teams: frozenset[str] | None = None) -> Agent:
    """Online agents with room take waiting cases at once. With `teams`, only an agent of one of them may be set
    (a supervisor's queues); another is as unknown as a missing one."""
    at = datetime.now(UTC)
    async with uow:
        agent = await uow.org.agent(agent_id)
        if teams is not None and agent.team_id not in teams:
            raise NotFound(f"no agent {agent_id} in the teams {', '.join(sorted(teams))}", agent_id=agent_id)
        before = {"presence": agent.presence}
        agent.presence, agent.updated_at = presence, at
        uow.record_change(actor=actor, action="set_presence", entity="agent", entity_id=agent_id, before=before,
                          after={"presence": presence}, at=at)
        await uow.session.flush()
        await assignment.fill(uow, agent_id, at=at)
        await uow.commit()
    return agent


async def set_schedule(uow: RoutingUow, agent_id: str, body: ScheduleIn, *, actor: str | None = None) -> Agent:
    _check_schedule(body.schedule, body.timezone)
    at = datetime.now(UTC)
    async with uow:
        agent = await uow.org.agent(agent_id)
        before = {"timezone": agent.timezone, "schedule": agent.schedule}
        agent.timezone = body.timezone
        agent.schedule = {day: [list(r) for r in ranges] for day, ranges in body.schedule.items()}
        agent.updated_at = at
        uow.record_change(actor=actor, action="set_schedule", entity="agent", entity_id=agent_id, before=before,
                          after={"timezone": agent.timezone, "schedule": agent.schedule}, at=at)
        await uow.session.flush()
        await assignment.fill(uow, agent_id, at=at)
        await uow.commit()
    return agent


async def delete_team(uow: RoutingUow, team_id: str, *, actor: str | None = None) -> None:
    async with uow:
        team = await uow.org.team(team_id)
        if await uow.org.agents(team_id=team_id):
            raise Conflict(f"team {team_id} still has agents; move or delete them first")
        if await uow.session.scalar(select(func.count()).select_from(Case).where(Case.queued_at.is_not(None),
                                                                                  Case.team_id == team_id)):
            raise Conflict(f"cases wait in the queue of team {team_id}; reassign them first")
        _audit(uow, team, DELETED, actor=actor, before=_snapshot(team), at=datetime.now(UTC))
        await uow.org.delete(team)
        await uow.commit()


async def delete_agent(uow: RoutingUow, agent_id: str, *, actor: str | None = None) -> None:
    async with uow:
        agent = await uow.org.agent(agent_id)
        if agent.open_cases:
            raise Conflict(f"agent {agent_id} holds {agent.open_cases} open cases; reassign them first")
        _audit(uow, agent, DELETED, actor=actor, before=_snapshot(agent), at=datetime.now(UTC))
        await uow.org.delete(agent)
        await uow.commit()


async def import_org(uow: RoutingUow, document: OrgIn, *, actor: str | None = None) -> ImportOut:
    """Upsert every team, then every agent, in one transaction: a bad entry changes nothing."""
    at = datetime.now(UTC)
    summary = ImportOut(teams=Counts(), agents=Counts())
    async with uow:
        for team in document.teams:
            _count(summary.teams, (await upsert_team(uow, team.id, team, at=at, actor=actor))[1])
        await uow.session.flush()
        for agent in document.agents:
            _count(summary.agents, (await upsert_agent(uow, agent.id, agent, at=at, actor=actor))[1])
        await uow.session.flush()
        await assignment.drain(uow, at=at)
        await uow.commit()
    return summary


def _count(counts: Counts, outcome: str) -> None:
    setattr(counts, outcome, getattr(counts, outcome) + 1)


async def ensure_demo_org(uow: RoutingUow) -> None:
    """Create the demo organisation's missing teams and agents; what exists is left as it is, so starting
    twice (or two replicas at once) changes nothing."""
    at = datetime.now(UTC)
    async with uow:
        database = uow.database
        for row in demo.teams(at):
            await uow.session.execute(database.insert(Team.__table__).values(**row).on_conflict_do_nothing())
        for row in demo.agents(at):
            await uow.session.execute(database.insert(Agent.__table__).values(**row).on_conflict_do_nothing())
        await assignment.drain(uow, at=at)
        await uow.commit()
