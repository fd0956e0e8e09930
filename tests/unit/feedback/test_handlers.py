"""The feedback service consumes every event type but the erasure confirmations meant for intake: each is recorded
for analytics, some also drive surveys."""

from services.feedback.handlers import HANDLERS, WORK
from shared.contracts import REGISTRY
from shared.contracts.complaint import ComplaintErasureConfirmedV1


def test_every_registered_event_but_the_erasure_confirmations_has_a_handler():
    assert set(HANDLERS) == set(REGISTRY.events) - {ComplaintErasureConfirmedV1}


def test_handlers_are_named_after_their_events():
    names = {event.ce_type: handler.__name__ for event, handler in HANDLERS.items()}
    assert names["redress.complaint.resolved.v1"] == "on_resolved"
    assert names["redress.complaint.status-changed.v1"] == "on_status_changed"
    assert set(WORK) <= set(HANDLERS)
