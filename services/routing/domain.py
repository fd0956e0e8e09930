"""The lifecycle of a case: which status may follow which. Pure rules, no I/O."""

from shared.contracts.complaint import Status
from shared.errors import IllegalTransition

OPEN = frozenset({Status.RECEIVED, Status.CLASSIFIED, Status.ASSIGNED, Status.IN_PROGRESS,
                  Status.AWAITING_CUSTOMER, Status.RESPONDED, Status.REOPENED})
# Statuses in which an agent holds the case and it counts against the agent's capacity.
HELD = frozenset({Status.ASSIGNED, Status.IN_PROGRESS, Status.AWAITING_CUSTOMER, Status.RESPONDED})

NEXT: dict[Status, frozenset[Status]] = {
    Status.RECEIVED: frozenset({Status.CLASSIFIED, Status.WITHDRAWN}),
    Status.CLASSIFIED: frozenset({Status.ASSIGNED, Status.WITHDRAWN}),
    Status.ASSIGNED: frozenset({Status.IN_PROGRESS, Status.WITHDRAWN}),
    Status.IN_PROGRESS: frozenset({Status.AWAITING_CUSTOMER, Status.RESPONDED, Status.RESOLVED, Status.WITHDRAWN}),
    Status.AWAITING_CUSTOMER: frozenset({Status.IN_PROGRESS, Status.RESPONDED, Status.WITHDRAWN}),
    Status.RESPONDED: frozenset({Status.IN_PROGRESS, Status.AWAITING_CUSTOMER, Status.RESOLVED,
                                 Status.WITHDRAWN}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.REOPENED}),
    Status.REOPENED: frozenset({Status.ASSIGNED, Status.WITHDRAWN}),
    Status.CLOSED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}


def can_move(current: Status | str, target: Status | str) -> bool:
    return Status(target) in NEXT[Status(current)]


def advance(current: Status | str, target: Status | str) -> Status:
    """The new status, or IllegalTransition (409) when the lifecycle forbids the step."""
    if not can_move(current, target):
        raise IllegalTransition(Status(current), Status(target))
    return Status(target)


def close_as_duplicate(current: Status | str) -> Status:
    """A duplicate is closed from any open status when it is merged into another case."""
    if Status(current) not in OPEN:
        raise IllegalTransition(Status(current), Status.CLOSED)
    return Status.CLOSED


def can_respond(current: Status | str) -> bool:
    return Status(current) in {Status.IN_PROGRESS, Status.AWAITING_CUSTOMER, Status.RESPONDED}
