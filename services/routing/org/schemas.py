"""HTTP shapes of teams, agents, presence, schedules and organisation files."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.complaint import Channel

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$"
Id = Field(min_length=1, max_length=64, pattern=ID_PATTERN)
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Schedule = dict[Day, list[tuple[str, str]]]
Kind = Literal["standard", "triage", "emergency", "priority"]
Strategy = Literal["skills", "least_loaded", "round_robin"]
Role = Literal["agent", "team_lead", "manager", "director"]
Presence = Literal["online", "away", "offline"]
Language = Field(min_length=2, max_length=8, pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)?$")


class TeamIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    kind: Kind = Field("standard", description="standard; triage (people confirm unsure categories); emergency "
                       "(the fast lane of safety issues); priority (high-value customers' account managers).")
    categories: list[str] = Field([], description="Categories it serves; empty: any.", max_length=100)
    languages: list[str] = Field([], description="Languages it serves (ISO 639-1); empty: any.", max_length=50)
    strategy: Strategy = Field("skills", description="How its queue picks agents.")
    relax_after_s: int = Field(300, ge=0, le=2_147_483_647,  # the column is a 32-bit INTEGER
                               description="With the skills strategy, after this wait any agent who speaks the "
                               "case's language may take it.")


class TeamDocIn(TeamIn):
    id: str = Id


class TeamOut(TeamDocIn):
    model_config = ConfigDict(from_attributes=True)

    created_at: datetime
    updated_at: datetime


class AgentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    team_id: str = Id
    role: Role = "agent"
    categories: list[str] = Field([], description="Categories the agent knows; empty: any.", max_length=100)
    languages: list[str] = Field([], description="Languages the agent works in; empty: any.", max_length=50)
    channels: list[Channel] = Field([], description="Channels the agent handles; empty: any.")
    capacity: int = Field(10, ge=1, le=1000, description="Most open cases at once.")
    presence: Presence = "offline"
    timezone: str = Field("UTC", max_length=64)
    schedule: Schedule = Field({}, description='Working hours in the agent\'s time zone, e.g. {"mon": '
                               '[["09:00", "17:00"]]}; a range ending before it starts runs past midnight; '
                               'empty: always on duty.')


class AgentDocIn(AgentIn):
    id: str = Id


class AgentOut(AgentDocIn):
    model_config = ConfigDict(from_attributes=True)

    open_cases: int
    on_duty: bool
    last_assigned_at: datetime | None
    created_at: datetime
    updated_at: datetime


class PresenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    presence: Presence


class ScheduleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    timezone: str = Field("UTC", max_length=64)
    schedule: Schedule


class OrgIn(BaseModel):
    """An organisation file: teams and agents, upserted by id."""

    model_config = ConfigDict(extra="forbid")

    teams: list[TeamDocIn] = Field([], max_length=1000)
    agents: list[AgentDocIn] = Field([], max_length=10_000)


class Counts(BaseModel):
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class ImportOut(BaseModel):
    teams: Counts
    agents: Counts
