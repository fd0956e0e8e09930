"""`redress events replay` against the real broker and database: from Kafka and from a service's outbox, with
--until, --type and --dry-run, and a clear refusal of a window the outbox no longer holds."""

import asyncio
from datetime import UTC, datetime

from typer.testing import CliRunner

from services.cli import app
from tests.integration.messaging.test_replay import (
    HOUR,
    OTHER_CE_TYPE,
    a_day,
    applied_ns,
    produce_at,
    topic_exists,
    write_outbox,
)
from tests.support import PROBE_CE_TYPE, all_messages, header_value, new_probe, redress, started_producer, unique


def last_lines(output: str, count: int = 2) -> list[str]:
    return output.strip().splitlines()[-count:]


async def test_replay_from_kafka_with_until_type_and_dry_run(broker):
    probe = await new_probe(broker.bootstrap)
    now = datetime.now(UTC)
    before, inside, after = (a_day(probe, start=now - h * HOUR, first=h * 10, count=6, other_every=2)
                             for h in (72, 48, 24))
    async with started_producer(broker.bootstrap) as producer:
        await produce_at(producer, before + inside + after)
    to_topic = unique(f"{probe.topic}.replay-")
    args = ["events", "replay", "--topic", probe.topic, "--since", (now - 48 * HOUR).isoformat(), "--until", "30h",
            "--type", PROBE_CE_TYPE, "--to-topic", to_topic, "--bootstrap", broker.bootstrap]
    wanted = sorted(event.n for event, _at, ce_type in inside if ce_type == PROBE_CE_TYPE)

    counted = await redress(*args, "--dry-run", env={})
    assert last_lines(counted)[1] == f"{len(wanted)} event(s) would be published to {to_topic}"
    assert not await topic_exists(broker.bootstrap, to_topic)

    output = await redress(*args, env={})

    assert f"read from the topic {probe.topic} between {(now - 48 * HOUR).isoformat()}" in output
    assert last_lines(output)[1] == f"{len(wanted)} event(s) published to {to_topic}"
    assert PROBE_CE_TYPE in output and OTHER_CE_TYPE not in output
    copies = await all_messages(broker.bootstrap, to_topic)
    assert applied_ns(copies) == wanted
    assert {header_value(m, "ce_source") for m in copies} == {"probe"}


async def test_replay_from_services_outboxes_named_by_service_or_by_url(broker, upstream, downstream):
    probe = await new_probe(broker.bootstrap)
    now = datetime.now(UTC)
    day1, day2 = (a_day(probe, start=now - h * HOUR, first=h, count=5, other_every=5) for h in (48, 24))
    await write_outbox(upstream, day1 + day2)
    later = a_day(probe, start=now - 12 * HOUR, first=500, count=3)
    await write_outbox(downstream, later)
    env = {"REDRESS_INTAKE_DATABASE_URL": upstream.url, "REDRESS_ROUTING_DATABASE_URL": downstream.url,
           "REDRESS_KAFKA_BOOTSTRAP": broker.bootstrap}
    day1_only, by_url, both = (unique(f"{probe.topic}.replay-") for _ in range(3))

    named = await redress("events", "replay", "--from-outbox", "intake", "--topic", probe.topic, "--since", "49h",
                          "--until", "40h", "--to-topic", day1_only, env=env)
    located = await redress("events", "replay", "--from-outbox", upstream.url, "--since", "3d", "--to-topic",
                            by_url, "--bootstrap", broker.bootstrap, env={})
    two = await redress("events", "replay", "--from-outbox", "intake", "--from-outbox", "routing", "--since", "30h",
                        "--to-topic", both, env=env)

    assert last_lines(named)[0].startswith("5 event(s) read from the intake outbox between ")
    assert last_lines(named)[1] == f"5 event(s) published to {day1_only}"
    assert applied_ns(await all_messages(broker.bootstrap, day1_only)) == sorted(e.n for e, _at, _t in day1)
    assert last_lines(located)[1] == f"10 event(s) published to {by_url}"
    assert applied_ns(await all_messages(broker.bootstrap, by_url)) == sorted(e.n for e, _at, _t in day1 + day2)
    assert "5 event(s) read from the intake outbox" in two and "3 event(s) read from the routing outbox" in two
    assert applied_ns(await all_messages(broker.bootstrap, both)) == sorted(e.n for e, _at, _t in day2 + later)


async def test_an_outbox_window_past_the_retention_fails_and_points_to_kafka(broker, upstream):
    probe = await new_probe(broker.bootstrap)
    to_topic = unique(f"{probe.topic}.replay-")
    env = {"REDRESS_INTAKE_DATABASE_URL": upstream.url, "REDRESS_KAFKA_BOOTSTRAP": broker.bootstrap,
           "REDRESS_OUTBOX_RETENTION_DAYS": "2", "COLUMNS": "250"}
    result = await asyncio.to_thread(CliRunner().invoke, app, [
        "events", "replay", "--from-outbox", "intake", "--since", "3d", "--to-topic", to_topic], env=env)
    assert result.exit_code == 1
    assert "the outbox keeps sent events for 2 days" in result.output
    assert "redress events replay --topic" in result.output
    assert not await topic_exists(broker.bootstrap, to_topic)


async def test_kafka_replay_without_a_topic_or_with_a_bad_window_fails_clearly(broker):
    env = {"REDRESS_KAFKA_BOOTSTRAP": broker.bootstrap, "COLUMNS": "250"}
    no_topic = await asyncio.to_thread(CliRunner().invoke, app, [
        "events", "replay", "--since", "1h", "--to-topic", "partner.replay"], env=env)
    backwards = await asyncio.to_thread(CliRunner().invoke, app, [
        "events", "replay", "--topic", "t", "--since", "1h", "--until", "2h", "--to-topic", "partner.replay"], env=env)
    assert (no_topic.exit_code, backwards.exit_code) == (1, 1)
    assert "--topic is needed" in no_topic.output
    assert "must be before until" in backwards.output
