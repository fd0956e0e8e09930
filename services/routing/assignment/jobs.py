"""The queue sweep: a background job that tries waiting cases again, for skills that relax after a wait and
shifts that begin. It sleeps until the next case's skills relax, at most `queue_sweep_s`. Safe with several
replicas: waiting cases are claimed with SKIP LOCKED on PostgreSQL and capacity is taken with a conditional
UPDATE."""

from datetime import UTC, datetime

from services.routing.assignment.service import drain
from services.routing.uow import RoutingUow
from shared.runtime import ServiceRuntime
from shared.waiting import wait_until_woken

SHORTEST_PAUSE_S = 0.05


async def sweep_once(uow: RoutingUow) -> float:
    """Place what can be placed; returns the seconds until the next relaxation falls due (or the longest pause)."""
    longest = uow.context.settings.queue_sweep_s
    async with uow:
        at = datetime.now(UTC)
        await drain(uow, at=at)
        due = [(when - at).total_seconds() for when in await uow.cases.relaxation_times() if when > at]
        await uow.commit()
    return max(SHORTEST_PAUSE_S, min([longest, *due]))


async def sweep_queues(runtime: ServiceRuntime) -> None:
    """Sweep, then sleep until the next relaxation, or until a case joins a queue in this process."""
    while True:
        uow = runtime.new_uow()
        assert isinstance(uow, RoutingUow)
        uow.context.queued.clear()
        pause = await sweep_once(uow)
        await wait_until_woken(uow.context.queued, pause)
