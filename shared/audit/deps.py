"""Who makes a change, for routes of shared code that have no service deps of their own."""

from typing import Annotated

from fastapi import Depends, Header


def actor_of(x_actor: Annotated[str | None, Header(max_length=200, description="Who makes the change.")] = None
             ) -> str:
    """From the X-Actor header; `anonymous` when it is missing."""
    return (x_actor or "").strip() or "anonymous"


ActorDep = Annotated[str, Depends(actor_of)]
