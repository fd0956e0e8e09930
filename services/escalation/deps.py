from typing import Annotated

from fastapi import Depends, Header, Request

from services.escalation.settings import EscalationSettings
from services.escalation.uow import EscalationUow
from shared.deps import new_uow, settings_of


def escalation_uow(request: Request) -> EscalationUow:
    uow = new_uow(request)
    assert isinstance(uow, EscalationUow)
    return uow


def actor_of(x_actor: Annotated[str | None, Header(max_length=200)] = None) -> str:
    """Who makes a change, from the X-Actor header; `anonymous` when it is missing."""
    return (x_actor or "").strip() or "anonymous"


UowDep = Annotated[EscalationUow, Depends(escalation_uow)]
SettingsDep = Annotated[EscalationSettings, Depends(settings_of)]
ActorDep = Annotated[str, Depends(actor_of)]
