"""The retention job: erases complaints that ended longer ago than their tenant's retention period
(`retention_days_by_tenant`, else `retention_days`), a batch per transaction, until none is left, then sleeps.
Safe with several replicas: each batch is claimed with SKIP LOCKED."""

import asyncio
from collections.abc import Callable
from typing import cast

from services.intake.erasure import domain, service
from services.intake.settings import IntakeSettings
from services.intake.uow import IntakeUow
from shared.runtime import ServiceRuntime

BATCH_SIZE = 200
# Retention is counted in days: an hour late is on time, and a quiet database is not polled.
ROUND_INTERVAL_S = 3600.0


async def erase_expired_complaints(runtime: ServiceRuntime) -> None:
    """Runs until cancelled; ends at once when every tenant's complaints are kept for ever (0 days)."""
    settings = runtime.settings
    assert isinstance(settings, IntakeSettings)
    rules = [rule for rule in domain.retention_rules(settings.retention_days, settings.retention_days_by_tenant)
             if rule.days > 0]
    if not rules:
        return
    new_uow = cast(Callable[[], IntakeUow], runtime.new_uow)
    while True:
        for rule in rules:
            while await service.erase_expired(new_uow(), rule, limit=BATCH_SIZE) >= BATCH_SIZE:
                pass
        await asyncio.sleep(ROUND_INTERVAL_S)
