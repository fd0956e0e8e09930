"""docs/events.md is generated from the contracts: it must be current, and name every event with its topic,
key, headers, emitter, fields and a valid example."""

import json
import re
from datetime import date
from pathlib import Path
from typing import ClassVar

import jsonschema
import pytest
import yaml

from services.cli.docs import events_markdown
from shared.contracts import REGISTRY, EventRegistry
from shared.contracts.asyncapi import build_document
from shared.contracts.base import Deprecation
from shared.contracts.catalogue import build_catalogue
from shared.contracts.complaint import ComplaintReceivedV1
from shared.contracts.examples import example_of
from shared.messaging.cloudevents import envelope

DOC = Path(__file__).parents[2] / "docs" / "events.md"


def section(text: str, ce_type: str) -> str:
    start = text.index(f'<a id="{ce_type}"></a>')
    end = text.find('<a id="', start + 1)
    return text[start:end if end != -1 else None]


def test_the_committed_catalogue_is_up_to_date():
    assert DOC.read_text(encoding="utf-8") == events_markdown(), "docs/events.md is stale: run `make docs`"


@pytest.mark.parametrize("event", REGISTRY.events, ids=lambda e: e.ce_type)
def test_each_example_is_valid_for_its_contract(event):
    example = example_of(event)
    assert event.model_validate_json(json.dumps(example)).model_dump(mode="json") == example
    jsonschema.validate(example, event.model_json_schema(mode="serialization"))


@pytest.mark.parametrize("event", REGISTRY.events, ids=lambda e: e.ce_type)
def test_the_key_field_names_the_message_key(event):
    instance = event.model_validate(example_of(event))
    assert getattr(instance, event.key_field) is not None, f"{event.ce_type}: give {event.key_field} an example"
    assert instance.key == str(getattr(instance, event.key_field))
    assert envelope(instance, source=event.emitter()).key == instance.key


@pytest.mark.parametrize("event", REGISTRY.events, ids=lambda e: e.ce_type)
def test_every_event_is_described(event):
    text = section(events_markdown(), event.ce_type)
    assert f"| topic | `{event.topic}` |" in text
    assert f"| Kafka key | `{event.key_field}` (also in `ce_subject`) |" in text
    assert f"| `ce_source` | `{event.emitter()}` |" in text
    assert f"| emitted | {event.emitted_when()} |" in text.replace("\\|", "|")
    rows = re.findall(r"^\| `(\w+)` \| .+ \| (yes|no[^|]*) \| (.*) \|$", text, flags=re.MULTILINE)
    assert [name for name, _, _ in rows] == list(event.model_fields)
    for name, need, meaning in rows:
        assert meaning.strip(), f"{event.ce_type}.{name} has no description: add Field(description=...)"
        assert (need == "yes") == event.model_fields[name].is_required()
    example = json.loads(text.split("```json\n", 1)[1].split("```", 1)[0])
    assert example == example_of(event)


def test_the_envelope_lists_the_headers_every_message_carries():
    text = events_markdown().split("## Who emits", 1)[0]
    sample = ComplaintReceivedV1.model_validate(example_of(ComplaintReceivedV1))
    for name, _ in envelope(sample, source="intake").header_pairs():
        assert re.search(rf"^\| `{re.escape(name)}` \| \S", text, flags=re.MULTILINE), name
    for topic in REGISTRY.topics:
        assert f"| `{topic}` |" in events_markdown()


class OldReceivedV1(ComplaintReceivedV1):
    deprecated: ClassVar[Deprecation | None] = Deprecation("redress.complaint.received.v2", date(2026, 11, 30),
                                                           note="v2 carries the channel as free text.")


class NewReceivedV2(ComplaintReceivedV1):
    ce_type: ClassVar[str] = "redress.complaint.received.v2"


def test_a_deprecated_version_is_marked_in_the_catalogue_and_the_asyncapi_document():
    registry = EventRegistry([OldReceivedV1, NewReceivedV2])
    text = build_catalogue(registry, version="test")
    old, new = section(text, "redress.complaint.received.v1"), section(text, "redress.complaint.received.v2")
    assert ("> **Deprecated** since 2026-11-30: move to [`redress.complaint.received.v2`]"
            "(#redress.complaint.received.v2); published until 2027-05-30.") in old
    assert "Deprecated" not in new
    document = yaml.safe_load(yaml.safe_dump(build_document(registry, version="test")))
    messages, schemas = document["components"]["messages"], document["components"]["schemas"]
    assert messages["OldReceivedV1"]["x-deprecation"] == {
        "successor": "redress.complaint.received.v2", "announced": "2026-11-30", "sunset": "2027-05-30"}
    assert schemas["OldReceivedV1"]["deprecated"] is True
    assert "deprecated" not in schemas["NewReceivedV2"] and "x-deprecation" not in messages["NewReceivedV2"]
