"""Each event contract's JSON schema is compared with its stored snapshot, the shape consumers were promised:
an additive change passes (record it with REDRESS_UPDATE_SNAPSHOTS=1), a breaking one fails and needs a new
version (a new class, published beside the old one). See docs/compatibility.md."""

import json
import os
import warnings
from pathlib import Path

import pytest

from shared.contracts import REGISTRY
from shared.contracts.compatibility import breaking_changes

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("REDRESS_UPDATE_SNAPSHOTS") == "1"


def schema_of(event: type) -> str:
    return json.dumps(event.model_json_schema(mode="serialization"), indent=2, sort_keys=True) + "\n"


@pytest.mark.parametrize("event", REGISTRY.events, ids=lambda e: e.ce_type)
def test_contract_is_compatible_with_its_snapshot(event):
    snapshot = SNAPSHOTS / f"{event.ce_type}.json"
    current = schema_of(event)
    if not snapshot.exists() and UPDATE:
        snapshot.write_text(current)
    assert snapshot.exists(), f"no snapshot for {event.ce_type}: a new contract? run with REDRESS_UPDATE_SNAPSHOTS=1"
    problems = breaking_changes(json.loads(snapshot.read_text()), json.loads(current))
    assert not problems, (
        f"{event.ce_type} changed in a way that breaks consumers: {problems}. "
        "Add optional fields only, or publish a new version beside it (docs/compatibility.md)"
    )
    if current != snapshot.read_text():
        if UPDATE:
            snapshot.write_text(current)
        else:
            warnings.warn(f"{event.ce_type} has additive changes: record them with REDRESS_UPDATE_SNAPSHOTS=1",
                          stacklevel=1)


def test_every_snapshot_still_has_its_contract():
    published = {event.ce_type for event in REGISTRY.events}
    removed = [p.stem for p in SNAPSHOTS.glob("*.json") if p.stem not in published]
    assert not removed, f"contracts removed while consumers may still read them: {removed}"


def test_type_names_carry_their_version():
    for event in REGISTRY.events:
        version = event.ce_type.rsplit(".", 1)[-1]
        assert event.__name__.endswith(version.upper()), event
        assert event.topic.startswith(f"redress.{event.family()}.") or event.topic == "redress.feedback.v1"


def test_deprecated_versions_name_a_published_successor():
    assert REGISTRY.deprecation_problems() == []
