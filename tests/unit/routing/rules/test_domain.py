"""The rules engine: conditions and the order in which actions apply."""

from dataclasses import dataclass, field
from typing import Any

from services.routing.rules.domain import Facts, evaluate, matches

FACTS = Facts(channel="wechat", tier="Gold", category="billing", language="zh-CN", text="我要找媒体曝光这次乱收费")


@dataclass
class Rule:
    id: str
    conditions: dict[str, Any] = field(default_factory=dict)
    actions: dict[str, Any] = field(default_factory=dict)


def test_empty_conditions_always_hold():
    assert matches({}, FACTS)


def test_each_condition_must_hold():
    assert matches({"channels": ["wechat"], "tiers": ["gold"], "categories": ["billing"], "languages": ["zh"],
                    "keywords": ["曝光"]}, FACTS)
    for failing in ({"channels": ["email"]}, {"tiers": ["silver"]}, {"categories": ["delivery"]},
                    {"languages": ["en"]}, {"keywords": ["lawyer"]}):
        assert not matches(failing, FACTS), failing


def test_later_rules_win_and_tags_add_up():
    rules = [Rule("r1", {"channels": ["wechat"]}, {"priority": "high", "tags": ["social"]}),
             Rule("r2", {"channels": ["email"]}, {"priority": "low", "team_id": "mail"}),
             Rule("r3", {"keywords": ["曝光"]}, {"priority": "urgent", "team_id": "pr", "tags": ["media", "social"]}),
             Rule("r4", {"tiers": ["gold"]}, {"category": "billing", "subcategory": "overcharge"})]
    outcome = evaluate(rules, FACTS)
    assert (outcome.priority, outcome.team_id, outcome.category, outcome.subcategory) == (
        "urgent", "pr", "billing", "overcharge")
    assert outcome.tags == ["social", "media"] and outcome.rules == ["r1", "r3", "r4"]


def test_no_matching_rule_decides_nothing():
    outcome = evaluate([Rule("r", {"channels": ["letter"]}, {"priority": "low"})], FACTS)
    assert (outcome.priority, outcome.team_id, outcome.category, outcome.rules) == (None, None, None, [])
