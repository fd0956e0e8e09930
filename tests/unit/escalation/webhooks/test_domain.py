import json
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from services.escalation.webhooks import domain
from shared.auth.principal import Principal
from shared.auth.roles import Role
from shared.contracts.complaint import ComplaintWithdrawnV1
from shared.contracts.sla import SlaBreachedV1, SlaTarget
from shared.errors import Conflict

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
SCHEDULE = (5.0, 60.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0)


def a_breach(**overrides) -> SlaBreachedV1:
    values = {"complaint_id": uuid4(), "target": SlaTarget.RESOLUTION, "policy_id": "standard",
              "due_at": NOW, "occurred_at": NOW + timedelta(minutes=1)}
    return SlaBreachedV1(**{**values, **overrides})


@pytest.mark.parametrize(("filters", "ce_type", "expected"), [
    (["redress.sla.breached.v1"], "redress.sla.breached.v1", True),
    (["redress.sla.breached.v1"], "redress.sla.warning.v1", False),
    (["redress.complaint.*"], "redress.complaint.withdrawn.v1", True),
    (["redress.complaint.*"], "redress.sla.breached.v1", False),
    (["redress.complaint.*", "redress.sla.breached.v1"], "redress.sla.breached.v1", True),
    (["*"], "redress.feedback.received.v1", True),
    (["redress.sla.*.v1"], "redress.sla.paused.v1", True),
    (["redress.sla.*.v1"], "redress.sla.paused.v2", False),
    (["redress.SLA.*"], "redress.sla.breached.v1", False),
    (["redress.sla.?arning.v1"], "redress.sla.warning.v1", True),
    ([], "redress.sla.breached.v1", False),
])
def test_filters_match_event_types_as_shell_patterns(filters, ce_type, expected):
    assert domain.matches(filters, ce_type) is expected


def test_the_body_carries_the_cloudevents_attributes_and_the_data():
    breach = a_breach()
    document = json.loads(domain.body(breach, ce_id="abc"))
    assert document["specversion"] == "1.0"
    assert document["type"] == "redress.sla.breached.v1"
    assert document["id"] == "abc"
    assert document["source"] == "/redress/escalation"
    assert datetime.fromisoformat(document["time"]) == breach.occurred_at
    assert document["subject"] == str(breach.complaint_id)
    assert document["data"] == breach.model_dump(mode="json")


def test_the_source_names_the_service_that_emits_the_type():
    withdrawn = ComplaintWithdrawnV1(complaint_id=uuid4(), reason="sorted out")
    assert json.loads(domain.body(withdrawn, ce_id="x"))["source"] == "/redress/intake"


def test_the_backoff_follows_the_schedule_without_jitter():
    pauses = [domain.retry_pause(n, schedule=SCHEDULE, jitter=0.0, chance=0.9) for n in range(1, 8)]
    assert [p.total_seconds() for p in pauses] == list(SCHEDULE)


def test_the_schedule_used_up_means_the_delivery_failed():
    assert domain.max_attempts(SCHEDULE) == 8
    assert domain.retry_pause(8, schedule=SCHEDULE, jitter=0.2, chance=0.5) is None
    assert domain.retry_pause(1, schedule=(), jitter=0.2, chance=0.5) is None


@pytest.mark.parametrize(("chance", "seconds"), [(0.0, 48.0), (0.5, 60.0), (0.999999, 72.0)])
def test_jitter_moves_a_pause_by_up_to_its_fraction_either_way(chance, seconds):
    pause = domain.retry_pause(2, schedule=SCHEDULE, jitter=0.2, chance=chance)
    assert pause.total_seconds() == pytest.approx(seconds, abs=1e-3)


def test_a_success_ends_a_run_of_failures():
    failing = domain.after_failed_try(domain.Health(0, None), now=NOW, delivery_failed=False)
    assert failing == domain.Health(0, NOW)
    failing = domain.after_failed_try(failing, now=NOW + timedelta(hours=1), delivery_failed=True)
    assert failing == domain.Health(1, NOW)
    assert domain.after_success() == domain.Health(0, None)


def test_a_subscription_is_disabled_after_enough_failed_deliveries():
    kwargs = {"now": NOW, "max_failed_deliveries": 3, "max_failing_s": 0, "last_error": "HTTP 500"}
    assert domain.disable_notice(domain.Health(2, NOW), **kwargs) is None
    notice = domain.disable_notice(domain.Health(3, NOW), **kwargs)
    assert "3 deliveries in a row failed" in notice and "HTTP 500" in notice


def test_a_subscription_is_disabled_when_failing_too_long():
    kwargs = {"max_failed_deliveries": 99, "max_failing_s": 3600.0, "last_error": None}
    health = domain.Health(0, NOW)
    assert domain.disable_notice(health, now=NOW + timedelta(minutes=59), **kwargs) is None
    assert "without a success since" in domain.disable_notice(health, now=NOW + timedelta(hours=1), **kwargs)
    off = {**kwargs, "max_failing_s": 0}
    assert domain.disable_notice(health, now=NOW + timedelta(days=30), **off) is None


def test_the_old_secret_signs_only_during_its_grace():
    assert domain.signing_secrets("new", "old", NOW, now=NOW - timedelta(seconds=1)) == ["new", "old"]
    assert domain.signing_secrets("new", "old", NOW, now=NOW) == ["new"]
    assert domain.signing_secrets("new", None, None, now=NOW) == ["new"]


def test_new_secrets_are_standard_webhooks_secrets_and_differ():
    first, second = domain.new_secret(), domain.new_secret()
    assert first.startswith("whsec_") and first != second


def test_a_pending_delivery_cannot_be_redelivered():
    with pytest.raises(Conflict):
        domain.check_redeliverable(domain.PENDING, delivery_id="d")
    domain.check_redeliverable(domain.FAILED, delivery_id="d")
    domain.check_redeliverable(domain.SUCCEEDED, delivery_id="d")


@pytest.mark.parametrize(("status", "ok"), [(200, True), (204, True), (299, True), (301, False), (410, False),
                                            (500, False)])
def test_only_2xx_answers_are_successes(status, ok):
    assert domain.is_success(status) is ok


def test_a_partner_is_confined_to_its_own_subscriptions_and_an_admin_to_its_tenants():
    def principal(*roles: Role) -> Principal:
        return Principal(subject="acme", roles=frozenset(roles), tenant="t1", via="api-key", key_id="k1")

    assert domain.confined_to(principal(Role.PARTNER)) == domain.Owner(tenant="t1", name="acme")
    assert domain.confined_to(principal(Role.PARTNER, Role.ADMIN)) == domain.Owner(tenant="t1", name=None)
    assert domain.owner_of(principal(Role.ADMIN)) == domain.Owner(tenant="t1", name="acme")
