from services.feedback.cases.repository import CaseRepository
from services.feedback.evaluations.repository import EvaluationRepository
from services.feedback.followups.repository import TaskRepository
from services.feedback.qa.repository import QaSampleRepository
from services.feedback.settings import FeedbackSettings
from services.feedback.surveys.repository import SurveyRepository
from shared.audit.uow import AuditedUnitOfWork
from shared.db import Database


class FeedbackUow(AuditedUnitOfWork):
    """The unit of work of the feedback service; it carries the settings, since event handlers get only it."""

    def __init__(self, database: Database, *, source: str, settings: FeedbackSettings | None = None) -> None:
        super().__init__(database, source=source)
        self.settings = settings or FeedbackSettings()

    @property
    def cases(self) -> CaseRepository:
        return CaseRepository(self.session)

    @property
    def surveys(self) -> SurveyRepository:
        return SurveyRepository(self.session)

    @property
    def evaluations(self) -> EvaluationRepository:
        return EvaluationRepository(self.session)

    @property
    def tasks(self) -> TaskRepository:
        return TaskRepository(self.session)

    @property
    def qa_samples(self) -> QaSampleRepository:
        return QaSampleRepository(self.session)
