"""Every KPI formula on four hand-made complaints; the expected figures are worked out in the comments."""

from datetime import timedelta

import pytest

from services.feedback.analytics import kpis
from services.feedback.evaluations.domain import DIMENSIONS
from tests.unit.feedback.analytics.builders import MONDAY, a_fact, an_answer, at


def four_complaints():
    # 1: web/billing, first response 90 business minutes (met), resolved in 300 business minutes (met),
    #    one response, no transfer/reopen/info request -> first-contact resolution; CSAT 5, NPS 10, CES 2, solved.
    one = a_fact(0, channel="web", category="billing", team="t1", agent="a1", first_response_at=at(2),
                 resolved_at=at(10), responses=1, status="resolved", surveys_sent=1,
                 sla={"first_response": {"met": True, "breached": False, "minutes": 90.0},
                      "resolution": {"met": True, "breached": False, "minutes": 300.0}},
                 answers=(an_answer(csat=5, nps=10, ces=2, solved=True),))
    # 2: email/billing, no clock minutes -> calendar: first response 4 h, resolution 24 h; two responses and a
    #    reopen -> not FCR; first response breached; CSAT 2, NPS 6, CES 5, unsolved.
    two = a_fact(1, channel="email", category="billing", team="t1", agent="a2", first_response_at=at(5),
                 resolved_at=at(25), responses=2, reopen_count=1, status="closed", surveys_sent=1,
                 sla={"first_response": {"met": False, "breached": True, "minutes": None}},
                 answers=(an_answer(csat=2, nps=6, ces=5, solved=False),))
    # 3: web/network, open, first response after 1 calendar hour, 2 transfers, escalated, repeat complaint.
    three = a_fact(2, channel="web", category="network", team="t2", agent="a3", first_response_at=at(3),
                   responses=1, transfers=2, escalation_level=1, repeat=True, status="in_progress")
    # 4: phone/network, received 3.5 days in, still waiting for an agent.
    four = a_fact(84, channel="phone", category="network", team="t2", status="assigned")
    return [one, two, three, four]


@pytest.fixture
def row():
    return kpis.compute(four_complaints(), as_of=MONDAY + timedelta(days=4), satisfaction_target=0.95)


def test_volumes_and_rates(row):
    assert row["volume"] == 4
    assert row["resolved"] == 2
    assert row["fcr_rate"] == 0.5                # 1 of the 2 resolved
    assert row["transfers_per_complaint"] == 0.5  # (0 + 0 + 2 + 0) / 4
    assert row["reopen_rate"] == 0.5             # 1 of the 2 resolved
    assert row["escalation_rate"] == 0.25
    assert row["repeat_rate"] == 0.25


def test_first_response_time_prefers_business_minutes(row):
    # hours 1.5 (business), 4.0 and 1.0 (calendar): median 1.5; p90 is rank ceil(0.9 * 3) = 3 -> 4.0
    assert (row["first_response_count"], row["first_response_median_h"], row["first_response_p90_h"]) == (3, 1.5, 4.0)
    assert row["first_response_business_share"] == 0.3333


def test_resolution_time(row):
    # 5.0 business hours and 24.0 calendar hours: median 14.5, p90 rank ceil(1.8) = 2 -> 24.0
    assert (row["resolution_count"], row["resolution_median_h"], row["resolution_p90_h"]) == (2, 14.5, 24.0)
    assert row["resolution_business_share"] == 0.5


def test_sla_attainment(row):
    assert row["sla_first_response_attainment"] == 0.5  # met, breached
    assert row["sla_resolution_attainment"] == 1.0      # met
    assert row["sla_attainment"] == 0.6667               # 2 of 3 outcomes


def test_backlog_by_age(row):
    # open: #3 aged 3 d 22 h, #4 aged 12 h
    assert row["backlog_open"] == 2
    assert (row["backlog_lt_1d"], row["backlog_1_3d"], row["backlog_3_7d"], row["backlog_7_14d"],
            row["backlog_ge_14d"]) == (1, 0, 1, 0, 0)


def test_survey_scores(row):
    assert row["surveys_sent"] == 2 and row["survey_response_rate"] == 1.0
    assert (row["csat_mean"], row["csat_satisfied_rate"]) == (3.5, 0.5)
    assert row["nps"] == 0.0   # one promoter (10), one detractor (6)
    assert row["ces_mean"] == 3.5
    assert row["resolution_satisfaction"] == 0.5
    assert row["resolution_satisfaction_target"] == 0.95
    assert row["resolution_satisfaction_met"] is False


