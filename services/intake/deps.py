from typing import Annotated

from fastapi import Depends, Request

from services.intake.settings import IntakeSettings
from services.intake.uow import IntakeUow
from shared.deps import new_uow, settings_of


def intake_uow(request: Request) -> IntakeUow:
    uow = new_uow(request)
    assert isinstance(uow, IntakeUow)
    return uow


UowDep = Annotated[IntakeUow, Depends(intake_uow)]
SettingsDep = Annotated[IntakeSettings, Depends(settings_of)]
