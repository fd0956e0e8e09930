"""The delivery job: takes due deliveries, POSTs each signed body to its subscription's URL with httpx and
records the outcome; sleeps until the next delivery falls due (or webhook_poll_s at most)."""

import asyncio
import time
from datetime import UTC, datetime
from typing import cast

import httpx

from services.escalation.webhooks import domain, service
from services.escalation.webhooks.settings import WebhookSettingsMixin
from shared.runtime import ServiceRuntime

USER_AGENT = "Redress-Webhooks/1"
# A pause of at least this long when a due delivery was not claimable (another replica holds it right now).
SHORTEST_PAUSE_S = 0.01


async def deliver_webhooks(runtime: ServiceRuntime) -> None:
    try:
        await _deliver_until_stopped(runtime, cast(WebhookSettingsMixin, runtime.settings))
    except Exception:
        # A send or a database call interrupted by the stop may fail with its own error instead of the
        # cancellation: the stop must still end the job rather than have it restarted.
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise asyncio.CancelledError from None
        raise


async def _deliver_until_stopped(runtime: ServiceRuntime, settings: WebhookSettingsMixin) -> None:
    async with httpx.AsyncClient(timeout=settings.webhook_timeout_s, follow_redirects=False,
                                 headers={"user-agent": USER_AGENT}) as client:
        while True:
            claimed = await service.claim_due(runtime.new_uow(), limit=settings.webhook_batch_size,
                                              lease_s=settings.webhook_lease_s)
            async with asyncio.TaskGroup() as group:
                for delivery in claimed:
                    group.create_task(deliver_one(runtime, client, delivery, settings=settings))
            if len(claimed) < settings.webhook_batch_size:
                await asyncio.sleep(await _pause(runtime, settings))


async def _pause(runtime: ServiceRuntime, settings: WebhookSettingsMixin) -> float:
    due = await service.next_due(runtime.new_uow())
    if due is None:
        return settings.webhook_poll_s
    wait = (due - datetime.now(UTC)).total_seconds()
    return min(max(wait, SHORTEST_PAUSE_S), settings.webhook_poll_s)


async def deliver_one(runtime: ServiceRuntime, client: httpx.AsyncClient, claimed: service.Claimed,
                      *, settings: WebhookSettingsMixin) -> None:
    outcome = await send(client, claimed)
    await service.record_outcome(runtime.new_uow(), claimed, outcome, settings=settings)


async def send(client: httpx.AsyncClient, claimed: service.Claimed) -> service.Outcome:
    """One signed POST; any answer is an outcome, and so is a failure to get one."""
    at = datetime.now(UTC)
    headers = domain.signed_headers(claimed.secrets, msg_id=str(claimed.id), timestamp=at, payload=claimed.payload)
    started = time.perf_counter()
    try:
        async with client.stream("POST", claimed.url, content=claimed.payload.encode(), headers=headers) as answer:
            excerpt = await _excerpt(answer)
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        return service.Outcome(at=at, duration_ms=_since(started), error=domain.error_text(exc))
    return service.Outcome(at=at, duration_ms=_since(started), status_code=answer.status_code,
                           response_excerpt=excerpt)


async def _excerpt(answer: httpx.Response) -> str:
    """The start of the answer's body, without reading a large one to its end."""
    chunks, size = [], 0
    async for chunk in answer.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= domain.MAX_EXCERPT_CHARS * 4:
            break
    return domain.response_excerpt(b"".join(chunks).decode("utf-8", "replace"))


def _since(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
