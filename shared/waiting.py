"""Sleeping until woken: the one way every loop (relay, timers, deliveries) waits for work."""

import asyncio
import contextlib


async def wait_until_woken(wake: asyncio.Event, seconds: float) -> bool:
    """Wait for `wake` at most `seconds`; True when woken.

    asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancellation that arrives as its
    timeout fires, and the task would then never stop."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await wake.wait()
            return True
    return False
