"""Climbing the escalation ladder: which level an occasion raises a complaint to. Pure; levels never go down
and never past the top."""

from collections.abc import Sequence
from dataclasses import dataclass

from shared.errors import Conflict


@dataclass(frozen=True)
class Level:
    level: int
    role: str
    breach_targets: tuple[str, ...] = ()
    after_breach_minutes: float | None = None
    min_severity: int | None = None


def _above(levels: Sequence[Level], current: int) -> list[Level]:
    return sorted((rung for rung in levels if rung.level > current), key=lambda rung: rung.level)


def on_breach(levels: Sequence[Level], current: int, target: str) -> Level | None:
    """The lowest level above `current` that a breach of `target` triggers."""
    return next((rung for rung in _above(levels, current) if target in rung.breach_targets), None)


def on_severity(levels: Sequence[Level], current: int, severity: int) -> Level | None:
    """The highest level above `current` whose severity trigger the classification reaches."""
    reached = [rung for rung in _above(levels, current) if rung.min_severity is not None
               and severity >= rung.min_severity]
    return reached[-1] if reached else None


def after_breach(levels: Sequence[Level], current: int, level: int) -> Level | None:
    """Level `level` by the time after a breach, if it is still above `current`."""
    return next((rung for rung in _above(levels, current) if rung.level == level), None)


def step_up(levels: Sequence[Level], current: int) -> Level:
    """The next level up, for a request by staff or the customer; Conflict at the top."""
    above = _above(levels, current)
    if not above:
        raise Conflict(f"the complaint is already at the top escalation level ({current})", level=current)
    return above[0]


def ladder_delays(levels: Sequence[Level]) -> dict[int, float]:
    """Level -> minutes after a breach that raise a complaint to it."""
    return {rung.level: rung.after_breach_minutes for rung in levels if rung.after_breach_minutes is not None}


def role_of(levels: Sequence[Level], level: int) -> str | None:
    return next((rung.role for rung in levels if rung.level == level), None)
