"""CX reports: HTML with charts (plotly.js inline) and CSV, through the API, the CLI and the schedule."""

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.feedback.analytics.jobs import write_due_reports
from tests.integration.feedback import test_analytics
from tests.integration.feedback.test_analytics import analytics_settings, publish_history, running_analytics
from tests.support import redress, wait_until

analytics = test_analytics.analytics   # the fixture

# Every consumer reads the topics from the beginning, so each test files its history in weeks of its own.
DAY0 = datetime(2023, 5, 1, 8, tzinfo=UTC)   # a Monday
SPAN = {"from": "2023-05-01", "to": "2023-05-05"}
CLI_DAY0 = datetime(2023, 6, 5, 8, tzinfo=UTC)
SCHEDULED_DAY0 = datetime(2023, 7, 3, 8, tzinfo=UTC)


def total_of(text: str) -> dict:
    return next(row for row in csv.DictReader(io.StringIO(text)) if row["section"] == "total")


def assert_a_report_page(html: str) -> None:
    assert html.startswith("<!doctype html>")
    assert "<script src=" not in html and "<link " not in html   # nothing to fetch: it opens offline
    assert "plotly.js v" in html                                   # the library itself, inline
    assert html.count('class="plotly-graph-div"') == 7
    assert "Complaints by channel" in html and "Response and resolution time by team" in html
    assert "Service quality by dimension (1-5)" in html and "Service quality by dimension over time" in html


async def test_the_report_of_a_range_as_html_and_csv(analytics):
    await publish_history(analytics, day0=DAY0)
    page = await analytics.client.get("/v1/reports", params=SPAN)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert_a_report_page(page.text)
    assert '<td class="n">40</td>' in page.text   # the headline volume
    # which dimension hurts: response speed, mean 2.5 over 12 answers (see test_analytics)
    assert 'Weakest dimension: <span class="bad">response speed</span>' in page.text
    assert '<tr class="bad"><td>response speed</td><td class="n">2.5</td><td class="n">12</td></tr>' in page.text

    sheet = await analytics.client.get("/v1/reports", params={**SPAN, "format": "csv"})
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/csv")
    total = total_of(sheet.text)
    assert (total["volume"], total["resolved"], total["fcr_rate"], total["sla_attainment"]) == (
        "40", "36", "0.5556", "0.6429")
    channels = {row["key"]: row["volume"] for row in csv.DictReader(io.StringIO(sheet.text))
                if row["section"] == "channel"}
    assert channels == {"app": "10", "email": "10", "phone": "10", "web": "10"}
    assert (total["weakest_dimension"], total["dimension_communication_mean"]) == ("response_speed", "5.0")


async def test_the_cli_writes_a_report_of_any_range(analytics, tmp_path: Path):
    await publish_history(analytics, day0=CLI_DAY0)
    output = await redress("report", "--from", "2023-06-05", "--to", "2023-06-09", "--out", str(tmp_path / "out"),
                           "--database-url", analytics.settings.database_url, env={})
    assert "… KPIs by channel" in output and "… writing files" in output
    folder = tmp_path / "out" / "2023-06-05_2023-06-09"
    assert_a_report_page((folder / "report.html").read_text())
    assert total_of((folder / "kpis.csv").read_text())["volume"] == "40"
    by_team = list(csv.DictReader(io.StringIO((folder / "kpis_by_team.csv").read_text())))
    assert [(row["team"], row["first_response_median_h"]) for row in by_team] == [("t-even", "1.0"),
                                                                                  ("t-odd", "3.0")]
    assert (folder / "hotspots.csv").read_text().startswith("dimension,value,window_start")
    dimensions = list(csv.DictReader(io.StringIO((folder / "dimensions.csv").read_text())))
    assert [(row["dimension"], row["mean"], row["responses"], row["weakest"]) for row in dimensions] == [
        ("response_speed", "2.5", "12", "true"), ("attitude", "4.5", "12", "false"),
        ("expertise", "4.0", "12", "false"), ("problem_solving", "3.5", "12", "false"),
        ("communication", "5.0", "6", "false")]


async def test_the_cli_refuses_a_bad_range(tmp_path: Path):
    from typer.testing import CliRunner

    from services.cli import app

    result = CliRunner().invoke(app, ["report", "--from", "2023-05-05", "--to", "2023-05-01", "--database-url",
                                      f"sqlite:///{tmp_path}/x.db"])
    assert result.exit_code == 2 and "must be before" in result.output
    result = CliRunner().invoke(app, ["report", "--from", "May", "--to", "2023-05-01"])
    assert result.exit_code == 2 and "ISO 8601" in result.output


async def test_scheduled_reports_are_written_once_per_period(analytics, database_url, broker, tmp_path: Path):
    await publish_history(analytics, day0=SCHEDULED_DAY0)
    monday_after = datetime(2023, 7, 10, 6, tzinfo=UTC)
    written = await write_due_reports(analytics.runtime, now=monday_after)
    weekly = analytics.settings.reports_dir / "weekly" / "2023-07-03_2023-07-10"
    assert weekly / "report.html" in written
    assert total_of((weekly / "kpis.csv").read_text())["volume"] == "40"
    assert {p.parent.parent.name for p in written} == {"weekly", "monthly", "quarterly", "half-yearly"}
    second = analytics_settings(database_url, broker.bootstrap, tmp_path, run_consumer=False)
    async with running_analytics(second, wait_for_consumer=False) as replica:
        assert await write_due_reports(replica.runtime, now=monday_after) == []
    assert await write_due_reports(analytics.runtime, now=monday_after) == []


async def test_the_report_job_runs_in_the_background(database_url, broker, tmp_path: Path):
    settings = analytics_settings(database_url, broker.bootstrap, tmp_path, run_background=True,
                                  report_periods="weekly", run_consumer=False)
    async with running_analytics(settings, wait_for_consumer=False):
        folder = settings.reports_dir / "weekly"
        await wait_until(lambda: list(folder.glob("*/report.html")), within=60, what="last week's report")


@pytest.mark.parametrize("params", [{}, {"from": "2023-05-01"}, {**SPAN, "format": "pdf"},
                                    {"from": "2023-05-05", "to": "2023-05-01"}])
async def test_bad_report_requests_are_422(analytics, params):
    response = await analytics.client.get("/v1/reports", params=params)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
