"""Every replica classifies with the active version: it loads it while starting (`load_active`) and then looks
every `classifier_poll_s` whether another version became active (one indexed query; the artefact is read only
when the id changed)."""

import asyncio

from services.routing.classifier.versions.service import follow_active
from services.routing.uow import RoutingUow
from shared.runtime import ServiceRuntime


def _uow(runtime: ServiceRuntime) -> RoutingUow:
    uow = runtime.new_uow()
    assert isinstance(uow, RoutingUow)
    return uow


async def load_active(runtime: ServiceRuntime) -> None:
    await follow_active(_uow(runtime))


async def follow_active_version(runtime: ServiceRuntime) -> None:
    while True:
        uow = _uow(runtime)
        await asyncio.sleep(uow.context.settings.classifier_poll_s)
        await follow_active(uow)