def test_an_empty_set_has_no_rates():
    row = kpis.compute([], as_of=MONDAY, satisfaction_target=0.9)
    assert row["volume"] == 0
    assert row["fcr_rate"] is None and row["first_response_median_h"] is None and row["nps"] is None


def test_median_and_nearest_rank_percentile():
    assert kpis.median([4, 1, 3, 2]) == 2.5
    assert kpis.median([7]) == 7
    assert kpis.percentile(list(range(1, 11)), 90) == 9
    assert kpis.percentile(list(range(1, 12)), 90) == 10   # ceil(9.9) = 10th
    assert kpis.percentile([3.0], 90) == 3.0


@pytest.mark.parametrize(("fields", "expected"), [
    ({}, True),
    ({"responses": 2}, False),
    ({"reopen_count": 1}, False),
    ({"transfers": 1}, False),
    ({"information_requests": 1}, False),
    ({"resolved_at": None}, False),
])
def test_first_contact_resolution(fields, expected):
    fact = a_fact(0, **{"responses": 1, "resolved_at": at(3), **fields})
    assert kpis.first_contact_resolved(fact) is expected


@pytest.mark.parametrize(("answer", "expected"), [
    ({"solved": True, "csat": 4}, True),
    ({"solved": True, "csat": 3}, False),
    ({"solved": False, "csat": 5}, False),
    ({"csat": 5}, True),
    ({"nps": 10}, None),
])
def test_resolution_satisfaction_of_an_answer(answer, expected):
    assert kpis.resolution_satisfied(an_answer(**answer)) is expected


def test_nps_counts_promoters_minus_detractors():
    facts = [a_fact(0, answers=(an_answer(nps=n),)) for n in (10, 9, 8, 7, 0)]
    assert kpis.compute(facts, as_of=MONDAY, satisfaction_target=0.95)["nps"] == 20.0   # (2 - 1) / 5


def test_sla_outcome_of_a_breach_that_was_fulfilled_late():
    fact = a_fact(0, sla={"resolution": {"met": False, "breached": True, "minutes": 600.0}})
    assert kpis.sla_outcome(fact, "resolution") is False
    assert kpis.sla_outcome(fact, "first_response") is None


def test_scores_by_service_quality_dimension():
    # a survey and a QA review of one complaint, a survey of another; expertise is never scored
    one = a_fact(0, answers=(an_answer(csat=4, dimensions={"response_speed": 2, "attitude": 5, "communication": 4}),
                             an_answer(method="qa_review", dimensions={"response_speed": 3, "problem_solving": 4})))
    two = a_fact(1, answers=(an_answer(csat=3, dimensions={"response_speed": 1, "attitude": 4,
                                                            "problem_solving": 2}),))
    row = kpis.compute([one, two], as_of=MONDAY, satisfaction_target=0.95)
    assert (row["dimension_response_speed_responses"], row["dimension_response_speed_mean"]) == (3, 2.0)
    assert (row["dimension_attitude_responses"], row["dimension_attitude_mean"]) == (2, 4.5)
    assert (row["dimension_problem_solving_responses"], row["dimension_problem_solving_mean"]) == (2, 3.0)
    assert (row["dimension_communication_responses"], row["dimension_communication_mean"]) == (1, 4.0)
    assert (row["dimension_expertise_responses"], row["dimension_expertise_mean"]) == (0, None)
    assert (row["weakest_dimension"], row["weakest_dimension_mean"]) == ("response_speed", 2.0)


def test_the_weakest_dimension_on_a_tie_is_the_first_listed_and_none_without_scores():
    tied = a_fact(0, answers=(an_answer(dimensions={"communication": 3, "attitude": 3, "expertise": 5}),))
    assert kpis.dimension_scores(tied.answers)["weakest_dimension"] == "attitude"
    empty = kpis.dimension_scores([an_answer(csat=5)])
    assert empty["weakest_dimension"] is None and empty["weakest_dimension_mean"] is None
    assert all(empty[f"dimension_{name}_responses"] == 0 for name in DIMENSIONS)


def test_the_dimensions_are_the_scorecards():
    assert [k for k in kpis.dimension_scores([]) if k.endswith("_mean") and k.startswith("dimension_")] == [
        f"dimension_{name}_mean" for name in DIMENSIONS]
