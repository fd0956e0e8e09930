"""`GET /v1/complaints` on an intake database holding 1,000,000 complaints: p50/p99 per query shape.

The database is intake's own SQLite file, migrated to head, then filled directly (one executemany per 50,000
rows, not through the API: filing a million complaints through intake would take the whole run). The rows look
like a year of traffic: received evenly over 365 days, 10 complaints per customer, channels, statuses and kinds
in fixed proportions, 1 % linked duplicates. Then a real intake process (`redress serve intake`, one uvicorn
worker, its relay and consumer running against an embedded broker) answers one client (with an admin API key
in X-API-Key) on one keep-alive connection, request after request, for each query shape; every request varies
its customer, window or cursor. A shape gets up to `requests` requests, but stops after about `shape_s` seconds
once it has MIN_REQUESTS (a query that sorts the whole table takes many seconds each).

Two variants in the same run, one server each: the database as intake's migrations leave it, and the same file
with PROPOSED_INDEX in place of 0005's index on duplicate_of.
"""

import asyncio
import random
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import httpx

from bench import processes
from bench.intake import HOST, intake_server
from bench.report import Tracker, load_average, machine, markdown_table, now_iso, stderr, tracker
from services.catalog import SERVICES
from services.intake.repository import encode_cursor
from shared.auth.roles import Role
from shared.broker import EmbeddedBroker, free_port
from shared.migrations import upgrade

START = datetime(2025, 11, 1, tzinfo=UTC)
SPAN = timedelta(days=365)
PER_CUSTOMER = 10
CHUNK = 50_000
LIMIT = 50
GOAL_P99_MS = 100.0
MIN_REQUESTS = 2

# 0005's index on duplicate_of also holds the 99 % of rows that are NULL, so SQLite takes it for the listing's
# default `duplicate_of IS NULL` and sorts the whole table; a partial index serves duplicate_of = ? and IS NOT
# NULL alike and cannot be taken for IS NULL.
PROPOSED_INDEX = "CREATE INDEX ix_complaint_duplicate_of ON complaint (duplicate_of) WHERE duplicate_of IS NOT NULL"
VARIANTS: dict[str, tuple[str, ...]] = {
    "as migrated": (),
    "partial index": ("DROP INDEX ix_complaint_duplicate_of", PROPOSED_INDEX),
}

CHANNELS = {"web": 40, "email": 25, "app": 15, "phone": 12, "wechat": 5, "social": 3}
STATUSES = {"closed": 40, "resolved": 20, "in_progress": 12, "assigned": 8, "responded": 8,
            "awaiting_customer": 4, "classified": 3, "received": 2, "reopened": 2, "withdrawn": 1}
KINDS = {"complaint": 90, "suggestion": 7, "praise": 3}
LINKED_SHARE = 0.01

COLUMNS = ("id", "tracking_number", "kind", "channel", "status", "region", "customer_id", "customer_name",
           "customer_email", "customer_tier", "subject", "description", "language", "attachments", "consent",
           "received_at", "acknowledged_at", "expected_response_by", "duplicate_of", "repeat", "fingerprint",
           "status_at")
DESCRIPTION = ("The parcel for order {n} arrived two weeks late and damaged; nobody answered my three calls. "
               "Please refund the delivery charge.")


@dataclass(frozen=True)
class Plan:
    rows: int
    requests: int
    shape_s: float
    seed: int = 7


def plan(*, quick: bool) -> Plan:
    return Plan(rows=100_000, requests=50, shape_s=3) if quick else Plan(rows=1_000_000, requests=300, shape_s=10)


