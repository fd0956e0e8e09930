"""Intake's rules, free of I/O: what counts as the same request, the same complaint, a repeat complaint, and
what the acknowledgement promises."""

import hashlib
import ipaddress
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from fnmatch import fnmatchcase
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from shared.contracts.base import DEFAULT_TENANT
from shared.errors import DomainError, IllegalTransition, InvalidInput, NotFound

RECEIVED = "received"
WITHDRAWN = "withdrawn"
CLOSED = "closed"
FINAL_STATUSES = frozenset({WITHDRAWN, CLOSED})
# The status of a submission stored as linked to an earlier, open complaint of the same customer: it is kept (its
# own id and tracking number, its text in the original's history) but is no case of its own.
LINKED = "linked"

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


# Longest Idempotency-Key, and the length of the column that stores keys.
MAX_IDEMPOTENCY_KEY = 255


def stored_idempotency_key(key: str, *, tenant: str) -> str:
    """The key as stored: each tenant has its own keys. The default tenant's are stored as sent, as they were
    before there were tenants, so that retries of requests filed then still find their answers. Another tenant's
    key is prefixed with the tenant, or, when that would not fit the column, with the tenant and its digest."""
    if tenant == DEFAULT_TENANT:
        return key
    scoped = f"{tenant}/{key}"
    if len(scoped) <= MAX_IDEMPOTENCY_KEY:
        return scoped
    return f"{tenant}/sha256:{hashlib.sha256(key.encode()).hexdigest()}"


def check_idempotency_key(key: str | None) -> str | None:
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_IDEMPOTENCY_KEY or not key.isprintable():
        raise InvalidInput("Idempotency-Key must be 1 to 255 printable characters", idempotency_key=key[:40])
    return key


@dataclass(frozen=True)
class Earlier:
    """A complaint the customer filed before, as far as duplicate and repeat detection need it."""

    id: UUID
    fingerprint: str
    received_at: datetime
    duplicate_of: UUID | None
    status: str = RECEIVED


@dataclass(frozen=True)
class History:
    duplicate_of: Earlier | None
    repeat: bool


def relate_to_history(earlier: list[Earlier], *, fingerprint: str, now: datetime, duplicate_window: timedelta,
                      repeat_window: timedelta) -> History:
    """Is the new complaint a duplicate of a recent one (link it), or a repeat complaint (重复投诉)?

    Only an open case takes duplicates: after a withdrawal or a closure the same words open a new case."""
    cases = [e for e in earlier if e.duplicate_of is None]
    duplicate = next((e for e in sorted(cases, key=lambda e: e.received_at, reverse=True)
                      if e.fingerprint == fingerprint and now - e.received_at <= duplicate_window
                      and e.status not in FINAL_STATUSES), None)
    repeat = any(now - e.received_at <= repeat_window for e in cases)
    return History(duplicate_of=duplicate, repeat=repeat)


def expected_response_by(received_at: datetime, *, promise_hours: float) -> datetime:
    return received_at + timedelta(hours=promise_hours)


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


class EscalationRequestedRecently(DomainError):
    status = HTTPStatus.TOO_MANY_REQUESTS
    title = "Escalation already requested"


def check_escalation_request(*, last: datetime | None, now: datetime, interval: timedelta) -> None:
    """The customer may ask for escalation once per interval: the request is with a senior team already."""
    if last is None or interval <= timedelta(0) or now - last >= interval:
        return
    again = last + interval
    raise EscalationRequestedRecently(
        f"you asked for this complaint to be escalated at {last:%Y-%m-%d %H:%M} UTC and it is being looked at; "
        f"you can ask again from {again:%Y-%m-%d %H:%M} UTC", retry_after=again.isoformat())


Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class CallbackUrlRefused(InvalidInput):
    title = "Callback URL not allowed"


@dataclass(frozen=True)
class CallbackPolicy:
    """Where webhooks may go, so that a callback URL cannot make intake call into its own network (SSRF)."""

    allowed_hosts: tuple[str, ...] = ()  # glob patterns of host names, lower case; empty: any public host
    allowed_networks: tuple[Network, ...] = ()  # non-public networks that may be called all the same
    require_https: bool = True


def check_callback_url(url: str, *, policy: CallbackPolicy) -> None:
    """What can be told from the URL alone: scheme, host name, and the address when the host is one."""
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".").lower()
    if policy.require_https and parts.scheme != "https":
        raise _refused(f"the callback URL must use https, not {parts.scheme or 'no scheme'}")
    if not host:
        raise _refused("the callback URL has no host")
    if policy.allowed_hosts and not any(fnmatchcase(host, pattern) for pattern in policy.allowed_hosts):
        raise _refused(f"the callback URL's host {host} is not one this service may call; allowed: "
                       f"{', '.join(policy.allowed_hosts)}")
    if host == "localhost" or host.endswith(".localhost"):
        check_callback_addresses(host, [ipaddress.ip_address("127.0.0.1")], policy=policy)
        return
    address = _address(host)
    if address is not None:
        check_callback_addresses(host, [address], policy=policy)


def check_callback_addresses(host: str, addresses: Iterable[Address], *, policy: CallbackPolicy) -> None:
    """Every address the host resolves to must be public, or in a network the settings allow."""
    for address in addresses:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if address.is_global and not address.is_multicast:
            continue
        if not any(address in network for network in policy.allowed_networks):
            raise _refused(f"the callback URL's host {host} is {address}, a private, loopback, link-local or "
                           "reserved address, which this service does not call")


def _address(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _refused(detail: str) -> CallbackUrlRefused:
    return CallbackUrlRefused(detail, field="callback_url")
