from datetime import UTC, datetime, timedelta

import pytest

from services.intake.projection import domain
from shared.contracts.complaint import Status

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(("internal", "shown"), [
    ("received", "received"), ("classified", "being_handled"), ("assigned", "being_handled"),
    ("in_progress", "being_handled"), ("reopened", "being_handled"), ("awaiting_customer", "awaiting_your_reply"),
    ("responded", "replied"), ("resolved", "resolved"), ("closed", "closed"), ("withdrawn", "withdrawn"),
])
def test_internal_statuses_read_in_the_customers_words(internal, shown):
    assert domain.customer_status(internal) == shown


def test_a_merged_complaint_reads_as_merged_unless_reopened_or_withdrawn():
    assert domain.customer_status("closed", merged=True) == "merged"
    assert domain.customer_status("reopened", merged=True) == "being_handled"
    assert domain.customer_status("withdrawn", merged=True) == "withdrawn"


def test_an_unknown_internal_status_never_leaks_to_the_customer():
    assert domain.customer_status("on_hold_by_legal") == "being_handled"


@pytest.mark.parametrize("language", domain.LANGUAGES)
def test_every_customer_status_and_step_has_words_in_both_languages(language):
    shown = {domain.customer_status(s) for s in Status} | {domain.MERGED}
    assert shown <= domain.STATUS_LABELS[language].keys()
    assert domain.STEP_TITLES[language].keys() == domain.STEP_TITLES["en"].keys()


def test_chinese_labels_are_chinese():
    assert domain.status_label("being_handled", language="zh") == "处理中"
    assert domain.status_label("being_handled", language="en") == "Being handled"
    assert "升级" in domain.step_title("escalated", language="zh")


def test_a_later_status_applies_and_an_earlier_or_repeated_one_does_not():
    assert domain.status_applies(current="assigned", current_at=T0, target="in_progress", at=T0 + timedelta(1))
    assert not domain.status_applies(current="in_progress", current_at=T0, target="assigned",
                                     at=T0 - timedelta(seconds=1))
    assert not domain.status_applies(current="in_progress", current_at=T0, target="assigned", at=T0)
    assert domain.status_applies(current="received", current_at=None, target="classified", at=T0)


def test_the_customers_withdrawal_is_final():
    later = T0 + timedelta(hours=1)
    assert not domain.status_applies(current="withdrawn", current_at=T0, target="in_progress", at=later)
    assert domain.status_applies(current="withdrawn", current_at=T0, target="withdrawn", at=later)


def test_only_some_statuses_make_a_step_and_only_when_they_change():
    assert domain.shows_status_step(current="resolved", target="closed")
    assert not domain.shows_status_step(current="closed", target="closed")
    assert not domain.shows_status_step(current="assigned", target="in_progress")


@pytest.mark.parametrize(("asked", "locale", "language", "expected"), [
    ("zh", "en-US", "en", "zh"), (None, "zh-CN", "en", "zh"), (None, "zh_TW", None, "zh"),
    (None, "fr-FR", "zh", "zh"), (None, None, "de", "en"), ("en", "zh-CN", "zh", "en"),
])
def test_the_language_is_the_asked_one_then_the_locale_then_the_text(asked, locale, language, expected):
    assert domain.language_of(requested=asked, locale=locale, language=language) == expected


def test_we_promise_the_earliest_running_reply_and_the_running_resolution():
    promises = {"first_response": (T0 + timedelta(hours=8), "fulfilled"),
                "next_response": (T0 + timedelta(hours=30), "running"),
                "resolution": (T0 + timedelta(days=5), "running")}
    assert domain.reply_by(promises) == T0 + timedelta(hours=30)
    assert domain.resolve_by(promises) == T0 + timedelta(days=5)
    promises["resolution"] = (T0 + timedelta(days=5), "paused")
    assert domain.resolve_by(promises) is None
    assert domain.reply_by({}) is None
