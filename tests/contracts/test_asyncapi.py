from pathlib import Path

import jsonschema
import pytest
import yaml

from services.cli.docs import asyncapi_yaml
from shared.contracts import REGISTRY

DOC = Path(__file__).parents[2] / "docs" / "asyncapi.yaml"


def test_the_committed_asyncapi_document_is_up_to_date():
    assert DOC.read_text() == asyncapi_yaml(), "docs/asyncapi.yaml is stale: run `make docs`"


def test_every_event_is_a_message_on_its_topic():
    document = yaml.safe_load(asyncapi_yaml())
    assert document["asyncapi"].startswith("3.")
    addresses = {channel["address"]: channel for channel in document["channels"].values()}
    for event in REGISTRY.events:
        assert event.__name__ in addresses[event.topic]["messages"]
        message = document["components"]["messages"][event.__name__]
        assert message["headers"]["properties"]["ce_type"]["const"] == event.ce_type
        assert message["payload"]["$ref"].endswith(f"/{event.__name__}")
        assert event.__name__ in document["components"]["schemas"]


def test_every_message_example_is_valid_for_its_payload_schema():
    document = yaml.safe_load(asyncapi_yaml())
    for name, message in document["components"]["messages"].items():
        root = {"$ref": message["payload"]["$ref"], "components": document["components"]}
        [example] = message["examples"]
        jsonschema.validate(example["payload"], root)
        assert example["headers"]["ce_type"] == message["headers"]["properties"]["ce_type"]["const"], name
        assert set(example["headers"]) == set(message["headers"]["properties"]), name
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({**example["payload"], "complaint_id": 42}, root)
