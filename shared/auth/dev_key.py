"""The development key of `redress run`: one admin key in every service's database, kept in a file so that a
restart reuses it and local tools (the examples, the smoke check) find it."""

import asyncio
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from shared.auth.keys import find_key, issue_key, split_key
from shared.auth.provision import store_at
from shared.auth.roles import Role
from shared.contracts.base import DEFAULT_TENANT
from shared.db import Database

FILE_NAME = "dev-api-key"


def ensure_dev_key(path: Path, database_urls: Sequence[str]) -> tuple[str, bool]:
    """(key text, True when it was made now). The key in `path` is reused while every database knows it and it
    is active; otherwise a new admin key is stored everywhere and written there (readable by its owner only)."""
    if path.exists():
        text = path.read_text().strip()
        if asyncio.run(_active_everywhere(text, database_urls)):
            return text, False
    issued = issue_key(name="dev", roles=frozenset({Role.ADMIN}), tenant=DEFAULT_TENANT)
    asyncio.run(store_at(database_urls, issued))
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(issued.text + "\n")
    return issued.text, True


async def _active_everywhere(text: str, database_urls: Sequence[str]) -> bool:
    try:
        key_id, secret = split_key(text)
    except ValueError:
        return False
    for url in database_urls:
        database = Database(url)
        try:
            async with database.reading() as connection:
                stored = await find_key(connection, key_id)
        finally:
            await database.dispose()
        if stored is None or not stored.matches(secret) or stored.key.state(datetime.now(UTC)) != "active":
            return False
    return True
