"""The scorecard every evaluation method shares, its validation, and the follow-up (回访) rules that decide what
an answer leads to: acceptance (close), a follow-up task for a supervisor, or reopening the complaint. Pure."""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from shared.errors import InvalidInput

DIMENSIONS = ("response_speed", "attitude", "expertise", "problem_solving", "communication")
RANGES = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}
DIMENSION_RANGE = (1, 5)
MAX_COMMENT = 4000


class Method(StrEnum):
    SURVEY = "survey"
    FOLLOW_UP_CALL = "follow_up_call"
    INTERVIEW = "interview"
    MYSTERY_CUSTOMER = "mystery_customer"
    QA_REVIEW = "qa_review"


class Action(StrEnum):
    ACCEPT = "accept"
    FOLLOW_UP_TASK = "follow_up_task"
    REOPEN = "reopen"


@dataclass(frozen=True)
class Scores:
    csat: int | None = None
    solved: bool | None = None
    nps: int | None = None
    ces: int | None = None
    dimensions: dict[str, int] = field(default_factory=dict)
    comment: str | None = None


def validate(scores: Scores) -> Scores:
    """The scores if every one is in range and every dimension is known; InvalidInput (422) naming them if not."""
    problems = [f"{name} must be {low}-{high}" for name, (low, high) in RANGES.items()
                if not _within(getattr(scores, name), low, high)]
    problems += [f"unknown dimension {name}" for name in scores.dimensions if name not in DIMENSIONS]
    problems += [f"{name} must be {DIMENSION_RANGE[0]}-{DIMENSION_RANGE[1]}"
                 for name, value in scores.dimensions.items() if not _within(value, *DIMENSION_RANGE)]
    if scores.comment is not None and len(scores.comment) > MAX_COMMENT:
        problems.append(f"comment must be at most {MAX_COMMENT} characters")
    if problems:
        raise InvalidInput("; ".join(problems), errors=problems)
    return scores


def _within(value: int | None, low: int, high: int) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool) and low <= value <= high)


class FollowUpRule(BaseModel):
    """One condition on an answer and what it leads to. `threshold`: the highest CSAT/NPS that matches, or the
    highest comment sentiment (-1 angry … 1 pleased) that counts as angry."""

    model_config = ConfigDict(frozen=True)

    when: Literal["csat_at_most", "nps_at_most", "unsolved", "angry_comment"]
    threshold: float | None = None
    action: Literal["follow_up_task", "reopen"] = "follow_up_task"

    @model_validator(mode="after")
    def _threshold_given(self) -> "FollowUpRule":
        if self.when != "unsolved" and self.threshold is None:
            raise ValueError(f"a {self.when} rule needs a threshold")
        return self

    def matches(self, scores: Scores, sentiment: float | None) -> bool:
        value = {"csat_at_most": scores.csat, "nps_at_most": scores.nps, "angry_comment": sentiment}.get(self.when)
        if self.when == "unsolved":
            return scores.solved is False
        return value is not None and self.threshold is not None and value <= self.threshold

    @property
    def reason(self) -> str:
        return self.when if self.threshold is None else f"{self.when}:{self.threshold:g}"


DEFAULT_RULES = (
    FollowUpRule(when="csat_at_most", threshold=2, action="follow_up_task"),
    FollowUpRule(when="unsolved", action="reopen"),
    FollowUpRule(when="nps_at_most", threshold=6, action="follow_up_task"),
    FollowUpRule(when="angry_comment", threshold=-0.5, action="follow_up_task"),
)


@dataclass(frozen=True)
class Decision:
    action: Action
    reasons: tuple[str, ...] = ()


def decide(scores: Scores, sentiment: float | None, rules: tuple[FollowUpRule, ...] | list[FollowUpRule]
           ) -> Decision:
    """What a customer's answer leads to: reopen if a matching rule says so, else a follow-up task if any rule
    matches, else the customer accepts the outcome."""
    matched = [rule for rule in rules if rule.matches(scores, sentiment)]
    if not matched:
        return Decision(Action.ACCEPT)
    reasons = tuple(rule.reason for rule in matched)
    if any(rule.action == "reopen" for rule in matched):
        return Decision(Action.REOPEN, reasons)
    return Decision(Action.FOLLOW_UP_TASK, reasons)


def reopen_reason(reasons: tuple[str, ...] | list[str]) -> str:
    return "customer dissatisfied: " + ", ".join(reasons)
