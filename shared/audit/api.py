"""`GET /v1/audit`: the service's audit log, newest first, with filters and cursor paging. Every service has it."""

import re
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from shared.audit.log import AuditFilter, page
from shared.audit.schemas import AuditEntryOut, AuditPage
from shared.auth.deps import CallerDep, requires
from shared.auth.roles import Role
from shared.deps import runtime_of
from shared.errors import InvalidInput
from shared.http import problem_doc
from shared.runtime import ServiceRuntime

router = APIRouter(prefix="/v1", tags=["audit"], dependencies=[Depends(requires(Role.SUPERVISOR))])
RuntimeDep = Annotated[ServiceRuntime, Depends(runtime_of)]
Text = Annotated[str | None, Query(min_length=1, max_length=200)]
# Sequence numbers are 64-bit; a cursor is one of them in decimal digits.
CURSOR = re.compile(r"^[0-9]{1,18}$")


def _utc(moment: datetime | None, field: str) -> datetime | None:
    """Times without a zone are taken as UTC."""
    if moment is None:
        return None
    try:
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:
        raise InvalidInput(f"`{field}` is out of range", field=field) from None


def _seq_of(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    if not CURSOR.match(cursor):
        raise InvalidInput("the cursor is not one this API gave out; start again without it", field="cursor")
    return int(cursor)


@router.get("/audit", summary="Changes made to this service for the caller's tenant, newest first, with filters and "
            "cursor paging",
            responses={422: problem_doc("A filter or the cursor is not valid")})
async def audit_log(
    runtime: RuntimeDep, caller: CallerDep, entity: Text = None, entity_id: Text = None, actor: Text = None,
    action: Text = None,
    since: datetime | None = Query(None, description="Changes at or after this time; UTC when it names no zone."),
    until: datetime | None = Query(None, description="Changes before this time; UTC when it names no zone."),
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: str | None = Query(None, max_length=30, description="`next_cursor` of the previous page."),
) -> AuditPage:
    where = AuditFilter(tenant=caller.tenant, entity=entity, entity_id=entity_id, actor=actor, action=action,
                        since=_utc(since, "since"), until=_utc(until, "until"))
    if where.since and where.until and where.since >= where.until:
        raise InvalidInput("`since` must come before `until`", field="since")
    async with runtime.database.reading() as connection:
        entries, next_seq = await page(connection, where, limit=limit, before_seq=_seq_of(cursor))
    return AuditPage(items=[AuditEntryOut.model_validate(e) for e in entries],
                     next_cursor=None if next_seq is None else str(next_seq))
