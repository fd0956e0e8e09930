"""`POST /v1/admin/replays` on a real service app (the probe service), its database and the broker: a window of the
outbox is published onto the partner's topic, and bad windows are refused with problem+json, publishing nothing."""

import contextlib
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx

from shared.auth.deps import API_KEY_HEADER
from shared.auth.provision import grant
from shared.auth.roles import Role
from shared.auth.tables import auth_metadata
from shared.broker import free_port
from shared.db import Database
from shared.service_app import build_service_app
from tests.integration.messaging.test_replay import (
    HOUR,
    OTHER_CE_TYPE,
    a_day,
    applied_ns,
    topic_exists,
    write_outbox,
)
from tests.support import PROBE_CE_TYPE, Probe, all_messages, header_value, new_probe, unique

PATH = "/v1/admin/replays"


@contextlib.asynccontextmanager
async def probe_service(probe: Probe, database: Database, *, tenant: str = "default",
                        **settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The probe as a service, built like the four: its app over `database` (which has the outbox table), called
    by a partner of `tenant`."""
    settings = probe.settings.model_copy(update={"database_url": database.url, "run_relay": False,
                                                 "run_consumer": False, **settings})
    app = build_service_app(settings, description="probe", handlers={})
    async with database.engine.begin() as connection:
        await connection.run_sync(auth_metadata.create_all)
    key = await grant([database.url], Role.PARTNER, name="acme-partner", tenant=tenant)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=transport, base_url="http://probe", headers={API_KEY_HEADER: key}) as client:
        yield client


async def test_the_admin_api_replays_a_window_of_the_outbox_onto_the_partners_topic(broker, upstream):
    probe = await new_probe(broker.bootstrap)
    now = datetime.now(UTC)
    before, inside, after = (a_day(probe, start=now - h * HOUR, first=h * 10, count=6, other_every=2)
                             for h in (72, 48, 24))
    await write_outbox(upstream, before + inside + after)
    to_topic = unique(f"{probe.topic}.replay-")
    body = {"topic": probe.topic, "since": (now - 48 * HOUR).isoformat(), "until": (now - 30 * HOUR).isoformat(),
            "to_topic": to_topic, "types": [OTHER_CE_TYPE]}
    wanted = sorted(event.n for event, _at, ce_type in inside if ce_type == OTHER_CE_TYPE)

    async with probe_service(probe, upstream) as client:
        counted = await client.post(PATH, json={**body, "dry_run": True})
        assert counted.status_code == 200, counted.text
        assert (counted.json()["published"], counted.json()["dry_run"]) == (len(wanted), True)
        assert not await topic_exists(broker.bootstrap, to_topic)

        answer = await client.post(PATH, json=body)

    assert answer.status_code == 200, answer.text
    summary = answer.json()
    assert summary["source"] == "outbox" and summary["service"] == "probe"
    assert (summary["published"], summary["by_type"], summary["dry_run"]) == (
        len(wanted), {OTHER_CE_TYPE: len(wanted)}, False)
    assert datetime.fromisoformat(summary["until"]) == now - 30 * HOUR
    copies = await all_messages(broker.bootstrap, to_topic)
    assert applied_ns(copies) == wanted
    assert {header_value(m, "ce_type") for m in copies} == {OTHER_CE_TYPE}


async def test_a_partner_replays_only_its_own_tenants_events(broker, upstream):
    probe = await new_probe(broker.bootstrap)
    now = datetime.now(UTC)
    stamped = [(probe.event(complaint_id=uuid4(), n=n, tenant="acme" if n % 3 == 0 else "default"),
                now - (10 - n) * HOUR, PROBE_CE_TYPE) for n in range(9)]
    await write_outbox(upstream, stamped)
    to_topic = unique(f"{probe.topic}.replay-")

    async with probe_service(probe, upstream, tenant="acme") as client:
        answer = await client.post(PATH, json={"since": (now - 11 * HOUR).isoformat(), "to_topic": to_topic})

    assert (answer.status_code, answer.json()["published"]) == (200, 3), answer.text
    copies = await all_messages(broker.bootstrap, to_topic)
    assert applied_ns(copies) == [0, 3, 6]
    assert {json.loads(m.value)["tenant"] for m in copies} == {"acme"}


async def test_a_window_older_than_the_outbox_retention_is_refused_saying_how_to_use_kafka(broker, upstream):
    probe = await new_probe(broker.bootstrap)
    now = datetime.now(UTC)
    await write_outbox(upstream, a_day(probe, start=now - 30 * HOUR, first=0))
    to_topic = unique(f"{probe.topic}.replay-")

    async with probe_service(probe, upstream, outbox_retention_days=1) as client:
        answer = await client.post(PATH, json={"since": (now - 30 * HOUR).isoformat(), "to_topic": to_topic})

    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["title"] == "History no longer kept"
    assert "1 days" in problem["detail"] and "redress events replay" in problem["detail"]
    assert "Kafka" in problem["detail"]
    assert problem["retention_days"] == 1
    assert datetime.fromisoformat(problem["kept_since"]) > now - 25 * HOUR
    assert not await topic_exists(broker.bootstrap, to_topic)


async def test_bad_replay_requests_are_refused_with_problem_details_and_publish_nothing(broker, upstream):
    probe = await new_probe(broker.bootstrap)
    now = datetime.now(UTC)
    await write_outbox(upstream, a_day(probe, start=now - 5 * HOUR, first=0, count=3))
    to_topic = unique(f"{probe.topic}.replay-")
    since = (now - 6 * HOUR).isoformat()
    bad = {
        "until before since": {"since": since, "until": (now - 7 * HOUR).isoformat(), "to_topic": to_topic},
        "since in the future": {"since": (now + timedelta(days=1)).isoformat(), "to_topic": to_topic},
        "onto the topic itself": {"since": since, "topic": probe.topic, "to_topic": probe.topic},
        "not a topic name": {"since": since, "to_topic": "partner replay!"},
        "no to_topic": {"since": since},
        "unknown field": {"since": since, "to_topic": to_topic, "partner": "acme"},
        "not a time": {"since": "yesterday", "to_topic": to_topic},
        "not a type": {"since": since, "to_topic": to_topic, "types": ["complaint received\u0000"]},
    }
    async with probe_service(probe, upstream) as client:
        answers = {case: await client.post(PATH, json=body) for case, body in bad.items()}
        as_text = await client.post(PATH, content=f'{{"since": "{since}", "to_topic": "{to_topic}"}}',
                                    headers={"content-type": "text/plain"})

    for case, answer in answers.items():
        assert answer.status_code == 422, case
        assert answer.headers["content-type"] == "application/problem+json", case
        assert answer.json()["detail"], case
    assert "must be before until" in answers["until before since"].json()["detail"]
    assert "must differ" in answers["onto the topic itself"].json()["detail"]
    assert as_text.status_code == 415
    assert not await topic_exists(broker.bootstrap, to_topic)
    assert not await topic_exists(broker.bootstrap, "partner replay!")


async def test_every_type_is_replayed_when_none_is_named_and_the_window_ends_now_by_default(broker, upstream):
    probe = await new_probe(broker.bootstrap)
    now = datetime.now(UTC)
    day = a_day(probe, start=now - 10 * HOUR, first=0, count=6, other_every=3)
    await write_outbox(upstream, day)
    to_topic = unique(f"{probe.topic}.replay-")

    async with probe_service(probe, upstream) as client:
        answer = await client.post(PATH, json={"since": (now - 11 * HOUR).isoformat(), "to_topic": to_topic})

    assert answer.status_code == 200, answer.text
    assert answer.json()["by_type"] == {PROBE_CE_TYPE: 4, OTHER_CE_TYPE: 2}
    assert answer.json()["topic"] is None
    assert datetime.fromisoformat(answer.json()["until"]) >= now
    assert applied_ns(await all_messages(broker.bootstrap, to_topic)) == list(range(6))


async def test_without_a_broker_the_replay_is_refused_with_503_and_a_dry_run_still_counts(broker, upstream):
    probe = await new_probe(broker.bootstrap)
    now = datetime.now(UTC)
    await write_outbox(upstream, a_day(probe, start=now - 5 * HOUR, first=0, count=3))
    body = {"since": (now - 6 * HOUR).isoformat(), "to_topic": unique(f"{probe.topic}.replay-")}

    async with probe_service(probe, upstream, kafka_bootstrap=f"127.0.0.1:{free_port()}", broker_wait_s=0.5) as client:
        refused = await client.post(PATH, json=body)
        counted = await client.post(PATH, json={**body, "dry_run": True})

    assert refused.status_code == 503
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["title"] == "Broker unreachable"
    assert (counted.status_code, counted.json()["published"]) == (200, 3)
