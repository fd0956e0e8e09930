"""The AsyncAPI 3 document, generated from the event contracts (never written by hand)."""

from typing import Any

import yaml
from pydantic.json_schema import models_json_schema

from shared.contracts.base import Event
from shared.contracts.registry import EventRegistry

SCHEMAS = "#/components/schemas/{model}"
CE_HEADERS = {
    "ce_specversion": {"type": "string", "const": "1.0"},
    "ce_id": {"type": "string", "format": "uuid", "description": "Unique per event; consumers de-duplicate by it."},
    "ce_source": {"type": "string", "description": "The service that emitted the event."},
    "ce_time": {"type": "string", "format": "date-time"},
    "ce_subject": {"type": "string", "format": "uuid", "description": "The complaint id (also the key)."},
    "content-type": {"type": "string", "const": "application/json"},
}


def channel_id(topic: str) -> str:
    return topic.removeprefix("redress.").replace(".", "_")


def _message(event: type[Event]) -> dict[str, Any]:
    headers = {**CE_HEADERS, "ce_type": {"type": "string", "const": event.ce_type}}
    return {
        "name": event.ce_type,
        "title": event.__name__,
        "summary": f"Emitted by {event.emitted_by}." if event.emitted_by else event.__name__,
        "contentType": "application/json",
        "headers": {"type": "object", "required": ["ce_specversion", "ce_id", "ce_source", "ce_type"],
                    "properties": headers},
        "payload": {"$ref": SCHEMAS.format(model=event.__name__)},
        "bindings": {"kafka": {"key": {"type": "string", "format": "uuid", "description": "complaint id"}}},
    }


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


def render_yaml(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=110)
