from typing import Annotated

from fastapi import Depends, Request
from fastapi.params import Depends as DependsParam

from services.escalation.settings import EscalationSettings
from services.escalation.uow import EscalationUow
from shared.audit.deps import ActorDep
from shared.auth.deps import requires
from shared.auth.roles import Role
from shared.deps import new_uow, settings_of

__all__ = ["ADMINS", "SUPERVISORS", "ActorDep", "SettingsDep", "UowDep"]


def escalation_uow(request: Request) -> EscalationUow:
    uow = new_uow(request)
    assert isinstance(uow, EscalationUow)
    return uow


UowDep = Annotated[EscalationUow, Depends(escalation_uow)]
SettingsDep = Annotated[EscalationSettings, Depends(settings_of)]
# Configuration (policies, calendars, the ladder): supervisors read it, admins change it.
SUPERVISORS: list[DependsParam] = [Depends(requires(Role.SUPERVISOR))]
ADMINS: list[DependsParam] = [Depends(requires())]
