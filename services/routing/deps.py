from typing import Annotated

from fastapi import Depends

from services.routing.settings import RoutingSettings
from shared.db import UnitOfWork
from shared.deps import new_uow, settings_of

UowDep = Annotated[UnitOfWork, Depends(new_uow)]
SettingsDep = Annotated[RoutingSettings, Depends(settings_of)]
