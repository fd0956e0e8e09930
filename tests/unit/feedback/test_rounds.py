"""A round of periodic work runs to its end however often its job is cancelled meanwhile; then the job stops."""

import asyncio

import pytest

from services.feedback.rounds import uninterrupted


async def test_a_round_finishes_before_the_cancellation_is_passed_on():
    started, release, finished = asyncio.Event(), asyncio.Event(), []

    async def round_of_work() -> str:
        started.set()
        await release.wait()
        finished.append(True)
        return "done"

    job = asyncio.create_task(uninterrupted(round_of_work()))
    await started.wait()
    for _ in range(3):   # the runtime cancels a stopping job again and again
        job.cancel()
        await asyncio.sleep(0)
    assert not job.done()
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await job
    assert finished == [True]


async def test_without_cancellation_the_round_returns_its_result_or_error():
    async def fine() -> int:
        return 7

    async def failing() -> None:
        raise ValueError("bad round")

    assert await uninterrupted(fine()) == 7
    with pytest.raises(ValueError, match="bad round"):
        await uninterrupted(failing())
