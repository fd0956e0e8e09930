from services.escalation.policies.repository import PolicyRepository
from services.escalation.repository import ClockRepository
from shared.audit.uow import AuditedUnitOfWork


class EscalationUow(AuditedUnitOfWork):
    @property
    def clocks(self) -> ClockRepository:
        return ClockRepository(self.session)

    @property
    def policies(self) -> PolicyRepository:
        return PolicyRepository(self.session)
