"""Which cases (complaints being worked on) a caller sees: only those of its own tenant, and of those an agent the
ones assigned to them and those of their queues, a supervisor with queues those of the queues, a supervisor without
queues and an admin every case. Routing's case work and escalation's SLA status both ask it. Pure; queues are team
ids."""

from dataclasses import dataclass

from shared.auth.principal import Principal
from shared.auth.roles import Role


@dataclass(frozen=True)
class CaseView:
    """The cases of `tenant`: all of them, or only those assigned to `agent_id` or waiting or worked on in one of
    `queues`."""
    tenant: str
    everything: bool = True
    agent_id: str | None = None
    queues: frozenset[str] = frozenset()

    def sees(self, *, tenant: str, team_id: str | None, agent_id: str | None) -> bool:
        if tenant != self.tenant:
            return False
        if self.everything:
            return True
        return (agent_id is not None and agent_id == self.agent_id) or (team_id is not None and team_id in self.queues)


def case_view(principal: Principal) -> CaseView:
    """The caller's view, within its tenant (admins too): narrowed unless it is an admin or a supervisor whom no
    queue confines."""
    if Role.ADMIN in principal.roles or (Role.SUPERVISOR in principal.roles and not principal.queues):
        return CaseView(tenant=principal.tenant)
    return CaseView(tenant=principal.tenant, everything=False, agent_id=principal.subject, queues=principal.queues)
