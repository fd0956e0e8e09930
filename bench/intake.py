"""Durable intake throughput and latency next to a bare FastAPI endpoint, measured in one run.

Both servers are real processes with one uvicorn worker each (uvloop, httptools), started one after the other on
the same machine. Redress is `redress serve intake` on a fresh SQLite file with its relay, consumer and
notification job running against an embedded broker: each 201 is a committed complaint row, its public step, its
notification and its outbox event. The bare endpoint parses the same body into the same pydantic model
(ComplaintIn) and answers 201 without storing anything. One load generator (raw asyncio HTTP/1.1 over keep-alive
connections) sends both the same bodies, with the same frontend API key in X-API-Key (intake checks it; its
cache of keys spares each request the query, as in production; the bare endpoint ignores the header):

- saturation: N connections, each sending its next request as soon as the answer came (closed loop);
- fixed rate: requests at half of Redress's saturation rate on a schedule (open loop), latency counted from the
  scheduled time, so a stalled server cannot hide its queue (no coordinated omission).
"""

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import uvloop
from fastapi import FastAPI

from bench import processes
from bench.processes import HOST, running
from bench.report import (
    Tracker,
    machine,
    markdown_table,
    median,
    now_iso,
    per_second,
    percentile,
    stderr,
    tracker,
)
from services.intake.schemas import ComplaintIn
from shared.auth.keys import IssuedKey
from shared.auth.roles import Role
from shared.broker import EmbeddedBroker, free_port

GOAL_RATIO = 0.5
GOAL_P99_MS = 50.0
PATH = "/v1/complaints"
ID_WIDTH = 10
DESCRIPTION = (
    "I was charged twice for order {n} on my card ending 4111 and the second charge has not been refunded "
    "although your agent promised it within five working days. The parcel itself arrived late and damaged, the "
    "box was crushed and one of the two cups inside was broken. I called the hotline three times, waited more "
    "than forty minutes each time, and was told each time that someone would call me back, which never "
    "happened. Please refund the second charge, replace the broken cup and tell me why nobody called back. You "
    "can reach me on +44 20 7946 0958 or at ann.lee@example.com. I have attached the bank statement and a photo "
    "of the damaged parcel."
)


Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]
_percentile = percentile  # the name other benchmarks import from here


@dataclass(frozen=True)
class Plan:
    seconds: float
    connections: int
    repeat: int
    warmup_s: float = 2.0


@dataclass
class Run:
    """What one load phase saw: answers by status, and each answered request's latency."""

    seconds: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)
        return {"requests_per_s": round(self.rate), "answered": len(ordered),
                "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
                "p50_ms": _ms(percentile(ordered, 0.50)), "p90_ms": _ms(percentile(ordered, 0.90)),
                "p99_ms": _ms(percentile(ordered, 0.99)), "max_ms": _ms(ordered[-1] if ordered else 0.0)}


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


class Bodies:
    """The same submission each time, but from a new customer (new id, so no duplicate and no repeat), with a
    fixed length so the request head (with `headers`, such as the API key) is prepared once."""

    def __init__(self, headers: Mapping[str, str] | None = None) -> None:
        body = ComplaintIn.model_validate({
            "channel": "web", "subject": "Charged twice and the parcel arrived broken",
            "description": DESCRIPTION.format(n="8" * ID_WIDTH),
            "customer": {"id": "c" * ID_WIDTH, "name": "Ann Lee", "email": "ann.lee@example.com",
                         "phone": "+44 20 7946 0958", "tier": "gold", "locale": "en-GB"},
            "product_ref": "SKU-1042", "region": "London",
        }).model_dump_json(exclude_none=True).encode()
        head, _, tail = body.partition(("c" * ID_WIDTH).encode())
        self.parts = (head, tail)
        extra = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
        self.head = (f"POST {PATH} HTTP/1.1\r\nhost: {HOST}\r\ncontent-type: application/json\r\n{extra}"
                     f"content-length: {len(body)}\r\n\r\n").encode()
        self.size = len(body)
        self.count = 0

    def next(self) -> bytes:
        self.count += 1
        return self.head + self.parts[0] + f"{os.getpid() % 1000:03d}{self.count:0{ID_WIDTH - 3}d}".encode() \
            + self.parts[1]


