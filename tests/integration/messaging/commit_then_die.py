"""Commits events to the outbox with no relay running, then dies by SIGKILL before anything is published.

Usage: python -m tests.integration.messaging.commit_then_die DATABASE_URL TOPIC COUNT
Prints nothing; the test reads what it committed from the outbox."""

import asyncio
import os
import signal
import sys
from uuid import uuid4

from shared.db import Database
from tests.support import emit, probe_event_class


async def commit(url: str, topic: str, count: int) -> None:
    event = probe_event_class(topic)
    database = Database(url)
    for n in range(count):
        await emit(database, event(complaint_id=uuid4(), n=n))


if __name__ == "__main__":
    asyncio.run(commit(sys.argv[1], sys.argv[2], int(sys.argv[3])))
    os.kill(os.getpid(), signal.SIGKILL)
