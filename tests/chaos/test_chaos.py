"""The fault-injection run in short: complaints under a steady load while each service and the broker are killed
with SIGKILL once and started again; afterwards every database holds each acknowledged complaint exactly once,
every event was handled once by every service that reads it, every SLA clock is right, and poison events of every
kind end in the dead-letter topics without stopping anything. `make chaos` runs the same with 10,000 complaints."""

import os

import pytest

from bench.chaos import VICTIMS, parse, run
from tests.conftest import DEFAULT_POSTGRES_URL

pytestmark = pytest.mark.slow

COMPLAINTS = 200


async def test_nothing_is_lost_or_applied_twice_when_each_process_is_killed_once(tmp_path):
    database = os.environ.get("REDRESS_TEST_DB", "sqlite")
    admin_url = os.environ.get("REDRESS_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    options = parse(["--complaints", str(COMPLAINTS), "--rate", "10", "--down", "2", "--database", database,
                     "--postgres-url", admin_url, "--keep", str(tmp_path)])

    outcome = await run(options)

    assert [kill.victim for kill in outcome.kills] == list(VICTIMS)
    assert all(kill.back_after_s > 0 for kill in outcome.kills)
    [broker] = [kill for kill in outcome.kills if kill.victim == "broker"]
    assert "queued for publishing again" in broker.republished
    assert len(outcome.load.acknowledged) == COMPLAINTS and not outcome.load.given_up
    failed = [check.what for check in outcome.checks if check.blocking and not check.ok]
    assert not failed, f"{outcome.summary()}\n{outcome.table()}\nlogs in {tmp_path}"
