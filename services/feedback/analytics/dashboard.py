"""The ops and supervisors' dashboard: a server-rendered page whose charts fetch the KPI API (with the credentials
the user gives the page) and refresh."""

from pathlib import Path
from typing import Annotated

import plotly
from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse, HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from services.feedback.analytics.periods import Period
from services.feedback.analytics.settings import AnalyticsSettingsMixin
from services.feedback.evaluations.domain import DIMENSIONS
from shared.auth.deps import public
from shared.contracts.complaint import Channel
from shared.deps import settings_of

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"

# The page and plotly.js hold no data, so anyone may load them; the KPIs the page fetches need an analyst's or a
# supervisor's key or token, which the page asks for and keeps in the browser tab (sessionStorage).
router = APIRouter(tags=["dashboard"], include_in_schema=False, dependencies=[Depends(public())])
_templates = Environment(loader=PackageLoader("services.feedback.analytics", "templates"),
                         autoescape=select_autoescape(["html", "j2"]))


@router.get("/dashboard", response_class=HTMLResponse)
async def dashboard(settings: Annotated[AnalyticsSettingsMixin, Depends(settings_of)]) -> HTMLResponse:
    page = _templates.get_template("dashboard.html.j2").render(
        refresh_s=settings.dashboard_refresh_s, periods=[p.value for p in Period],
        channels=[c.value for c in Channel], dimensions=list(DIMENSIONS))
    return HTMLResponse(page)


@router.get("/dashboard/plotly.min.js")
async def plotly_js() -> FileResponse:
    """plotly.js as the installed plotly package bundles it: the dashboard needs no CDN."""
    return FileResponse(PLOTLY_JS, media_type="text/javascript", headers={"Cache-Control": "max-age=86400"})
