from typing import Annotated

from fastapi import Depends

from services.feedback.settings import FeedbackSettings
from services.feedback.uow import FeedbackUow
from shared.deps import new_uow, settings_of

UowDep = Annotated[FeedbackUow, Depends(new_uow)]
SettingsDep = Annotated[FeedbackSettings, Depends(settings_of)]
