"""The body of an ended webhook delivery after the complaint's erasure."""

import json
from uuid import uuid4

from services.escalation.erasure import erased_body
from services.escalation.webhooks.domain import body
from shared.contracts.complaint import ComplaintCustomerRepliedV1


def test_the_event_data_goes_and_the_envelope_stays():
    event = ComplaintCustomerRepliedV1(complaint_id=uuid4(), message="Ann Lee, 12 Elm Street, still waits.")
    sent = json.loads(body(event, ce_id="ce-1"))

    erased = json.loads(erased_body(json.dumps(sent)))

    assert "Ann Lee" not in json.dumps(erased)
    assert {k: v for k, v in erased.items() if k != "data"} == {k: v for k, v in sent.items() if k != "data"}
    assert erased["data"] == {"complaint_id": str(event.complaint_id), "occurred_at": sent["data"]["occurred_at"],
                              "erased": True}


def test_erasing_an_erased_body_changes_nothing():
    event = ComplaintCustomerRepliedV1(complaint_id=uuid4(), message="Ann Lee still waits.")
    once = erased_body(body(event, ce_id="ce-2"))

    assert erased_body(once) == once
