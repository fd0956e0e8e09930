"""The rules engine: ordered rules whose conditions (channel, customer tier, category, keywords, language) set
category, priority, team and tags. Every matching rule applies, in order: a later rule's category, priority or
team wins over an earlier one's; tags add up. Pure."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from services.routing.triage.domain import found


class RuleLike(Protocol):
    id: Any
    conditions: dict[str, Any]
    actions: dict[str, Any]


@dataclass(frozen=True)
class Facts:
    channel: str
    tier: str | None
    category: str
    language: str | None
    text: str


@dataclass(frozen=True)
class Outcome:
    category: str | None = None
    subcategory: str | None = None
    priority: str | None = None
    team_id: str | None = None
    tags: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)


def _holds(values: Sequence[str] | None, value: str | None) -> bool:
    return not values or (value is not None and value.lower() in {v.lower() for v in values})


def matches(conditions: dict[str, Any], facts: Facts) -> bool:
    return (_holds(conditions.get("channels"), facts.channel) and _holds(conditions.get("tiers"), facts.tier)
            and _holds(conditions.get("categories"), facts.category)
            and _holds(conditions.get("languages"), (facts.language or "")[:2] or None)
            and (not conditions.get("keywords") or bool(found(facts.text, conditions["keywords"]))))


def evaluate(rules: Iterable[RuleLike], facts: Facts) -> Outcome:
    values: dict[str, Any] = {}
    tags: list[str] = []
    applied: list[str] = []
    for rule in rules:
        if not matches(rule.conditions, facts):
            continue
        applied.append(str(rule.id))
        actions = rule.actions
        if actions.get("category"):
            values["category"], values["subcategory"] = actions["category"], actions.get("subcategory")
        values.update({k: actions[k] for k in ("priority", "team_id") if actions.get(k)})
        tags += [t for t in actions.get("tags") or () if t not in tags]
    return Outcome(**values, tags=tags, rules=applied)
