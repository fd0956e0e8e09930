"""Maps CloudEvents types to event models, and knows the topics they travel on.

Several major versions of one event (`redress.complaint.received.v1` and `.v2`) are separate types: they are
registered side by side, and each message is decoded with the model its `ce_type` names.
"""

import re
from collections.abc import Iterable

from shared.contracts.base import Event

CE_TYPE = re.compile(r"^redress\.[a-z]+(-[a-z]+)*\.[a-z]+(-[a-z]+)*\.v[1-9][0-9]*$")


class UnknownEventType(LookupError):
    """A message names a `ce_type` no contract describes."""


class EventRegistry:
    def __init__(self, events: Iterable[type[Event]] = ()) -> None:
        self._by_type: dict[str, type[Event]] = {}
        for event in events:
            self.register(event)

    def register(self, event: type[Event]) -> type[Event]:
        if not CE_TYPE.match(event.ce_type):
            raise ValueError(f"{event.__name__}: ce_type {event.ce_type!r} is not redress.<family>.<event>.v<major>")
        known = self._by_type.get(event.ce_type)
        if known is not None and known is not event:
            raise ValueError(f"{event.ce_type} is already registered to {known.__name__}")
        self._by_type[event.ce_type] = event
        return event

    def model_for(self, ce_type: str) -> type[Event]:
        try:
            return self._by_type[ce_type]
        except KeyError:
            raise UnknownEventType(f"no event contract for type {ce_type!r}") from None

    def versions(self, event_name: str) -> list[type[Event]]:
        """Every registered version of one event (`complaint.received`), oldest first."""
        found = [e for e in self._by_type.values() if e.event_name() == event_name]
        return sorted(found, key=lambda e: e.major_version())

    def deprecation_problems(self) -> list[str]:
        """What is wrong with the deprecation markers: a deprecated version must name a registered, newer
        successor, so that consumers have somewhere to move."""
        problems = []
        for event in self.events:
            if event.deprecated is None:
                continue
            successor = self._by_type.get(event.deprecated.successor)
            if successor is None:
                problems.append(f"{event.ce_type} names {event.deprecated.successor!r}, which is not registered")
            elif successor.event_name() == event.event_name() and successor.major_version() <= event.major_version():
                problems.append(f"{event.ce_type} names an older or equal version as its successor")
        return problems

    @property
    def in_registration_order(self) -> list[type[Event]]:
        """As the families list them: roughly the order of the lifecycle."""
        return list(self._by_type.values())

    @property
    def events(self) -> list[type[Event]]:
        return sorted(self._by_type.values(), key=lambda e: e.ce_type)

    @property
    def topics(self) -> list[str]:
        return sorted({event.topic for event in self._by_type.values()})


def dlq_topic(topic: str) -> str:
    return f"{topic}.dlq"
