from typing import Annotated

from fastapi import Depends

from services.intake.settings import IntakeSettings
from shared.db import UnitOfWork
from shared.deps import new_uow, settings_of

UowDep = Annotated[UnitOfWork, Depends(new_uow)]
SettingsDep = Annotated[IntakeSettings, Depends(settings_of)]
