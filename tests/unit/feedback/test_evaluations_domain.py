"""The scorecard's validation and the follow-up rules."""

import pytest
from pydantic import ValidationError

from services.feedback.evaluations.domain import (
    DEFAULT_RULES,
    Action,
    FollowUpRule,
    Scores,
    decide,
    validate,
)
from shared.errors import InvalidInput


def test_scores_in_range_are_valid():
    scores = Scores(csat=5, solved=True, nps=10, ces=1, dimensions={"attitude": 1, "communication": 5}, comment="ok")
    assert validate(scores) is scores
    assert validate(Scores()) == Scores()


@pytest.mark.parametrize(("field", "value"), [("csat", 0), ("csat", 6), ("nps", -1), ("nps", 11), ("ces", 0),
                                              ("ces", 8), ("csat", True)])
def test_scores_out_of_range_are_refused(field, value):
    with pytest.raises(InvalidInput) as caught:
        validate(Scores(**{field: value}))
    assert field in caught.value.detail


@pytest.mark.parametrize("dimensions", [{"attitude": 0}, {"attitude": 6}, {"mood": 3}])
def test_bad_dimensions_are_refused(dimensions):
    with pytest.raises(InvalidInput):
        validate(Scores(dimensions=dimensions))


def test_every_problem_is_named_at_once():
    with pytest.raises(InvalidInput) as caught:
        validate(Scores(csat=9, nps=42, dimensions={"speed": 2}))
    assert len(caught.value.extensions["errors"]) == 3


def test_a_satisfied_answer_accepts_the_outcome():
    assert decide(Scores(csat=4, solved=True, nps=9), 0.6, DEFAULT_RULES).action == Action.ACCEPT


def test_a_low_csat_opens_a_follow_up_task():
    decision = decide(Scores(csat=2, solved=True, nps=8), None, DEFAULT_RULES)
    assert decision.action == Action.FOLLOW_UP_TASK
    assert decision.reasons == ("csat_at_most:2",)


def test_an_unsolved_problem_reopens_by_default_and_reopen_wins():
    decision = decide(Scores(csat=1, solved=False, nps=0), -0.9, DEFAULT_RULES)
    assert decision.action == Action.REOPEN
    assert set(decision.reasons) == {"csat_at_most:2", "unsolved", "nps_at_most:6", "angry_comment:-0.5"}


def test_a_detractor_or_an_angry_comment_alone_opens_a_task():
    assert decide(Scores(csat=4, solved=True, nps=6), None, DEFAULT_RULES).action == Action.FOLLOW_UP_TASK
    assert decide(Scores(csat=4, solved=True, nps=7), -0.51, DEFAULT_RULES).action == Action.FOLLOW_UP_TASK
    assert decide(Scores(csat=4, solved=True, nps=7), -0.49, DEFAULT_RULES).action == Action.ACCEPT


def test_rules_are_configurable():
    rules = [FollowUpRule(when="csat_at_most", threshold=3, action="reopen")]
    assert decide(Scores(csat=3, solved=False), None, rules).action == Action.REOPEN
    assert decide(Scores(csat=4, solved=False), None, rules).action == Action.ACCEPT


def test_unanswered_questions_match_no_rule():
    assert decide(Scores(), None, DEFAULT_RULES).action == Action.ACCEPT


def test_a_threshold_rule_needs_its_threshold():
    with pytest.raises(ValidationError):
        FollowUpRule(when="nps_at_most", action="reopen")
