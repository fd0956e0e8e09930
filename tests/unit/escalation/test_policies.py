"""Which policy covers a complaint, and the ladder's rules."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from services.escalation.ladder import domain as ladder
from services.escalation.ladder.domain import Level
from services.escalation.models import SlaComplaint
from services.escalation.policies.domain import ComplaintFacts, choose_policy, clock_start, matches, target_specs
from services.escalation.policies.schemas import PolicyIn
from services.escalation.service import facts_of
from shared.errors import Conflict


@dataclass
class Policy:
    id: str
    conditions: dict = field(default_factory=dict)
    active: bool = True


POLICIES = [
    Policy("vip-critical", {"priority": ["critical"], "customer_tier": ["gold", "Platinum"]}),
    Policy("retired", {"category": ["billing"]}, active=False),
    Policy("critical", {"priority": ["critical"]}),
    Policy("phone-billing", {"category": ["billing"], "channel": ["phone"]}),
    Policy("standard", {"priority": [], "tenant": None}),
]


@pytest.mark.parametrize(("facts", "expected"), [
    (ComplaintFacts(priority="critical", customer_tier="platinum"), "vip-critical"),
    (ComplaintFacts(priority="critical", customer_tier="silver"), "critical"),
    (ComplaintFacts(priority="critical"), "critical"),
    (ComplaintFacts(priority="normal", category="billing", channel="phone"), "phone-billing"),
    (ComplaintFacts(priority="normal", category="billing", channel="web"), "standard"),
    (ComplaintFacts(), "standard"),
])
def test_the_first_active_matching_policy_applies(facts, expected):
    assert choose_policy(POLICIES, facts).id == expected


def test_no_policy_when_none_matches():
    assert choose_policy(POLICIES[:4], ComplaintFacts(priority="low")) is None


def test_every_condition_given_must_hold():
    conditions = {"priority": ["high"], "tenant": ["acme"]}
    assert matches(conditions, ComplaintFacts(priority="HIGH", tenant="Acme"))
    assert not matches(conditions, ComplaintFacts(priority="high"))
    assert not matches(conditions, ComplaintFacts(priority="low", tenant="acme"))


def test_a_tenant_limited_policy_is_passed_over_while_complaints_carry_no_tenant():
    policies = [Policy("acme-only", {"tenant": ["acme"]}), Policy("standard")]
    complaint = SlaComplaint(priority="urgent", customer_tier="gold", category="billing", channel="web")
    assert choose_policy(policies, facts_of(complaint)).id == "standard"


LADDER = [Level(1, "team_lead", ("first_response", "next_response"), None, 4),
          Level(2, "manager", ("resolution",), 240, 5), Level(3, "director", (), 1440, None)]


def test_a_breach_raises_to_the_lowest_level_it_triggers_above_the_current():
    assert ladder.on_breach(LADDER, 0, "first_response").level == 1
    assert ladder.on_breach(LADDER, 0, "resolution").level == 2
    assert ladder.on_breach(LADDER, 1, "first_response") is None
    assert ladder.on_breach(LADDER, 2, "resolution") is None


def test_severity_raises_to_the_highest_level_it_reaches():
    assert ladder.on_severity(LADDER, 0, 3) is None
    assert ladder.on_severity(LADDER, 0, 4).level == 1
    assert ladder.on_severity(LADDER, 0, 5).level == 2
    assert ladder.on_severity(LADDER, 2, 5) is None


def test_requests_go_one_level_up_and_never_past_the_top():
    assert ladder.step_up(LADDER, 0).role == "team_lead"
    assert ladder.step_up(LADDER, 2).role == "director"
    with pytest.raises(Conflict):
        ladder.step_up(LADDER, 3)


def test_time_after_breach_only_raises():
    assert ladder.ladder_delays(LADDER) == {2: 240, 3: 1440}
    assert ladder.after_breach(LADDER, 1, 2).role == "manager"
    assert ladder.after_breach(LADDER, 3, 2) is None


ARRIVED = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
ASSIGNED_AT = ARRIVED + timedelta(minutes=42)


def test_targets_start_at_receipt_unless_they_say_assignment():
    specs = target_specs({"first_response": {"minutes": 60, "business_hours": False, "calendar": "24x7"},
                          "resolution": {"minutes": 600, "business_hours": True, "calendar": "cn-standard",
                                         "starts_at": "assigned"}})
    assert specs["first_response"].starts_at == "received"
    assert clock_start(specs["first_response"], received_at=ARRIVED, assigned_at=ASSIGNED_AT) == ARRIVED
    assert clock_start(specs["resolution"], received_at=ARRIVED, assigned_at=ASSIGNED_AT) == ASSIGNED_AT
    assert clock_start(specs["resolution"], received_at=ARRIVED, assigned_at=None) is None


def test_next_response_cannot_start_on_assignment():
    target = {"minutes": 60, "business_hours": False, "calendar": "24x7", "starts_at": "assigned"}
    with pytest.raises(ValidationError, match="next_response starts on each customer reply"):
        PolicyIn(id="p", name="p", position=0, targets={"next_response": target})
    with pytest.raises(ValidationError, match="starts_at"):
        PolicyIn(id="p", name="p", position=0, targets={"resolution": {**target, "starts_at": "classified"}})
    stored = PolicyIn(id="p", name="p", position=0, targets={"resolution": target}).stored()
    assert stored["targets"]["resolution"]["starts_at"] == "assigned"
