"""Properties of the case lifecycle under random sequences of requested steps: a refused step changes nothing,
a case never leaves closed or withdrawn, every status is reachable, and from every status the case can end."""

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from services.routing import domain
from shared.contracts.complaint import Status
from shared.errors import IllegalTransition

ENDED = {Status.CLOSED, Status.WITHDRAWN}


def reachable(start: Status) -> set[Status]:
    seen, frontier = {start}, [start]
    while frontier:
        for following in domain.NEXT[frontier.pop()]:
            if following not in seen:
                seen.add(following)
                frontier.append(following)
    return seen


@settings(max_examples=400)
@given(st.lists(st.sampled_from(list(Status)), max_size=40))
def test_a_random_walk_moves_only_by_allowed_steps(requested: list[Status]) -> None:
    status, path = Status.RECEIVED, [Status.RECEIVED]
    for target in requested:
        try:
            moved = domain.advance(status, target)
        except IllegalTransition as refused:
            assert target not in domain.NEXT[status]
            assert (refused.extensions["current"], refused.extensions["target"]) == (status, target)
            continue
        assert status not in ENDED and moved == target
        status = moved
        path.append(status)
    # A reopened case goes back to someone: through assignment, never straight to work or a response.
    for before, after in pairwise(path):
        if before == Status.REOPENED:
            assert after in {Status.ASSIGNED, Status.WITHDRAWN}
    assert all(status not in ENDED for status in path[:-1])


@given(st.sampled_from(sorted(domain.OPEN)))
def test_any_open_case_can_be_withdrawn_or_merged_away(status: Status) -> None:
    assert domain.advance(status, Status.WITHDRAWN) == Status.WITHDRAWN
    assert domain.close_as_duplicate(status) == Status.CLOSED


def test_every_status_is_reachable_and_every_case_can_end() -> None:
    assert reachable(Status.RECEIVED) == set(Status)
    for status in Status:
        assert reachable(status) & ENDED, f"a case in {status} can never end"


def test_only_open_cases_are_held_by_an_agent() -> None:
    assert domain.HELD <= domain.OPEN
    assert not domain.OPEN & ENDED
