"""When a chaos run's platform is quiet: every outbox empty and no inbox growing for a few seconds.

(Committed group offsets would tell the consumer lag directly, but the embedded broker does not answer the admin
client's offset fetch.)"""

import asyncio
import time

from sqlalchemy import func, select

from bench.chaos_processes import Platform
from bench.report import stderr
from shared.db import Database
from shared.messaging.outbox import backlog
from shared.messaging.tables import inbox

STILL_ROUNDS = 5
POLL_S = 1.0


async def _progress(databases: dict[str, Database]) -> tuple[dict[str, int], dict[str, int]]:
    backlogs, handled = {}, {}
    for name, database in databases.items():
        backlogs[name] = await backlog(database)
        async with database.engine.connect() as connection:
            handled[name] = (await connection.execute(select(func.count()).select_from(inbox))).scalar_one()
    return backlogs, handled


async def quiet(platform: Platform, *, timeout_s: float) -> None:
    """Return once the platform has been still for a few rounds in a row; raise after `timeout_s`."""
    databases = {name: Database(url) for name, url in platform.urls.items()}
    deadline, still, before, last_note = time.monotonic() + timeout_s, 0, None, 0.0
    try:
        while time.monotonic() < deadline:
            backlogs, handled = await _progress(databases)
            idle = not any(backlogs.values()) and handled == before
            still = still + 1 if idle else 0
            if still >= STILL_ROUNDS:
                return
            if time.monotonic() - last_note > 10:
                last_note = time.monotonic()
                stderr.log(f"catching up: outbox backlog {backlogs}, events handled {handled}")
            before = handled
            await asyncio.sleep(POLL_S)
    finally:
        for database in databases.values():
            await database.dispose()
    raise TimeoutError(f"the platform was not quiet within {timeout_s:.0f} s")
