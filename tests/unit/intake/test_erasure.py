"""Erasure's rules: which fields of a complaint go, and when the retention period has run out."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from uuid import uuid4

from services.intake.erasure import domain
from services.intake.erasure.job import erase_expired_complaints
from services.intake.settings import IntakeSettings
from shared.contracts.complaint import ERASED_TEXT

NOW = datetime(2026, 3, 2, 9, 15, tzinfo=UTC)


def test_contact_data_becomes_null_and_texts_the_marker():
    fields = domain.erased_fields(remedy_sought="Refund to Ann Lee's card")

    assert {k: fields[k] for k in ("customer_name", "customer_email", "customer_phone", "location")} == dict.fromkeys(
        ("customer_name", "customer_email", "customer_phone", "location"))
    assert (fields["subject"], fields["description"], fields["remedy_sought"]) == (ERASED_TEXT,) * 3
    assert fields["attachments"] == []


def test_a_missing_remedy_stays_missing():
    assert domain.erased_fields(remedy_sought=None)["remedy_sought"] is None


def test_what_kpis_count_is_not_erased():
    kept = {"id", "tracking_number", "customer_id", "status", "status_at", "received_at", "channel", "kind",
            "region", "product_ref", "customer_tier", "customer_locale", "language", "repeat", "duplicate_of"}

    assert kept.isdisjoint(domain.erased_fields(remedy_sought=None))


def test_the_cutoff_is_the_retention_period_before_now():
    assert domain.retention_cutoff(NOW, retention_days=30) == NOW - timedelta(days=30)


def test_zero_days_keep_complaints_for_ever():
    assert domain.retention_cutoff(NOW, retention_days=0) is None


def test_tenants_with_a_schedule_have_a_rule_each_and_the_default_covers_the_rest():
    rules = domain.retention_rules(30, {"globex": 0, "acme": 365})

    assert rules == [domain.RetentionRule(365, tenant="acme"), domain.RetentionRule(0, tenant="globex"),
                     domain.RetentionRule(30, excluding=frozenset({"acme", "globex"}))]


def test_the_retention_job_ends_at_once_only_when_every_tenant_keeps_complaints_for_ever():
    assert [r.days for r in domain.retention_rules(0, {}) if r.days] == []
    assert [r.days for r in domain.retention_rules(0, {"acme": 90}) if r.days] == [90]


def test_retention_counts_from_the_end_of_a_complaint():
    assert domain.ENDED_STATUSES == {"resolved", "closed", "withdrawn"}


async def test_the_retention_job_ends_at_once_when_complaints_are_kept_for_ever():
    runtime = SimpleNamespace(settings=IntakeSettings(retention_days=0))

    assert await erase_expired_complaints(runtime) is None  # type: ignore[arg-type]


def test_retention_days_default_to_keeping_complaints():
    assert IntakeSettings().retention_days == 0


def _erasure(*, erased: bool = True, confirmed: tuple[str, ...] = ()) -> domain.ComplaintErasure:
    moment = datetime(2026, 12, 1, tzinfo=UTC)
    return domain.ComplaintErasure(complaint_id=uuid4(), tracking_number="RD-TEST", erased=erased,
                                   confirmed=dict.fromkeys(confirmed, moment))


def test_a_service_is_done_when_it_confirmed_every_complaint_of_the_customer():
    everyone = domain.CONFIRMING_SERVICES
    complaints = [_erasure(confirmed=everyone), _erasure(confirmed=("routing", "feedback"))]
    assert domain.progress(complaints) == {"intake": "done", "routing": "done", "escalation": "pending",
                                           "feedback": "done"}


def test_a_complaint_not_erased_here_leaves_every_service_pending():
    complaints = [_erasure(erased=False, confirmed=domain.CONFIRMING_SERVICES)]
    assert set(domain.progress(complaints).values()) == {"pending"}
