from typing import Annotated

from fastapi import Depends, Request

from services.intake.settings import IntakeSettings
from services.intake.uow import IntakeUow
from shared.deps import new_uow, settings_of


# async although they do no I/O: FastAPI runs a plain `def` dependency in its thread pool, a thread hop per request.
async def intake_uow(request: Request) -> IntakeUow:
    uow = new_uow(request)
    assert isinstance(uow, IntakeUow)
    return uow


async def intake_settings(request: Request) -> IntakeSettings:
    settings = settings_of(request)
    assert isinstance(settings, IntakeSettings)
    return settings


UowDep = Annotated[IntakeUow, Depends(intake_uow)]
SettingsDep = Annotated[IntakeSettings, Depends(intake_settings)]
