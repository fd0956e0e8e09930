"""Rounds of periodic work that a stopping service lets finish."""

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def uninterrupted(work: Awaitable[T]) -> T:
    """Run one round of a background job to its end, even when the job is cancelled meanwhile; then pass the
    cancellation on. A round cut off mid-way would leave its connection (and, on SQLite, the write lock) held,
    and its database thread running after the event loop is gone. The runtime cancels a stopping job again and
    again, so every cancellation is absorbed until the round is done; a round is short (its queries wait at most
    the database's busy timeout)."""
    task = asyncio.ensure_future(work)
    cancelled = False
    while True:
        try:
            result = await asyncio.shield(task)
            break
        except asyncio.CancelledError:
            if task.cancelled():   # the round itself was cancelled, not only the job waiting for it
                raise
            cancelled = True
    if cancelled:
        raise asyncio.CancelledError
    return result
