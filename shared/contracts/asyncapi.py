"""The AsyncAPI 3 document, generated from the event contracts (never written by hand)."""

from typing import Any

import yaml
from pydantic.json_schema import models_json_schema

from shared.contracts.base import Event
from shared.contracts.examples import example_of
from shared.contracts.registry import EventRegistry

SCHEMAS = "#/components/schemas/{model}"
CE_HEADERS = {
    "ce_specversion": {"type": "string", "const": "1.0", "description": "CloudEvents version."},
    "ce_id": {"type": "string", "format": "uuid",
              "description": "Unique per event and kept on replay; consumers de-duplicate by it."},
    "ce_source": {"type": "string", "description": "The service that emitted the event (intake, routing, …)."},
    "ce_type": {"type": "string", "description": "The event type and its major version; selects the contract."},
    "ce_time": {"type": "string", "format": "date-time", "description": "When it happened: the event's occurred_at."},
    "ce_subject": {"type": "string", "format": "uuid",
                   "description": "What the event is about, the same as the message key (the complaint id)."},
    "content-type": {"type": "string", "const": "application/json", "description": "The value is JSON."},
}
EXAMPLE_CE_ID = "0b6e8f0c-5a43-4c1e-9a55-3c0f1d2e7a10"


def channel_id(topic: str) -> str:
    return topic.removeprefix("redress.").replace(".", "_")


def _message(event: type[Event]) -> dict[str, Any]:
    headers = {**CE_HEADERS, "ce_type": {**CE_HEADERS["ce_type"], "const": event.ce_type}}
    payload = example_of(event)
    message: dict[str, Any] = {
        "name": event.ce_type,
        "title": event.__name__,
        "summary": f"Emitted by {event.emitted_by}." if event.emitted_by else event.__name__,
        "contentType": "application/json",
        "headers": {"type": "object", "required": ["ce_specversion", "ce_id", "ce_source", "ce_type"],
                    "properties": headers},
        "payload": {"$ref": SCHEMAS.format(model=event.__name__)},
        "bindings": {"kafka": {"key": {"type": "string", "format": "uuid",
                                       "description": f"The event's {event.key_field}."}}},
        "examples": [{"name": "example", "headers": {
            "ce_specversion": "1.0", "ce_id": EXAMPLE_CE_ID, "ce_source": event.emitter(), "ce_type": event.ce_type,
            "ce_time": payload["occurred_at"], "ce_subject": event.model_validate(payload).key,
            "content-type": "application/json"}, "payload": payload}],
    }
    if event.deprecated is not None:
        d = event.deprecated
        message["description"] = (f"Deprecated since {d.announced}: move to {d.successor}; published until "
                                  f"{d.sunset}. {d.note}").strip()
        message["x-deprecation"] = {"successor": d.successor, "announced": d.announced.isoformat(),
                                    "sunset": d.sunset.isoformat() if d.sunset else None}
    return message


def build_document(registry: EventRegistry, *, version: str, partitions: int = 6) -> dict[str, Any]:
    events = registry.events
    _, schemas = models_json_schema([(e, "serialization") for e in events], ref_template=SCHEMAS)
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for event in events:
        cid = channel_id(event.topic)
        channel = channels.setdefault(cid, {"address": event.topic, "messages": {},
                                            "bindings": {"kafka": {"partitions": partitions}}})
        channel["messages"][event.__name__] = {"$ref": f"#/components/messages/{event.__name__}"}
        operations[f"send{event.__name__}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{cid}"},
            "summary": event.emitted_by or event.ce_type,
            "messages": [{"$ref": f"#/channels/{cid}/messages/{event.__name__}"}],
        }
    for event in events:
        if event.deprecated is not None:
            schemas["$defs"][event.__name__]["deprecated"] = True
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Redress events", "version": version,
                 "description": "CloudEvents 1.0 in Kafka binary mode; the key is the complaint id."},
        "defaultContentType": "application/json",
        "servers": {"local": {"host": "127.0.0.1:9092", "protocol": "kafka",
                              "description": "The embedded broker of `make run`."}},
        "channels": channels,
        "operations": operations,
        "components": {"messages": {e.__name__: _message(e) for e in events}, "schemas": schemas["$defs"]},
    }


class _PlainDumper(yaml.SafeDumper):
    """Writes shared parts in full each time: anchors and aliases confuse some AsyncAPI tools."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def render_yaml(document: dict[str, Any]) -> str:
    return yaml.dump(document, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, width=110)
