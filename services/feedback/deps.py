from typing import Annotated

from fastapi import Depends

from services.feedback.settings import FeedbackSettings
from services.feedback.uow import FeedbackUow
from shared.auth.deps import requires
from shared.auth.roles import Role
from shared.deps import new_uow, settings_of

UowDep = Annotated[FeedbackUow, Depends(new_uow)]
SettingsDep = Annotated[FeedbackSettings, Depends(settings_of)]

# KPIs, insights, reports, improvement actions and the dashboard. Analysts see no contact data there because
# feedback keeps none: texts arrive masked in events, and customers are known by complaint id only.
ANALYSTS = Depends(requires(Role.ANALYST, Role.SUPERVISOR))
