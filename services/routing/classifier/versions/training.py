"""Retraining, the CPU-bound part (run it in a worker thread): split the labelled texts into a training side and
a held-out side that keeps near-duplicates together, train a new classifier on the training side, and measure
it and the active classifier on the same held-out texts."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from services.routing.classifier.classifier import TextClassifier
from services.routing.classifier.evaluation import Predicts, evaluate
from services.routing.classifier.grouping import fingerprint, near_duplicate_groups
from services.routing.classifier.versions.domain import HOLDOUT_SHARE, LabelledTexts, TooLittleData, held_out

SPLIT = f"near-duplicate groups, 1 in {HOLDOUT_SHARE} held out by a stable hash"


@dataclass(frozen=True)
class Retrained:
    classifier: TextClassifier
    metrics: dict[str, Any]
    compared_with: dict[str, Any] | None


def split(data: LabelledTexts) -> tuple[LabelledTexts, LabelledTexts]:
    """(training side, held-out side)."""
    sides = held_out(near_duplicate_groups(data.texts), [fingerprint(text) for text in data.texts])
    train = LabelledTexts([t for t, h in zip(data.texts, sides, strict=True) if not h],
                          [label for label, h in zip(data.labels, sides, strict=True) if not h])
    test = LabelledTexts([t for t, h in zip(data.texts, sides, strict=True) if h],
                         [label for label, h in zip(data.labels, sides, strict=True) if h])
    if len(set(train.labels)) < 2:
        raise TooLittleData(f"the training side ({len(train.texts)} texts) needs at least two different labels")
    if not test.texts:
        raise TooLittleData(f"no text of {len(data.texts)} falls on the held-out side: label more complaints")
    return train, test


def retrain(data: LabelledTexts, *, active: Predicts | None,
            progress: Callable[[str], None] = lambda _: None) -> Retrained:
    progress(f"grouping near-duplicates of {len(data.texts):,} texts for the held-out split")
    train, test = split(data)
    progress(f"training on {len(train.texts):,} texts")
    try:
        classifier = TextClassifier.train(train.texts, train.labels)
    except ValueError as exc:   # e.g. no word or character n-gram occurs twice
        raise TooLittleData(f"cannot train on these {len(train.texts)} texts: {exc}") from exc
    progress(f"measuring the new model on {len(test.texts):,} held-out texts")
    facts = {"split": SPLIT, "train_n": len(train.texts)}
    metrics = {**facts, **evaluate(classifier, test.texts, test.labels)}
    classifier.metrics = metrics
    compared = None
    if active is not None:
        progress(f"measuring the active model on the same {len(test.texts):,} texts")
        compared = {**facts, **evaluate(active, test.texts, test.labels)}
    return Retrained(classifier, metrics, compared)
