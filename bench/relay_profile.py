"""`python -m bench --profile`: where a relay drain on SQLite spends its time, next to raw produce.

Three untimed-by-the-benchmark passes: raw produce and a relay drain with wall and CPU clocks around the
relay's phases (`unsent`, `send`, `acknowledged`, `mark_sent`; they overlap under a backlog), then a drain
under cProfile for the function view.
cProfile sees only the event loop's thread: aiosqlite's worker thread shows up as time waited for.
"""

import cProfile
import io
import pstats
import resource
from collections.abc import Iterator
from contextlib import contextmanager
from time import perf_counter
from typing import Any

from aiokafka import AIOKafkaProducer

from bench.databases import sqlite_database
from bench.relay import Messages, Plan, drain, fill_outbox, send_all, started_producer, warm_up, wire_messages, workload
from bench.report import Tracker
from shared.contracts.complaint import ComplaintReceivedV1
from shared.messaging import outbox as relay_module
from shared.messaging.outbox import OutboxRelay
from shared.settings import ServiceSettings

PHASES = ("unsent", "send", "acknowledged", "mark_sent")
TOP_FUNCTIONS = 25
Clocks = dict[str, list[float]]


def cpu_seconds() -> float:
    """CPU of this process, every thread included (aiosqlite works in one of its own)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def clocked() -> Iterator[list[float]]:
    spent = [0.0, 0.0]
    wall, cpu = perf_counter(), cpu_seconds()
    yield spent
    spent[0], spent[1] = perf_counter() - wall, cpu_seconds() - cpu


@contextmanager
def phase_clocks() -> Iterator[Clocks]:
    """Wrap the relay's module-level phases in clocks for as long as the block runs; restores them after."""
    clocks: Clocks = {name: [0.0, 0.0] for name in PHASES}
    originals = {name: getattr(relay_module, name) for name in PHASES}
    for name, original in originals.items():
        setattr(relay_module, name, _clocked(original, clocks[name]))
    try:
        yield clocks
    finally:
        for name, original in originals.items():
            setattr(relay_module, name, original)


def _clocked(function: Any, total: list[float]) -> Any:
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        with clocked() as spent:
            result = await function(*args, **kwargs)
        total[0] += spent[0]
        total[1] += spent[1]
        return result

    return wrapper


async def relay_pass(producer: AIOKafkaProducer, events: list[ComplaintReceivedV1], *, settings: ServiceSettings,
                     profiler: cProfile.Profile | None = None) -> tuple[list[float], Clocks]:
    async with sqlite_database() as database:
        await fill_outbox(database, events, step=lambda _: None)
        relay = OutboxRelay(database, settings)
        with phase_clocks() as clocks, clocked() as spent:
            if profiler:
                profiler.enable()
            await drain(relay, producer, events=len(events), step=lambda _: None)
            if profiler:
                profiler.disable()
        await relay.lease.release()
    return spent, clocks


async def raw_pass(producer: AIOKafkaProducer, messages: Messages, *, batch_size: int) -> list[float]:
    with clocked() as spent:
        await send_all(producer, messages, batch_size=batch_size, step=lambda _: None)
    return spent


async def profile_relay(plan: Plan, *, bootstrap: str, tracker: Tracker) -> str:
    events = workload(plan.events)
    messages = wire_messages(events)
    settings = ServiceSettings(kafka_bootstrap=bootstrap, outbox_batch_size=plan.batch_size)
    profiler = cProfile.Profile()
    producer = await started_producer(bootstrap)
    try:
        await warm_up(producer, messages, batch_size=plan.batch_size)
        tracker.note("profiling: raw produce, a clocked relay drain, a drain under cProfile")
        raw = await raw_pass(producer, messages, batch_size=plan.batch_size)
        relay, clocks = await relay_pass(producer, events, settings=settings)
        await relay_pass(producer, events, settings=settings, profiler=profiler)
    finally:
        await producer.stop()
    return "\n\n".join([phase_report(plan, raw=raw, relay=relay, clocks=clocks), function_report(profiler)])


def phase_report(plan: Plan, *, raw: list[float], relay: list[float], clocks: Clocks) -> str:
    count = plan.events
    lines = [f"{count:,} events, batches of {plan.batch_size}, relay on SQLite; per event, wall and CPU "
             "of this process (all threads):",
             _line("raw produce", raw, count),
             _line("relay drain", relay, count)]
    lines += [f"{_line(f'  {name}', clocks[name], count)}   {clocks[name][0] / relay[0]:4.0%} of the drain"
              for name in PHASES]
    lines.append(f"relay / raw: {raw[0] / relay[0]:.2f} of raw throughput")
    return "\n".join(lines)


def _line(label: str, spent: list[float], count: int) -> str:
    wall, cpu = (value / count * 1e6 for value in spent)
    return f"{label:<14} {count / spent[0]:>9,.0f} events/s   wall {wall:5.1f} µs   cpu {cpu:5.1f} µs"


def function_report(profiler: cProfile.Profile) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats("tottime").print_stats(TOP_FUNCTIONS)
    return "cProfile of a second relay drain (event-loop thread only), by own time:\n" + out.getvalue().strip()
