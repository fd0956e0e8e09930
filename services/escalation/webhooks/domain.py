"""Webhook rules free of I/O: which subscriptions an event goes to, the CloudEvents body, the Standard Webhooks
signature, when a failed delivery is tried again, and when a failing subscription is disabled."""

import base64
import fnmatch
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from standardwebhooks import Webhook

from shared.auth.principal import Principal
from shared.auth.roles import Role
from shared.contracts import Event
from shared.errors import Conflict

PENDING, SUCCEEDED, FAILED = "pending", "succeeded", "failed"
STATES = (PENDING, SUCCEEDED, FAILED)
SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
MAX_EXCERPT_CHARS = 1000
MAX_ERROR_CHARS = 2000


@dataclass(frozen=True)
class Owner:
    """Who a subscription belongs to: a tenant and a key's name (which survives rotation) or a token's subject.
    As a confinement, a name of None stands for every subscription of the tenant (an admin's reach)."""
    tenant: str
    name: str | None


def owner_of(principal: Principal) -> Owner:
    return Owner(tenant=principal.tenant, name=principal.subject)


def confined_to(principal: Principal) -> Owner:
    """The subscriptions the caller reaches: a partner its own; an admin all of its tenant, no other's."""
    return Owner(tenant=principal.tenant, name=None) if Role.ADMIN in principal.roles else owner_of(principal)



def matches(filters: Sequence[str], ce_type: str) -> bool:
    """Whether an event type passes a subscription's filters (shell patterns, e.g. `redress.sla.*`)."""
    return any(fnmatch.fnmatchcase(ce_type, pattern) for pattern in filters)


def event_source(event: Event) -> str:
    """`/redress/<service>`: the service that emits this type, as the contract names it."""
    producer = event.emitted_by.split(",", 1)[0].strip()
    return f"/redress/{producer}" if producer else "/redress"


def body(event: Event, *, ce_id: str) -> str:
    """The JSON the partner receives: CloudEvents attributes and the event's data, sent byte for byte on
    every try so the signature and the receiver's deduplication see the same message."""
    document: dict[str, Any] = {
        "specversion": "1.0", "type": event.ce_type, "id": ce_id, "source": event_source(event),
        "time": event.occurred_at.isoformat(), "subject": str(event.complaint_id),
        "datacontenttype": "application/json", "data": event.model_dump(mode="json"),
    }
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def signing_secrets(current: str, previous: str | None, previous_until: datetime | None, *,
                    now: datetime) -> list[str]:
    """The current secret, and the one it replaced while its grace period lasts."""
    if previous and previous_until is not None and now < previous_until:
        return [current, previous]
    return [current]


def signed_headers(secrets_: Sequence[str], *, msg_id: str, timestamp: datetime, payload: str) -> dict[str, str]:
    """Standard Webhooks headers: one `v1,<base64>` signature per secret, separated by spaces."""
    signatures = [Webhook(secret).sign(msg_id=msg_id, timestamp=timestamp, data=payload) for secret in secrets_]
    return {"webhook-id": msg_id, "webhook-timestamp": str(int(timestamp.timestamp())),
            "webhook-signature": " ".join(signatures), "content-type": "application/json"}


def retry_pause(attempts: int, *, schedule: Sequence[float], jitter: float, chance: float) -> timedelta | None:
    """The pause after the `attempts`-th failed try, or None when the schedule is used up.

    `chance` in [0, 1) picks the jitter: 0.5 is the scheduled pause, 0 and 1 its ends."""
    if attempts > len(schedule):
        return None
    pause = schedule[attempts - 1] * (1 + jitter * (2 * chance - 1))
    return timedelta(seconds=max(pause, 0.0))


def max_attempts(schedule: Sequence[float]) -> int:
    return len(schedule) + 1


@dataclass(frozen=True)
class Health:
    """A subscription's run of failures since its last success."""

    failed_deliveries: int
    failing_since: datetime | None


def after_success() -> Health:
    return Health(0, None)


def after_failed_try(health: Health, *, now: datetime, delivery_failed: bool) -> Health:
    return Health(health.failed_deliveries + (1 if delivery_failed else 0), health.failing_since or now)


def disable_notice(health: Health, *, now: datetime, max_failed_deliveries: int, max_failing_s: float,
                   last_error: str | None) -> str | None:
    """Why the subscription must be disabled now, or None while it may keep trying."""
    cause = None
    if health.failed_deliveries >= max_failed_deliveries:
        cause = f"{health.failed_deliveries} deliveries in a row failed every try"
    elif max_failing_s > 0 and health.failing_since is not None and \
            (now - health.failing_since).total_seconds() >= max_failing_s:
        cause = f"deliveries have failed without a success since {health.failing_since.isoformat()}"
    if cause is None:
        return None
    return f"disabled at {now.isoformat()}: {cause}; last error: {last_error or 'none'}"


def check_redeliverable(state: str, *, delivery_id: object) -> None:
    if state == PENDING:
        raise Conflict(f"delivery {delivery_id} is still pending; it is sent again only once it succeeded or "
                       "failed", state=state)


def response_excerpt(text: str) -> str:
    return text[:MAX_EXCERPT_CHARS]


def error_text(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}".strip()[:MAX_ERROR_CHARS]


def is_success(status_code: int) -> bool:
    return 200 <= status_code < 300
