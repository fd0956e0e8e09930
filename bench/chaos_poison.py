"""The dead-letter round of a chaos run: poison events of every kind on every topic land in `<topic>.dlq`, once per
consumer group that reads the topic, and stop nothing; `redress dlq list` shows them and `redress dlq replay` sends
them back once, where (no consumer understanding them yet) they are dead-lettered again and applied nowhere."""

import asyncio
import json
import time
from collections import Counter
from datetime import UTC, datetime
from uuid import UUID, uuid4

import httpx
from sqlalchemy import func, select

from bench.chaos_checks import Check
from bench.chaos_processes import Platform, complaint_body
from bench.report import stderr
from shared.contracts import REGISTRY, dlq_topic
from shared.db import Database
from shared.messaging import dlq
from shared.messaging.cloudevents import encode_headers
from shared.messaging.kafka import new_producer
from shared.messaging.tables import inbox

LETTERS_WITHIN_S = 120.0


def poison(topic: str) -> dict[str, tuple[bytes, list[tuple[str, str]]]]:
    """Value and headers of each kind of poison for `topic`, keyed by the error the consumer must name."""
    known = next(event.ce_type for event in REGISTRY.events if event.topic == topic)

    def headers(ce_type: str | None) -> list[tuple[str, str]]:
        key = str(uuid4())
        pairs = [("ce_specversion", "1.0"), ("ce_id", str(uuid4())), ("ce_source", "chaos"),
                 ("ce_time", datetime.now(UTC).isoformat()), ("ce_subject", key), ("content-type", "application/json")]
        return pairs + ([("ce_type", ce_type)] if ce_type else [])

    valid_looking = json.dumps({"complaint_id": str(uuid4())}).encode()
    return {
        "MissingHeader": (valid_looking, headers(None)),
        "BadJson": (b'{"complaint_id": ', headers(known)),
        "UnknownEventType": (valid_looking, headers("redress.chaos.unheard-of.v1")),
        "InvalidEventData": (json.dumps({"complaint_id": "not-a-uuid"}).encode(), headers(known)),
    }


async def inbox_rows(platform: Platform) -> int:
    total = 0
    for url in platform.urls.values():
        database = Database(url)
        try:
            async with database.engine.connect() as connection:
                total += (await connection.execute(select(func.count()).select_from(inbox))).scalar_one()
        finally:
            await database.dispose()
    return total


async def letters_when(platform: Platform, count: int) -> list[dlq.DeadLetter]:
    """The pending dead letters once there are at least `count` (or whatever there is after the deadline)."""
    topics = [dlq_topic(t) for t in REGISTRY.topics]
    deadline = time.monotonic() + LETTERS_WITHIN_S
    while True:
        letters = await dlq.list_dead_letters(platform.bootstrap, topics)
        if len(letters) >= count or time.monotonic() > deadline:
            return letters
        await asyncio.sleep(1.0)


def letters_check(what: str, letters: list[dlq.DeadLetter], expected: Counter[tuple[str, str, str]]) -> Check:
    """One letter per (poison ce_id, error, consumer group), as many times as expected."""
    found = Counter((f.get("ce_id", "?"), f.get("dlq_error_type", "?"), f.get("dlq_consumer_group", "?"))
                    for f in (letter.facts for letter in letters))
    problems = [f"{n - found[k]} missing of {k}" for k, n in expected.items() if found[k] < n]
    problems += [f"{n - expected[k]} more than expected of {k}" for k, n in found.items() if n > expected[k]]
    return Check(what, sum(expected.values()), sum(found.values()), problems)


async def send_poison(platform: Platform) -> list[tuple[str, str, str]]:
    """Send each kind of poison to each topic; returns (ce_id, error, topic) of each."""
    sent = []
    producer = new_producer(platform.bootstrap, client_id="redress-chaos-poison")
    await producer.start()
    try:
        for topic in REGISTRY.topics:
            for error, (value, pairs) in poison(topic).items():
                headers = dict(pairs)
                await producer.send_and_wait(topic, value, key=headers["ce_subject"].encode(),
                                             headers=encode_headers(pairs))
                sent.append((headers["ce_id"], error, topic))
    finally:
        await producer.stop()
    return sent


async def still_working(platform: Platform) -> list[str]:
    """A complaint filed after the poison is handled by routing: nothing is stuck behind a poison event."""
    async with httpx.AsyncClient(base_url=platform.services["intake"].base_url, timeout=15,
                                 headers=platform.headers) as client:
        answer = await client.post("/v1/complaints", json=complaint_body(uuid4().hex[:8], 0))
        if answer.status_code != 201:
            return [f"intake answered {answer.status_code}"]
        complaint = UUID(answer.json()["id"])
    async with httpx.AsyncClient(base_url=platform.services["routing"].base_url, timeout=15,
                                 headers=platform.headers) as client:
        deadline = time.monotonic() + LETTERS_WITHIN_S
        while time.monotonic() < deadline:
            if (await client.get(f"/v1/cases/{complaint}")).status_code == 200:
                return []
            await asyncio.sleep(0.5)
    return [f"routing has no case for {complaint} after the poison"]


async def poison_round(platform: Platform, groups: dict[str, list[str]]) -> list[Check]:
    readers = {topic: sorted(g for g, topics in groups.items() if topic in topics) for topic in REGISTRY.topics}
    applied_before = await inbox_rows(platform)
    stderr.log("poison: sending every kind of poison event to every topic")
    sent = await send_poison(platform)
    expected = Counter((ce_id, error, group) for ce_id, error, topic in sent for group in readers[topic])
    letters = await letters_when(platform, sum(expected.values()))
    checks = [letters_check("poison events dead-lettered, one per reading group", letters, expected)]
    listed = platform.redress("dlq", "list").strip().splitlines()[-1]
    checks.append(Check("`redress dlq list` shows them", sum(expected.values()), int(listed.split()[0])))
    replayed = platform.redress("dlq", "replay").strip().splitlines()[-1]
    checks.append(Check("`redress dlq replay` sends each back once", sum(expected.values()),
                        int(replayed.split()[1])))
    # Each group's letter goes back to the topic, where every reading group dead-letters it again.
    again = Counter({key: n * len(readers[topic]) for (ce_id, error, topic) in sent
                     for key, n in expected.items() if key[0] == ce_id})
    checks.append(letters_check("replayed poison dead-lettered again (no consumer understands it yet)",
                                await letters_when(platform, sum(again.values())), again))
    added = await inbox_rows(platform) - applied_before
    checks.append(Check("events applied from poison or its replay (inbox rows added)", 0, added))
    checks.append(Check("a complaint filed after the poison gets its case", 1, 1, await still_working(platform)))
    return checks
