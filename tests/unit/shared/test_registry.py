from typing import ClassVar

import pytest

from shared.contracts import REGISTRY, Event, EventRegistry
from shared.contracts.complaint import ComplaintReceivedV1


class ProbeV1(Event):
    topic: ClassVar[str] = "redress.probe.v1"
    ce_type: ClassVar[str] = "redress.complaint.received.v1"


def test_the_registry_finds_models_by_type_and_lists_topics():
    assert REGISTRY.model_for("redress.complaint.received.v1") is ComplaintReceivedV1
    assert REGISTRY.topics == ["redress.complaint.v1", "redress.feedback.v1", "redress.sla.v1"]


def test_two_models_cannot_claim_one_type():
    registry = EventRegistry([ComplaintReceivedV1])
    with pytest.raises(ValueError, match="already registered"):
        registry.register(ProbeV1)
