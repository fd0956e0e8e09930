"""The dashboard in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright): its charts render
with data from the KPI API. Screenshots go to tests/artifacts/.

The page and its script are public and hold no data; the KPI API is for analysts and supervisors, whose key the
page asks for before it draws anything."""

from datetime import UTC, datetime, timedelta

import httpx

from shared.auth.roles import Role
from shared.contracts import REGISTRY
from tests.browser.conftest import browser_page
from tests.integration.feedback.test_analytics import analytics_settings, publish_history, running_analytics
from tests.support import authorised, group_at_end, serving

VIEWPORT = {"width": 1400, "height": 1800}
CHARTS = ("chart-volume", "chart-channel", "chart-category", "chart-times", "chart-quality", "chart-hotspots",
          "chart-dimensions", "chart-dimension-trend")


async def test_the_dashboard_draws_the_kpis(database_url, broker, tmp_path, chromium, artifacts):
    # the consumer starts at the end of the topics: the charts show this test's history and nothing else
    group = await group_at_end(broker.bootstrap, REGISTRY.topics, prefix="feedback-dashboard-")
    settings = analytics_settings(database_url, broker.bootstrap, tmp_path, dashboard_refresh_s=5,
                                  consumer_group=group)
    async with running_analytics(settings) as service, serving(service.app) as base_url:
        key = await authorised(service.client, database_url, Role.ANALYST, name="dashboard")
        async with browser_page(chromium, viewport=VIEWPORT) as page:
            ten_days_ago = (datetime.now(UTC) - timedelta(days=10)).replace(hour=8, minute=0, second=0, microsecond=0)
            await publish_history(service, day0=ten_days_ago)
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            await page.goto(f"{base_url}/dashboard")
            await page.wait_for_function("document.getElementById('status').textContent.startsWith('sign in')")
            assert await page.locator("#chart-volume .main-svg").count() == 0
            await page.fill("input[name=credential]", key)
            await page.click("#access button")
            await page.wait_for_function("Number(document.body.dataset.loaded || 0) >= 1")
            for chart in CHARTS:
                assert await page.locator(f"#{chart} .main-svg").count() > 0, chart
            total = await page.evaluate("document.getElementById('chart-volume').data[0].y.reduce((a, b) => a + b, 0)")
            assert total == 40
            channels = await page.evaluate("document.getElementById('chart-channel').data[0].x")
            assert {"web", "email", "phone", "app"} <= set(channels)
            assert await page.locator("#chart-volume .main-svg .scatterlayer path").count() > 0
            # service quality by dimension: the history's means (see test_analytics), the weakest in red, and a
            # trend line per dimension
            means = await page.evaluate("document.getElementById('chart-dimensions').data[0].y")
            assert means == [2.5, 4.5, 4.0, 3.5, 5.0]
            colours = await page.evaluate("document.getElementById('chart-dimensions').data[0].marker.color")
            assert colours[0] != colours[1] and len(set(colours[1:])) == 1
            assert "weakest: response speed" in await page.locator("#chart-dimensions .gtitle").text_content()
            trend = await page.evaluate("document.getElementById('chart-dimension-trend').data.map(d => d.name)")
            assert trend == ["response speed", "attitude", "expertise", "problem solving", "communication"]
            assert "weakest dimensionresponse speed" in await page.locator("#tiles").text_content()
            await page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)

            # a filter narrows every chart; auto-refresh keeps fetching
            await page.select_option("select[name=channel]", "web")
            await page.wait_for_function(
                "document.getElementById('chart-channel').data[0].x.join() === 'web'")
            loads = await page.evaluate("Number(document.body.dataset.loaded)")
            await page.wait_for_function(f"Number(document.body.dataset.loaded) > {loads}", timeout=20_000)
            await page.screenshot(path=str(artifacts / "dashboard-web.png"), full_page=True)
            assert errors == []


async def test_plotly_is_served_by_the_service(database_url, broker, tmp_path):
    settings = analytics_settings(database_url, broker.bootstrap, tmp_path, run_consumer=False)
    async with running_analytics(settings, wait_for_consumer=False) as service:
        await authorised(service.client, database_url, Role.ANALYST, name="dashboard")
        response = await service.client.get("/dashboard/plotly.min.js")
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/javascript")
        assert "plotly.js" in response.text[:500].lower() and len(response.content) > 1_000_000
        page = await service.client.get("/dashboard")
        assert page.status_code == 200 and '<script src="/dashboard/plotly.min.js">' in page.text
        assert "cdn" not in page.text.lower()


async def test_without_credentials_the_page_loads_but_its_data_is_refused(database_url, broker, tmp_path):
    settings = analytics_settings(database_url, broker.bootstrap, tmp_path, run_consumer=False)
    async with running_analytics(settings, wait_for_consumer=False) as service, \
            httpx.AsyncClient(transport=httpx.ASGITransport(app=service.app), base_url="http://feedback") as anyone:
        answers = [(await anyone.get(path)).status_code
                   for path in ("/dashboard", "/dashboard/plotly.min.js", "/v1/kpis", "/v1/insights/hotspots")]
    assert answers == [200, 200, 401, 401]
