import logging
import re
import uuid
from contextlib import asynccontextmanager

import httpx
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel

from shared.errors import IllegalTransition, NotFound
from shared.http import PROBLEM_MEDIA_TYPE, create_service_app
from shared.logs import ContextFilter, current_context
from shared.metrics import Metrics

TEMPLATE = "/v1/complaints/{complaint_id}"


class FakeRuntime:
    def __init__(self, checks: dict[str, str]) -> None:
        self.metrics = Metrics("test")
        self.checks = checks
        self.refreshes = 0

    async def readiness(self) -> dict[str, str]:
        return dict(self.checks)

    async def refresh_metrics(self) -> None:
        self.refreshes += 1


class ComplaintIn(BaseModel):
    email: str
    priority: int


def complaint_routes() -> APIRouter:
    router = APIRouter(prefix="/complaints")

    @router.get("/{complaint_id}")
    async def get_complaint(complaint_id: uuid.UUID) -> dict[str, str]:
        logging.getLogger("test.route").info("looking up")
        raise NotFound(f"no complaint {complaint_id}", complaint_id=complaint_id)

    @router.post("/{complaint_id}/resolution")
    async def resolve(complaint_id: uuid.UUID) -> dict[str, str]:
        raise IllegalTransition("RECEIVED", "RESOLVED")

    @router.post("")
    async def submit(body: ComplaintIn) -> dict[str, str]:
        return {"status": "accepted"}

    @router.get("/{complaint_id}/boom")
    async def boom(complaint_id: uuid.UUID) -> None:
        raise RuntimeError("dsn=postgresql://redress:hunter2@db/intake")

    return router


def an_app(checks: dict[str, str] | None = None) -> tuple[FastAPI, FakeRuntime]:
    runtime = FakeRuntime(checks if checks is not None else {"database": "ok", "broker": "ok"})

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield

    app = create_service_app(
        title="test", version="0", description="a test service", lifespan=lifespan, metrics=runtime.metrics
    )
    app.include_router(complaint_routes(), prefix="/v1")
    app.state.runtime = runtime  # the lifespan would do this; ASGITransport does not run it
    return app, runtime


def client_for(app: FastAPI, *, raise_app_exceptions: bool = True) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions)
    return httpx.AsyncClient(transport=transport, base_url="http://t")


def requests_counted(runtime: FakeRuntime, *, method: str, route: str, status: int) -> float | None:
    labels = {"method": method, "route": route, "status": str(status)}
    return runtime.metrics.registry.get_sample_value("redress_http_requests_total", labels)


async def test_a_domain_error_becomes_a_problem_with_its_status():
    app, _ = an_app()
    complaint_id = uuid.uuid4()
    async with client_for(app) as client:
        response = await client.get(f"/v1/complaints/{complaint_id}")

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    body = response.json()
    assert (body["type"], body["title"], body["status"]) == ("about:blank", "Not found", 404)
    assert body["detail"] == f"no complaint {complaint_id}"
    assert body["instance"] == f"/v1/complaints/{complaint_id}"
    assert body["complaint_id"] == str(complaint_id)
    assert body["request_id"] == response.headers["x-request-id"]


async def test_an_illegal_transition_is_a_conflict():
    app, _ = an_app()
    async with client_for(app) as client:
        response = await client.post(f"/v1/complaints/{uuid.uuid4()}/resolution")

    assert response.status_code == 409
    assert response.json()["title"] == "Illegal state transition"
    assert (response.json()["current"], response.json()["target"]) == ("RECEIVED", "RESOLVED")


async def test_invalid_input_is_a_422_problem_that_does_not_echo_the_input():
    app, _ = an_app()
    async with client_for(app) as client:
        response = await client.post("/v1/complaints", json={"email": "jane@example.com", "priority": "urgent!"})

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    body = response.json()
    assert body["title"] == "Invalid request"
    assert "body.priority" in body["detail"]
    assert [e["loc"] for e in body["errors"]] == [["body", "priority"]]
    assert set(body["errors"][0]) == {"loc", "msg", "type"}
    assert "jane@example.com" not in response.text
    assert "urgent!" not in response.text


