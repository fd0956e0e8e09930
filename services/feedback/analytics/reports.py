"""The CX report of a period for the CX committee and management: a self-contained HTML page (plotly.js inline,
so it opens offline) and CSV files."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import plotly.graph_objects as go
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from services.feedback.analytics import service
from services.feedback.analytics.export import kpi_csv, table_csv
from services.feedback.analytics.periods import GroupBy, Period
from services.feedback.analytics.repository import Scope
from services.feedback.evaluations.domain import DIMENSIONS
from shared.db import Database

SECTIONS = (GroupBy.PERIOD, GroupBy.CHANNEL, GroupBy.CATEGORY, GroupBy.PRODUCT, GroupBy.TEAM, GroupBy.AGENT,
            GroupBy.REGION)
HOTSPOT_COLUMNS = ("dimension", "value", "window_start", "window_end", "count", "expected", "upper_limit")
HEADLINES = ("volume", "first_response_median_h", "resolution_median_h", "sla_attainment", "fcr_rate",
             "reopen_rate", "escalation_rate", "repeat_rate", "backlog_open", "csat_mean", "nps", "ces_mean",
             "survey_response_rate", "resolution_satisfaction", "weakest_dimension")
DIMENSION_COLUMNS = ("dimension", "mean", "responses", "weakest")

_templates = Environment(loader=PackageLoader("services.feedback.analytics", "templates"),
                         autoescape=select_autoescape(["html", "j2"]))


@dataclass
class Report:
    start: datetime
    end: datetime
    html: str
    csv_files: dict[str, str] = field(default_factory=dict)

    def write(self, folder: Path) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        written = [folder / "report.html"]
        written[0].write_text(self.html, encoding="utf-8")
        for name, text in self.csv_files.items():
            written.append(folder / name)
            written[-1].write_text(text, encoding="utf-8")
        return written

    @property
    def combined_csv(self) -> str:
        return self.csv_files["kpis.csv"]


async def build_report(database: Database, *, tenant: str, start: datetime, end: datetime, target: float,
                       title: str, progress=lambda step: None) -> Report:
    """The report of one tenant's complaints."""
    tables = {}
    period = Period.DAY if (end - start).days <= 62 else Period.WEEK
    for section in SECTIONS:
        progress(f"KPIs by {section.value}")
        tables[section] = await service.kpi_table(database, Scope(start, end, tenant=tenant), group_by=section,
                                                  period=period, target=target)
    progress("hotspots")
    spots = [dict(row) for row in await service.list_hotspots(database, tenant=tenant, start=start, end=end)]
    progress("charts")
    html = _render(title, start, end, tables, spots)
    return Report(start, end, html, _csv_files(tables, spots))


def _csv_files(tables, spots) -> dict[str, str]:
    total = next(iter(tables.values())).total
    files = {"kpis.csv": kpi_csv([(("total", ""), total)] + [((section.value, key), row) for section, table
                                 in tables.items() for key, row in table.groups], labels=("section", "key"))}
    for section, table in tables.items():
        files[f"kpis_by_{section.value}.csv"] = kpi_csv([((key,), row) for key, row in table.groups],
                                                        labels=(section.value,))
    files["hotspots.csv"] = table_csv(spots, HOTSPOT_COLUMNS)
    files["dimensions.csv"] = table_csv(dimension_rows(total), DIMENSION_COLUMNS)
    return files


def dimension_rows(kpis: dict) -> list[dict]:
    """One row per service-quality dimension of a KPI row: its mean, how many answers scored it, the weakest."""
    return [{"dimension": name, "mean": kpis[f"dimension_{name}_mean"],
             "responses": kpis[f"dimension_{name}_responses"], "weakest": kpis["weakest_dimension"] == name}
            for name in DIMENSIONS]


def _figure(fig: go.Figure, *, first: bool) -> Markup:
    fig.update_layout(height=360, margin={"l": 50, "r": 20, "t": 50, "b": 50})
    return Markup(fig.to_html(full_html=False, include_plotlyjs=first, config={"displaylogo": False}))


def _bar(table, metric: str, title: str) -> go.Figure:
    keys = [key for key, _ in table.groups]
    return go.Figure([go.Bar(x=keys, y=[row[metric] for _, row in table.groups], name=metric)],
                     layout={"title": title})


def _charts(tables) -> list[Markup]:
    daily = tables[GroupBy.PERIOD]
    keys = [key for key, _ in daily.groups]
    volume = go.Figure([go.Scatter(x=keys, y=[row["volume"] for _, row in daily.groups], mode="lines+markers",
                                   name="complaints")], layout={"title": "Complaints received"})
    times = go.Figure([go.Bar(x=[k for k, _ in tables[GroupBy.TEAM].groups],
                              y=[r[metric] for _, r in tables[GroupBy.TEAM].groups], name=label)
                       for metric, label in (("first_response_median_h", "first response (median h)"),
                                             ("resolution_median_h", "resolution (median h)"))],
                      layout={"title": "Response and resolution time by team", "barmode": "group"})
    figures = [volume, _bar(tables[GroupBy.CHANNEL], "volume", "Complaints by channel"),
               _bar(tables[GroupBy.CATEGORY], "volume", "Complaints by category"), times,
               _bar(tables[GroupBy.CATEGORY], "sla_attainment", "SLA attainment by category"),
               *_dimension_charts(daily)]
    return [_figure(fig, first=index == 0) for index, fig in enumerate(figures)]


def _dimension_charts(daily) -> list[go.Figure]:
    """The mean score of each service-quality dimension (the weakest in red), and its trend over the period."""
    rows = dimension_rows(daily.total)
    labels = [row["dimension"].replace("_", " ") for row in rows]
    means = go.Figure([go.Bar(x=labels, y=[row["mean"] for row in rows], name="mean score",
                              marker_color=["#b00020" if row["weakest"] else "#1f77b4" for row in rows])],
                      layout={"title": "Service quality by dimension (1-5)", "yaxis": {"range": [0, 5]}})
    keys = [key for key, _ in daily.groups]
    trend = go.Figure([go.Scatter(x=keys, y=[kpis[f"dimension_{name}_mean"] for _, kpis in daily.groups],
                                  mode="lines+markers", name=label, connectgaps=True)
                       for name, label in zip(DIMENSIONS, labels, strict=True)],
                      layout={"title": "Service quality by dimension over time", "yaxis": {"range": [0, 5]}})
    return [means, trend]


def _render(title: str, start: datetime, end: datetime, tables, spots) -> str:
    total = tables[GroupBy.PERIOD].total
    return _templates.get_template("report.html.j2").render(
        title=title, start=start, end=end, generated_at=datetime.now(UTC), charts=_charts(tables),
        headlines=[(name, total.get(name)) for name in HEADLINES], target=total["resolution_satisfaction_target"],
        satisfaction=total["resolution_satisfaction"], hotspots=spots,
        teams=tables[GroupBy.TEAM].groups, agents=tables[GroupBy.AGENT].groups, dimensions=dimension_rows(total),
        weakest=total["weakest_dimension"])
