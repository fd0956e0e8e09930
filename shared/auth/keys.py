"""API keys: issued once as text, stored as a hash, found by their id, listed, revoked and rotated.

A key reads `rdk_<id>_<secret>`. The id finds the row; the secret is 256 random bits, so a plain SHA-256 of it
is as hard to reverse as the secret is to guess (slow password hashes are for secrets people choose). The same
key may be stored in several services' databases: each service checks the keys of its own database."""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.auth.principal import Principal
from shared.auth.roles import Role
from shared.auth.tables import api_key

PREFIX = "rdk"
KEY_TEXT = re.compile(rf"^{PREFIX}_([0-9a-f]{{16}})_([A-Za-z0-9_-]{{43}})$")


@dataclass(frozen=True)
class ApiKey:
    id: str
    name: str
    roles: frozenset[Role]
    tenant: str
    created_at: datetime
    queues: frozenset[str] = frozenset()
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    replaced_by: str | None = None

    def state(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"

    def principal(self) -> Principal:
        return Principal(subject=self.name, roles=self.roles, tenant=self.tenant, via="api-key",
                         queues=self.queues, key_id=self.id)


@dataclass(frozen=True)
class IssuedKey:
    """A key just made: `text` is what the holder sends; it is shown once and only its hash is kept."""
    key: ApiKey
    text: str

    @property
    def secret_sha256(self) -> str:
        return secret_hash(split_key(self.text)[1])


@dataclass(frozen=True)
class StoredKey:
    key: ApiKey
    secret_sha256: str

    def matches(self, secret: str) -> bool:
        return hmac.compare_digest(secret_hash(secret), self.secret_sha256)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split_key(text: str) -> tuple[str, str]:
    """(id, secret) of a key's text; ValueError when it does not have a key's shape."""
    match = KEY_TEXT.match(text.strip())
    if match is None:
        raise ValueError("this is not a Redress API key (they read rdk_<16 hex digits>_<43 characters>)")
    return match.group(1), match.group(2)


def issue_key(*, name: str, roles: frozenset[Role], tenant: str, queues: frozenset[str] = frozenset(),
              expires_at: datetime | None = None, now: datetime | None = None) -> IssuedKey:
    """A new key, not yet stored anywhere."""
    if not roles:
        raise ValueError("a key needs at least one role")
    if not name.strip():
        raise ValueError("a key needs a name")
    now = now or datetime.now(UTC)
    if expires_at is not None and expires_at <= now:
        raise ValueError("the expiry must lie in the future")
    key = ApiKey(id=secrets.token_hex(8), name=name.strip(), roles=roles, tenant=tenant, queues=queues,
                 created_at=now, expires_at=expires_at)
    return IssuedKey(key=key, text=f"{PREFIX}_{key.id}_{secrets.token_urlsafe(32)}")


async def store_key(connection: AsyncConnection, issued: IssuedKey) -> None:
    key = issued.key
    await connection.execute(api_key.insert().values(
        id=key.id, name=key.name, secret_sha256=issued.secret_sha256, roles=sorted(key.roles),
        tenant=key.tenant, queues=sorted(key.queues), created_at=key.created_at, expires_at=key.expires_at,
        revoked_at=None, replaced_by=None))


async def find_key(connection: AsyncConnection, key_id: str) -> StoredKey | None:
    row = (await connection.execute(select(api_key).where(api_key.c.id == key_id))).mappings().first()
    return None if row is None else StoredKey(key=_key_of(row), secret_sha256=row["secret_sha256"])


async def list_keys(connection: AsyncConnection) -> list[ApiKey]:
    rows = (await connection.execute(select(api_key).order_by(api_key.c.created_at, api_key.c.id))).mappings()
    return [_key_of(row) for row in rows]


async def revoke_key(connection: AsyncConnection, key_id: str, *, now: datetime | None = None) -> bool:
    """Revoke a key; False when this database has no such key. Revoking twice keeps the first time."""
    result = await connection.execute(update(api_key).where(api_key.c.id == key_id, api_key.c.revoked_at.is_(None))
                                      .values(revoked_at=now or datetime.now(UTC)))
    return result.rowcount > 0 or await find_key(connection, key_id) is not None


def successor(old: ApiKey, *, expires_in: timedelta | None = None, now: datetime | None = None) -> IssuedKey:
    """The key rotation issues in place of `old`: same name, roles, tenant and queues."""
    now = now or datetime.now(UTC)
    return issue_key(name=old.name, roles=old.roles, tenant=old.tenant, queues=old.queues,
                     expires_at=now + expires_in if expires_in else None, now=now)


async def retire_key(connection: AsyncConnection, old: ApiKey, new: IssuedKey, *, grace: timedelta,
                     now: datetime | None = None) -> ApiKey:
    """Store the successor and let the old key work for `grace` more (no longer than it would have anyway),
    so that holders can switch without an outage."""
    now = now or datetime.now(UTC)
    ends = now + grace if old.expires_at is None else min(old.expires_at, now + grace)
    await store_key(connection, new)
    await connection.execute(update(api_key).where(api_key.c.id == old.id)
                             .values(expires_at=ends, replaced_by=new.key.id))
    return replace(old, expires_at=ends, replaced_by=new.key.id)


def _key_of(row: Any) -> ApiKey:
    return ApiKey(id=row["id"], name=row["name"], roles=Role.parse(row["roles"]), tenant=row["tenant"],
                  queues=frozenset(row["queues"]), created_at=row["created_at"], expires_at=row["expires_at"],
                  revoked_at=row["revoked_at"], replaced_by=row["replaced_by"])
