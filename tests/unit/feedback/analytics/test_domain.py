"""How each event changes a complaint's fact."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from services.feedback.analytics import domain
from services.feedback.analytics.domain import Fact
from shared.contracts import complaint as c
from shared.contracts import feedback as f
from shared.contracts import sla as s

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
ID = uuid4()


def later(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def replay(*events) -> Fact:
    fact = Fact(complaint_id=ID, first_seen_at=T0)
    for event in events:
        fact = domain.apply(fact, event)
    return fact


def received(**fields):
    return c.ComplaintReceivedV1(complaint_id=ID, occurred_at=T0, tracking_number="C-1", channel="web",
                                 customer_id="cu", subject="bill", description="too high", received_at=T0,
                                 **fields)


def sla_fulfilled(target: str, *, met: bool, minutes: float | None, at: float):
    return s.SlaFulfilledV1(complaint_id=ID, occurred_at=later(at), target=target, policy_id="p", due_at=later(600),
                            met=met, elapsed_minutes=minutes)


def test_a_lifecycle_fills_the_fact():
    fact = replay(
        received(region="north", product_ref="fibre", customer_tier="gold", repeat=True),
        c.ComplaintClassifiedV1(complaint_id=ID, occurred_at=later(1), category="billing", severity=3,
                                priority="high", confidence=0.9),
        c.ComplaintAssignedV1(complaint_id=ID, occurred_at=later(2), team_id="t1", agent_id="a1"),
        c.ComplaintAssignedV1(complaint_id=ID, occurred_at=later(3), team_id="t2", agent_id="a2", transfers=1),
        c.ComplaintInformationRequestedV1(complaint_id=ID, occurred_at=later(4), message="which bill?"),
        c.ComplaintRespondedV1(complaint_id=ID, occurred_at=later(30), message="m", first_response=True),
        c.ComplaintRespondedV1(complaint_id=ID, occurred_at=later(40), message="m"),
        c.ComplaintEscalatedV1(complaint_id=ID, occurred_at=later(45), level=2, reason="breach"),
        c.ComplaintResolvedV1(complaint_id=ID, occurred_at=later(60), resolution="refund", agent_id="a3"),
        c.ComplaintStatusChangedV1(complaint_id=ID, occurred_at=later(61), from_status="resolved",
                                   to_status="reopened"),
        c.ComplaintStatusChangedV1(complaint_id=ID, occurred_at=later(90), from_status="resolved",
                                   to_status="closed"),
    )
    assert (fact.channel, fact.region, fact.product, fact.customer_tier, fact.repeat) == (
        "web", "north", "fibre", "gold", True)
    assert (fact.category, fact.priority, fact.team, fact.agent) == ("billing", "high", "t2", "a3")
    assert (fact.transfers, fact.information_requests, fact.responses, fact.reopen_count) == (1, 1, 2, 1)
    assert (fact.first_response_at, fact.resolved_at, fact.closed_at) == (later(30), later(60), later(90))
    assert fact.escalation_level == 2 and fact.status == "closed" and not fact.is_open()


def test_events_before_the_complaint_itself_are_kept():
    fact = replay(sla_fulfilled("first_response", met=True, minutes=12.5, at=10), received())
    assert fact.sla["first_response"] == {"met": True, "breached": False, "minutes": 12.5}
    assert fact.received_at == T0 and fact.channel == "web"


def test_resolution_minutes_add_up_over_reopened_clocks_and_one_miss_spoils_the_target():
    fact = replay(sla_fulfilled("resolution", met=True, minutes=100, at=100),
                  sla_fulfilled("resolution", met=False, minutes=50, at=900))
    assert fact.sla["resolution"] == {"met": False, "breached": False, "minutes": 150}


def test_a_breach_is_remembered():
    fact = replay(s.SlaBreachedV1(complaint_id=ID, occurred_at=later(5), target="first_response", policy_id="p",
                                  due_at=later(5)),
                  sla_fulfilled("first_response", met=False, minutes=80, at=80))
    assert fact.sla["first_response"] == {"met": False, "breached": True, "minutes": 80}


def test_surveys_count_without_reminders_and_answers_are_read_off_feedback():
    invitation = dict(complaint_id=ID, survey_url="u", expires_at=later(9000))
    fact = replay(f.SurveyRequestedV1(**invitation), f.SurveyRequestedV1(**invitation, reminder=True))
    assert fact.surveys_sent == 1
    answer = domain.answer_of(f.FeedbackReceivedV1(complaint_id=ID, occurred_at=later(5), csat=4, nps=9,
                                                   ces=2, solved=True))
    assert answer == domain.Answer(answered_at=later(5), csat=4, nps=9, ces=2, solved=True)


def test_an_answer_keeps_its_scores_by_dimension():
    event = f.FeedbackReceivedV1(complaint_id=ID, occurred_at=later(5), method="qa_review",
                                 dimensions={"attitude": 2, "expertise": 5})
    answer = domain.answer_of(event)
    assert answer is not None
    assert (answer.method, dict(answer.dimensions)) == ("qa_review", {"attitude": 2, "expertise": 5})


def test_withdrawn_and_merged_complaints_are_not_open():
    assert not replay(c.ComplaintWithdrawnV1(complaint_id=ID, occurred_at=later(1))).is_open()
    assert not replay(c.ComplaintMergedV1(complaint_id=ID, occurred_at=later(1), into_complaint_id=uuid4())).is_open()
    assert replay(received()).is_open()


def test_insights_are_not_about_a_complaint():
    hotspot = f.InsightHotspotDetectedV1(complaint_id=uuid4(), category="billing", window_start=T0,
                                         window_end=later(1440), count=9, expected=2.0)
    assert not domain.concerns_a_complaint(hotspot)
