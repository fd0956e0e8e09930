from services.escalation.policies.repository import PolicyRepository
from services.escalation.repository import ClockRepository
from shared.db import UnitOfWork


class EscalationUow(UnitOfWork):
    @property
    def clocks(self) -> ClockRepository:
        return ClockRepository(self.session)

    @property
    def policies(self) -> PolicyRepository:
        return PolicyRepository(self.session)
