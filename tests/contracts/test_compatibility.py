"""The snapshot comparison itself: altered copies of real contracts, checked against their stored snapshots
exactly as test_snapshots does, must pass when additive and fail when breaking."""

import json
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

import pytest
from pydantic import Field, create_model

from shared.contracts.compatibility import breaking_changes
from shared.contracts.complaint import ComplaintClassifiedV1, ComplaintReceivedV1, Priority
from shared.contracts.feedback import FeedbackReceivedV1
from shared.contracts.sla import SlaTarget, SlaWarningV1
from tests.contracts import test_snapshots as snapshots
from tests.contracts.test_snapshots import SNAPSHOTS, schema_of


def snapshot(event: type) -> dict:
    return json.loads((SNAPSHOTS / f"{event.ce_type}.json").read_text())


def problems_of(published: type, candidate: type) -> list[str]:
    return breaking_changes(snapshot(published), json.loads(schema_of(candidate)))


def variant(event: type, name: str | None = None, **fields):
    """The contract with fields added or redefined, under its own name unless told otherwise."""
    return create_model(name or event.__name__, __base__=event, **fields)


def without(event: type, field: str) -> dict:
    schema = json.loads(schema_of(event))
    del schema["properties"][field]
    schema["required"] = [name for name in schema["required"] if name != field]
    return schema


def test_the_unchanged_contracts_pass():
    for event in (ComplaintClassifiedV1, ComplaintReceivedV1, FeedbackReceivedV1, SlaWarningV1):
        assert problems_of(event, event) == []


@pytest.mark.parametrize("fields", [
    {"escalation_hint": (str | None, None)},
    {"labels": (list[str], Field(default_factory=list, description="Free labels."))},
    {"scores": (dict[str, int], Field(default_factory=dict))},
    {"category": (str, Field(description="Reworded documentation.", examples=["billing"]))},
], ids=["optional", "optional list", "optional map", "documentation"])
def test_additive_changes_pass(fields):
    assert problems_of(ComplaintClassifiedV1, variant(ComplaintClassifiedV1, **fields)) == []


def test_a_removed_field_fails():
    problems = breaking_changes(snapshot(ComplaintClassifiedV1), without(ComplaintClassifiedV1, "category"))
    assert problems == ["category: field removed"]


def test_removing_an_optional_field_fails_too():
    problems = breaking_changes(snapshot(ComplaintClassifiedV1), without(ComplaintClassifiedV1, "subcategory"))
    assert problems == ["subcategory: field removed"]


def test_a_renamed_field_fails():
    renamed = json.loads(schema_of(ComplaintClassifiedV1))
    renamed["properties"]["category_code"] = renamed["properties"].pop("category")
    renamed["required"] = [("category_code" if n == "category" else n) for n in renamed["required"]]
    problems = breaking_changes(snapshot(ComplaintClassifiedV1), renamed)
    assert "category: field removed" in problems
    assert "category_code: new required field (events already published lack it)" in problems


@pytest.mark.parametrize(("fields", "expected"), [
    ({"severity": (str, ...)}, "severity: type changed from integer to string"),
    ({"confidence": (int, Field(ge=0, le=1))}, "confidence: type changed from number to integer"),
    ({"subcategory": (int | None, None)}, "subcategory: type changed from string | null to integer | null"),
    ({"category": (str | None, None)}, "category: type changed from string to string | null"),
    ({"tags": (list[int], Field(default_factory=list))}, "tags[]: type changed from string to integer"),
    ({"severity": (int, Field(ge=1, le=10))}, "severity: maximum changed from 5 to 10"),
    ({"sentiment": (float | None, Field(None, ge=0, le=1))}, "sentiment: minimum changed from -1 to 0"),
    ({"occurred_at": (str, ...)}, "occurred_at: type changed from string (date-time) to string"),
], ids=["int to str", "float to int", "optional int", "nullable", "list items", "wider", "narrower", "format"])
def test_a_type_change_fails(fields, expected):
    assert expected in problems_of(ComplaintClassifiedV1, variant(ComplaintClassifiedV1, **fields))


def test_a_new_required_field_fails():
    problems = problems_of(ComplaintClassifiedV1, variant(ComplaintClassifiedV1, model_version=(str, ...)))
    assert problems == ["model_version: new required field (events already published lack it)"]


