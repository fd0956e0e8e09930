"""Intake's rules, free of I/O: what counts as the same request, the same complaint, a repeat complaint, and
what the acknowledgement promises."""

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from shared.errors import DomainError, IllegalTransition, InvalidInput, NotFound

RECEIVED = "received"

# Punctuation, symbols, spaces and digits do not make two complaints different (dates, amounts, order numbers
# retyped; 。vs . ; full-width vs half-width).
_NOISE = re.compile(r"[\W\d_]+", re.UNICODE)


class IdempotencyKeyReused(DomainError):
    status = 422
    title = "Idempotency-Key reused"


def request_hash(payload: dict[str, Any]) -> str:
    """Fingerprint of a request body as validated, so that key order and spacing make no difference."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def complaint_fingerprint(*, customer_id: str, subject: str, description: str) -> str:
    """Equal for near-identical complaints of one customer: same words, whatever the spacing, case,
    punctuation, width or digits."""
    text = unicodedata.normalize("NFKC", f"{subject}\n{description}").casefold()
    return hashlib.sha256(f"{customer_id}\n{_NOISE.sub('', text)}".encode()).hexdigest()


def check_idempotent_replay(*, stored_hash: str, new_hash: str, key: str) -> None:
    if stored_hash != new_hash:
        raise IdempotencyKeyReused(
            f"Idempotency-Key {key!r} was first used with a different request body; send the same body to get "
            "the first answer again, or use a new key for a new complaint", idempotency_key=key)


def check_idempotency_key(key: str | None) -> str | None:
    if key is None:
        return None
    if not 1 <= len(key) <= 255 or not key.isprintable():
        raise InvalidInput("Idempotency-Key must be 1 to 255 printable characters", idempotency_key=key[:40])
    return key


@dataclass(frozen=True)
class Earlier:
    """A complaint the customer filed before, as far as duplicate and repeat detection need it."""

    id: UUID
    fingerprint: str
    received_at: datetime
    duplicate_of: UUID | None


@dataclass(frozen=True)
class History:
    duplicate_of: Earlier | None
    repeat: bool


def relate_to_history(earlier: list[Earlier], *, fingerprint: str, now: datetime, duplicate_window: timedelta,
                      repeat_window: timedelta) -> History:
    """Is the new complaint a duplicate of a recent one (link it), or a repeat complaint (重复投诉)?"""
    cases = [e for e in earlier if e.duplicate_of is None]
    duplicate = next((e for e in sorted(cases, key=lambda e: e.received_at, reverse=True)
                      if e.fingerprint == fingerprint and now - e.received_at <= duplicate_window), None)
    repeat = any(now - e.received_at <= repeat_window for e in cases)
    return History(duplicate_of=duplicate, repeat=repeat)


def expected_response_by(received_at: datetime, *, promise_hours: float) -> datetime:
    return received_at + timedelta(hours=promise_hours)


WITHDRAWN = "withdrawn"
CLOSED = "closed"
FINAL_STATUSES = frozenset({WITHDRAWN, CLOSED})
VERIFY_DIGITS = 4


class NotVerified(NotFound):
    """One answer for an unknown tracking number and a wrong verification, so neither can be probed."""

    def __init__(self) -> None:
        super().__init__("no complaint matches this tracking number and verification; the verification is the "
                         f"e-mail address or the last {VERIFY_DIGITS} digits of the phone number given with it")


def verified(*, given: str, email: str | None, phone: str | None) -> bool:
    """The customer proves it is their complaint with its e-mail address or the phone number's last digits."""
    given = given.strip()
    if email and given.casefold() == email.casefold():
        return True
    digits, phone_digits = _digits(given), _digits(phone or "")
    return len(digits) == VERIFY_DIGITS and len(phone_digits) >= VERIFY_DIGITS and phone_digits.endswith(digits)


def _digits(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isdigit())


def check_open(status: str, *, action: str) -> None:
    if status in FINAL_STATUSES:
        raise IllegalTransition(status, action)
