"""Which cases a caller sees: an agent those assigned to them and those of their queues, a supervisor with queues
those of the queues, a supervisor without queues and an admin every case. Pure; queues are team ids."""

from dataclasses import dataclass

from shared.auth.principal import Principal
from shared.auth.roles import Role


@dataclass(frozen=True)
class CaseView:
    """All cases, or only those assigned to `agent_id` or waiting or worked on in one of `queues`."""
    everything: bool = True
    agent_id: str | None = None
    queues: frozenset[str] = frozenset()

    def sees(self, *, team_id: str | None, agent_id: str | None) -> bool:
        if self.everything:
            return True
        return (agent_id is not None and agent_id == self.agent_id) or (team_id is not None and team_id in self.queues)


EVERYTHING = CaseView()


def case_view(principal: Principal) -> CaseView:
    """The caller's view: narrowed unless it is an admin or a supervisor whom no queue confines."""
    if Role.ADMIN in principal.roles or (Role.SUPERVISOR in principal.roles and not principal.queues):
        return EVERYTHING
    return CaseView(everything=False, agent_id=principal.subject, queues=principal.queues)
