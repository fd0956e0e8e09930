from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from services.routing.settings import RoutingSettings
from services.routing.uow import RoutingUow
from shared.audit.deps import ActorDep
from shared.auth.deps import requires
from shared.auth.principal import Principal
from shared.auth.roles import STAFF, Role
from shared.deps import new_uow, settings_of
from shared.errors import InvalidInput

ACTOR_MAX = 100  # the length of the actor columns of case history, notes, rules and versions


def routing_uow(request: Request) -> RoutingUow:
    uow = new_uow(request)
    assert isinstance(uow, RoutingUow)
    return uow


UowDep = Annotated[RoutingUow, Depends(routing_uow)]
SettingsDep = Annotated[RoutingSettings, Depends(settings_of)]


@dataclass(frozen=True)
class Caller:
    """The authenticated caller of a route, and who acts for the audit trail (X-Actor or the key's name, a staff
    token's subject)."""
    principal: Principal
    actor: str

    def acting(self, named: str | None) -> str:
        """The `actor` a body names, when a tool with an API key acts for someone; a staff token's subject always."""
        if self.principal.via == "token" or not named:
            return self.actor
        return named


def caller(*roles: Role) -> Callable[..., Awaitable[Caller]]:
    """A dependency admitting callers with one of `roles` (and admins): the Caller."""

    async def admitted(principal: Annotated[Principal, Depends(requires(*roles))], actor: ActorDep) -> Caller:
        if len(actor) > ACTOR_MAX:
            raise InvalidInput(f"the actor may have at most {ACTOR_MAX} characters", field="X-Actor")
        return Caller(principal, actor)

    return admitted


StaffCaller = Annotated[Caller, Depends(caller(*STAFF))]
ConfigReader = Annotated[Caller, Depends(caller(Role.SUPERVISOR))]
ConfigWriter = Annotated[Caller, Depends(caller())]  # configuration changes: admins only