def test_a_field_that_changes_between_required_and_optional_fails():
    loosened = variant(ComplaintClassifiedV1, category=(str, "unknown"))
    tightened = variant(ComplaintClassifiedV1, safety_flag=(bool, ...))
    assert problems_of(ComplaintClassifiedV1, loosened) == ["category: no longer required"]
    assert problems_of(ComplaintClassifiedV1, tightened) == ["safety_flag: became required"]


def test_a_renamed_event_type_fails():
    problems = problems_of(ComplaintClassifiedV1, variant(ComplaintClassifiedV1, "ComplaintTriagedV1"))
    assert problems == ["(event): renamed from ComplaintClassifiedV1 to ComplaintTriagedV1"]


def test_a_renamed_enum_type_fails():
    Urgency = StrEnum("Urgency", {member.name: member.value for member in Priority})
    problems = problems_of(ComplaintClassifiedV1, variant(ComplaintClassifiedV1, priority=(Urgency, ...)))
    assert problems == ["priority: type Priority renamed to Urgency"]


def test_enum_values_may_be_neither_added_nor_removed():
    wider = StrEnum("SlaTarget", {**{m.name: m.value for m in SlaTarget}, "REPLY": "reply"})
    narrower = StrEnum("SlaTarget", {m.name: m.value for m in SlaTarget if m is not SlaTarget.PERIODIC_UPDATE})
    added = problems_of(SlaWarningV1, variant(SlaWarningV1, target=(wider, ...)))
    removed = problems_of(SlaWarningV1, variant(SlaWarningV1, target=(narrower, ...)))
    assert added == ["target: enum values added: ['reply'] (consumers reject values they do not know)"]
    assert removed == ["target: enum values removed: ['periodic_update']"]


def test_a_map_whose_values_change_type_fails():
    changed = variant(FeedbackReceivedV1, dimensions=(dict[str, float], Field(default_factory=dict)))
    assert problems_of(FeedbackReceivedV1, changed) == ["dimensions{}: type changed from integer to number"]


def test_fields_of_nested_models_follow_the_same_rules():
    class Window(StrEnum):
        DAY = "day"

    def with_nested(**fields):
        nested = create_model("Period", unit=(Window, ...), **fields)
        return json.loads(schema_of(create_model("ProbeV1", __base__=ComplaintReceivedV1, period=(nested, ...))))

    published = with_nested()
    assert breaking_changes(published, with_nested(note=(str | None, None))) == []
    assert breaking_changes(published, with_nested(count=(int, ...))) == [
        "period.count: new required field (events already published lack it)"]


def test_a_new_version_beside_the_old_is_a_separate_contract():
    class ComplaintClassifiedV2(ComplaintClassifiedV1):
        ce_type: ClassVar[str] = "redress.complaint.classified.v2"
        classified_at: datetime

    # The breaking change lives in v2; v1 itself is untouched and still passes against its snapshot.
    assert problems_of(ComplaintClassifiedV1, ComplaintClassifiedV1) == []
    assert problems_of(ComplaintClassifiedV1, ComplaintClassifiedV2) != []


def test_the_snapshot_test_refuses_to_record_a_breaking_change(tmp_path, monkeypatch):
    published = snapshot(ComplaintClassifiedV1)
    published["properties"]["queue"] = {"title": "Queue", "type": "string"}
    stored = tmp_path / f"{ComplaintClassifiedV1.ce_type}.json"
    stored.write_text(json.dumps(published))
    monkeypatch.setattr(snapshots, "SNAPSHOTS", tmp_path)
    monkeypatch.setattr(snapshots, "UPDATE", True)
    with pytest.raises(AssertionError, match=r"queue: field removed"):
        snapshots.test_contract_is_compatible_with_its_snapshot(ComplaintClassifiedV1)
    assert json.loads(stored.read_text()) == published


def test_the_snapshot_test_records_an_additive_change(tmp_path, monkeypatch):
    published = snapshot(ComplaintClassifiedV1)
    del published["properties"]["tags"]
    stored = tmp_path / f"{ComplaintClassifiedV1.ce_type}.json"
    stored.write_text(json.dumps(published))
    monkeypatch.setattr(snapshots, "SNAPSHOTS", tmp_path)
    with pytest.warns(UserWarning, match="additive changes"):
        snapshots.test_contract_is_compatible_with_its_snapshot(ComplaintClassifiedV1)
    monkeypatch.setattr(snapshots, "UPDATE", True)
    snapshots.test_contract_is_compatible_with_its_snapshot(ComplaintClassifiedV1)
    assert stored.read_text() == schema_of(ComplaintClassifiedV1)