async def test_an_unexpected_error_is_a_500_problem_without_internals(caplog):
    app, runtime = an_app()
    async with client_for(app, raise_app_exceptions=False) as client:
        response = await client.get(f"/v1/complaints/{uuid.uuid4()}/boom", headers={"X-Request-ID": "req-500"})

    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert response.json()["title"] == "Internal error"
    assert response.json()["request_id"] == "req-500"
    assert response.headers["x-request-id"] == "req-500"
    assert "hunter2" not in response.text
    assert "RuntimeError" not in response.text
    # Once configure_logging has run, its masking filter turns exc_info into exc_text on the shared record.
    assert any(r.levelno == logging.ERROR and (r.exc_info or "RuntimeError" in (r.exc_text or ""))
               for r in caplog.records)
    assert requests_counted(runtime, method="GET", route=TEMPLATE + "/boom", status=500) == 1


async def test_an_unknown_path_is_a_404_problem_counted_as_unmatched():
    app, runtime = an_app()
    async with client_for(app) as client:
        response = await client.get("/no/such/thing")

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert response.json()["instance"] == "/no/such/thing"
    assert requests_counted(runtime, method="GET", route="unmatched", status=404) == 1
    assert requests_counted(runtime, method="GET", route="/no/such/thing", status=404) is None


async def test_a_wrong_method_keeps_the_allow_header():
    app, _ = an_app()
    async with client_for(app) as client:
        response = await client.delete("/health/live")

    assert response.status_code == 405
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert response.headers["allow"] == "GET"


async def test_requests_are_counted_by_route_template_not_by_path():
    app, runtime = an_app()
    async with client_for(app) as client:
        for _ in range(2):
            await client.get(f"/v1/complaints/{uuid.uuid4()}")

    assert requests_counted(runtime, method="GET", route=TEMPLATE, status=404) == 2
    latency = runtime.metrics.registry.get_sample_value(
        "redress_http_request_duration_seconds_count", {"method": "GET", "route": TEMPLATE}
    )
    assert latency == 2


async def test_a_sane_request_id_is_passed_on():
    app, _ = an_app()
    async with client_for(app) as client:
        response = await client.get("/health/live", headers={"X-Request-ID": "gw-1.a_b"})
    assert response.headers["x-request-id"] == "gw-1.a_b"


async def test_a_missing_or_odd_request_id_is_replaced_by_a_new_one():
    app, _ = an_app()
    async with client_for(app) as client:
        missing = await client.get("/health/live")
        odd = await client.get("/health/live", headers={"X-Request-ID": "<script>"})
        too_long = await client.get("/health/live", headers={"X-Request-ID": "a" * 129})

    ids = [r.headers["x-request-id"] for r in (missing, odd, too_long)]
    assert all(re.fullmatch(r"[0-9a-f]{32}", request_id) for request_id in ids)
    assert len(set(ids)) == 3


async def test_logs_written_by_a_route_carry_the_request_and_complaint_ids(caplog):
    caplog.set_level(logging.INFO, logger="test.route")
    caplog.handler.addFilter(ContextFilter("test"))
    app, _ = an_app()
    complaint_id = uuid.uuid4()
    async with client_for(app) as client:
        await client.get(f"/v1/complaints/{complaint_id}", headers={"X-Request-ID": "req-7"})

    [record] = [r for r in caplog.records if r.name == "test.route"]
    assert (record.request_id, record.complaint_id) == ("req-7", str(complaint_id))
    assert current_context() == {}, "ids must not outlive the request"


async def test_liveness_is_ok():
    app, _ = an_app()
    async with client_for(app) as client:
        response = await client.get("/health/live")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_ready_when_every_check_is_ok():
    app, _ = an_app({"database": "ok", "broker": "ok"})
    async with client_for(app) as client:
        response = await client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "broker": "ok"}}


async def test_not_ready_when_a_check_fails():
    app, _ = an_app({"database": "ok", "broker": "unreachable: connection refused"})
    async with client_for(app) as client:
        response = await client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["status"] == "not ready"
    assert response.json()["checks"]["broker"].startswith("unreachable")


async def test_metrics_are_refreshed_and_exposed_in_prometheus_format():
    app, runtime = an_app()
    async with client_for(app) as client:
        await client.get("/health/live")
        response = await client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert runtime.refreshes == 1
    assert 'redress_http_requests_total{method="GET",route="/health/live",status="200"} 1.0' in response.text


async def test_openapi_documents_problem_responses():
    app, _ = an_app()
    async with client_for(app) as client:
        spec = (await client.get("/openapi.json")).json()

    responses = spec["paths"][TEMPLATE]["get"]["responses"]
    assert PROBLEM_MEDIA_TYPE in responses["422"]["content"]
    assert PROBLEM_MEDIA_TYPE in responses["500"]["content"]
    assert "/metrics" not in spec["paths"]
