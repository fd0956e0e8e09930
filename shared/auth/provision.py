"""Keys put into services' databases by URL: for the CLI, `redress run`'s development key, and test set-ups."""

from collections.abc import Iterable

from shared.auth.keys import IssuedKey, issue_key, store_key
from shared.auth.roles import Role
from shared.contracts.base import DEFAULT_TENANT
from shared.db import Database


async def store_at(urls: Iterable[str], issued: IssuedKey) -> None:
    """Store one key in each database, so that the same key works with each of those services."""
    for url in urls:
        database = Database(url)
        try:
            async with database.engine.begin() as connection:
                await store_key(connection, issued)
        finally:
            await database.dispose()


async def grant(urls: Iterable[str], *roles: Role, name: str = "test", tenant: str = DEFAULT_TENANT,
                queues: Iterable[str] = ()) -> str:
    """A new key with `roles` in each database; its text, to send as X-API-Key."""
    issued = issue_key(name=name, roles=frozenset(roles), tenant=tenant, queues=frozenset(queues))
    await store_at(urls, issued)
    return issued.text
