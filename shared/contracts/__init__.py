"""Event contracts: every event type Redress publishes, and the registry that knows them."""

from shared.contracts import complaint, feedback, sla
from shared.contracts.base import Event
from shared.contracts.registry import EventRegistry, UnknownEventType, dlq_topic

REGISTRY = EventRegistry((*complaint.EVENTS, *sla.EVENTS, *feedback.EVENTS))

__all__ = ["REGISTRY", "Event", "EventRegistry", "UnknownEventType", "dlq_topic"]
