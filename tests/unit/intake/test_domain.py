from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from services.intake import domain
from services.intake.domain import Earlier
from shared.errors import IllegalTransition, InvalidInput

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def an_earlier(*, fingerprint="f", hours_ago=1.0, duplicate_of=None) -> Earlier:
    return Earlier(id=uuid4(), fingerprint=fingerprint, received_at=NOW - timedelta(hours=hours_ago),
                   duplicate_of=duplicate_of)


def relate(earlier, fingerprint="f"):
    return domain.relate_to_history(earlier, fingerprint=fingerprint, now=NOW, duplicate_window=timedelta(hours=72),
                                    repeat_window=timedelta(days=30))


def test_retyped_complaints_share_a_fingerprint_and_other_words_do_not():
    first = domain.complaint_fingerprint(customer_id="c1", subject="Charged twice!", description="Order 123, twice.")
    retyped = domain.complaint_fingerprint(customer_id="c1", subject="charged  TWICE", description="order 124 twice")
    assert first == retyped
    assert first != domain.complaint_fingerprint(customer_id="c2", subject="Charged twice!",
                                                 description="Order 123, twice.")
    assert first != domain.complaint_fingerprint(customer_id="c1", subject="Charged once", description="Order 123")


def test_full_width_chinese_punctuation_does_not_make_a_new_complaint():
    a = domain.complaint_fingerprint(customer_id="c", subject="快递丢了！", description="包裹没有收到。")
    b = domain.complaint_fingerprint(customer_id="c", subject="快递丢了!", description="包裹没有收到.")
    assert a == b


def test_a_recent_identical_complaint_is_a_duplicate_and_an_old_one_is_not():
    recent = an_earlier(hours_ago=5)
    assert relate([recent]).duplicate_of == recent
    assert relate([an_earlier(hours_ago=100)]).duplicate_of is None


def test_any_recent_complaint_makes_a_repeat_but_duplicates_do_not_count():
    assert relate([an_earlier(fingerprint="other", hours_ago=24 * 10)]).repeat
    assert not relate([an_earlier(fingerprint="other", hours_ago=24 * 40)]).repeat
    assert not relate([an_earlier(fingerprint="other", duplicate_of=uuid4())]).repeat
    assert not relate([]).repeat


def test_request_hashes_ignore_key_order():
    assert domain.request_hash({"a": 1, "b": [1, 2]}) == domain.request_hash({"b": [1, 2], "a": 1})
    assert domain.request_hash({"a": 1}) != domain.request_hash({"a": 2})


def test_a_reused_key_with_another_body_is_refused():
    domain.check_idempotent_replay(stored_hash="h", new_hash="h", key="k")
    with pytest.raises(domain.IdempotencyKeyReused, match="different request body"):
        domain.check_idempotent_replay(stored_hash="h", new_hash="other", key="k")


@pytest.mark.parametrize("key", ["", "x" * 256, "line\nbreak"])
def test_unusable_idempotency_keys_are_refused(key):
    with pytest.raises(InvalidInput):
        domain.check_idempotency_key(key)


def test_the_acknowledgement_promises_a_first_response():
    assert domain.expected_response_by(NOW, promise_hours=24) == NOW + timedelta(days=1)


@pytest.mark.parametrize(("given", "ok"), [
    ("ann@example.com", True), (" ANN@Example.com ", True), ("0100", True), ("０１００", True),
    ("100", False), ("5550100", False), ("0101", False), ("bob@example.com", False),
])
def test_customers_verify_with_their_email_or_the_last_four_phone_digits(given, ok):
    assert domain.verified(given=given, email="ann@example.com", phone="+1 415 555 0100") is ok


def test_without_contact_data_nothing_verifies():
    assert not domain.verified(given="0100", email=None, phone=None)


def test_final_complaints_take_no_more_customer_actions():
    domain.check_open("received", action="withdrawn")
    for status in ("withdrawn", "closed"):
        with pytest.raises(IllegalTransition):
            domain.check_open(status, action="customer reply")


def test_the_customer_may_ask_for_escalation_once_per_interval():
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    day = timedelta(hours=24)
    domain.check_escalation_request(last=None, now=now, interval=day)
    domain.check_escalation_request(last=now - day, now=now, interval=day)
    domain.check_escalation_request(last=now, now=now, interval=timedelta(0))
    with pytest.raises(domain.EscalationRequestedRecently, match="2026-03-03 08:00") as raised:
        domain.check_escalation_request(last=now - timedelta(hours=1), now=now, interval=day)
    assert raised.value.status == 429


def test_a_withdrawn_or_closed_complaint_takes_no_duplicates_but_still_makes_a_repeat():
    for status in (domain.WITHDRAWN, domain.CLOSED):
        earlier = Earlier(id=uuid4(), fingerprint="f", received_at=NOW - timedelta(hours=1), duplicate_of=None,
                          status=status)
        assert relate([earlier]).duplicate_of is None
        assert relate([earlier]).repeat
