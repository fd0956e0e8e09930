"""Classifying a case: category (model or keyword rules), sentiment, severity, priority, safety flag. The steps
here never commit; the case use cases that call them do."""

from collections.abc import Sequence
from datetime import datetime
from uuid import uuid4

from services.routing.cases.models import Case, TriageLabel
from services.routing.cases.steps import move, record
from services.routing.rules.domain import Facts, Outcome, RuleLike, evaluate
from services.routing.triage import domain
from services.routing.triage.sentiment import sentiment
from services.routing.uow import RoutingUow
from shared.contracts.complaint import ComplaintClassifiedV1, Priority, Status


def text_of(case: Case) -> str:
    return f"{case.subject}\n{case.description}"


def classify(uow: RoutingUow, case: Case, *, at: datetime, rules: Sequence[RuleLike] = ()) -> Outcome:
    """First assessment of a received case (the rules have the last word): classified event, then received →
    classified. Returns what the rules decided, e.g. a team."""
    context = uow.context
    text = text_of(case)
    guess = domain.categorise(context.taxonomy, text, model=context.models.model)
    unsure = domain.needs_triage(guess, threshold=context.settings.triage_confidence_threshold)
    outcome = evaluate(rules, Facts(channel=case.channel, tier=case.customer_tier, category=guess.category,
                                    language=case.language, text=text))
    if outcome.category:
        guess, unsure = domain.Guess(outcome.category, outcome.subcategory, 1.0, domain.RULE), False
    apply(uow, case, guess, needs_triage=unsure, sentiment=sentiment(text, case.language), at=at,
          priority=Priority(outcome.priority) if outcome.priority else None, extra_tags=outcome.tags)
    move(uow, case, Status.CLASSIFIED, at=at, reason=f"classified by {guess.source}")
    return outcome


def apply(uow: RoutingUow, case: Case, guess: domain.Guess, *, needs_triage: bool, sentiment: float | None,
          at: datetime, actor: str | None = None, priority: Priority | None = None,
          extra_tags: Sequence[str] = ()) -> None:
    """Set the category and what follows from it on the case, and announce it."""
    settings = uow.context.settings
    assessment = domain.assess(uow.context.taxonomy, category=guess.category, text=text_of(case), kind=case.kind,
                               tier=case.customer_tier, high_value_tiers=settings.high_value_tiers,
                               repeat=case.repeat, sentiment=sentiment)
    assessment = domain.overridden(assessment, priority)
    tags = [*assessment.tags, *(["needs_triage"] if needs_triage else [])]
    tags += [tag for tag in extra_tags if tag not in tags]
    case.category, case.subcategory, case.confidence = guess.category, guess.subcategory, guess.confidence
    case.classification_source, case.needs_triage, case.sentiment = guess.source, needs_triage, sentiment
    case.priority, case.priority_rank, case.severity = assessment.priority, assessment.rank, assessment.severity
    case.safety_flag, case.tags, case.updated_at = assessment.safety_flag, tags, at
    uow.emit(ComplaintClassifiedV1(
        complaint_id=case.id, tenant=case.tenant, category=guess.category, subcategory=guess.subcategory,
        severity=assessment.severity, priority=assessment.priority, confidence=guess.confidence,
        safety_flag=assessment.safety_flag, sentiment=sentiment, source=guess.source, needs_triage=needs_triage,
        tags=tags, occurred_at=at))
    record(uow, case, "classified", at=at, actor=actor, category=guess.category, subcategory=guess.subcategory,
           confidence=guess.confidence, source=guess.source, priority=assessment.priority,
           severity=assessment.severity, safety_flag=assessment.safety_flag, needs_triage=needs_triage)


def label(uow: RoutingUow, case: Case, *, category: str, subcategory: str | None, actor: str | None,
          at: datetime) -> None:
    """Keep the text with the category a person gave it, for retraining the classifier."""
    name = f"{category}/{subcategory}" if subcategory else category
    uow.cases.add(TriageLabel(id=uuid4(), complaint_id=case.id, tenant=case.tenant, text=text_of(case), label=name,
                              source=domain.AGENT, actor=actor, created_at=at))
