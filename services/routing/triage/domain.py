"""Initial assessment of a complaint (ISO 10002): category by keyword rules or a trained model, and severity,
priority and safety flag by rules. Pure: the taxonomy, the model and the sentiment come in as arguments.

Levels and how they map onto the contract:
    critical  (safety)      -> Priority.CRITICAL, severity 5
    urgent                  -> Priority.URGENT,   severity 4
    important               -> Priority.HIGH,     severity 3
    general                 -> Priority.NORMAL,   severity 2
    suggestions and praise  -> Priority.LOW,      severity 1
A category's taxonomy level is the start; regulatory words make it at least urgent; a high-value tier, a repeat
complaint and an angry tone each raise it one level, up to urgent; only safety makes it critical."""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from services.routing.triage.taxonomy import LEVELS, OTHER, Category, Taxonomy
from shared.contracts.complaint import ComplaintKind, Priority

LEVEL_PRIORITY = {"critical": (Priority.CRITICAL, 5), "urgent": (Priority.URGENT, 4),
                  "important": (Priority.HIGH, 3), "general": (Priority.NORMAL, 2)}
PRIORITY_SEVERITY = {Priority.LOW: 1, Priority.NORMAL: 2, Priority.HIGH: 3, Priority.URGENT: 4, Priority.CRITICAL: 5}
PRIORITY_RANK = {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.URGENT: 3, Priority.CRITICAL: 4}
ANGRY = -0.5
KEYWORDS, MODEL, AGENT, RULE = "keywords", "model", "agent", "rule"


class TextModel(Protocol):
    """What the trained classifier offers (services.routing.classifier.TextClassifier)."""

    version: str

    def predict(self, texts: list[str]) -> list[Any]: ...


@dataclass(frozen=True)
class Guess:
    category: str
    subcategory: str | None
    confidence: float
    source: str


@dataclass(frozen=True)
class Assessment:
    priority: Priority
    severity: int
    safety_flag: bool
    tags: list[str] = field(default_factory=list)

    @property
    def rank(self) -> int:
        return PRIORITY_RANK[self.priority]


def _pattern(keyword: str) -> re.Pattern[str]:
    word = re.escape(keyword.lower())
    if keyword.isascii():
        # Whole words with common endings: "late" finds "late" but not "chocolate", "charge" finds "charged".
        return re.compile(rf"(?<![a-z0-9]){word}(?:s|es|d|ed)?(?![a-z0-9])")
    return re.compile(word)


_PATTERNS: dict[str, re.Pattern[str]] = {}


def found(text: str, keywords: Iterable[str]) -> list[str]:
    """The keywords that occur in `text` (English as words, Chinese anywhere), case-insensitively."""
    lowered = text.lower()
    hits = []
    for keyword in keywords:
        pattern = _PATTERNS.get(keyword) or _PATTERNS.setdefault(keyword, _pattern(keyword))
        if pattern.search(lowered):
            hits.append(keyword)
    return hits


def classify_by_keywords(taxonomy: Taxonomy, text: str) -> Guess:
    """The category with the most keyword hits; confidence grows with hits and falls with rivals."""
    scores = {c.id: len(found(text, _all_keywords(c))) for c in taxonomy.categories}
    best_id = max(scores, key=lambda c: scores[c])
    best, total = scores[best_id], sum(scores.values())
    if best == 0:
        return Guess(OTHER, None, 0.0, KEYWORDS)
    confidence = round(min(0.95, 0.45 + 0.2 * best) * best / total, 3)
    return Guess(best_id, _subcategory(taxonomy.by_id[best_id], text), confidence, KEYWORDS)


def _all_keywords(category: Category) -> set[str]:
    return set(category.keywords).union(*(s.keywords for s in category.subcategories))


def _subcategory(category: Category, text: str) -> str | None:
    scored = [(len(found(text, s.keywords)), s.id) for s in category.subcategories]
    hits, best = max(scored, default=(0, None))
    return best if hits else None


def classify_by_model(taxonomy: Taxonomy, model: TextModel, text: str) -> Guess:
    """The model's label ("category" or "category/subcategory"); a label the taxonomy lacks counts as unsure."""
    prediction = model.predict([text])[0]
    category, _, subcategory = str(prediction.label).partition("/")
    if not taxonomy.has(category, subcategory or None):
        return Guess(OTHER, None, 0.0, MODEL)
    return Guess(category, subcategory or None, float(prediction.confidence), MODEL)


def categorise(taxonomy: Taxonomy, text: str, *, model: TextModel | None) -> Guess:
    return classify_by_model(taxonomy, model, text) if model is not None else classify_by_keywords(taxonomy, text)


def needs_triage(guess: Guess, *, threshold: float) -> bool:
    return guess.confidence < threshold


def overridden(assessment: Assessment, priority: Priority | None) -> Assessment:
    """A person's priority wins over the rules'."""
    if priority is None:
        return assessment
    return Assessment(priority, PRIORITY_SEVERITY[priority], assessment.safety_flag, assessment.tags)


def assess(taxonomy: Taxonomy, *, category: str, text: str, kind: str, tier: str | None,
           high_value_tiers: Sequence[str], repeat: bool, sentiment: float | None) -> Assessment:
    """Severity, priority, safety flag and tags by the rules in this module's docstring."""
    tags = []
    safety = taxonomy.by_id[category].level == "critical" or bool(found(text, taxonomy.safety_keywords))
    if safety:
        priority, severity = LEVEL_PRIORITY["critical"]
        return Assessment(priority, severity, True, ["safety"])
    level = LEVELS.index(taxonomy.by_id[category].level)
    if found(text, taxonomy.regulatory_keywords):
        level, tags = max(level, LEVELS.index("urgent")), [*tags, "regulatory"]
    for raised, tag in ((tier is not None and tier.lower() in high_value_tiers, "high_value"),
                        (repeat, "repeat"), (sentiment is not None and sentiment <= ANGRY, "angry")):
        if raised:
            level, tags = min(level + 1, LEVELS.index("urgent")), [*tags, tag]
    if kind != ComplaintKind.COMPLAINT and not tags:
        return Assessment(Priority.LOW, 1, False, [kind])
    priority, severity = LEVEL_PRIORITY[LEVELS[level]]
    return Assessment(priority, severity, False, tags)
