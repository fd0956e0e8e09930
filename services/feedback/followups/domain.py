"""A follow-up task's states and what its outcome leads to. Pure."""

from enum import StrEnum

from services.feedback.evaluations.domain import Action
from shared.errors import IllegalTransition, InvalidInput


class TaskStatus(StrEnum):
    OPEN = "open"
    ASSIGNED = "assigned"
    DONE = "done"


def assign(status: str) -> TaskStatus:
    if status == TaskStatus.DONE:
        raise IllegalTransition(status, TaskStatus.ASSIGNED)
    return TaskStatus.ASSIGNED


def outcome(status: str, *, reached: bool, accepted: bool | None) -> tuple[TaskStatus, Action | None]:
    """The task's next status and what the complaint needs: a customer not reached leaves the task open for
    another try; one reached accepts (close) or rejects (reopen) the outcome."""
    if status == TaskStatus.DONE:
        raise IllegalTransition(status, TaskStatus.DONE)
    if not reached:
        if accepted is not None:
            raise InvalidInput("a customer who was not reached cannot have accepted or rejected")
        return TaskStatus(status), None
    if accepted is None:
        raise InvalidInput("say whether the customer accepted the outcome (accepted: true or false)")
    return TaskStatus.DONE, Action.ACCEPT if accepted else Action.REOPEN


REJECTED_REASON = "customer rejected the outcome in a follow-up (回访)"
