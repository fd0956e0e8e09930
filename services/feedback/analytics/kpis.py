"""KPI formulas over complaint facts (docs/kpis.md writes every one down). Pure: no I/O."""

import math
from collections.abc import Iterable, Sequence
from datetime import datetime

from services.feedback.analytics.domain import Answer, Fact
from services.feedback.evaluations.domain import DIMENSIONS

AGE_BUCKETS = ((1, "lt_1d"), (3, "1_3d"), (7, "3_7d"), (14, "7_14d"), (math.inf, "ge_14d"))


def median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest rank: the smallest value with at least p % of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(p / 100 * len(ordered)), 1) - 1]


def ratio(part: float, whole: float, digits: int = 4) -> float | None:
    return None if not whole else round(part / whole, digits)


def _hours(fact: Fact, target: str, until: datetime | None) -> tuple[float, bool] | None:
    """(hours, in business hours?) from escalation's clock, else calendar hours since the complaint came in."""
    minutes = fact.sla.get(target, {}).get("minutes")
    if minutes is not None:
        return minutes / 60, True
    if until is None:
        return None
    return (until - fact.anchor).total_seconds() / 3600, False


def first_response_hours(fact: Fact) -> tuple[float, bool] | None:
    return _hours(fact, "first_response", fact.first_response_at) if fact.first_response_at else None


def resolution_hours(fact: Fact) -> tuple[float, bool] | None:
    return _hours(fact, "resolution", fact.resolved_at) if fact.resolved_at else None


def first_contact_resolved(fact: Fact) -> bool:
    """Resolved with exactly one response, never reopened, never transferred, no information requested."""
    return (fact.resolved_at is not None and fact.responses == 1 and fact.reopen_count == 0
            and fact.transfers == 0 and fact.information_requests == 0)


def _durations(facts: Iterable[Fact], measure, name: str) -> dict[str, float | int | None]:
    measured = [m for m in (measure(f) for f in facts) if m is not None]
    hours = [h for h, _ in measured]
    median_h, p90_h = median(hours), percentile(hours, 90)
    return {f"{name}_count": len(hours),
            f"{name}_median_h": None if median_h is None else round(median_h, 3),
            f"{name}_p90_h": None if p90_h is None else round(p90_h, 3),
            f"{name}_business_share": ratio(sum(1 for _, business in measured if business), len(measured))}


def sla_outcome(fact: Fact, target: str) -> bool | None:
    """True met, False breached, None when the target has no outcome yet."""
    known = fact.sla.get(target)
    if not known:
        return None
    if known.get("breached") or known.get("met") is False:
        return False
    return True if known.get("met") else None


def _sla(facts: Sequence[Fact]) -> dict[str, float | int | None]:
    result: dict[str, float | int | None] = {}
    met_all = decided_all = 0
    for target in ("first_response", "resolution"):
        outcomes = [o for o in (sla_outcome(f, target) for f in facts) if o is not None]
        met = sum(outcomes)
        result[f"sla_{target}_attainment"] = ratio(met, len(outcomes))
        met_all, decided_all = met_all + met, decided_all + len(outcomes)
    others = [o for f in facts for t in f.sla if t not in ("first_response", "resolution")
              for o in [sla_outcome(f, t)] if o is not None]
    result["sla_attainment"] = ratio(met_all + sum(others), decided_all + len(others))
    return result


def _rates(facts: Sequence[Fact]) -> dict[str, float | int | None]:
    resolved = [f for f in facts if f.resolved_at is not None]
    return {
        "volume": len(facts),
        "resolved": len(resolved),
        "fcr_rate": ratio(sum(first_contact_resolved(f) for f in resolved), len(resolved)),
        "transfers_per_complaint": ratio(sum(f.transfers for f in facts), len(facts)),
        "reopen_rate": ratio(sum(f.reopen_count > 0 for f in resolved), len(resolved)),
        "escalation_rate": ratio(sum(f.escalation_level > 0 for f in facts), len(facts)),
        "repeat_rate": ratio(sum(f.repeat for f in facts), len(facts)),
    }


