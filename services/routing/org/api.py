"""Routes of the organisation: teams, agents, presence and schedules. Supervisors read it, admins change it;
agents set their own presence."""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Response

from services.routing.deps import ConfigReader, ConfigWriter, StaffCaller, UowDep
from services.routing.org import service
from services.routing.org.models import Agent
from services.routing.org.schedule import on_duty
from services.routing.org.schemas import (
    ID_PATTERN,
    AgentDocIn,
    AgentIn,
    AgentOut,
    ImportOut,
    OrgIn,
    PresenceIn,
    ScheduleIn,
    TeamDocIn,
    TeamIn,
    TeamOut,
)
from shared.auth.roles import Role
from shared.errors import NotFound

router = APIRouter(prefix="/v1", tags=["organisation"])
TeamId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
AgentId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
Responses = dict[int | str, dict[str, Any]]
EXISTS: Responses = {409: {"description": "The id exists already"}}
NO_TEAM: Responses = {404: {"description": "No such team"}}
NO_AGENT: Responses = {404: {"description": "No such agent"}}
BELOW_OPEN_CASES: Responses = {409: {"description": "The capacity is below the agent's open cases"}}
IN_USE: Responses = {409: {"description": "Still in use: agents, queued or open cases"}}


def agent_out(agent: Agent) -> AgentOut:
    return AgentOut.model_validate({**{k: getattr(agent, k) for k in AgentOut.model_fields if k != "on_duty"},
                                    "on_duty": on_duty(agent.schedule, agent.timezone, datetime.now(UTC))})


@router.post("/teams", status_code=201, responses=EXISTS, summary="Create a team (409 if the id exists)")
async def create_team(body: TeamDocIn, uow: UowDep, who: ConfigWriter) -> TeamOut:
    team, _ = await service.put_team(uow, body.id, TeamIn(**body.model_dump(exclude={"id"})), create_only=True,
                                     actor=who.actor)
    return TeamOut.model_validate(team)


@router.put("/teams/{team_id}", summary="Create or change a team", responses={201: {"model": TeamOut}})
async def put_team(team_id: TeamId, body: TeamIn, uow: UowDep, response: Response,
                   who: ConfigWriter) -> TeamOut:
    team, outcome = await service.put_team(uow, team_id, body, actor=who.actor)
    response.status_code = 201 if outcome == service.CREATED else 200
    return TeamOut.model_validate(team)


@router.get("/teams", summary="All teams")
async def list_teams(uow: UowDep, _: ConfigReader) -> list[TeamOut]:
    async with uow:
        return [TeamOut.model_validate(t) for t in await uow.org.teams()]


@router.get("/teams/{team_id}", responses=NO_TEAM, summary="One team")
async def get_team(team_id: TeamId, uow: UowDep, _: ConfigReader) -> TeamOut:
    async with uow:
        return TeamOut.model_validate(await uow.org.team(team_id))


@router.delete("/teams/{team_id}", status_code=204, responses={**NO_TEAM, **IN_USE},
                summary="Delete a team without agents or waiting cases")
async def delete_team(team_id: TeamId, uow: UowDep, who: ConfigWriter) -> None:
    await service.delete_team(uow, team_id, actor=who.actor)


@router.post("/agents", status_code=201, responses=EXISTS, summary="Create an agent (409 if the id exists)")
async def create_agent(body: AgentDocIn, uow: UowDep, who: ConfigWriter) -> AgentOut:
    agent, _ = await service.put_agent(uow, body.id, AgentIn(**body.model_dump(exclude={"id"})),
                                       create_only=True, actor=who.actor)
    return agent_out(agent)


@router.put("/agents/{agent_id}", summary="Create or change an agent",
            responses={201: {"model": AgentOut}, **BELOW_OPEN_CASES})
async def put_agent(agent_id: AgentId, body: AgentIn, uow: UowDep, response: Response,
                    who: ConfigWriter) -> AgentOut:
    agent, outcome = await service.put_agent(uow, agent_id, body, actor=who.actor)
    response.status_code = 201 if outcome == service.CREATED else 200
    return agent_out(agent)


@router.get("/agents", summary="All agents, or a team's")
async def list_agents(uow: UowDep, _: ConfigReader, team_id: str | None = None) -> list[AgentOut]:
    async with uow:
        return [agent_out(a) for a in await uow.org.agents(team_id=team_id)]


@router.get("/agents/{agent_id}", responses=NO_AGENT, summary="One agent")
async def get_agent(agent_id: AgentId, uow: UowDep, _: ConfigReader) -> AgentOut:
    async with uow:
        return agent_out(await uow.org.agent(agent_id))


@router.delete("/agents/{agent_id}", status_code=204, responses={**NO_AGENT, **IN_USE},
                summary="Delete an agent who holds no open cases")
async def delete_agent(agent_id: AgentId, uow: UowDep, who: ConfigWriter) -> None:
    await service.delete_agent(uow, agent_id, actor=who.actor)


@router.put("/agents/{agent_id}/presence", responses=NO_AGENT,
            summary="Set presence; an agent who comes online takes waiting cases")
async def set_presence(agent_id: AgentId, body: PresenceIn, uow: UowDep, who: StaffCaller) -> AgentOut:
    principal = who.principal
    if principal.subject == agent_id or Role.ADMIN in principal.roles:
        teams = None
    elif principal.is_only(Role.AGENT):  # as with cases: 404, not 403
        raise NotFound(f"no agent {agent_id} whose presence {principal.subject} may set: only their own")
    else:  # a supervisor: the agents of their queues, or every agent when no queue confines them
        teams = principal.queues or None
    return agent_out(await service.set_presence(uow, agent_id, body.presence, actor=who.actor, teams=teams))


@router.put("/agents/{agent_id}/schedule", responses=NO_AGENT, summary="Set the weekly schedule and time zone")
async def set_schedule(agent_id: AgentId, body: ScheduleIn, uow: UowDep, who: ConfigWriter) -> AgentOut:
    return agent_out(await service.set_schedule(uow, agent_id, body, actor=who.actor))


@router.post("/org:import", summary="Upsert the teams and agents of an organisation file, all or nothing")
async def import_org(body: OrgIn, uow: UowDep, who: ConfigWriter) -> ImportOut:
    return await service.import_org(uow, body, actor=who.actor)
