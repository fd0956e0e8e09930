"""Periodic work of analytics, safe with several replicas: hotspot sweeps (a lease picks one replica per sweep;
a unique row per tenant, value and day makes each insight go out once) and the scheduled CX reports (one claim
per period and tenant; one report per tenant, the default tenant's where they were before tenants, the others'
under tenants/<tenant>/)."""

import asyncio
import logging
import os
import re
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

from services.feedback.analytics import service
from services.feedback.analytics.periods import next_period_start, previous_period
from services.feedback.analytics.reports import build_report
from services.feedback.analytics.settings import AnalyticsSettingsMixin
from services.feedback.rounds import uninterrupted
from shared.contracts.base import DEFAULT_TENANT
from shared.runtime import BackgroundJob, ServiceRuntime

log = logging.getLogger(__name__)
HOLDER = f"{socket.gethostname()}:{os.getpid()}"
# A tenant's name becomes a folder name: only names as tenants are spelt (shared.auth.tokens.TENANT_NAME) may.
FOLDER_SAFE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


def _settings(runtime: ServiceRuntime) -> AnalyticsSettingsMixin:
    settings = runtime.settings
    assert isinstance(settings, AnalyticsSettingsMixin)
    return settings


async def detect_hotspots(runtime: ServiceRuntime) -> None:
    """Runs until cancelled: a sweep every hotspot_interval_s, by whichever replica holds the lease."""
    settings = _settings(runtime)
    while True:
        await uninterrupted(sweep_once(runtime, now=datetime.now(UTC)))
        await asyncio.sleep(settings.hotspot_interval_s)


async def sweep_once(runtime: ServiceRuntime, *, now: datetime) -> int:
    settings = _settings(runtime)
    if not await service.claim(runtime.new_uow(), job="hotspots", key="sweep", holder=HOLDER,
                               lease=timedelta(seconds=settings.hotspot_lease_s), now=now):
        return 0
    found = await service.sweep_hotspots(runtime.new_uow(), now=now, baseline_days=settings.hotspot_baseline_days,
                                         sigmas=settings.hotspot_sigmas, min_count=settings.hotspot_min_count)
    for hotspot in found:
        log.info("hotspot: %s %s had %d complaints on %s (usual %.2f)", hotspot.dimension, hotspot.value,
                 hotspot.count, hotspot.window_start.date(), hotspot.expected)
    return len(found)


async def write_scheduled_reports(runtime: ServiceRuntime) -> None:
    """Runs until cancelled: writes each finished period's report once, then sleeps until the next period ends."""
    settings = _settings(runtime)
    while True:
        now = datetime.now(UTC)
        await uninterrupted(write_due_reports(runtime, now=now))
        if not settings.report_kinds:
            wait = settings.report_check_s
        else:
            upcoming = min(next_period_start(kind, now) for kind in settings.report_kinds)
            wait = min(max((upcoming - now).total_seconds(), 1.0), settings.report_check_s)
        await asyncio.sleep(wait)


async def write_due_reports(runtime: ServiceRuntime, *, now: datetime) -> list[Path]:
    """The previous period's report of every scheduled kind and tenant that no replica has written yet."""
    settings = _settings(runtime)
    written: list[Path] = []
    tenants = await service.known_tenants(runtime.database)
    for kind in settings.report_kinds:
        start, end = previous_period(kind, now)
        for tenant in sorted({DEFAULT_TENANT, *filter(FOLDER_SAFE.fullmatch, tenants)}):
            written += await _write_report(runtime, kind=kind, tenant=tenant, start=start, end=end, now=now)
    return written


async def _write_report(runtime: ServiceRuntime, *, kind: str, tenant: str, start: datetime, end: datetime,
                        now: datetime) -> list[Path]:
    settings = _settings(runtime)
    key = f"{kind}:{start.date().isoformat()}" + ("" if tenant == DEFAULT_TENANT else f":{tenant}")
    if not await service.claim(runtime.new_uow(), job="report", key=key, holder=HOLDER,
                               lease=timedelta(seconds=settings.report_lease_s), now=now):
        return []
    report = await build_report(runtime.database, tenant=tenant, start=start, end=end,
                                target=settings.resolution_satisfaction_target,
                                title=f"CX report, {kind}, {start.date()} – {end.date()}")
    root = Path(settings.reports_dir) if tenant == DEFAULT_TENANT else Path(settings.reports_dir) / "tenants" / tenant
    folder = root / kind / f"{start.date()}_{end.date()}"
    written = await asyncio.to_thread(report.write, folder)
    await service.finish(runtime.new_uow(), job="report", key=key, now=datetime.now(UTC))
    log.info("wrote the %s CX report of %s for %s – %s to %s", kind, tenant, start.date(), end.date(), folder)
    return written


analytics_jobs: list[BackgroundJob] = [detect_hotspots, write_scheduled_reports]
