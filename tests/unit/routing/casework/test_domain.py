"""Templates, codes, who approves responses, and holds."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from services.routing.casework import domain
from shared.errors import Conflict, InvalidInput

VARIABLES = {"tracking_number": "T-1", "category": "Billing", "agent_name": "Ann", "offer": "a refund"}


def test_templates_come_in_the_cases_language():
    english = domain.render("resolution_offered", language="en", variables=VARIABLES)
    chinese = domain.render("resolution_offered", language="zh-CN", variables=VARIABLES)
    assert english.startswith("We have reviewed complaint T-1 (Billing)") and "a refund" in english
    assert chinese.startswith("我们已核查您的投诉 T-1") and "Ann" in chinese
    assert domain.render("apology", language="fr", variables=VARIABLES).startswith("We are sorry")


def test_every_template_exists_in_english_and_chinese_with_the_same_variables():
    for template, texts in domain.TEMPLATES.items():
        assert set(texts) == {"en", "zh"}
        for language in texts:
            assert "T-1" in domain.render(template, language=language, variables=VARIABLES)


def test_a_missing_variable_or_template_is_named():
    with pytest.raises(InvalidInput, match="offer"):
        domain.render("resolution_offered", language="en", variables={"tracking_number": "T"})
    with pytest.raises(InvalidInput, match="nope"):
        domain.render("nope", language="en", variables=VARIABLES)


def test_codes_are_checked():
    domain.check_code("refund", domain.RESOLUTION_CODES, "resolution_code")
    with pytest.raises(InvalidInput):
        domain.check_code("magic", domain.ROOT_CAUSES, "root_cause")


@pytest.mark.parametrize(("priority", "role", "held"), [
    ("critical", "agent", True), ("critical", None, True), ("critical", "team_lead", False),
    ("urgent", "agent", False), ("normal", None, False),
])
def test_only_responses_to_critical_cases_by_non_supervisors_wait(priority, role, held):
    assert domain.needs_approval(priority=priority, actor_role=role, enabled=True) is held
    assert domain.needs_approval(priority=priority, actor_role=role, enabled=False) is False


def test_only_supervisors_approve():
    domain.check_supervisor("lead", "manager")
    with pytest.raises(domain.Forbidden):
        domain.check_supervisor("ann", "agent")


@dataclass
class Step:
    kind: str


NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def test_a_case_is_on_hold_while_its_latest_hold_step_is_a_hold():
    assert domain.current_hold([]) is None
    assert domain.current_hold([Step("status"), Step("note")]) is None
    hold = Step(domain.HOLD)
    assert domain.current_hold([Step("status"), hold, Step("note")]) is hold
    assert domain.current_hold([hold, Step(domain.HOLD_RELEASED)]) is None
    again = Step(domain.HOLD)
    assert domain.current_hold([hold, Step(domain.HOLD_RELEASED), again]) is again


@pytest.mark.parametrize("status", ["assigned", "in_progress", "awaiting_customer", "responded"])
def test_a_case_someone_works_on_can_be_held_once(status):
    domain.check_hold(status, on_hold=False, until=NOW + timedelta(days=1), now=NOW)
    with pytest.raises(Conflict, match="on hold already"):
        domain.check_hold(status, on_hold=True, until=None, now=NOW)


@pytest.mark.parametrize("status", ["received", "classified", "reopened", "resolved", "closed", "withdrawn"])
def test_other_cases_cannot_be_held(status):
    with pytest.raises(Conflict, match=f"the case is {status}"):
        domain.check_hold(status, on_hold=False, until=None, now=NOW)


def test_a_hold_ends_in_the_future_and_only_a_held_case_is_released():
    with pytest.raises(InvalidInput, match="future"):
        domain.check_hold("in_progress", on_hold=False, until=NOW, now=NOW)
    domain.check_release(on_hold=True)
    with pytest.raises(Conflict, match="not on hold"):
        domain.check_release(on_hold=False)
