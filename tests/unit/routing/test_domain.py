"""The lifecycle table of services/routing/domain.py."""

import pytest

from services.routing import domain
from shared.contracts.complaint import Status
from shared.errors import IllegalTransition

S = Status
ALLOWED = {
    (S.RECEIVED, S.CLASSIFIED), (S.CLASSIFIED, S.ASSIGNED), (S.ASSIGNED, S.IN_PROGRESS),
    (S.IN_PROGRESS, S.AWAITING_CUSTOMER), (S.AWAITING_CUSTOMER, S.IN_PROGRESS), (S.IN_PROGRESS, S.RESPONDED),
    (S.AWAITING_CUSTOMER, S.RESPONDED), (S.RESPONDED, S.IN_PROGRESS), (S.RESPONDED, S.AWAITING_CUSTOMER),
    (S.IN_PROGRESS, S.RESOLVED), (S.RESPONDED, S.RESOLVED), (S.RESOLVED, S.CLOSED), (S.RESOLVED, S.REOPENED),
    (S.REOPENED, S.ASSIGNED),
    *((status, S.WITHDRAWN) for status in domain.OPEN),
}


@pytest.mark.parametrize("current", list(Status))
@pytest.mark.parametrize("target", list(Status))
def test_the_lifecycle_allows_exactly_the_designed_steps(current, target):
    if (current, target) in ALLOWED:
        assert domain.advance(current, target) == target
    else:
        with pytest.raises(IllegalTransition):
            domain.advance(current, target)


def test_closed_and_withdrawn_cases_go_nowhere():
    for final in (S.CLOSED, S.WITHDRAWN):
        assert not any(domain.can_move(final, target) for target in Status)


def test_an_illegal_step_names_both_statuses():
    with pytest.raises(IllegalTransition) as raised:
        domain.advance("received", "resolved")
    assert raised.value.extensions == {"current": "received", "target": "resolved"}


@pytest.mark.parametrize("status", sorted(domain.OPEN))
def test_any_open_case_can_be_closed_as_a_duplicate(status):
    assert domain.close_as_duplicate(status) == S.CLOSED


@pytest.mark.parametrize("status", [S.RESOLVED, S.CLOSED, S.WITHDRAWN])
def test_finished_cases_cannot_be_merged(status):
    with pytest.raises(IllegalTransition):
        domain.close_as_duplicate(status)
