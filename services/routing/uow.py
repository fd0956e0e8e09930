from collections.abc import Callable

from services.routing.cases.repository import CaseRepository
from services.routing.classifier.versions.repository import VersionRepository
from services.routing.context import RoutingContext
from services.routing.org.repository import OrgRepository
from services.routing.rules.repository import RuleRepository
from shared.audit.uow import AuditedUnitOfWork
from shared.db import Database


class RoutingUow(AuditedUnitOfWork):
    def __init__(self, database: Database, *, source: str, context: RoutingContext) -> None:
        super().__init__(database, source=source)
        self.context = context

    @property
    def cases(self) -> CaseRepository:
        # PostgreSQL locks the rows a use case changes; SQLite's single writer serialises anyway.
        return CaseRepository(self.session, lock_rows=self.database.is_postgres)

    @property
    def versions(self) -> VersionRepository:
        return VersionRepository(self.session, lock_rows=self.database.is_postgres)

    @property
    def org(self) -> OrgRepository:
        return OrgRepository(self.session)

    @property
    def rules(self) -> RuleRepository:
        return RuleRepository(self.session)


def uow_factory(context: RoutingContext) -> Callable[..., RoutingUow]:
    def new(database: Database, *, source: str) -> RoutingUow:
        return RoutingUow(database, source=source, context=context)

    return new
