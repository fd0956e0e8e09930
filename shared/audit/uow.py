"""A unit of work that also records staff changes in the service's audit log, in the same transaction."""

from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

from shared.audit.chain import Change
from shared.audit.log import append
from shared.auth.deps import caller_tenant
from shared.contracts.base import DEFAULT_TENANT
from shared.db import Database, UnitOfWork
from shared.logs import current_request_id
from shared.messaging.consumer import handled_message


class AuditedUnitOfWork(UnitOfWork):
    """Changes are queued by `record_change` and chained onto the log by `commit`, just before the commit: the
    head row is locked last and only for a moment, and a rolled-back change leaves no entry."""

    def __init__(self, database: Database, *, source: str) -> None:
        super().__init__(database, source=source)
        self._changes: list[Change] = []

    async def __aenter__(self) -> Self:
        if self._session is None:
            self._changes = []
        return await super().__aenter__()

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await super().__aexit__(exc_type, exc, tb)
        if self._session is None:
            self._changes = []

    def record_change(self, *, actor: str | None, action: str, entity: str, entity_id: object,
                      before: dict[str, Any] | None, after: dict[str, Any] | None,
                      at: datetime | None = None, tenant: str | None = None) -> None:
        """Queue an audit entry for the change this transaction makes; the request id comes from the request
        being served, if any, and the tenant, unless given, from its caller or the event being handled."""
        self._changes.append(Change(actor=actor or "anonymous", action=action, entity=entity,
                                    entity_id=str(entity_id), before=before, after=after,
                                    at=at or datetime.now(UTC), request_id=current_request_id(),
                                    tenant=tenant or current_tenant()))

    async def commit(self) -> None:
        changes, self._changes = self._changes, []
        if changes:
            await append(self.session, changes, service=self.source)
        await super().commit()

    async def rollback(self) -> None:
        self._changes = []
        await super().rollback()


def record_change(uow: UnitOfWork, **change: Any) -> None:
    """`uow.record_change(...)` for code that is handed any unit of work: a change made through one that keeps
    no audit log (a bare UnitOfWork in a test) goes unrecorded."""
    if isinstance(uow, AuditedUnitOfWork):
        uow.record_change(**change)


def current_tenant() -> str:
    """The tenant a change happens for: the caller's in a request, the event's in a handler, else the default."""
    handling = handled_message()
    if handling is not None:
        return handling.event.tenant
    return caller_tenant() or DEFAULT_TENANT
