from typing import Annotated

from fastapi import Depends

from services.feedback.settings import FeedbackSettings
from shared.db import UnitOfWork
from shared.deps import new_uow, settings_of

UowDep = Annotated[UnitOfWork, Depends(new_uow)]
SettingsDep = Annotated[FeedbackSettings, Depends(settings_of)]
