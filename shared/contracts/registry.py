"""Maps CloudEvents types to event models, and knows the topics they travel on."""

from collections.abc import Iterable

from shared.contracts.base import Event


class UnknownEventType(LookupError):
    """A message names a `ce_type` no contract describes."""


class EventRegistry:
    def __init__(self, events: Iterable[type[Event]] = ()) -> None:
        self._by_type: dict[str, type[Event]] = {}
        for event in events:
            self.register(event)

    def register(self, event: type[Event]) -> type[Event]:
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

    @property
    def events(self) -> list[type[Event]]:
        return sorted(self._by_type.values(), key=lambda e: e.ce_type)

    @property
    def topics(self) -> list[str]:
        return sorted({event.topic for event in self._by_type.values()})


def dlq_topic(topic: str) -> str:
    return f"{topic}.dlq"
