"""Who makes a change, for the audit log: the authenticated caller, or the person a tool acts for."""

from typing import Annotated

from fastapi import Depends, Header

from shared.auth.deps import authenticate
from shared.auth.principal import Principal


async def actor_of(principal: Annotated[Principal, Depends(authenticate)],
                   x_actor: Annotated[str | None, Header(max_length=200, description=(
                       "The person a tool with an API key acts for (a desk application's signed-in agent); "
                       "ignored with a staff token, whose subject is the actor."))] = None) -> str:
    """A staff token's subject; with an API key, X-Actor when the tool sends it, else the key's name."""
    if principal.via == "token":
        return principal.subject
    return (x_actor or "").strip() or principal.subject


ActorDep = Annotated[str, Depends(actor_of)]
