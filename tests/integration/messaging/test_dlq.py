"""Dead letters against the real broker and database: poison events and events whose handler keeps failing end
up on `<topic>.dlq` with headers naming the error and the origin, and `redress dlq` lists and replays them."""

import json
from uuid import uuid4

from shared.messaging.cloudevents import header_map
from shared.metrics import Metrics
from tests.support import (
    applied_counts,
    consumed,
    inbox_count,
    new_probe,
    probe_runner,
    produce_event,
    read_messages,
    record_applied,
    redress,
    running,
    started_producer,
    wait_assigned,
    wait_until,
)


async def test_poison_events_go_to_the_dlq_with_headers_naming_the_error(broker, downstream):
    probe = await new_probe(broker.bootstrap)
    runner = probe_runner(probe, downstream)
    invalid = json.dumps({"complaint_id": str(uuid4()), "n": "three"}).encode()
    async with running(runner.run()), started_producer(broker.bootstrap) as producer:
        await wait_assigned(runner)
        sent = {
            "BadJson": await produce_event(producer, probe.recorded(1), value=b"{not json"),
            "UnknownEventType": await produce_event(producer, probe.recorded(2), ce_type="redress.probe.unheard.v1"),
            "InvalidEventData": await produce_event(producer, probe.recorded(3), value=invalid),
        }
        await produce_event(producer, probe.recorded(4))  # the runner goes on past them
        letters = await read_messages(broker.bootstrap, f"{probe.topic}.dlq", 3)
        await wait_until(lambda: _applied(downstream, {4: 1}), what="the good event being applied")

    assert sorted(header_map(m.headers)["dlq_error_type"] for m in letters) == sorted(sent)
    for letter in letters:
        facts = header_map(letter.headers)
        origin = sent[facts["dlq_error_type"]]
        assert facts["dlq_original_topic"] == probe.topic
        assert (facts["dlq_original_partition"], facts["dlq_original_offset"]) == (
            str(origin.partition), str(origin.offset))
        assert facts["dlq_error_message"]
        assert facts["dlq_attempts"] == "1"
        assert facts["ce_id"]  # the original CloudEvents headers travel along
    assert await inbox_count(downstream) == 1


async def test_a_failing_handler_dead_letters_the_event_and_replay_applies_it_once_fixed(broker, downstream):
    probe = await new_probe(broker.bootstrap)
    dlq = f"{probe.topic}.dlq"
    env = {"REDRESS_KAFKA_BOOTSTRAP": broker.bootstrap}
    broken = True

    async def record_unless_broken(event, uow):
        if broken:
            raise RuntimeError(f"cannot record {event.n} yet")
        await record_applied(event, uow)

    metrics = Metrics("probe")
    runner = probe_runner(probe, downstream, handler=record_unless_broken, metrics=metrics)
    ce_id = uuid4()
    async with running(runner.run()), started_producer(broker.bootstrap) as producer:
        await wait_assigned(runner)
        origin = await produce_event(producer, probe.recorded(5), ce_id=ce_id)
        [letter] = await read_messages(broker.bootstrap, dlq, 1)
        facts = header_map(letter.headers)
        assert facts["dlq_error_type"] == "RuntimeError"
        assert facts["dlq_error_message"] == "cannot record 5 yet"
        assert facts["dlq_attempts"] == str(probe.settings.consumer_max_attempts)
        assert facts["dlq_consumer_group"] == probe.settings.consumer_group
        assert (facts["dlq_original_topic"], facts["dlq_original_partition"], facts["dlq_original_offset"]) == (
            probe.topic, str(origin.partition), str(origin.offset))
        assert await applied_counts(downstream) == {}
        assert await inbox_count(downstream) == 0  # the failed tries left nothing behind

        listed = await redress("dlq", "list", "--topic", dlq, env=env)
        assert last_line(listed) == "1 dead letter(s)"
        assert str(ce_id) in listed and "RuntimeError" in listed

        broken = False
        assert last_line(await redress("dlq", "replay", "--topic", dlq, env=env)) == "replayed 1 dead letter(s)"
        await wait_until(lambda: consumed(metrics, "applied") == 1, what="the replayed event being applied")

        assert last_line(await redress("dlq", "replay", "--topic", dlq, env=env)) == "replayed 0 dead letter(s)"
        assert last_line(await redress("dlq", "list", "--topic", dlq, env=env)) == "0 dead letter(s)"
        everything = await redress("dlq", "list", "--topic", dlq, "--all", env=env)
        assert last_line(everything) == "1 dead letter(s)"
        assert str(ce_id) in everything

    assert await applied_counts(downstream) == {5: 1}
    assert await inbox_count(downstream) == 1


async def _applied(database, expected: dict[int, int]) -> bool:
    return await applied_counts(database) == expected


def last_line(output: str) -> str:
    return output.strip().splitlines()[-1]


async def test_dead_letters_written_in_one_batch_are_all_listed(broker):
    probe = await new_probe(broker.bootstrap, partitions=1)
    dlq = f"{probe.topic}.dlq"
    async with started_producer(broker.bootstrap) as producer:
        futures = [await producer.send(dlq, b"{}", key=b"k", headers=[("dlq_error_type", b"Boom")], partition=0)
                   for _ in range(5)]
        for future in futures:
            await future
    output = await redress("dlq", "list", "--topic", dlq, env={"REDRESS_KAFKA_BOOTSTRAP": broker.bootstrap})
    assert "5 dead letter(s)" in output