async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> tuple[int, bytes]:
    """Send one request on a keep-alive connection and read its answer: status and body."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return status, await reader.readexactly(length)


@contextlib.asynccontextmanager
async def open_connections(port: int, count: int) -> AsyncIterator[list[Connection]]:
    opened = [await asyncio.open_connection(HOST, port) for _ in range(count)]
    try:
        yield opened
    finally:
        for _, writer in opened:
            writer.close()


async def saturate(port: int, bodies: Bodies, *, connections: int, seconds: float) -> Run:
    """Closed loop: every connection sends its next request when the last one was answered."""
    run = Run()
    started = time.perf_counter()
    stop = started + seconds

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while (sent := time.perf_counter()) < stop:
            status, _ = await exchange(reader, writer, bodies.next())
            run.latencies.append(time.perf_counter() - sent)
            run.statuses[status] = run.statuses.get(status, 0) + 1

    async with open_connections(port, connections) as opened:
        await asyncio.gather(*(client(r, w) for r, w in opened))
    run.seconds = time.perf_counter() - started
    return run


async def at_rate(port: int, bodies: Bodies, *, rate: float, seconds: float, connections: int) -> Run:
    """Open loop: request i is due at start + i/rate; its latency runs from then, waiting for a free connection
    included."""
    run = Run()
    async with open_connections(port, connections) as opened:
        free: asyncio.Queue[Connection] = asyncio.Queue()
        for pair in opened:
            free.put_nowait(pair)
        loop = asyncio.get_running_loop()
        start = loop.time() + 0.05

        async def one(due: float) -> None:
            reader, writer = await free.get()
            try:
                status, _ = await exchange(reader, writer, bodies.next())
            finally:
                free.put_nowait((reader, writer))
            run.latencies.append(loop.time() - due)
            run.statuses[status] = run.statuses.get(status, 0) + 1

        tasks = []
        for i in range(int(rate * seconds)):
            due = start + i / rate
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(due)))
        await asyncio.gather(*tasks)
        run.seconds = loop.time() - start
    return run


def bare_app() -> FastAPI:
    """The baseline: the same body parsed into the same model, answered 201, nothing stored."""
    app = FastAPI()

    @app.post(PATH, status_code=201)
    async def submit(body: ComplaintIn) -> dict[str, str]:
        return {"status": "received", "channel": body.channel.value}

    return app


def intake_server(folder: Path, bootstrap: str, port: int, key: IssuedKey) -> contextlib.AbstractContextManager[Any]:
    """`redress serve intake` on a fresh database in `folder` that knows `key`."""
    command = processes.service("intake", folder, bootstrap, port)
    processes.store_key(key, [command])
    return running([command])


def bare_server(folder: Path, port: int) -> contextlib.AbstractContextManager[Any]:
    command = [sys.executable, "-m", "uvicorn", "bench.intake:bare_app", "--factory", "--host", HOST, "--port",
               str(port), "--workers", "1", "--log-level", "warning", "--no-access-log"]
    return running([processes.Command(argv=command, port=port, log=folder / "bare.log")])


@dataclass
class Measured:
    redress: list[Run] = field(default_factory=list)
    bare: list[Run] = field(default_factory=list)
    fixed_rate: Run | None = None
    rate: float = 0.0


def measure(plan: Plan, *, progress: Tracker) -> Measured:
    measured = Measured()
    key = processes.new_key(Role.FRONTEND, name="bench-intake")  # what a channel's frontend holds
    bodies = Bodies(processes.auth_headers(key))
    with TemporaryDirectory(prefix="redress-bench-intake-") as name:
        folder = Path(name)
        broker = EmbeddedBroker(port=free_port(), log_path=folder / "tansu.log")
        with broker:
            progress.note(f"broker at {broker.bootstrap}")
            for _ in range(plan.repeat):
                with bare_server(folder, port := free_port()):
                    measured.bare.append(_phase(port, bodies, plan, progress, "bare FastAPI endpoint"))
                with intake_server(folder / f"r{len(measured.redress)}", broker.bootstrap, port := free_port(), key):
                    measured.redress.append(_phase(port, bodies, plan, progress, "Redress intake"))
                    if len(measured.redress) == plan.repeat:
                        measured.rate = median([run.rate for run in measured.redress]) / 2
                        progress.note(f"fixed rate: {measured.rate:,.0f} requests/s for {plan.seconds:.0f} s")
                        measured.fixed_rate = uvloop.run(at_rate(port, bodies, rate=measured.rate,
                                                                  seconds=plan.seconds,
                                                                  connections=plan.connections * 2))
    return measured


def _phase(port: int, bodies: Bodies, plan: Plan, progress: Tracker, label: str) -> Run:
    async def go() -> Run:
        await saturate(port, bodies, connections=plan.connections, seconds=plan.warmup_s)
        return await saturate(port, bodies, connections=plan.connections, seconds=plan.seconds)
    run = uvloop.run(go())
    progress.note(f"{label}: {run.rate:,.0f} requests/s, p99 {_ms(percentile(sorted(run.latencies), 0.99))} ms")
    return run


def results(plan: Plan, measured: Measured) -> dict[str, Any]:
    redress = median([r.rate for r in measured.redress])
    bare = median([r.rate for r in measured.bare])
    fixed = measured.fixed_rate.summary() if measured.fixed_rate else None
    ratio = redress / bare if bare else 0.0
    return {
        "benchmark": "durable intake vs bare FastAPI endpoint",
        "machine": machine(),
        "connections": plan.connections,
        "seconds": plan.seconds,
        "repeat": plan.repeat,
        "body_bytes": Bodies().size,
        "bare": {"requests_per_s": round(bare), "runs": [r.summary() for r in measured.bare]},
        "redress": {"requests_per_s": round(redress), "runs": [r.summary() for r in measured.redress]},
        "ratio": round(ratio, 3),
        "fixed_rate": {"target_per_s": round(measured.rate), **(fixed or {})},
        "goal": f"Redress >= {GOAL_RATIO:.0%} of bare; p99 < {GOAL_P99_MS:.0f} ms at half of Redress's saturation",
        "met": {"ratio": ratio >= GOAL_RATIO, "p99": bool(fixed and fixed["p99_ms"] < GOAL_P99_MS)},
        "measured_at": now_iso(),
    }


def markdown(data: dict[str, Any]) -> list[str]:
    rows = []
    for name, label in (("bare", "bare FastAPI endpoint (parse ComplaintIn, 201)"),
                        ("redress", "Redress intake (row + step + notification + outbox, SQLite)")):
        best = data[name]
        runs = best["runs"]
        rows.append([label, f"saturation, {data['connections']} connections", per_second(best["requests_per_s"]),
                     ", ".join(per_second(r["requests_per_s"]) for r in runs),
                     median([r["p50_ms"] for r in runs]), median([r["p99_ms"] for r in runs])])
    fixed = data["fixed_rate"]
    if "p99_ms" in fixed:
        rows.append(["Redress intake", f"fixed rate {per_second(fixed['target_per_s'])}/s (open loop)",
                     per_second(fixed["requests_per_s"]), "", fixed["p50_ms"], fixed["p99_ms"]])
    header = ["server", "load", "requests/s (median)", f"runs ({data['repeat']})", "p50 ms", "p99 ms"]
    facts = (f"POST {PATH} with a {data['body_bytes']} B JSON body (a new customer each time: no duplicates, no "
             f"repeats) and a frontend API key (checked by Redress), one uvicorn worker per server, "
             f"{data['seconds']:.0f} s per phase; measured {data['measured_at']}.")
    ratio = (f"Ratio Redress/bare: **{data['ratio']:.0%}** (goal ≥ {GOAL_RATIO:.0%}: "
             f"{'met' if data['met']['ratio'] else 'not met'}); p99 at half of Redress's saturation rate: "
             f"**{fixed.get('p99_ms', '–')} ms** (goal < {GOAL_P99_MS:.0f} ms: "
             f"{'met' if data['met']['p99'] else 'not met'}).")
    caveat = (f"The load generator, the server, the broker and the relay share this machine's "
              f"{data['machine']['cpus']} cores: the load generator takes CPU from the server, the bare endpoint "
              "most of all, so its rate (and with it the ratio's denominator) is a lower bound.")
    return [facts, markdown_table(header, rows), ratio, caveat]


def run(out: Path, plan: Plan) -> str:
    from bench.report import write_json, write_markdown

    with tracker() as progress:
        measured = measure(plan, progress=progress)
    data = results(plan, measured)
    json_path = write_json(out / "intake.json", data)
    md_path = write_markdown(out / "intake.md", title="Durable intake vs a bare FastAPI endpoint",
                             blocks=markdown(data))
    stderr.log(f"wrote {json_path} and {md_path}")
    return "\n".join(markdown(data)[1:3])
