"""The KPI fact of one complaint and how each event changes it. Pure: no I/O."""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from shared.contracts import Event
from shared.contracts import complaint as c
from shared.contracts import feedback as f
from shared.contracts import sla as s

OPEN_END_STATES = frozenset({"resolved", "closed", "withdrawn"})


@dataclass(frozen=True)
class Answer:
    """One answer to a survey, or the scorecard of another evaluation method, about a complaint."""

    answered_at: datetime
    method: str = "survey"
    csat: int | None = None
    nps: int | None = None
    ces: int | None = None
    solved: bool | None = None
    # Scores 1-5 by service-quality dimension (response_speed, attitude, …); only those the answer gave.
    dimensions: Mapping[str, int] = field(default_factory=dict)


@dataclass
class Fact:
    """What the feedback service knows about one complaint, kept up to date by events."""

    complaint_id: UUID
    first_seen_at: datetime
    received_at: datetime | None = None
    kind: str | None = None
    channel: str | None = None
    customer_tier: str | None = None
    region: str | None = None
    product: str | None = None
    language: str | None = None
    repeat: bool = False
    subject: str | None = None
    description: str | None = None
    category: str | None = None
    subcategory: str | None = None
    severity: int | None = None
    priority: str | None = None
    team: str | None = None
    agent: str | None = None
    status: str | None = None
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    withdrawn_at: datetime | None = None
    merged: bool = False
    responses: int = 0
    information_requests: int = 0
    reopen_count: int = 0
    transfers: int = 0
    escalation_level: int = 0
    # target -> {"met": bool | None, "breached": bool, "minutes": float | None}
    sla: dict[str, dict[str, Any]] = field(default_factory=dict)
    surveys_sent: int = 0
    answers: tuple[Answer, ...] = ()

    @property
    def anchor(self) -> datetime:
        """When the complaint counts as received: its received_at, or when it was first seen."""
        return self.received_at or self.first_seen_at

    def is_open(self) -> bool:
        return not self.merged and self.status not in OPEN_END_STATES


def concerns_a_complaint(event: Event) -> bool:
    """Insights name no single complaint; every other event the service consumes does."""
    return not isinstance(event, f.InsightHotspotDetectedV1)


def answer_of(event: Event) -> Answer | None:
    if not isinstance(event, f.FeedbackReceivedV1):
        return None
    return Answer(answered_at=event.occurred_at, method=event.method, csat=event.csat, nps=event.nps,
                  ces=event.ces, solved=event.solved, dimensions=dict(event.dimensions))


def apply(fact: Fact, event: Event) -> Fact:
    """The fact after `event`; events of no interest leave it as it was."""
    if event.occurred_at < fact.first_seen_at:
        fact = replace(fact, first_seen_at=event.occurred_at)
    for kind, rule in _RULES:
        if isinstance(event, kind):
            return rule(fact, event)
    return fact


def _received(fact: Fact, e: c.ComplaintReceivedV1) -> Fact:
    return replace(fact, received_at=e.received_at, kind=str(e.kind), channel=str(e.channel),
                   customer_tier=e.customer_tier, region=e.region, product=e.product_ref, language=e.language,
                   repeat=e.repeat, subject=e.subject, description=e.description, status=fact.status or "received")


def _classified(fact: Fact, e: c.ComplaintClassifiedV1) -> Fact:
    return replace(fact, category=e.category, subcategory=e.subcategory, severity=e.severity,
                   priority=str(e.priority))


def _assigned(fact: Fact, e: c.ComplaintAssignedV1) -> Fact:
    return replace(fact, team=e.team_id, agent=e.agent_id, transfers=max(fact.transfers, e.transfers))


def _status(fact: Fact, e: c.ComplaintStatusChangedV1) -> Fact:
    to = str(e.to_status)
    fact = replace(fact, status=to)
    if to == "reopened":
        fact = replace(fact, reopen_count=fact.reopen_count + 1)
    if to == "closed" and fact.closed_at is None:
        fact = replace(fact, closed_at=e.occurred_at)
    if to == "withdrawn" and fact.withdrawn_at is None:
        fact = replace(fact, withdrawn_at=e.occurred_at)
    return fact


def _responded(fact: Fact, e: c.ComplaintRespondedV1) -> Fact:
    first = fact.first_response_at
    if first is None or e.occurred_at < first:
        first = e.occurred_at
    return replace(fact, responses=fact.responses + 1, first_response_at=first, agent=e.agent_id or fact.agent)


def _information_requested(fact: Fact, e: c.ComplaintInformationRequestedV1) -> Fact:
    return replace(fact, information_requests=fact.information_requests + 1)


def _resolved(fact: Fact, e: c.ComplaintResolvedV1) -> Fact:
    return replace(fact, resolved_at=e.occurred_at, team=e.team_id or fact.team, agent=e.agent_id or fact.agent,
                   status="resolved")


def _escalated(fact: Fact, e: c.ComplaintEscalatedV1) -> Fact:
    return replace(fact, escalation_level=max(fact.escalation_level, e.level))


def _withdrawn(fact: Fact, e: c.ComplaintWithdrawnV1) -> Fact:
    return replace(fact, status="withdrawn", withdrawn_at=fact.withdrawn_at or e.occurred_at)


def _merged(fact: Fact, e: c.ComplaintMergedV1) -> Fact:
    return replace(fact, merged=True)


def _sla_fulfilled(fact: Fact, e: s.SlaFulfilledV1) -> Fact:
    """Met only while every clock of the target was met; resolution minutes add up over the clocks a reopen
    starts; the first response keeps its first clock's minutes."""
    target = str(e.target)
    known = dict(fact.sla.get(target, {"met": None, "breached": False, "minutes": None}))
    known["met"] = e.met if known["met"] is None else (known["met"] and e.met)
    if e.elapsed_minutes is not None:
        if target == "resolution" and known["minutes"] is not None:
            known["minutes"] = known["minutes"] + e.elapsed_minutes
        elif known["minutes"] is None:
            known["minutes"] = e.elapsed_minutes
    return replace(fact, sla={**fact.sla, target: known})


def _sla_breached(fact: Fact, e: s.SlaBreachedV1) -> Fact:
    target = str(e.target)
    known = dict(fact.sla.get(target, {"met": None, "breached": False, "minutes": None}))
    known["breached"] = True
    return replace(fact, sla={**fact.sla, target: known})


def _survey_requested(fact: Fact, e: f.SurveyRequestedV1) -> Fact:
    return fact if e.reminder else replace(fact, surveys_sent=fact.surveys_sent + 1)


_RULES: tuple[tuple[type[Event], Any], ...] = (
    (c.ComplaintReceivedV1, _received),
    (c.ComplaintClassifiedV1, _classified),
    (c.ComplaintAssignedV1, _assigned),
    (c.ComplaintStatusChangedV1, _status),
    (c.ComplaintRespondedV1, _responded),
    (c.ComplaintInformationRequestedV1, _information_requested),
    (c.ComplaintResolvedV1, _resolved),
    (c.ComplaintEscalatedV1, _escalated),
    (c.ComplaintWithdrawnV1, _withdrawn),
    (c.ComplaintMergedV1, _merged),
    (s.SlaFulfilledV1, _sla_fulfilled),
    (s.SlaBreachedV1, _sla_breached),
    (f.SurveyRequestedV1, _survey_requested),
)
