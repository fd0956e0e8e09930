"""Survey links: the survey id and the link's expiry, signed with HMAC-SHA256 and written in base64url.

A token is 16 bytes of survey id, 8 bytes of expiry (Unix seconds) and the 32-byte signature over both;
it is checked in constant time before its expiry is believed. Pure: the caller passes the key and the time."""

import base64
import binascii
import hashlib
import hmac
from datetime import UTC, datetime
from http import HTTPStatus
from uuid import UUID

from shared.errors import DomainError, NotFound

_PURPOSE = b"redress-survey-v1:"
_ID, _EXPIRY, _SIGNATURE = 16, 8, 32


class SurveyGone(DomainError):
    status = HTTPStatus.GONE
    title = "Survey no longer open"


def sign(survey_id: UUID, expires_at: datetime, *, secret: str) -> str:
    payload = survey_id.bytes + int(expires_at.timestamp()).to_bytes(_EXPIRY, "big")
    return _encode(payload + _signature(payload, secret))


def verify(token: str, *, secret: str, now: datetime) -> UUID:
    """The survey id of a genuine, unexpired token. NotFound (404) for anything not signed with `secret`;
    SurveyGone (410) once it has expired."""
    raw = _decode(token)
    payload, signature = raw[:_ID + _EXPIRY], raw[_ID + _EXPIRY:]
    if not hmac.compare_digest(signature, _signature(payload, secret)):
        raise NotFound("no survey has this link")
    expires_at = datetime.fromtimestamp(int.from_bytes(payload[_ID:], "big"), UTC)
    if now >= expires_at:
        raise SurveyGone("this survey link has expired", expired_at=expires_at.isoformat())
    return UUID(bytes=payload[:_ID])


def _decode(token: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        raise NotFound("no survey has this link") from None
    # The decoder skips characters outside the alphabet: only the one canonical spelling of a token counts.
    if len(raw) != _ID + _EXPIRY + _SIGNATURE or _encode(raw) != token:
        raise NotFound("no survey has this link")
    return raw


def _signature(payload: bytes, secret: str) -> bytes:
    return hmac.new(secret.encode(), _PURPOSE + payload, hashlib.sha256).digest()


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
