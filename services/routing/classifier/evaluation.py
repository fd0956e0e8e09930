"""Figures of a classifier on labelled texts: accuracy, macro-F1, per-class figures and single-core speed."""

import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from threadpoolctl import threadpool_limits


class Predicts(Protocol):
    def predict(self, texts: list[str]) -> list[Any]: ...


def labels_of(predictions: Sequence[Any]) -> list[str]:
    return [str(getattr(p, "label", p)) for p in predictions]


def timed_predictions(predict: Callable[[list[str]], Sequence[Any]], texts: list[str]) -> tuple[list[str], float]:
    """Predicted labels and texts per second, measured on one thread."""
    with threadpool_limits(limits=1):
        started = time.perf_counter()
        predicted = labels_of(predict(texts))
        elapsed = time.perf_counter() - started
    return predicted, len(texts) / elapsed if elapsed > 0 else float("inf")


def figures(truth: Sequence[str], predicted: Sequence[str], *, texts_per_second: float) -> dict[str, Any]:
    labels = sorted(set(truth) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0)
    per_class = {label: {"precision": round(float(p), 4), "recall": round(float(r), 4), "f1": round(float(f), 4),
                         "support": int(s)}
                 for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)}
    present = sorted(set(truth))
    return {
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(float(f1_score(truth, predicted, labels=present, average="macro", zero_division=0)), 4),
        "n": len(truth),
        "texts_per_second": round(texts_per_second, 1),
        "per_class": per_class,
    }


def evaluate(classifier: Predicts, texts: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    """The JSON figures of `classifier` on `texts` with their true `labels`."""
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
    if not texts:
        raise ValueError("nothing to evaluate: no texts")
    predicted, speed = timed_predictions(classifier.predict, list(texts))
    return figures([str(label) for label in labels], predicted, texts_per_second=speed)
