import asyncio
import random
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from bench.listing import COLUMNS, PER_CUSTOMER, SPAN, START, complaint_rows, fill, percentile, received_at, stored_time
from services.catalog import SERVICES
from services.intake.models import Complaint
from shared.migrations import upgrade


def test_stored_times_are_naive_utc_with_microseconds() -> None:
    assert stored_time(datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)) == "2026-01-02 03:04:05.000006"


def test_rows_are_received_evenly_over_the_span_oldest_first() -> None:
    assert received_at(0, 1000) == START
    assert received_at(500, 1000) == START + SPAN / 2


def test_rows_have_distinct_ids_ten_per_customer_and_link_only_to_earlier_rows() -> None:
    rows = list(complaint_rows(0, 2000, 2000, random.Random(1)))
    by_column = [dict(zip(COLUMNS, row, strict=True)) for row in rows]

    ids = [row["id"] for row in by_column]
    assert len(set(ids)) == 2000
    customers = {row["customer_id"] for row in by_column}
    assert len(customers) == 2000 // PER_CUSTOMER
    seen: set[str] = set()
    for row in by_column:
        assert row["duplicate_of"] is None or row["duplicate_of"] in seen
        seen.add(row["id"])
    assert [row["received_at"] for row in by_column] == sorted(row["received_at"] for row in by_column)


def test_percentile_takes_the_nearest_rank_below() -> None:
    ordered = [float(v) for v in range(1, 101)]

    assert percentile(ordered, 0.5) == 51.0
    assert percentile(ordered, 0.99) == 100.0
    assert percentile([], 0.99) == 0.0


def test_filled_rows_read_back_through_intakes_model(tmp_path: Path) -> None:
    path = tmp_path / "intake.db"
    asyncio.run(upgrade(SERVICES["intake"].migrations_dir, f"sqlite+aiosqlite:///{path}"))
    done: list[int] = []

    fill(path, 300, seed=3, step=done.append)

    engine = create_engine(f"sqlite:///{path}")
    try:
        with Session(engine) as session:
            complaints = session.scalars(select(Complaint).order_by(Complaint.received_at)).all()
    finally:
        engine.dispose()
    assert sum(done) == len(complaints) == 300
    assert complaints[0].received_at == START
    assert complaints[0].received_at.tzinfo == UTC
    assert complaints[-1].expected_response_by > complaints[-1].received_at
    assert complaints[0].consent == {"contact": True}
    assert complaints[0].attachments == []
    assert complaints[0].repeat is False
