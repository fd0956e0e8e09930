"""Each service starts on its real database and the real broker, reports health, metrics and OpenAPI, and
publishes what its units of work emit."""

import asyncio
import json
from uuid import uuid4

import httpx
import pytest
from aiokafka import AIOKafkaConsumer

from services.catalog import SERVICES
from shared.broker import free_port
from shared.contracts.complaint import ComplaintWithdrawnV1
from shared.migrations import upgrade
from tests.support import unique

SPECS = list(SERVICES.values())


def fast_settings(spec, **overrides):
    return spec.settings(**{"kafka_session_timeout_ms": 2000, "kafka_heartbeat_interval_ms": 300,
                            "outbox_poll_s": 0.05, "relay_lease_s": 2, **overrides})


async def started(spec, settings):
    await upgrade(spec.migrations_dir, settings.resolved_database_url)
    app = spec.create_app(settings)
    return app, app.router.lifespan_context(app)


def client_for(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
async def test_a_service_is_live_ready_and_documented(spec, database_url, broker):
    app, lifespan = await started(spec, fast_settings(spec, database_url=database_url,
                                                      kafka_bootstrap=broker.bootstrap))
    async with lifespan, client_for(app) as client:
        assert (await client.get("/health/live")).json() == {"status": "ok"}
        ready = await client.get("/health/ready")
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"] == {"database": "ok", "broker": "ok"}
        metrics = (await client.get("/metrics")).text
        assert "redress_outbox_backlog 0.0" in metrics
        assert 'redress_http_requests_total{method="GET",route="/health/ready",status="200"} 1.0' in metrics
        openapi = (await client.get("/openapi.json")).json()
        assert openapi["info"]["title"] == f"Redress {spec.name}"
        missing = await client.get("/v1/no-such-thing")
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"


async def test_a_service_without_its_broker_is_live_but_not_ready(database_url):
    spec = SERVICES["routing"]
    absent = f"127.0.0.1:{free_port()}"
    app, lifespan = await started(spec, fast_settings(spec, database_url=database_url, kafka_bootstrap=absent))
    async with lifespan, client_for(app) as client:
        assert (await client.get("/health/live")).status_code == 200
        ready = await client.get("/health/ready")
        assert ready.status_code == 503
        assert ready.json()["checks"]["broker"].startswith("unreachable")
        assert ready.json()["checks"]["database"] == "ok"


async def test_what_a_unit_of_work_emits_reaches_the_broker(database_url, broker):
    spec = SERVICES["intake"]
    app, lifespan = await started(spec, fast_settings(spec, database_url=database_url,
                                                      kafka_bootstrap=broker.bootstrap))
    complaint_id = uuid4()
    async with lifespan:
        consumer = AIOKafkaConsumer("redress.complaint.v1", bootstrap_servers=broker.bootstrap,
                                    group_id=unique("shell-"), auto_offset_reset="earliest",
                                    enable_auto_commit=False, fetch_max_wait_ms=10)
        await consumer.start()
        try:
            async with app.state.runtime.new_uow() as uow:
                uow.emit(ComplaintWithdrawnV1(complaint_id=complaint_id, reason="solved elsewhere"))
                await uow.commit()
            message = await asyncio.wait_for(_first_about(consumer, str(complaint_id)), timeout=20)
        finally:
            await consumer.stop()
    headers = dict(message.headers)
    assert headers["ce_type"] == b"redress.complaint.withdrawn.v1"
    assert headers["ce_source"] == b"intake"
    assert json.loads(message.value)["reason"] == "solved elsewhere"


async def _first_about(consumer: AIOKafkaConsumer, key: str):
    while True:
        for messages in (await consumer.getmany(timeout_ms=200)).values():
            for message in messages:
                if message.key == key.encode():
                    return message
