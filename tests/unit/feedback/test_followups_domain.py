"""Follow-up tasks: assignment and what an outcome leads to."""

import pytest

from services.feedback.evaluations.domain import Action
from services.feedback.followups.domain import TaskStatus, assign, outcome
from shared.errors import IllegalTransition, InvalidInput


def test_open_and_assigned_tasks_can_be_assigned_done_ones_cannot():
    assert assign(TaskStatus.OPEN) == TaskStatus.ASSIGNED
    assert assign(TaskStatus.ASSIGNED) == TaskStatus.ASSIGNED
    with pytest.raises(IllegalTransition):
        assign(TaskStatus.DONE)


def test_a_reached_customer_accepts_or_rejects():
    assert outcome(TaskStatus.ASSIGNED, reached=True, accepted=True) == (TaskStatus.DONE, Action.ACCEPT)
    assert outcome(TaskStatus.OPEN, reached=True, accepted=False) == (TaskStatus.DONE, Action.REOPEN)


def test_a_customer_not_reached_leaves_the_task_as_it_was():
    assert outcome(TaskStatus.ASSIGNED, reached=False, accepted=None) == (TaskStatus.ASSIGNED, None)


def test_contradictory_or_incomplete_outcomes_are_refused():
    with pytest.raises(InvalidInput):
        outcome(TaskStatus.OPEN, reached=False, accepted=True)
    with pytest.raises(InvalidInput):
        outcome(TaskStatus.OPEN, reached=True, accepted=None)
    with pytest.raises(IllegalTransition):
        outcome(TaskStatus.DONE, reached=True, accepted=True)
