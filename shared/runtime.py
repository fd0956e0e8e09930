"""What a running service holds: its database, metrics, outbox relay and consumer, started and stopped together."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence

from fastapi import FastAPI

from shared.broker import BrokerUnavailable, wait_for_kafka
from shared.contracts import REGISTRY, Event, EventRegistry
from shared.db import Database, UnitOfWork
from shared.messaging.consumer import ConsumerRunner, Handler
from shared.messaging.outbox import OutboxRelay, backlog
from shared.metrics import Metrics
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)

# A service's own periodic work (timers, reminders): runs from start to stop, given the runtime.
BackgroundJob = Callable[["ServiceRuntime"], Awaitable[None]]

READINESS_TIMEOUT_S = 2.0
STOP_RECHECK_S = 1.0


class ServiceRuntime:
    """Built when the app is created; connects nothing until `start`, which the app's lifespan calls."""

    def __init__(self, settings: ServiceSettings, *, handlers: Mapping[type[Event], Handler],
                 uow_class: Callable[..., UnitOfWork] = UnitOfWork, registry: EventRegistry = REGISTRY,
                 warm_ups: Sequence[Callable[[], None]] = (), background: Sequence[BackgroundJob] = ()) -> None:
        self.settings = settings
        self.handlers = handlers
        self.uow_class = uow_class
        self.registry = registry
        self.metrics = Metrics(settings.service_name)
        self._database: Database | None = None
        self.relay: OutboxRelay | None = None
        self.consumer: ConsumerRunner | None = None
        self._tasks: list[asyncio.Task[None]] = []
        # Slow one-off loads (models) done in a thread while starting, not on the first request.
        self.warm_ups = warm_ups
        self.background = background

    @property
    def database(self) -> Database:
        if self._database is None:
            raise RuntimeError("the service has not started")
        return self._database

    def new_uow(self) -> UnitOfWork:
        return self.uow_class(self.database, source=self.settings.service_name)

    async def start(self) -> None:
        for warm_up in self.warm_ups:
            await asyncio.to_thread(warm_up)
        self._database = Database(self.settings.resolved_database_url)
        if self.settings.run_relay:
            self.relay = OutboxRelay(self.database, self.settings, metrics=self.metrics)
            self._tasks.append(asyncio.create_task(self.relay.run(), name="outbox-relay"))
        if self.settings.run_consumer and self.handlers:
            self.consumer = ConsumerRunner(self.settings, uow_factory=self.new_uow, handlers=self.handlers,
                                           registry=self.registry, metrics=self.metrics)
            self._tasks.append(asyncio.create_task(self.consumer.run(), name="consumer"))
        if self.settings.run_background:
            for job in self.background:
                name = getattr(job, "__name__", "background")
                self._tasks.append(asyncio.create_task(self._run_job(job), name=name))

    async def _run_job(self, job: BackgroundJob) -> None:
        """A failing job is logged and started again after a pause, so one bad round never stops the timers."""
        while True:
            try:
                await job(self)
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                current = asyncio.current_task()
                if current is not None and current.cancelling():
                    raise asyncio.CancelledError from None  # stopping: an error on the way out ends the job
                log.exception("background job %s failed; restarting it", getattr(job, "__name__", job))
                await asyncio.sleep(self.settings.background_restart_s)

    async def stop(self) -> None:
        # Cancel until every task has ended: on Python 3.11 `asyncio.wait_for` (relay) and aiokafka's `getmany`
        # (consumer) can swallow one cancellation, and a task that ignores it would keep the service alive.
        pending = set(self._tasks)
        while pending:
            for task in pending:
                task.cancel()
            _, pending = await asyncio.wait(pending, timeout=STOP_RECHECK_S)
        for task in self._tasks:
            if not task.cancelled() and task.exception() is not None:
                log.error("%s ended with an error while stopping", task.get_name(), exc_info=task.exception())
        self._tasks.clear()
        if self._database is not None:
            await self._database.dispose()

    async def readiness(self) -> dict[str, str]:
        return {"database": await self._check_database(), "broker": await self._check_broker()}

    async def _check_database(self) -> str:
        try:
            await asyncio.wait_for(self.database.ping(), READINESS_TIMEOUT_S)
        except Exception as exc:
            return f"unreachable: {type(exc).__name__}"
        return "ok"

    async def _check_broker(self) -> str:
        try:
            await wait_for_kafka(self.settings.kafka_bootstrap, timeout=READINESS_TIMEOUT_S)
        except BrokerUnavailable:
            return f"unreachable at {self.settings.kafka_bootstrap}"
        return "ok"

    async def refresh_metrics(self) -> None:
        self.metrics.outbox_backlog.set(await backlog(self.database))

    @contextlib.asynccontextmanager
    async def lifespan(self, app: FastAPI) -> AsyncIterator[None]:
        app.state.runtime = self
        await self.start()
        try:
            yield
        finally:
            await self.stop()