def _backlog(facts: Sequence[Fact], as_of: datetime) -> dict[str, int]:
    result = {"backlog_open": 0, **{f"backlog_{label}": 0 for _, label in AGE_BUCKETS}}
    for fact in facts:
        if not fact.is_open():
            continue
        age_days = (as_of - fact.anchor).total_seconds() / 86400
        label = next(label for limit, label in AGE_BUCKETS if age_days < limit)
        result["backlog_open"] += 1
        result[f"backlog_{label}"] += 1
    return result


def resolution_satisfied(answer: Answer) -> bool | None:
    """Satisfied unless it says unsolved or scores CSAT below 4; None when it says neither."""
    if answer.solved is None and answer.csat is None:
        return None
    return answer.solved is not False and (answer.csat is None or answer.csat >= 4)


def _mean(values: Sequence[int]) -> float | None:
    return None if not values else round(sum(values) / len(values), 3)


def _surveys(facts: Sequence[Fact], target: float) -> dict[str, float | int | bool | None]:
    answers = [a for f in facts for a in f.answers]
    surveyed = [f for f in facts if f.surveys_sent > 0]
    csat = [a.csat for a in answers if a.csat is not None]
    nps = [a.nps for a in answers if a.nps is not None]
    ces = [a.ces for a in answers if a.ces is not None]
    judged = [s for s in (resolution_satisfied(a) for a in answers) if s is not None]
    satisfaction = ratio(sum(judged), len(judged))
    promoters, detractors = sum(n >= 9 for n in nps), sum(n <= 6 for n in nps)
    return {
        "surveys_sent": len(surveyed),
        "survey_response_rate": ratio(sum(any(a.method == "survey" for a in f.answers) for f in surveyed),
                                      len(surveyed)),
        "answers": len(answers),
        "csat_responses": len(csat), "csat_mean": _mean(csat),
        "csat_satisfied_rate": ratio(sum(v >= 4 for v in csat), len(csat)),
        "nps_responses": len(nps), "nps": None if not nps else round(100 * (promoters - detractors) / len(nps), 2),
        "ces_responses": len(ces), "ces_mean": _mean(ces),
        "resolution_satisfaction": satisfaction, "resolution_satisfaction_target": target,
        "resolution_satisfaction_met": None if satisfaction is None else satisfaction >= target,
    }


def dimension_scores(answers: Iterable[Answer]) -> dict[str, float | int | str | None]:
    """Mean and count of the 1-5 scores of each service-quality dimension, over every answer (all methods) that
    scored it; the weakest dimension is the one with the lowest mean (the first in DIMENSIONS on a tie)."""
    scores: dict[str, list[int]] = {name: [] for name in DIMENSIONS}
    for answer in answers:
        for name, value in answer.dimensions.items():
            if name in scores:
                scores[name].append(value)
    result: dict[str, float | int | str | None] = {}
    for name, values in scores.items():
        result[f"dimension_{name}_responses"] = len(values)
        result[f"dimension_{name}_mean"] = _mean(values)
    scored = [(result[f"dimension_{name}_mean"], index, name) for index, name in enumerate(DIMENSIONS)
              if scores[name]]
    weakest = min(scored, default=None)
    result["weakest_dimension"] = None if weakest is None else weakest[2]
    result["weakest_dimension_mean"] = None if weakest is None else weakest[0]
    return result


def compute(facts: Sequence[Fact], *, as_of: datetime, satisfaction_target: float) -> dict[str, object]:
    """Every KPI of a set of complaints, in one flat row (so that it also makes a CSV line)."""
    return {
        **_rates(facts),
        **_durations(facts, first_response_hours, "first_response"),
        **_durations(facts, resolution_hours, "resolution"),
        **_sla(facts),
        **_backlog(facts, as_of),
        **_surveys(facts, satisfaction_target),
        **dimension_scores(a for f in facts for a in f.answers),
    }
