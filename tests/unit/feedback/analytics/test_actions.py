"""Improvement actions: their transitions and the equal windows their effect is measured in."""

from datetime import UTC, datetime, timedelta

import pytest

from services.feedback.analytics.actions.domain import ActionStatus, advance, per_day, windows
from shared.errors import IllegalTransition

CREATED = datetime(2026, 3, 1, tzinfo=UTC)
DONE = datetime(2026, 3, 20, tzinfo=UTC)


def test_an_action_goes_open_in_progress_done():
    assert advance(ActionStatus.OPEN, ActionStatus.IN_PROGRESS) is ActionStatus.IN_PROGRESS
    assert advance(ActionStatus.IN_PROGRESS, ActionStatus.DONE) is ActionStatus.DONE


@pytest.mark.parametrize(("current", "target"), [(ActionStatus.OPEN, ActionStatus.DONE),
                                                 (ActionStatus.DONE, ActionStatus.OPEN),
                                                 (ActionStatus.IN_PROGRESS, ActionStatus.OPEN),
                                                 (ActionStatus.DONE, ActionStatus.DONE)])
def test_other_moves_are_illegal(current, target):
    with pytest.raises(IllegalTransition):
        advance(current, target)


def test_full_windows_once_enough_time_has_passed():
    found = windows(created_at=CREATED, done_at=DONE, window_days=14, now=DONE + timedelta(days=30))
    assert found.before == (CREATED - timedelta(days=14), CREATED)
    assert found.after == (DONE, DONE + timedelta(days=14))
    assert found.days == 14


def test_windows_shrink_to_the_time_since_completion():
    found = windows(created_at=CREATED, done_at=DONE, window_days=14, now=DONE + timedelta(days=3))
    assert found.before == (CREATED - timedelta(days=3), CREATED) and found.days == 3


def test_no_windows_before_completion():
    assert windows(created_at=CREATED, done_at=None, window_days=14, now=DONE) is None
    assert windows(created_at=CREATED, done_at=DONE, window_days=14, now=DONE) is None


def test_rate_per_day():
    assert per_day(21, 14) == 1.5
    assert per_day(1, 3) == 0.3333
