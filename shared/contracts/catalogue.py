"""The event catalogue (docs/events.md): the contracts written out for partners and frontends, generated
with the AsyncAPI document from the same models, never by hand.

Meanings come from the fields' descriptions, the emitting service and the moment from each contract's
`emitted_by`, examples from shared/contracts/examples.py, headers from the CloudEvents envelope itself.
"""

import json
from collections import defaultdict
from typing import Any
from uuid import UUID

from pydantic.json_schema import models_json_schema

from shared.contracts.asyncapi import CE_HEADERS
from shared.contracts.base import DEPRECATION_MONTHS, SERVICES, Event
from shared.contracts.examples import example_of
from shared.contracts.registry import EventRegistry, dlq_topic
from shared.messaging.cloudevents import envelope

DEFS = "#/$defs/{model}"
EXAMPLE_CE_ID = UUID("0b6e8f0c-5a43-4c1e-9a55-3c0f1d2e7a10")


def build_catalogue(registry: EventRegistry, *, version: str) -> str:
    events = registry.events
    _, schemas = models_json_schema([(e, "serialization") for e in events], ref_template=DEFS)
    defs = schemas.get("$defs", {})
    lines = _introduction(version) + _envelope(events) + _by_service(registry.in_registration_order)
    lines += _topics(registry)
    for topic in registry.topics:
        lines += [f"## Topic `{topic}`", ""]
        for event in (e for e in events if e.topic == topic):
            lines += _event(event, defs)
    lines += _enumerations(defs)
    return "\n".join(lines).rstrip("\n") + "\n"


def _introduction(version: str) -> list[str]:
    return [
        "# Redress event catalogue",
        "",
        f"Contracts version {version}. Generated from the event contracts in `shared/contracts/` by",
        "`redress docs events` (`make docs` writes it together with [asyncapi.yaml](asyncapi.yaml)); do not edit",
        "by hand. What may change within a version, and how a new version is introduced, is in",
        "[compatibility.md](compatibility.md): additive changes only; a breaking change is a new major version",
        f"published beside the old one for at least {DEPRECATION_MONTHS} months.",
        "",
    ]


def _envelope(events: list[type[Event]]) -> list[str]:
    sample = events[0]
    message = envelope(sample.model_validate(example_of(sample)), source=sample.emitter(), ce_id=EXAMPLE_CE_ID)
    lines = [
        "## Envelope",
        "",
        "Every event is a Kafka message in CloudEvents 1.0 binary mode: the attributes travel as headers, the",
        "value is the event's data as UTF-8 JSON (the fields below). The **key is the complaint id** (an event",
        "keyed otherwise says so), so one complaint's events stay in order on one partition. Consumers must",
        "ignore `ce_type`s and fields they do not know, and de-duplicate by `ce_id` (delivery is at least once).",
        "",
        "In the field tables, *required* fields are in every event of that version. Redress writes the other",
        "fields too, but an event published before an optional field was added (met again on a replay) lacks",
        "it: read it as its default.",
        "",
        "| header | meaning |",
        "|---|---|",
    ]
    for name, _ in message.header_pairs():
        meaning = CE_HEADERS.get(name, {}).get("description", "")
        lines.append(f"| `{name}` | {_cell(meaning)} |")
    lines += ["", f"Headers of a `{sample.ce_type}` message, for example:", "", "```"]
    lines += [f"{name}: {value}" for name, value in message.header_pairs()]
    lines += ["```", ""]
    return lines


def _by_service(events: list[type[Event]]) -> list[str]:
    lines = ["## Who emits what, and when", "",
             "Per service, in the order the contracts list them, which follows the lifecycle roughly.", ""]
    by_service: dict[str, list[type[Event]]] = defaultdict(list)
    for event in events:
        by_service[event.emitter()].append(event)
    for service in sorted(by_service, key=lambda s: SERVICES.index(s) if s in SERVICES else len(SERVICES)):
        lines += [f"**{service}**", "", "| event | when |", "|---|---|"]
        lines += [f"| {_link(e)} | {_cell(e.emitted_when())} |" for e in by_service[service]]
        lines.append("")
    return lines


