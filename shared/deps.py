"""FastAPI dependencies every service's deps.py builds on."""

from fastapi import Request

from shared.db import UnitOfWork
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings


def runtime_of(request: Request) -> ServiceRuntime:
    return request.app.state.runtime


def new_uow(request: Request) -> UnitOfWork:
    return runtime_of(request).new_uow()


def settings_of(request: Request) -> ServiceSettings:
    return runtime_of(request).settings
