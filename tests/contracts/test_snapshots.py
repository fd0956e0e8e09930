"""Each event contract's JSON schema must match its stored snapshot: a change that breaks consumers needs a
new version (a new class, published beside the old one). Regenerate after an additive change with
REDRESS_UPDATE_SNAPSHOTS=1."""

import json
import os
from pathlib import Path

import pytest

from shared.contracts import REGISTRY

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("REDRESS_UPDATE_SNAPSHOTS") == "1"


def schema_of(event: type) -> str:
    return json.dumps(event.model_json_schema(mode="serialization"), indent=2, sort_keys=True) + "\n"


@pytest.mark.parametrize("event", REGISTRY.events, ids=lambda e: e.ce_type)
def test_contract_matches_its_snapshot(event):
    snapshot = SNAPSHOTS / f"{event.ce_type}.json"
    if UPDATE:
        snapshot.write_text(schema_of(event))
    assert snapshot.exists(), f"no snapshot for {event.ce_type}: a new contract? run with REDRESS_UPDATE_SNAPSHOTS=1"
    assert schema_of(event) == snapshot.read_text(), (
        f"{event.ce_type} changed: add optional fields only, or publish a new version beside it"
    )


def test_every_snapshot_still_has_its_contract():
    published = {event.ce_type for event in REGISTRY.events}
    removed = [p.stem for p in SNAPSHOTS.glob("*.json") if p.stem not in published]
    assert not removed, f"contracts removed while consumers may still read them: {removed}"


def test_type_names_carry_their_version():
    for event in REGISTRY.events:
        version = event.ce_type.rsplit(".", 1)[-1]
        assert event.__name__.endswith(version.upper()), event
        assert event.topic.startswith(f"redress.{event.family()}.") or event.topic == "redress.feedback.v1"
