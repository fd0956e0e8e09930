from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from services.cli.options import parse_moment
from shared.db_types import UtcDateTime
from shared.messaging.consumer import retry_delay


def test_retry_delays_double_up_to_the_cap():
    assert [retry_delay(n, first=0.2, longest=1.0) for n in range(1, 6)] == [0.2, 0.4, 0.8, 1.0, 1.0]


def test_times_are_stored_in_utc_and_come_back_aware():
    column = UtcDateTime()
    beijing = datetime(2026, 1, 1, 8, 0, tzinfo=timezone(timedelta(hours=8)))
    stored = column.process_bind_param(beijing, sqlite.dialect())
    assert stored == datetime(2026, 1, 1, 0, 0)
    assert column.process_result_value(stored, sqlite.dialect()) == datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
    assert column.process_bind_param(beijing, postgresql.dialect()).utcoffset() == timedelta(0)


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="naive"):
        UtcDateTime().process_bind_param(datetime(2026, 1, 1), sqlite.dialect())


def test_moments_are_iso_times_or_ages():
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    assert parse_moment("6h", now=now) == datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    assert parse_moment("2d", now=now) == datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
    assert parse_moment("2026-11-20T10:00", now=now) == datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert parse_moment("2026-11-20T10:00+08:00").utcoffset() == timedelta(hours=8)
