"""The survey job: sends due surveys and reminders, asks to close complaints nobody answered about, expires
links. It sleeps until the next due time (at most survey_poll_s, so surveys scheduled meanwhile are seen)."""

import asyncio
from datetime import UTC, datetime

from services.feedback.rounds import uninterrupted
from services.feedback.surveys import service
from services.feedback.uow import FeedbackUow
from shared.runtime import ServiceRuntime

# A due survey another replica holds stays due until it commits: wait a little rather than spin on it.
SHORTEST_PAUSE_S = 0.02


async def survey_job(runtime: ServiceRuntime) -> None:
    while True:
        uow = runtime.new_uow()
        assert isinstance(uow, FeedbackUow)
        now = datetime.now(UTC)
        next_due = await service.earliest_due(uow)
        if next_due is not None and next_due <= now:
            next_due = (await uninterrupted(service.run_due(uow, now=now))).next_due_at
        await asyncio.sleep(pause(next_due, now=now, longest=uow.settings.survey_poll_s))


def pause(next_due: datetime | None, *, now: datetime, longest: float) -> float:
    if next_due is None:
        return longest
    return min(max((next_due - now).total_seconds(), SHORTEST_PAUSE_S), longest)
