"""Survey links: signed, expiring, and refused when forged, tampered with or out of date."""

import base64
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from services.feedback.surveys.tokens import SurveyGone, sign, verify
from shared.errors import NotFound

SECRET = "s3cret-for-tests"
NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def test_a_signed_token_verifies_to_its_survey():
    survey_id = uuid4()
    token = sign(survey_id, NOW + timedelta(days=7), secret=SECRET)
    assert verify(token, secret=SECRET, now=NOW) == survey_id
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_a_token_expires_at_its_expiry():
    token = sign(uuid4(), NOW + timedelta(hours=1), secret=SECRET)
    assert verify(token, secret=SECRET, now=NOW + timedelta(minutes=59))
    with pytest.raises(SurveyGone):
        verify(token, secret=SECRET, now=NOW + timedelta(hours=1))


def test_a_token_signed_with_another_key_is_unknown():
    token = sign(uuid4(), NOW + timedelta(days=1), secret="another key")
    with pytest.raises(NotFound):
        verify(token, secret=SECRET, now=NOW)


def test_a_forged_expired_token_is_unknown_not_expired():
    token = sign(uuid4(), NOW - timedelta(days=1), secret="another key")
    with pytest.raises(NotFound):
        verify(token, secret=SECRET, now=NOW)


@pytest.mark.parametrize("change", ["survey", "expiry", "signature"])
def test_changing_any_part_of_a_token_breaks_it(change):
    token = sign(uuid4(), NOW + timedelta(days=1), secret=SECRET)
    raw = bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    raw[{"survey": 3, "expiry": 20, "signature": 40}[change]] ^= 0x01
    with pytest.raises(NotFound):
        verify(base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode(), secret=SECRET, now=NOW)


def test_extending_the_expiry_without_the_key_fails():
    token = sign(uuid4(), NOW + timedelta(seconds=1), secret=SECRET)
    raw = bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    raw[16:24] = int((NOW + timedelta(days=365)).timestamp()).to_bytes(8, "big")
    with pytest.raises(NotFound):
        verify(base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode(), secret=SECRET,
               now=NOW + timedelta(seconds=2))


@pytest.mark.parametrize("token", ["", "abc", "not base64 at all!", "é" * 75, "A" * 75, "A" * 400])
def test_garbage_is_unknown(token):
    with pytest.raises(NotFound):
        verify(token, secret=SECRET, now=NOW)


def test_only_the_canonical_spelling_of_a_token_counts():
    token = sign(uuid4(), NOW + timedelta(days=1), secret=SECRET)
    with pytest.raises(NotFound):
        verify(token[:10] + "!" + token[10:], secret=SECRET, now=NOW)
    with pytest.raises(NotFound):
        verify(token + "==", secret=SECRET, now=NOW)
