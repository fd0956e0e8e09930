"""Who may work on a case: a caller with the route's roles, to whose view (its tenant, its queues) the case belongs.
A case outside the caller's view answers 404, as if it did not exist."""

from collections.abc import Awaitable, Callable
from typing import Annotated
from uuid import UUID

from fastapi import Depends

from services.routing.deps import Caller, UowDep, caller
from services.routing.uow import RoutingUow
from shared.auth.roles import STAFF, Role
from shared.auth.visibility import CaseView, case_view
from shared.errors import NotFound


async def check_in_view(uow: RoutingUow, view: CaseView, complaint_id: UUID) -> None:
    """NotFound unless the case exists and `view` takes it in."""
    async with uow:
        tenant, team_id, agent_id = await uow.cases.placement(complaint_id)
    if not view.sees(tenant=tenant, team_id=team_id, agent_id=agent_id):
        raise NotFound(f"no case {complaint_id}", complaint_id=str(complaint_id))


def on_case(*roles: Role) -> Callable[..., Awaitable[Caller]]:
    """A dependency of the routes of one case: the caller, with one of `roles` and the case in view."""

    async def in_view(complaint_id: UUID, uow: UowDep, who: Annotated[Caller, Depends(caller(*roles))]) -> Caller:
        await check_in_view(uow, case_view(who.principal), complaint_id)
        return who

    return in_view


CaseWorker = Annotated[Caller, Depends(on_case(*STAFF))]
CaseSupervisor = Annotated[Caller, Depends(on_case(Role.SUPERVISOR))]
