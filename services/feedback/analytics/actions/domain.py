"""Improvement actions: their states and how their effect is measured. Pure: no I/O."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from shared.errors import IllegalTransition


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"


NEXT = {ActionStatus.OPEN: {ActionStatus.IN_PROGRESS}, ActionStatus.IN_PROGRESS: {ActionStatus.DONE}}


def advance(current: ActionStatus, target: ActionStatus) -> ActionStatus:
    if target not in NEXT.get(current, set()):
        raise IllegalTransition(current, target)
    return target


@dataclass(frozen=True)
class Windows:
    """Equal windows before the action was created and after it was done."""

    before: tuple[datetime, datetime]
    after: tuple[datetime, datetime]

    @property
    def days(self) -> float:
        return (self.after[1] - self.after[0]).total_seconds() / 86400


def windows(*, created_at: datetime, done_at: datetime | None, window_days: int, now: datetime) -> Windows | None:
    """The after-window runs from completion for window_days or until now, whichever is shorter; the
    before-window has the same length and ends at creation. None until the action is done."""
    if done_at is None or now <= done_at:
        return None
    length = min(timedelta(days=window_days), now - done_at)
    return Windows(before=(created_at - length, created_at), after=(done_at, done_at + length))


def per_day(count: int, days: float) -> float:
    return round(count / days, 4)