def _topics(registry: EventRegistry) -> list[str]:
    lines = ["## Topics", "", "| topic | event types | dead letters |", "|---|---|---|"]
    for topic in registry.topics:
        types = ", ".join(_link(e) for e in registry.events if e.topic == topic)
        lines.append(f"| `{topic}` | {types} | `{dlq_topic(topic)}` |")
    return [*lines, ""]


def _event(event: type[Event], defs: dict[str, Any]) -> list[str]:
    schema = event.model_json_schema(mode="serialization", ref_template=DEFS)
    lines = [f'<a id="{event.ce_type}"></a>', "", f"### `{event.ce_type}`", ""]
    if "__doc__" in event.__dict__ and event.__doc__:
        lines += [" ".join(event.__doc__.split()), ""]
    if event.deprecated is not None:
        d = event.deprecated
        note = f" {d.note}" if d.note else ""
        lines += [f"> **Deprecated** since {d.announced}: move to [`{d.successor}`](#{d.successor}); published "
                  f"until {d.sunset}.{note}", ""]
    lines += [
        "| | |",
        "|---|---|",
        f"| contract | `{event.__name__}` (major version {event.major_version()}) |",
        f"| topic | `{event.topic}` |",
        f"| Kafka key | `{event.key_field}` (also in `ce_subject`) |",
        f"| `ce_type` | `{event.ce_type}` |",
        f"| `ce_source` | `{event.emitter()}` |",
        f"| emitted | {_cell(event.emitted_when())} |",
        "",
        "| field | type | required | meaning |",
        "|---|---|---|---|",
    ]
    required = set(schema.get("required", ()))
    for name, prop in schema["properties"].items():
        need = "yes" if name in required else _optional(prop)
        lines.append(f"| `{name}` | {_cell(_type_text(prop, defs))} | {need} | {_cell(prop.get('description', ''))} |")
    example = json.dumps(example_of(event), indent=2, ensure_ascii=False)
    return [*lines, "", "Example value:", "", "```json", example, "```", ""]


def _enumerations(defs: dict[str, Any]) -> list[str]:
    enums = {name: d for name, d in sorted(defs.items()) if "enum" in d}
    if not enums:
        return []
    lines = ["## Value sets", "", "| name | values | meaning |", "|---|---|---|"]
    for name, d in enums.items():
        values = ", ".join(f"`{v}`" for v in d["enum"])
        lines.append(f'| <a id="enum-{name.lower()}"></a>`{name}` | {values} | {_cell(d.get("description", ""))} |')
    return [*lines, ""]


def _type_text(prop: dict[str, Any], defs: dict[str, Any]) -> str:
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#enum-{name.lower()})" if "enum" in defs.get(name, {}) else name
    if "anyOf" in prop:
        return " or ".join(_type_text(alt, defs) for alt in prop["anyOf"])
    kind = prop.get("type", "any")
    if kind == "array":
        return f"list of {_type_text(prop.get('items', {}), defs)}"
    if kind == "object" and isinstance(prop.get("additionalProperties"), dict):
        return f"map of string to {_type_text(prop['additionalProperties'], defs)}"
    text = f"{kind} ({prop['format']})" if "format" in prop else kind
    return text + _bounds(prop)


def _bounds(prop: dict[str, Any]) -> str:
    marks = [("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤"), ("exclusiveMaximum", "<"),
             ("minLength", "length ≥"), ("maxLength", "length ≤")]
    found = [f"{sign} {prop[key]}" for key, sign in marks if key in prop]
    return f", {', '.join(found)}" if found else ""


def _optional(prop: dict[str, Any]) -> str:
    if "default" not in prop:
        return "no"
    return f"no (default `{json.dumps(prop['default'], ensure_ascii=False)}`)"


def _link(event: type[Event]) -> str:
    return f"[`{event.ce_type}`](#{event.ce_type})"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")
