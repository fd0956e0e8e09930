"""CloudEvents 1.0 in Kafka binary mode: attributes in `ce_*` headers, the event's data as the JSON value."""

import json
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from pydantic import ValidationError

from shared.contracts import Event, EventRegistry

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"

Headers = list[tuple[str, bytes]]


class PoisonMessage(Exception):
    """A message that can never be handled as it is: retrying will not help."""


class MissingHeader(PoisonMessage):
    pass


class BadJson(PoisonMessage):
    pass


class InvalidEventData(PoisonMessage):
    pass


@dataclass(frozen=True)
class Envelope:
    """An event ready for the wire, as the outbox stores it."""

    topic: str
    key: str
    ce_id: UUID
    ce_type: str
    ce_source: str
    ce_time: datetime
    value: bytes

    def header_pairs(self) -> list[tuple[str, str]]:
        return [
            ("ce_specversion", SPEC_VERSION),
            ("ce_id", str(self.ce_id)),
            ("ce_source", self.ce_source),
            ("ce_type", self.ce_type),
            ("ce_time", self.ce_time.isoformat()),
            ("ce_subject", self.key),
            ("content-type", CONTENT_TYPE),
        ]

    def headers(self) -> Headers:
        return encode_headers(self.header_pairs())


def encode_headers(pairs: list[tuple[str, str]] | list[list[str]]) -> Headers:
    return [(name, value.encode()) for name, value in pairs]


def envelope(event: Event, *, source: str, ce_id: UUID | None = None) -> Envelope:
    return Envelope(
        topic=event.topic,
        key=event.key,
        ce_id=ce_id or uuid4(),
        ce_type=event.ce_type,
        ce_source=source,
        ce_time=event.occurred_at,
        value=event.model_dump_json().encode(),
    )


def header_map(headers: Headers | tuple | None) -> dict[str, str]:
    return {name: (value or b"").decode("utf-8", "replace") for name, value in (headers or ())}


@dataclass(frozen=True)
class Received:
    """A message off the wire, decoded as far as its CloudEvents attributes."""

    ce_id: str
    ce_type: str
    event: Event


def decode(value: bytes | None, headers: Headers | tuple | None, registry: EventRegistry) -> Received:
    """Turn a Kafka message into its event; raises PoisonMessage or UnknownEventType."""
    attrs = header_map(headers)
    for required in ("ce_id", "ce_type"):
        if not attrs.get(required):
            raise MissingHeader(f"message has no {required} header")
    model = registry.model_for(attrs["ce_type"])
    try:
        data = json.loads(value or b"")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadJson(f"value is not JSON: {exc}") from None
    try:
        event = model.model_validate(data)
    except ValidationError as exc:
        raise InvalidEventData(f"{attrs['ce_type']}: {exc.error_count()} invalid field(s): {exc}") from None
    return Received(ce_id=attrs["ce_id"], ce_type=attrs["ce_type"], event=event)
