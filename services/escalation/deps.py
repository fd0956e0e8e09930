from typing import Annotated

from fastapi import Depends

from services.escalation.settings import EscalationSettings
from shared.db import UnitOfWork
from shared.deps import new_uow, settings_of

UowDep = Annotated[UnitOfWork, Depends(new_uow)]
SettingsDep = Annotated[EscalationSettings, Depends(settings_of)]
