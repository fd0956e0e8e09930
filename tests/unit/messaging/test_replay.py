"""The replay window and its checks (shared/messaging/replay.py), and the admin route every service app has."""

from collections import Counter
from datetime import UTC, datetime, timedelta, timezone

import pytest

from services.catalog import SERVICES
from shared.errors import InvalidInput
from shared.messaging.replay import HistoryGone, ReplaySummary, check_outbox_retention, replay_window

NOW = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)


def test_a_window_ends_now_unless_told_and_reads_times_without_a_zone_as_utc():
    window = replay_window(since=datetime(2026, 3, 13, 12, 0), to_topic="partner.replay", now=NOW)
    assert (window.since, window.until) == (NOW - timedelta(days=1), NOW)
    assert window.topic is None and window.types == frozenset()


def test_a_window_keeps_times_in_other_zones_as_the_same_instant():
    shanghai = timezone(timedelta(hours=8))
    window = replay_window(since=datetime(2026, 3, 14, 8, 0, tzinfo=shanghai), to_topic="t2", now=NOW)
    assert window.since == datetime(2026, 3, 14, 0, 0, tzinfo=UTC)


def test_a_window_holds_its_start_but_not_its_end():
    window = replay_window(since=NOW - timedelta(hours=2), until=NOW - timedelta(hours=1), to_topic="t2")
    assert window.holds(NOW - timedelta(hours=2))
    assert not window.holds(NOW - timedelta(hours=1))
    assert window.since_ms == int((NOW - timedelta(hours=2)).timestamp() * 1000)


def test_types_filter_only_when_named():
    everything = replay_window(since=NOW - timedelta(hours=1), to_topic="t2", now=NOW)
    some = replay_window(since=NOW - timedelta(hours=1), to_topic="t2", now=NOW, types=["redress.a.v1"])
    assert everything.wants_type("redress.b.v1") and everything.wants_type(None)
    assert some.wants_type("redress.a.v1") and not some.wants_type("redress.b.v1") and not some.wants_type(None)


@pytest.mark.parametrize(("since", "until", "message"), [
    (NOW, NOW, "must be before until"),
    (NOW, NOW - timedelta(seconds=1), "must be before until"),
    (NOW + timedelta(days=1), None, "must be before until"),
])
def test_a_window_that_ends_before_it_starts_is_invalid(since, until, message):
    with pytest.raises(InvalidInput, match=message):
        replay_window(since=since, until=until, to_topic="t2", now=NOW)


@pytest.mark.parametrize(("topic", "to_topic", "message"), [
    ("t1", "t1", "must differ"),
    (None, "has space", "not a Kafka topic name"),
    ("bad/topic", "t2", "not a Kafka topic name"),
    (None, "", "not a Kafka topic name"),
])
def test_topics_must_be_names_and_the_target_another_topic(topic, to_topic, message):
    with pytest.raises(InvalidInput, match=message):
        replay_window(since=NOW - timedelta(hours=1), topic=topic, to_topic=to_topic, now=NOW)


def test_the_outbox_holds_history_back_to_its_retention_only():
    kept = replay_window(since=NOW - timedelta(days=7), to_topic="t2", now=NOW)
    check_outbox_retention(kept, retention_days=7, now=NOW)
    gone = replay_window(since=NOW - timedelta(days=7, seconds=1), to_topic="t2", now=NOW)
    with pytest.raises(HistoryGone) as refused:
        check_outbox_retention(gone, retention_days=7, now=NOW)
    assert refused.value.status == 422
    assert refused.value.extensions == {"kept_since": (NOW - timedelta(days=7)).isoformat(), "retention_days": 7}
    assert "redress events replay --topic" in refused.value.detail and "Kafka" in refused.value.detail


def test_a_summary_counts_published_events_by_type():
    summary = ReplaySummary(source="kafka", dry_run=False)
    for ce_type in ("redress.a.v1", "redress.a.v1", None):
        summary.count(ce_type)
    assert summary.published == 3
    assert summary.by_type == Counter({"redress.a.v1": 2, "(no ce_type)": 1})


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_service_offers_the_replay_admin_endpoint(name):
    spec = SERVICES[name]
    app = spec.create_app(spec.settings())
    operation = app.openapi()["paths"]["/v1/admin/replays"]["post"]
    assert set(operation["responses"]) >= {"200", "422", "503"}
