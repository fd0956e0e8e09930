"""Two major versions of one event live side by side: both registered, each decoded by its own model, and
the old one marked deprecated for at least DEPRECATION_MONTHS."""

from datetime import date
from typing import ClassVar
from uuid import uuid4

import pytest

from shared.contracts import REGISTRY, EventRegistry
from shared.contracts.base import DEPRECATION_MONTHS, Deprecation
from shared.contracts.complaint import ComplaintReceivedV1
from shared.messaging.cloudevents import decode, envelope


class ComplaintReceivedV2(ComplaintReceivedV1):
    """A breaking change: the channel becomes free text, so the type is published again as v2."""

    ce_type: ClassVar[str] = "redress.complaint.received.v2"
    channel: str  # type: ignore[assignment]


class DeprecatedReceivedV1(ComplaintReceivedV1):
    deprecated: ClassVar[Deprecation | None] = Deprecation("redress.complaint.received.v2", date(2026, 11, 30))


def a_received(model: type[ComplaintReceivedV1], channel: str) -> ComplaintReceivedV1:
    return model(complaint_id=uuid4(), tracking_number="RD-1", channel=channel, customer_id="c-1",
                 subject="Late refund", description="Still waiting", received_at="2026-11-23T09:00:00Z")


def test_two_versions_of_one_event_are_registered_side_by_side():
    registry = EventRegistry([DeprecatedReceivedV1, ComplaintReceivedV2])
    assert registry.model_for("redress.complaint.received.v1") is DeprecatedReceivedV1
    assert registry.model_for("redress.complaint.received.v2") is ComplaintReceivedV2
    assert registry.versions("complaint.received") == [DeprecatedReceivedV1, ComplaintReceivedV2]
    assert registry.topics == ["redress.complaint.v1"]
    assert registry.deprecation_problems() == []


def test_each_message_is_decoded_by_the_version_it_names():
    registry = EventRegistry([DeprecatedReceivedV1, ComplaintReceivedV2])
    old, new = a_received(DeprecatedReceivedV1, "web"), a_received(ComplaintReceivedV2, "kiosk")
    for event in (old, new):
        message = envelope(event, source="intake")
        received = decode(message.value, message.headers(), registry)
        assert type(received.event) is type(event)
        assert received.event == event


def test_a_deprecation_lasts_at_least_the_stated_period():
    marker = Deprecation("redress.complaint.received.v2", date(2026, 8, 31))
    assert DEPRECATION_MONTHS == 6
    assert marker.sunset == date(2027, 2, 28)
    assert Deprecation("x", date(2026, 1, 15), sunset=date(2027, 1, 15)).sunset == date(2027, 1, 15)
    with pytest.raises(ValueError, match="6 months"):
        Deprecation("redress.complaint.received.v2", date(2026, 8, 31), sunset=date(2026, 12, 31))


def test_a_deprecated_version_must_name_a_newer_registered_successor():
    assert EventRegistry([DeprecatedReceivedV1]).deprecation_problems() == [
        "redress.complaint.received.v1 names 'redress.complaint.received.v2', which is not registered"]

    class BackwardsV2(ComplaintReceivedV2):
        ce_type: ClassVar[str] = "redress.complaint.received.v2"
        deprecated: ClassVar[Deprecation | None] = Deprecation("redress.complaint.received.v1", date(2026, 1, 1))

    problems = EventRegistry([ComplaintReceivedV1, BackwardsV2]).deprecation_problems()
    assert problems == ["redress.complaint.received.v2 names an older or equal version as its successor"]


def test_a_type_that_does_not_name_its_version_is_refused():
    class Unversioned(ComplaintReceivedV1):
        ce_type: ClassVar[str] = "redress.complaint.received"

    with pytest.raises(ValueError, match="v<major>"):
        EventRegistry([Unversioned])


def test_every_contract_names_the_service_that_emits_it_and_when():
    from services.catalog import SERVICES as DEPLOYED
    from shared.contracts.base import SERVICES

    assert set(SERVICES) == set(DEPLOYED)
    for event in REGISTRY.events:
        assert event.emitter() in SERVICES, f"{event.ce_type}: emitted_by must start with the service's name"
        assert event.emitted_when(), f"{event.ce_type}: emitted_by must say when, after a comma"
