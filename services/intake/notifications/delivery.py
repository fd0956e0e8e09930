"""The delivery job: takes due notifications, sends each on its channel, records the outcome, and sleeps
until the next one is due (or a commit in this process that queued notifications wakes it)."""

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import cast

import httpx

from services.intake.notifications import domain, service
from services.intake.notifications.channels import ChannelOff, DeliveryFailed, Sender, senders
from services.intake.settings import IntakeSettings
from services.intake.uow import IntakeUow, on_notifications_committed
from shared.runtime import ServiceRuntime
from shared.waiting import wait_until_woken

log = logging.getLogger(__name__)


async def deliver_notifications(runtime: ServiceRuntime) -> None:
    """Runs until cancelled; safe with several replicas (rows are claimed with SKIP LOCKED and a lease)."""
    settings = runtime.settings
    assert isinstance(settings, IntakeSettings)
    new_uow = cast(Callable[[], IntakeUow], runtime.new_uow)
    wake = asyncio.Event()
    on_notifications_committed(runtime.database, wake.set)
    async with httpx.AsyncClient(timeout=settings.notification_timeout_s, follow_redirects=False) as client:
        channels = senders(settings, client)
        while True:
            wake.clear()
            taken = await deliver_due(new_uow, channels=channels, settings=settings)
            if taken < settings.notification_batch_size:
                await wait_until_woken(wake, await _seconds_to_next(new_uow(), settings))


async def deliver_due(new_uow: Callable[[], IntakeUow], *, channels: dict[str, Sender],
                      settings: IntakeSettings) -> int:
    """One round: returns how many notifications it took."""
    claimed = await service.claim_due(new_uow(), limit=settings.notification_batch_size,
                                      lease=timedelta(seconds=settings.notification_lease_s))
    # At once, so that the whole round fits in one try's timeout and ends well inside the lease.
    outcomes = await asyncio.gather(*(_try(channels[item.channel], item) for item in claimed))
    for item, outcome in zip(claimed, outcomes, strict=True):
        await service.record_outcome(new_uow(), item, outcome,
                                     max_attempts=settings.notification_max_attempts,
                                     backoff_s=settings.notification_backoff_s,
                                     backoff_max_s=settings.notification_backoff_max_s)
    return len(claimed)


async def _try(sender: Sender, item: service.Claimed) -> service.Outcome:
    try:
        await sender.send(item)
    except ChannelOff as exc:
        return service.Outcome(domain.SKIPPED, str(exc))
    except (DeliveryFailed, OSError, TimeoutError) as exc:
        log.warning("notification %s (%s, try %d) failed: %s", item.id, item.channel, item.attempts, exc)
        return service.Outcome(domain.FAILED, domain.error_text(exc))
    except Exception as exc:  # a template or payload fault: recorded on the row, which stops after its tries
        log.exception("notification %s (%s, try %d) failed: %s", item.id, item.channel, item.attempts, exc)
        return service.Outcome(domain.FAILED, domain.error_text(exc))
    return service.Outcome(domain.SENT)


async def _seconds_to_next(uow: IntakeUow, settings: IntakeSettings) -> float:
    due = await service.next_due(uow)
    if due is None:
        return settings.notification_poll_s
    return min(max((due - datetime.now(UTC)).total_seconds(), 0.0), settings.notification_poll_s)
