from typing import Annotated

from fastapi import Depends, Header, Request

from services.routing.settings import RoutingSettings
from services.routing.uow import RoutingUow
from shared.deps import new_uow, settings_of


def routing_uow(request: Request) -> RoutingUow:
    uow = new_uow(request)
    assert isinstance(uow, RoutingUow)
    return uow


UowDep = Annotated[RoutingUow, Depends(routing_uow)]
SettingsDep = Annotated[RoutingSettings, Depends(settings_of)]
ActorHeader = Annotated[str | None, Header(alias="X-Actor", max_length=100,
                                           description="Who does it (an agent id); or `actor` in the body.")]
