"""Who takes a case: the team by category, language, safety, triage and tier; the agent by the team's strategy
(skills with relaxation after a wait, least loaded, round robin), presence, schedule and capacity. Pure."""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar

from services.routing.org.schedule import on_duty

ROLES = ("agent", "team_lead", "manager", "director")
SUPERVISORS = frozenset({"team_lead", "manager", "director"})
STRATEGIES = ("skills", "least_loaded", "round_robin")
PRESENCES = ("online", "away", "offline")
TEAM_KINDS = ("standard", "triage", "emergency", "priority")
LEVEL_ROLES = {1: "team_lead", 2: "manager"}


class CaseLike(Protocol):
    category: str | None
    language: str | None
    channel: str
    required_role: str | None
    queued_at: datetime | None
    safety_flag: bool
    needs_triage: bool


class AgentLike(Protocol):
    id: str
    team_id: str
    role: str
    categories: list[str]
    languages: list[str]
    channels: list[str]
    capacity: int
    open_cases: int
    presence: str
    timezone: str
    schedule: dict[str, Any]
    last_assigned_at: datetime | None


class TeamLike(Protocol):
    id: str
    kind: str
    categories: list[str]
    languages: list[str]
    strategy: str
    relax_after_s: int


A = TypeVar("A", bound=AgentLike)
T = TypeVar("T", bound=TeamLike)


def role_for_level(level: int, role: str | None = None) -> str:
    """The role that owns a case at an escalation level: 1 team lead, 2 manager, 3 and above director."""
    if role in ROLES:
        return str(role)
    return LEVEL_ROLES.get(level, "director")


def _serves(values: Sequence[str], wanted: str | None) -> bool:
    return not values or wanted is None or wanted in values


def available(agent: AgentLike, at: datetime) -> bool:
    return (agent.presence == "online" and agent.open_cases < agent.capacity
            and on_duty(agent.schedule, agent.timezone, at))


def skilled(agent: AgentLike, case: CaseLike, *, relaxed: bool) -> bool:
    """Speaks the case's language and, until the case has waited long enough to relax, knows its category
    and channel."""
    if not _serves(agent.languages, case.language):
        return False
    return relaxed or (_serves(agent.categories, case.category) and _serves(agent.channels, case.channel))


def relaxed(team: TeamLike, case: CaseLike, at: datetime) -> bool:
    return case.queued_at is not None and at - case.queued_at >= timedelta(seconds=team.relax_after_s)


NEVER = datetime.min.replace(tzinfo=UTC)


def _load(agent: AgentLike) -> tuple[float, datetime, str]:
    return agent.open_cases / agent.capacity, agent.last_assigned_at or NEVER, agent.id


def _turn(agent: AgentLike) -> tuple[datetime, str]:
    return agent.last_assigned_at or NEVER, agent.id


def choose_agent(team: TeamLike, agents: Sequence[A], case: CaseLike, *, at: datetime,
                 prefer: str | None = None) -> A | None:
    """The agent who should take `case` now, or None: it waits in the queue."""
    wanted_role = case.required_role or "agent"
    candidates = [a for a in agents if a.role == wanted_role and available(a, at)]
    if case.required_role is None and team.strategy == "skills":
        candidates = [a for a in candidates if skilled(a, case, relaxed=relaxed(team, case, at))]
    else:
        candidates = [a for a in candidates if _serves(a.languages, case.language)]
    preferred = [a for a in candidates if a.id == prefer]
    if preferred:
        return preferred[0]
    if not candidates:
        return None
    if team.strategy == "round_robin":
        return min(candidates, key=_turn)
    return min(candidates, key=_load)


def choose_team(teams: Sequence[T], case: CaseLike, *, high_value: bool) -> T | None:
    """Safety → the emergency team; unsure category → triage; high-value tier → the priority queue; otherwise
    the standard team that serves the category and language, the most specific first."""
    ordered = sorted(teams, key=lambda t: t.id)
    for wanted, applies in (("emergency", case.safety_flag), ("triage", case.needs_triage),
                            ("priority", high_value)):
        special = [t for t in ordered if t.kind == wanted and _serves(t.languages, case.language)]
        if applies and special:
            return special[0]
    standard = [t for t in ordered if t.kind == "standard"]
    for fits in (lambda t: case.category in t.categories and _serves(t.languages, case.language),
                 lambda t: not t.categories and _serves(t.languages, case.language),
                 lambda t: _serves(t.languages, case.language),
                 lambda t: True):
        found = [t for t in standard if fits(t)]
        if found:
            return found[0]
    return None
