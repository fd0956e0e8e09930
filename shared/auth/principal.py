"""Who a request comes from, once its key or token has been checked."""

from dataclasses import dataclass, field
from typing import Literal

from shared.auth.roles import Role

Via = Literal["api-key", "token"]


@dataclass(frozen=True)
class Principal:
    subject: str                 # the key's name or the token's `sub`
    roles: frozenset[Role]
    tenant: str
    via: Via
    queues: frozenset[str] = field(default_factory=frozenset)  # an agent's or supervisor's queues
    key_id: str | None = None

    def may(self, allowed: frozenset[Role]) -> bool:
        return Role.ADMIN in self.roles or bool(self.roles & allowed)

    def is_only(self, *roles: Role) -> bool:
        """True when every role of this principal is one of `roles` (and not admin): to narrow what it sees."""
        return Role.ADMIN not in self.roles and self.roles <= set(roles)