def stored_time(moment: datetime) -> str:
    """A UTC time as SQLAlchemy's UtcDateTime stores it in SQLite (naive, microseconds)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def received_at(i: int, rows: int) -> datetime:
    """Row i of `rows`, received evenly over SPAN from START (oldest first)."""
    return START + SPAN * (i / rows)


def customer_of(i: int, rows: int) -> str:
    return f"cust-{i % max(1, rows // PER_CUSTOMER):07d}"


def _pick(rng: random.Random, weights: dict[str, int], count: int) -> list[str]:
    return rng.choices(list(weights), weights=list(weights.values()), k=count)


def complaint_rows(start: int, count: int, rows: int, rng: random.Random) -> Iterator[tuple[Any, ...]]:
    """Rows start..start+count-1 of the table, in COLUMNS order and SQLite storage form."""
    channels, statuses, kinds = (_pick(rng, w, count) for w in (CHANNELS, STATUSES, KINDS))
    earlier: str | None = None
    for k in range(count):
        i = start + k
        complaint_id = uuid.UUID(int=rng.getrandbits(128), version=4).hex
        at = received_at(i, rows)
        linked = earlier is not None and rng.random() < LINKED_SHARE
        yield (complaint_id, f"RD-B{i:09d}", kinds[k], channels[k], statuses[k], "London", customer_of(i, rows),
               "Ann Lee", f"{customer_of(i, rows)}@example.com", "gold",
               "Parcel late and damaged", DESCRIPTION.format(n=i), "en", "[]", '{"contact": true}',
               stored_time(at), stored_time(at), stored_time(at + timedelta(days=2)),
               earlier if linked else None, 0, "0" * 64, stored_time(at))
        earlier = complaint_id


def fill(path: Path, rows: int, *, seed: int, step: Callable[[int], None]) -> None:
    """Writes `rows` complaints into the migrated intake database at `path`, oldest first."""
    rng = random.Random(seed)
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA cache_size=-262144")
        insert = f"INSERT INTO complaint ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
        for start in range(0, rows, CHUNK):
            count = min(CHUNK, rows - start)
            with connection:
                connection.executemany(insert, complaint_rows(start, count, rows, rng))
            step(count)
    finally:
        connection.close()


@dataclass(frozen=True)
class Shape:
    name: str
    params: Callable[[random.Random, Plan, list[tuple[datetime, uuid.UUID]]], dict[str, Any]]


def _day(rng: random.Random, days: int = 1) -> dict[str, str]:
    day = START + timedelta(days=rng.randrange(365 - days))
    return {"received_from": day.isoformat(), "received_to": (day + timedelta(days=days)).isoformat()}


def _cursor(rng: random.Random, marks: list[tuple[datetime, uuid.UUID]]) -> str:
    at, complaint_id = rng.choice(marks)
    return encode_cursor(_Mark(received_at=at, id=complaint_id))  # type: ignore[arg-type]


@dataclass(frozen=True)
class _Mark:
    received_at: datetime
    id: uuid.UUID


SHAPES = (
    Shape("newest, no filter", lambda rng, p, m: {}),
    Shape("deep page (cursor mid-table)", lambda rng, p, m: {"cursor": _cursor(rng, m)}),
    Shape("status=in_progress (12 %)", lambda rng, p, m: {"status": "in_progress"}),
    Shape("status=withdrawn (1 %), deep page", lambda rng, p, m: {"status": "withdrawn", "cursor": _cursor(rng, m)}),
    Shape("channel=wechat (5 %)", lambda rng, p, m: {"channel": "wechat"}),
    Shape("customer_id (10 rows)", lambda rng, p, m: {"customer_id": customer_of(rng.randrange(p.rows), p.rows)}),
    Shape("one day (received_from/to)", lambda rng, p, m: _day(rng)),
    Shape("channel=email + one week", lambda rng, p, m: {"channel": "email", **_day(rng, 7)}),
    Shape("status=assigned + channel=phone", lambda rng, p, m: {"status": "assigned", "channel": "phone"}),
    Shape("kind=praise (3 %)", lambda rng, p, m: {"kind": "praise"}),
    Shape("linked=all, no filter", lambda rng, p, m: {"linked": "all"}),
)


def percentile(ordered: list[float], q: float) -> float:
    """The q-quantile of sorted values (nearest rank below); 0 for none."""
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def marks_of(path: Path, count: int, rng: random.Random) -> list[tuple[datetime, uuid.UUID]]:
    """Cursor positions of rows from the middle half of the table (the cursor's received_at and id)."""
    connection = sqlite3.connect(path)
    try:
        total = connection.execute("SELECT count(*) FROM complaint").fetchone()[0]
        found = []
        for _ in range(count):
            at, hex_id = connection.execute("SELECT received_at, id FROM complaint WHERE tracking_number = ?",
                                            (f"RD-B{rng.randrange(total // 4, 3 * total // 4):09d}",)).fetchone()
            found.append((datetime.fromisoformat(at).replace(tzinfo=UTC), uuid.UUID(hex_id)))
        return found
    finally:
        connection.close()


def measure(plan: Plan, *, progress: Tracker) -> dict[str, Any]:
    rng = random.Random(plan.seed)
    with TemporaryDirectory(prefix="redress-bench-listing-") as name:
        folder = Path(name)
        database = folder / "intake" / "intake.db"
        database.parent.mkdir()
        asyncio.run(upgrade(SERVICES["intake"].migrations_dir, f"sqlite+aiosqlite:///{database}"))
        began = time.perf_counter()
        with progress.step("filling the intake database", plan.rows) as step:
            fill(database, plan.rows, seed=plan.seed, step=step)
        fill_s = time.perf_counter() - began
        progress.note(f"{plan.rows:,} complaints written in {fill_s:.0f} s "
                      f"({database.stat().st_size / 2**20:,.0f} MiB)")
        marks = marks_of(database, 100, rng)
        variants: dict[str, dict[str, Any]] = {}
        broker = EmbeddedBroker(port=free_port(), log_path=folder / "tansu.log")
        with broker:
            for variant, statements in VARIANTS.items():
                _execute(database, statements)
                progress.note(f"-- {variant}")
                variants[variant] = {}
                key = processes.new_key(Role.ADMIN, name=f"bench-listing-{len(variants)}")  # one per server start
                with intake_server(database.parent, broker.bootstrap, port := free_port(), key), \
                        httpx.Client(base_url=f"http://{HOST}:{port}", timeout=120,
                                     headers=processes.auth_headers(key)) as client:
                    client.get("/v1/complaints", params={"limit": 1, "linked": "all"}).raise_for_status()
                    for shape in SHAPES:
                        found = variants[variant][shape.name] = _measure_shape(client, shape, plan, rng, marks)
                        progress.note(f"{shape.name}: p50 {found['p50_ms']} ms, p99 {found['p99_ms']} ms "
                                      f"({found['requests']} requests)")
        size = database.stat().st_size
    return {"fill_s": round(fill_s, 1), "database_mib": round(size / 2**20), "variants": variants}


def _execute(path: Path, statements: tuple[str, ...]) -> None:
    connection = sqlite3.connect(path)
    try:
        with connection:
            for statement in statements:
                connection.execute(statement)
    finally:
        connection.close()


def _measure_shape(client: httpx.Client, shape: Shape, plan: Plan, rng: random.Random,
                   marks: list[tuple[datetime, uuid.UUID]]) -> dict[str, Any]:
    latencies: list[float] = []
    items = 0
    stop = time.perf_counter() + plan.shape_s
    for n in range(plan.requests):
        if n >= MIN_REQUESTS and time.perf_counter() > stop:
            break
        params = {"limit": LIMIT, **shape.params(rng, plan, marks)}
        sent = time.perf_counter()
        answer = client.get("/v1/complaints", params=params)
        elapsed = time.perf_counter() - sent
        if answer.status_code != 200:
            raise RuntimeError(f"{shape.name}: {answer.status_code} {answer.text[:500]}")
        latencies.append(elapsed)
        items += len(answer.json()["items"])
    ordered = sorted(latencies)
    return {"requests": len(ordered), "mean_items": round(items / len(ordered), 1),
            "p50_ms": round(percentile(ordered, 0.5) * 1000, 1), "p99_ms": round(percentile(ordered, 0.99) * 1000, 1),
            "max_ms": round(ordered[-1] * 1000, 1)}


def results(plan: Plan, measured: dict[str, Any]) -> dict[str, Any]:
    met = {variant: max(shape["p99_ms"] for shape in shapes.values()) < GOAL_P99_MS
           for variant, shapes in measured["variants"].items()}
    return {"benchmark": "listing with many complaints stored", "machine": machine(), "load_average": load_average(),
            "rows": plan.rows,
            "requests_per_shape": plan.requests, "seconds_per_shape": plan.shape_s, "limit": LIMIT,
            "database": "SQLite", "proposed_index": PROPOSED_INDEX, **measured,
            "goal": f"p99 < {GOAL_P99_MS:.0f} ms for every shape", "met": met, "measured_at": now_iso()}


def markdown(data: dict[str, Any]) -> list[str]:
    variants = list(data["variants"])
    header = ["query", "items/page"]
    for variant in variants:
        header += [f"p50 ms ({variant})", f"p99 ms ({variant})"]
    rows = []
    for name in data["variants"][variants[0]]:
        row: list[Any] = [name, data["variants"][variants[0]][name]["mean_items"]]
        for variant in variants:
            shape = data["variants"][variant][name]
            row += [shape["p50_ms"], f"{shape['p99_ms']} (n={shape['requests']})"]
        rows.append(row)
    facts = (f"`GET /v1/complaints?limit={data['limit']}` on intake's SQLite file holding {data['rows']:,} "
             f"complaints ({data['database_mib']:,} MiB, written in {data['fill_s']:.0f} s), up to "
             f"{data['requests_per_shape']} requests (at least {MIN_REQUESTS}, about "
             f"{data['seconds_per_shape']:.0f} s) per shape one after the other on one connection, one uvicorn worker; "
             f"measured {data['measured_at']}.")
    verdict = "; ".join(f"{variant}: goal {data['goal']} {'met' if met else 'not met'}"
                        for variant, met in data["met"].items()) + "."
    proposal = f"Proposed index: `{data['proposed_index']}`."
    caveat = (f"Client, server and broker share this machine's {data['machine']['cpus']} cores (load average "
              f"{data['load_average'][1]} over the last 5 minutes, other work included).")
    return [facts, markdown_table(header, rows), verdict, proposal, caveat]


def run(out: Path, plan: Plan) -> str:
    from bench.report import write_json, write_markdown

    with tracker() as progress:
        measured = measure(plan, progress=progress)
    data = results(plan, measured)
    json_path = write_json(out / "listing.json", data)
    md_path = write_markdown(out / "listing.md", title=f"Listing with {plan.rows:,} complaints stored",
                             blocks=markdown(data))
    stderr.log(f"wrote {json_path} and {md_path}")
    return "\n".join(markdown(data)[1:3])
