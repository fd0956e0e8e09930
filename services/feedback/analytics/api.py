"""Routes of analytics: KPIs, insights, improvement actions, reports and the dashboard."""

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from services.feedback.analytics import service
from services.feedback.analytics.actions import service as actions
from services.feedback.analytics.actions.domain import ActionStatus
from services.feedback.analytics.dashboard import router as dashboard_router
from services.feedback.analytics.export import kpi_csv
from services.feedback.analytics.periods import GroupBy, Period
from services.feedback.analytics.reports import build_report
from services.feedback.analytics.repository import Scope
from services.feedback.analytics.schemas import (
    ActionIn,
    ActionOut,
    ActionStatusIn,
    Format,
    HotspotOut,
    ImpactOut,
    KpiGroupOut,
    KpiOut,
    ReportFormat,
    TermsOut,
    time_range,
)
from services.feedback.analytics.settings import AnalyticsSettingsMixin
from services.feedback.deps import ANALYSTS
from shared.audit.deps import ActorDep
from shared.auth.principal import Principal
from shared.db import UnitOfWork
from shared.deps import new_uow, settings_of

UowDep = Annotated[UnitOfWork, Depends(new_uow)]
SettingsDep = Annotated[AnalyticsSettingsMixin, Depends(settings_of)]
From = Annotated[datetime | None, Query(alias="from", description="Start (inclusive; UTC unless a zone is given).")]
To = Annotated[datetime | None, Query(alias="to", description="End (exclusive); default now.")]
Name = Annotated[str | None, Query(min_length=1, max_length=200, pattern=r"^[^\x00]+$")]  # PostgreSQL text holds no NUL
CSV = "text/csv; charset=utf-8"
# The routes take the Principal of the router's dependency (resolved once per request): each sees its tenant only.
Caller = Annotated[Principal, ANALYSTS]

analytics_router = APIRouter()
router = APIRouter(prefix="/v1", tags=["analytics"], dependencies=[ANALYSTS])
NO_ACTION: dict[int | str, dict[str, Any]] = {404: {"description": "No such improvement action"}}


@router.get("/kpis", response_model=KpiOut, responses={200: {"content": {CSV: {}}}})
async def get_kpis(uow: UowDep, settings: SettingsDep, caller: Caller, start: From = None, end: To = None,
                   channel: Name = None, category: Name = None, product: Name = None, team: Name = None,
                   agent: Name = None, region: Name = None, group_by: GroupBy = GroupBy.PERIOD,
                   period: Period = Period.DAY, format: Format = Format.JSON):
    start, end = time_range(start, end)
    filters = {"channel": channel, "category": category, "product": product, "team": team, "agent": agent,
               "region": region}
    scope = Scope(start, end, tenant=caller.tenant, **filters)
    table = await service.kpi_table(uow.database, scope, group_by=group_by, period=period,
                                    target=settings.resolution_satisfaction_target)
    if format is Format.CSV:
        rows = [((key,), row) for key, row in table.groups] + [(("total",), table.total)]
        return Response(kpi_csv(rows, labels=(group_by.value,)), media_type=CSV,
                        headers={"Content-Disposition": 'attachment; filename="kpis.csv"'})
    return KpiOut(from_=start, to=end, group_by=group_by, period=period, total=table.total,
                  filters={k: v for k, v in filters.items() if v is not None},
                  groups=[KpiGroupOut(key=key, kpis=row) for key, row in table.groups])


@router.get("/insights/hotspots", response_model=list[HotspotOut])
async def get_hotspots(uow: UowDep, caller: Caller, start: From = None, end: To = None,
                       dimension: Annotated[str | None, Query(pattern="^(category|product|channel)$")] = None):
    start, end = time_range(start, end)
    found = await service.list_hotspots(uow.database, tenant=caller.tenant, start=start, end=end,
                                        dimension=dimension)
    return [HotspotOut(**row) for row in found]


@router.get("/insights/terms", response_model=TermsOut)
async def get_terms(uow: UowDep, settings: SettingsDep, caller: Caller, category: Name = None, start: From = None,
                    end: To = None):
    start, end = time_range(start, end)
    found = await service.characterise(uow.database, tenant=caller.tenant, start=start, end=end, category=category,
                                       top=settings.terms_top, topics=settings.terms_topics)
    return TermsOut(category=category, from_=start, to=end, documents=found.documents, compared_with=found.others,
                    terms=[t.__dict__ for t in found.terms], topics=[t.__dict__ for t in found.topics])


@router.get("/reports", responses={200: {"content": {"text/html": {}, CSV: {}}}})
async def get_report(uow: UowDep, settings: SettingsDep, caller: Caller,
                     start: Annotated[datetime, Query(alias="from")], end: Annotated[datetime, Query(alias="to")],
                     format: ReportFormat = ReportFormat.HTML):
    start, end = time_range(start, end)
    report = await build_report(uow.database, tenant=caller.tenant, start=start, end=end,
                                target=settings.resolution_satisfaction_target,
                                title=f"CX report {start.date()} – {end.date()}")
    if format is ReportFormat.CSV:
        return Response(report.combined_csv, media_type=CSV,
                        headers={"Content-Disposition": 'attachment; filename="cx-report.csv"'})
    return Response(report.html, media_type="text/html; charset=utf-8")


@router.post("/actions", response_model=ActionOut, status_code=201)
async def create_action(body: ActionIn, uow: UowDep, actor: ActorDep, caller: Caller):
    action = await actions.create_action(uow, tenant=caller.tenant, **body.model_dump(), actor=actor)
    return ActionOut.model_validate(action)


@router.get("/actions", response_model=list[ActionOut])
async def list_actions(uow: UowDep, caller: Caller, status: ActionStatus | None = None):
    return [ActionOut.model_validate(a) for a in await actions.list_actions(uow, tenant=caller.tenant, status=status)]


@router.get("/actions/{action_id}", response_model=ActionOut, responses=NO_ACTION)
async def get_action(action_id: UUID, uow: UowDep, settings: SettingsDep, caller: Caller):
    action = await actions.get_action(uow, action_id, tenant=caller.tenant)
    impact = await actions.impact(uow.database, action, window_days=settings.action_window_days)
    out = ActionOut.model_validate(action)
    return out.model_copy(update={"impact": ImpactOut(**impact.__dict__) if impact else None})


@router.post("/actions/{action_id}/status", response_model=ActionOut,
             responses={**NO_ACTION, 409: {"description": "The action cannot move to this status"}})
async def change_action_status(action_id: UUID, body: ActionStatusIn, uow: UowDep, actor: ActorDep, caller: Caller):
    action = await actions.change_status(uow, action_id, tenant=caller.tenant, status=body.status, actor=actor)
    return ActionOut.model_validate(action)


analytics_router.include_router(router)
analytics_router.include_router(dashboard_router)
