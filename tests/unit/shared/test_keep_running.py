import asyncio

import pytest
from aiokafka.errors import KafkaConnectionError

from shared.messaging import kafka


async def test_waits_grow_while_failing_and_start_small_after_a_healthy_run(monkeypatch):
    waits: list[float] = []
    real_sleep = asyncio.sleep

    async def recorded_sleep(seconds: float) -> None:
        waits.append(seconds)
        await real_sleep(0)

    outcomes = iter(["fail", "fail", "fail", "healthy", "fail", "stop"])

    async def attempt() -> None:
        outcome = next(outcomes)
        if outcome == "healthy":
            await real_sleep(0.05)
            raise RuntimeError("connection dropped after a good while")
        if outcome == "stop":
            raise asyncio.CancelledError
        raise KafkaConnectionError("no broker")

    async def broker_answers(bootstrap: str, **_: float) -> None:
        return None

    monkeypatch.setattr(kafka.asyncio, "sleep", recorded_sleep)
    monkeypatch.setattr(kafka, "wait_for_kafka", broker_answers)
    with pytest.raises(asyncio.CancelledError):
        await kafka.keep_running(attempt, what="test", bootstrap="127.0.0.1:1", healthy_run_s=0.04)
    assert waits == [0.5, 1.0, 2.0, 0.5, 1.0]
