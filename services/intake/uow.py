from services.intake.repository import ComplaintRepository
from shared.db import UnitOfWork


class IntakeUow(UnitOfWork):
    @property
    def complaints(self) -> ComplaintRepository:
        return ComplaintRepository(self.session)
