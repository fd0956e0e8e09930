"""Choosing the team and the agent: skills, capacity, presence, schedule, relaxation, strategies."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from services.routing.assignment import domain

NOON = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)  # a Wednesday


@dataclass
class Case:
    category: str | None = "billing"
    language: str | None = "en"
    channel: str = "web"
    required_role: str | None = None
    queued_at: datetime | None = None
    safety_flag: bool = False
    needs_triage: bool = False


@dataclass
class Agent:
    id: str
    team_id: str = "t"
    role: str = "agent"
    categories: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=lambda: ["en"])
    channels: list[str] = field(default_factory=list)
    capacity: int = 5
    open_cases: int = 0
    presence: str = "online"
    timezone: str = "UTC"
    schedule: dict[str, Any] = field(default_factory=dict)
    last_assigned_at: datetime | None = None


@dataclass
class Team:
    id: str = "t"
    kind: str = "standard"
    categories: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    strategy: str = "skills"
    relax_after_s: int = 300


def choose(agents, case=None, team=None, **options):
    return domain.choose_agent(team or Team(), agents, case or Case(), at=NOON, **options)


def test_skills_pick_the_agent_who_knows_the_category_and_language():
    chosen = choose([Agent("zh", categories=["billing"], languages=["zh"]), Agent("delivery", categories=["delivery"]),
                     Agent("billing", categories=["billing"])])
    assert chosen.id == "billing"


def test_nobody_skilled_means_the_case_waits_until_the_wait_relaxes_the_skills():
    agents = [Agent("delivery", categories=["delivery"]), Agent("zh-only", languages=["zh"])]
    assert choose(agents, Case(queued_at=NOON - timedelta(seconds=299))) is None
    relaxed = choose(agents, Case(queued_at=NOON - timedelta(seconds=300)))
    assert relaxed.id == "delivery"  # the language is never relaxed


def test_a_full_agent_is_never_chosen():
    assert choose([Agent("full", capacity=3, open_cases=3)]) is None
    assert choose([Agent("full", capacity=3, open_cases=3), Agent("room", capacity=3, open_cases=2)]).id == "room"


def test_away_offline_and_off_duty_agents_are_not_chosen():
    night = {"wed": [["20:00", "08:00"]]}
    agents = [Agent("away", presence="away"), Agent("offline", presence="offline"), Agent("night", schedule=night)]
    assert choose(agents) is None


def test_the_least_loaded_skilled_agent_wins():
    chosen = choose([Agent("busy", capacity=10, open_cases=6), Agent("calm", capacity=10, open_cases=2)])
    assert chosen.id == "calm"


def test_round_robin_takes_the_longest_idle_agent():
    agents = [Agent("recent", last_assigned_at=NOON - timedelta(minutes=1), open_cases=0),
              Agent("idle", last_assigned_at=NOON - timedelta(hours=1), open_cases=4)]
    assert choose(agents, team=Team(strategy="round_robin")).id == "idle"


def test_a_preferred_agent_with_room_wins():
    agents = [Agent("calm"), Agent("before", open_cases=3)]
    assert choose(agents, prefer="before").id == "before"
    assert choose([Agent("calm"), Agent("before", open_cases=5)], prefer="before").id == "calm"


def test_supervisors_take_only_cases_escalated_to_their_role():
    lead = Agent("lead", role="team_lead")
    assert choose([lead]) is None
    assert choose([lead, Agent("manager", role="manager")], Case(required_role="team_lead")).id == "lead"


def test_teams_by_safety_triage_tier_and_category():
    teams = [Team("care-en", languages=["en"]), Team("care-zh", languages=["zh"]),
             Team("billing", categories=["billing"]), Team("sos", kind="emergency"), Team("desk", kind="triage"),
             Team("vip", kind="priority")]
    pick = domain.choose_team
    assert pick(teams, Case(category="billing"), high_value=False).id == "billing"
    assert pick(teams, Case(category="delivery", language="zh"), high_value=False).id == "care-zh"
    assert pick(teams, Case(safety_flag=True, needs_triage=True), high_value=True).id == "sos"
    assert pick(teams, Case(needs_triage=True), high_value=True).id == "desk"
    assert pick(teams, Case(), high_value=True).id == "vip"
    assert pick([], Case(), high_value=False) is None


def test_without_a_special_team_the_standard_teams_serve():
    assert domain.choose_team([Team("care")], Case(safety_flag=True), high_value=True).id == "care"


def test_escalation_levels_map_to_roles():
    assert [domain.role_for_level(level) for level in (1, 2, 3, 4)] == ["team_lead", "manager", "director",
                                                                         "director"]
    assert domain.role_for_level(1, "manager") == "manager"
