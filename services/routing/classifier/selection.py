"""Model selection on held-out data: our classifier against a plain TF-IDF + linear SVM, trained the same way.

Splits:
    group   a stratified hold-out of about a fifth of the near-duplicate groups: a template letter's copies sit
            on one side only.
    period  train on the ids below a boundary and test on the rest, then the other way round (for the English
            data: 2015-2020 against 2023).
"""

import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.svm import LinearSVC

from services.routing.classifier.classifier import TextClassifier
from services.routing.classifier.data import Dataset
from services.routing.classifier.evaluation import figures, timed_predictions
from services.routing.classifier.grouping import near_duplicate_groups
from services.routing.classifier.model import Settings
from services.routing.classifier.text import has_chinese, jieba_words

HOLDOUT_FOLDS = 5
_WORD = re.compile(r"(?u)\b\w\w+\b")


@dataclass(frozen=True)
class Split:
    name: str
    train: np.ndarray
    test: np.ndarray


def baseline_tokens(text: str) -> list[str]:
    """The plain baseline's tokens: jieba's words for Chinese text, sklearn's default words otherwise."""
    lowered = text.lower()
    return jieba_words(lowered) + _WORD.findall(lowered) if has_chinese(lowered) else _WORD.findall(lowered)


def train_baseline(texts: list[str], labels: list[str]) -> Pipeline:
    pipeline = make_pipeline(TfidfVectorizer(analyzer=baseline_tokens), LinearSVC())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return pipeline.fit(texts, labels)


def group_split(data: Dataset, *, seed: int = 0) -> Split:
    groups = near_duplicate_groups(data.texts)
    splitter = StratifiedGroupKFold(n_splits=HOLDOUT_FOLDS, shuffle=True, random_state=seed)
    train, test = next(splitter.split(data.texts, data.labels, groups))
    return Split("group", train, test)


def period_splits(data: Dataset, *, boundary: int) -> list[Split]:
    ids = np.array([int(value) for value in data.ids])
    before, after = np.flatnonzero(ids < boundary), np.flatnonzero(ids >= boundary)
    if not len(before) or not len(after):
        raise ValueError(f"every id is on one side of {boundary}: no period split")
    return [Split(f"ids<{boundary} -> ids>={boundary}", before, after),
            Split(f"ids>={boundary} -> ids<{boundary}", after, before)]


def compare(data: Dataset, split: Split, *, settings: Settings | None = None) -> dict[str, Any]:
    """Baseline and ours trained on the split's training side, measured on its test side."""
    pick = _picker(data)
    train_texts, train_labels = pick(split.train)
    test_texts, test_labels = pick(split.test)
    ours = TextClassifier.train(train_texts, train_labels, settings=settings)
    baseline = train_baseline(train_texts, train_labels)
    result = {"split": split.name, "train_n": len(train_texts), "test_n": len(test_texts)}
    for name, predict in (("baseline", baseline.predict), ("ours", ours.predict)):
        predicted, speed = timed_predictions(predict, test_texts)
        result[name] = figures(test_labels, predicted, texts_per_second=speed)
    return result


def _picker(data: Dataset) -> Callable[[np.ndarray], tuple[list[str], list[str]]]:
    def pick(indices: np.ndarray) -> tuple[list[str], list[str]]:
        return [data.texts[i] for i in indices], [data.labels[i] for i in indices]
    return pick


def splits(data: Dataset, *, kind: str, boundary: int | None) -> Iterator[Split]:
    if kind in ("group", "all"):
        yield group_split(data)
    if kind in ("period", "all"):
        if boundary is None:
            raise ValueError("the period split needs --period-boundary (and an --id-column)")
        yield from period_splits(data, boundary=boundary)
