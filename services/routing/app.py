"""Routing: classifies complaints, assigns them to teams and agents by skills, capacity and schedule,
and carries the case work through resolution."""

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from services.routing import __doc__ as description
from services.routing.assignment.jobs import sweep_queues
from services.routing.casework.api import router as casework_router
from services.routing.classifier.versions.api import MAX_RETRAINING_BYTES, RETRAINING_PATH
from services.routing.classifier.versions.api import router as classifier_router
from services.routing.classifier.versions.jobs import follow_active_version, load_active
from services.routing.context import RoutingContext
from services.routing.handlers import HANDLERS
from services.routing.knowledge.api import router as knowledge_router
from services.routing.org import service as org_service
from services.routing.org.api import router as org_router
from services.routing.rules.api import router as rules_router
from services.routing.settings import RoutingSettings
from services.routing.triage.sentiment import warm_up as warm_up_sentiment
from services.routing.uow import RoutingUow, uow_factory
from shared.runtime import ServiceRuntime
from shared.service_app import build_service_app


def create_app(settings: RoutingSettings | None = None) -> FastAPI:
    settings = settings or RoutingSettings()
    context = RoutingContext.of(settings)
    app = build_service_app(settings, description=description or "", handlers=HANDLERS,
                            routers=[casework_router, classifier_router, knowledge_router, org_router,
                                     rules_router],
                            uow_class=uow_factory(context), larger_bodies={RETRAINING_PATH: MAX_RETRAINING_BYTES},
                            warm_ups=[warm_up_sentiment, context.models.load],
                            background=[sweep_queues, follow_active_version])
    _create_demo_org_on_start(app, settings)
    return app


def _create_demo_org_on_start(app: FastAPI, settings: RoutingSettings) -> None:
    """shared.runtime has no start-up hook for one-off work, so wrap the lifespan: the active classifier version
    is loaded and the demo organisation exists before the app serves its first request."""
    started = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with started(app):
            runtime: ServiceRuntime = app.state.runtime
            await load_active(runtime)
            if settings.demo_org:
                uow = runtime.new_uow()
                assert isinstance(uow, RoutingUow)
                await org_service.ensure_demo_org(uow)
            yield

    app.router.lifespan_context = lifespan
