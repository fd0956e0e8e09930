"""The hotspot insight: keyed by its hotspot, naming real complaints."""

from datetime import UTC, datetime
from uuid import uuid4

from services.feedback.analytics import service
from services.feedback.analytics.hotspots import Finding
from shared.contracts.base import DEFAULT_TENANT
from shared.messaging.cloudevents import envelope

START = datetime(2026, 11, 20, tzinfo=UTC)


def a_finding(complaints: int) -> Finding:
    return Finding("category", "billing", START, START.replace(day=21), complaints, 1.0, 4.0,
                   tuple(uuid4() for _ in range(complaints)))


def test_the_insight_is_keyed_by_its_hotspot_and_names_its_complaints():
    finding = a_finding(8)
    event = service.hotspot_detected(finding, tenant=DEFAULT_TENANT, now=START)
    assert event.hotspot_id == service.hotspot_id(finding)
    assert event.complaint_id == finding.complaint_ids[0]
    assert event.complaint_ids == list(finding.complaint_ids)
    wire = envelope(event, source="feedback")
    assert wire.key == str(event.hotspot_id)
    assert ("ce_subject", str(event.hotspot_id)) in wire.header_pairs()


def test_an_insight_names_at_most_a_hundred_complaints():
    finding = a_finding(150)
    event = service.hotspot_detected(finding, tenant=DEFAULT_TENANT, now=START)
    assert event.complaint_ids == list(finding.complaint_ids[:100]) and event.count == 150


def test_an_insight_carries_its_tenant_and_another_tenants_rise_is_another_hotspot():
    finding = a_finding(8)
    theirs = service.hotspot_detected(finding, tenant="acme", now=START)
    ours = service.hotspot_detected(finding, tenant=DEFAULT_TENANT, now=START)
    assert (theirs.tenant, ours.tenant) == ("acme", DEFAULT_TENANT)
    assert theirs.hotspot_id != ours.hotspot_id == service.hotspot_id(finding)
