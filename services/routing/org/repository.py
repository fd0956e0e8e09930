"""Queries of teams and agents, and the capacity counter that never lets an agent take more than allowed."""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.routing.org.models import Agent, Team
from shared.errors import NotFound


class OrgRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, item: Team | Agent) -> None:
        self.session.add(item)

    async def delete(self, item: Team | Agent) -> None:
        await self.session.delete(item)

    async def team(self, team_id: str) -> Team:
        team = await self.session.get(Team, team_id)
        if team is None:
            raise NotFound(f"no team {team_id}", team_id=team_id)
        return team

    async def find_team(self, team_id: str) -> Team | None:
        return await self.session.get(Team, team_id)

    async def teams(self) -> list[Team]:
        return list((await self.session.scalars(select(Team).order_by(Team.id))).all())

    async def agent(self, agent_id: str) -> Agent:
        agent = await self.session.get(Agent, agent_id)
        if agent is None:
            raise NotFound(f"no agent {agent_id}", agent_id=agent_id)
        return agent

    async def find_agent(self, agent_id: str) -> Agent | None:
        return await self.session.get(Agent, agent_id)

    async def agents(self, *, team_id: str | None = None, role: str | None = None) -> list[Agent]:
        # Fresh counters even for agents this transaction loaded before.
        query = select(Agent).order_by(Agent.id).execution_options(populate_existing=True)
        if team_id is not None:
            query = query.where(Agent.team_id == team_id)
        if role is not None:
            query = query.where(Agent.role == role)
        return list((await self.session.scalars(query)).all())

    async def take_capacity(self, agent: Agent, *, at: datetime) -> bool:
        """Count one more open case for the agent if, and only if, it stays within capacity. The conditional
        UPDATE locks the row, so concurrent transactions (other replicas too) queue and re-check the limit."""
        result = await self.session.execute(
            update(Agent).where(Agent.id == agent.id, Agent.open_cases < Agent.capacity)
            .values(open_cases=Agent.open_cases + 1, last_assigned_at=at)
            .execution_options(synchronize_session=False))
        await self.session.refresh(agent)
        return result.rowcount == 1

    async def release_capacity(self, agent_id: str) -> None:
        await self.session.execute(
            update(Agent).where(Agent.id == agent_id, Agent.open_cases > 0)
            .values(open_cases=Agent.open_cases - 1).execution_options(synchronize_session=False))

    async def refresh(self, agent: Agent) -> None:
        await self.session.refresh(agent)
