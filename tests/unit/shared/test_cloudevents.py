import json
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from shared.contracts import REGISTRY, UnknownEventType
from shared.contracts.complaint import Channel, ComplaintReceivedV1, ComplaintWithdrawnV1
from shared.messaging.cloudevents import BadJson, InvalidEventData, MissingHeader, decode, envelope, header_map


def a_received(**overrides) -> ComplaintReceivedV1:
    fields = dict(complaint_id=uuid4(), tracking_number="RD-7K3M-9QX2-A", channel=Channel.WEB, customer_id="c-1",
                  subject="Charged twice", description="I was billed twice.", received_at=datetime.now(UTC))
    return ComplaintReceivedV1(**(fields | overrides))


def test_binary_mode_headers_and_key():
    event = a_received()
    item = envelope(event, source="intake")
    headers = header_map(item.headers())
    assert item.topic == "redress.complaint.v1"
    assert item.key == str(event.complaint_id)
    assert headers["ce_specversion"] == "1.0"
    assert headers["ce_type"] == "redress.complaint.received.v1"
    assert headers["ce_source"] == "intake"
    assert headers["ce_subject"] == str(event.complaint_id)
    assert headers["content-type"] == "application/json"
    assert json.loads(item.value)["tracking_number"] == "RD-7K3M-9QX2-A"


def test_a_message_decodes_to_the_same_event():
    event = a_received()
    item = envelope(event, source="intake")
    received = decode(item.value, item.headers(), REGISTRY)
    assert received.event == event
    assert received.ce_id == str(item.ce_id)


def test_unknown_fields_are_ignored_so_producers_can_add_optional_ones():
    event = ComplaintWithdrawnV1(complaint_id=uuid4())
    item = envelope(event, source="intake")
    value = json.dumps(json.loads(item.value) | {"added_later": 1}).encode()
    assert decode(value, item.headers(), REGISTRY).event == event


@pytest.mark.parametrize(("value", "headers", "error"), [
    (b"{}", [("ce_id", b"1")], MissingHeader),
    (b"not json", [("ce_id", b"1"), ("ce_type", b"redress.complaint.withdrawn.v1")], BadJson),
    (b'{"complaint_id": "nope"}', [("ce_id", b"1"), ("ce_type", b"redress.complaint.withdrawn.v1")],
     InvalidEventData),
    (b"{}", [("ce_id", b"1"), ("ce_type", b"redress.nothing.v9")], UnknownEventType),
])
def test_poison_messages_raise_errors_that_name_the_problem(value, headers, error):
    with pytest.raises(error):
        decode(value, headers, REGISTRY)
