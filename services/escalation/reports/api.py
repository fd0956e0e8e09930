"""Routes of the SLA reports, for analysts and supervisors: JSON, or CSV with ?format=csv or Accept: text/csv.
A report counts the caller's tenant's clocks only."""

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Query, Response

from services.escalation.deps import SettingsDep, UowDep
from services.escalation.reports.domain import COLUMNS, GroupBy
from services.escalation.reports.export import rows_csv
from services.escalation.reports.repository import ReportFilter
from services.escalation.reports.schemas import AttainmentOut
from services.escalation.reports.service import attainment_report
from shared.auth.deps import CallerDep, requires
from shared.auth.roles import Role
from shared.contracts.sla import SlaTarget
from shared.errors import InvalidInput

router = APIRouter(prefix="/v1/sla/reports", tags=["sla reports"],
                   dependencies=[Depends(requires(Role.ANALYST, Role.SUPERVISOR))])
CSV = "text/csv; charset=utf-8"
Text = Annotated[str | None, Query(max_length=100, pattern=r"^[^\x00]*$")]  # PostgreSQL text holds no NUL


@router.get("/attainment", summary="SLA attainment per policy, team, category, target or period",
            response_model=AttainmentOut,
            responses={200: {"content": {"text/csv": {}}}})
async def attainment(uow: UowDep, settings: SettingsDep, caller: CallerDep, group_by: GroupBy = GroupBy.POLICY,
                     started_from: Annotated[datetime | None, Query(alias="from")] = None,
                     started_to: Annotated[datetime | None, Query(alias="to")] = None,
                     policy_id: Text = None, team_id: Text = None, category: Text = None,
                     target: SlaTarget | None = None, format: Literal["json", "csv"] | None = None,
                     accept: Annotated[str | None, Header()] = None) -> Response | AttainmentOut:
    for moment, name in ((started_from, "from"), (started_to, "to")):
        if moment is not None and moment.tzinfo is None:
            raise InvalidInput(f"'{name}' needs a time zone, e.g. 2026-11-01T00:00:00Z", parameter=name)
    where = ReportFilter(tenant=caller.tenant, started_from=started_from, started_to=started_to,
                         policy_id=policy_id, team_id=team_id, category=category, target=target)
    rows = await attainment_report(uow, where=where, group_by=group_by, max_rows=settings.report_max_rows)
    if format == "csv" or (format is None and "text/csv" in (accept or "")):
        return Response(rows_csv(rows, COLUMNS), media_type=CSV)
    return AttainmentOut.model_validate({"group_by": group_by, "rows": rows})
