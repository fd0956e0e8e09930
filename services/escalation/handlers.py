"""Events the escalation service consumes, each mapped to the handler that turns it into a use case."""

from shared.contracts import Event
from shared.messaging.consumer import Handler

HANDLERS: dict[type[Event], Handler] = {}
