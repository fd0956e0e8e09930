"""Which policy covers a complaint. Pure."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

P = TypeVar("P")

CONDITION_KEYS = ("priority", "customer_tier", "category", "channel", "tenant")

RECEIVED, ASSIGNED = "received", "assigned"


@dataclass(frozen=True)
class ComplaintFacts:
    """What a policy's conditions look at."""

    priority: str | None = None
    customer_tier: str | None = None
    category: str | None = None
    channel: str | None = None
    tenant: str | None = None


@dataclass(frozen=True)
class TargetSpec:
    minutes: float
    business_hours: bool
    calendar: str
    starts_at: str = RECEIVED


def matches(conditions: Mapping[str, Sequence[str] | None], facts: ComplaintFacts) -> bool:
    """Every condition given (a non-empty list) must name the complaint's value; case does not matter."""
    for key in CONDITION_KEYS:
        allowed = conditions.get(key)
        if not allowed:
            continue
        value = getattr(facts, key)
        if value is None or value.casefold() not in {item.casefold() for item in allowed}:
            return False
    return True


def choose_policy(policies: Iterable[P], facts: ComplaintFacts) -> P | None:
    """The first active policy, in order, whose conditions match."""
    for policy in policies:
        if getattr(policy, "active", True) and matches(policy.conditions, facts):
            return policy
    return None


def target_specs(targets: Mapping[str, Mapping[str, Any]]) -> dict[str, TargetSpec]:
    return {name: TargetSpec(minutes=float(spec["minutes"]), business_hours=bool(spec["business_hours"]),
                             calendar=str(spec["calendar"]), starts_at=str(spec.get("starts_at", RECEIVED)))
            for name, spec in targets.items()}


def clock_start(spec: TargetSpec, *, received_at: datetime | None, assigned_at: datetime | None) -> datetime | None:
    """When a target's clock counts from: the complaint's arrival, or its first assignment for a target that
    starts on assignment; None while that has not happened yet."""
    return assigned_at if spec.starts_at == ASSIGNED else received_at
