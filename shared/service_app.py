"""Builds a service's FastAPI app from its settings, event handlers and routers: the part all four share."""

from collections.abc import Callable, Iterable, Mapping, Sequence

from fastapi import APIRouter, FastAPI

from shared import admin
from shared.audit.api import router as audit_router
from shared.auth.declarations import declare_access
from shared.contracts import Event
from shared.db import UnitOfWork
from shared.http import DEFAULT_MAX_BODY_BYTES, create_service_app
from shared.logs import configure_logging
from shared.messaging.consumer import Handler
from shared.runtime import BackgroundJob, ServiceRuntime
from shared.settings import ServiceSettings

VERSION = "0.1.0"


def build_service_app(settings: ServiceSettings, *, description: str, handlers: Mapping[type[Event], Handler],
                      routers: Iterable[APIRouter] = (), uow_class: Callable[..., UnitOfWork] = UnitOfWork,
                      max_body_bytes: int = DEFAULT_MAX_BODY_BYTES, larger_bodies: dict[str, int] | None = None,
                      warm_ups: Sequence[Callable[[], None]] = (), background: Sequence[BackgroundJob] = (),
                      ) -> FastAPI:
    configure_logging(settings.service_name, level=settings.log_level, json=settings.log_json)
    runtime = ServiceRuntime(settings, handlers=handlers, uow_class=uow_class, warm_ups=warm_ups,
                             background=background)
    app = create_service_app(title=f"Redress {settings.service_name}", version=VERSION, description=description,
                             lifespan=runtime.lifespan, metrics=runtime.metrics, max_body_bytes=max_body_bytes,
                             larger_bodies=larger_bodies)
    app.state.runtime = runtime
    for router in routers:
        app.include_router(router)
    app.include_router(admin.router)
    app.include_router(audit_router)
    declare_access(app)
    return app
