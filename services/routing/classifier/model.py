"""The trainable text classifier: features, a class-balanced linear SVM, sigmoid-calibrated confidences."""

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from services.routing.classifier.features import TextFeatures
from services.routing.classifier.grouping import near_duplicate_groups

ALTERNATIVES = 3
CALIBRATION_FOLDS = 3


@dataclass(frozen=True)
class Prediction:
    label: str
    confidence: float
    alternatives: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Settings:
    """The model's choices; the defaults are the ones selected on held-out data (docs/classifier.md)."""

    c: float = 0.3
    min_df: int = 2
    char_range: tuple[int, int] = (2, 4)
    char_weight: float = 1.0

    def as_dict(self) -> dict[str, Any]:
        return {"c": self.c, "min_df": self.min_df, "char_range": list(self.char_range),
                "char_weight": self.char_weight}


def build_pipeline(settings: Settings, *, folds: list[tuple[np.ndarray, np.ndarray]] | None) -> Pipeline:
    svm = LinearSVC(C=settings.c, class_weight="balanced")
    head = CalibratedClassifierCV(svm, method="sigmoid", cv=folds, ensemble=False) if folds else svm
    features = TextFeatures(min_df=settings.min_df, char_range=settings.char_range, char_weight=settings.char_weight)
    return Pipeline([("features", features), ("classifier", head)])


def calibration_folds(texts: list[str], labels: list[str]) -> list[tuple[np.ndarray, np.ndarray]] | None:
    """Folds that keep near-duplicates together, or None when a class is too small to calibrate."""
    counts = np.unique(labels, return_counts=True)[1]
    if len(counts) < 2 or counts.min() < CALIBRATION_FOLDS:
        return None
    splitter = StratifiedGroupKFold(n_splits=CALIBRATION_FOLDS, shuffle=True, random_state=0)
    groups = near_duplicate_groups(texts)
    folds = list(splitter.split(texts, labels, groups))
    usable = all(len(set(np.asarray(labels)[train])) == len(counts) for train, _ in folds)
    return folds if usable else None


def fit(texts: list[str], labels: list[str], settings: Settings) -> Pipeline:
    if len(set(labels)) < 2:
        raise ValueError("training needs at least two different labels")
    pipeline = build_pipeline(settings, folds=calibration_folds(texts, labels))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipeline.fit(texts, labels)
    return pipeline


def probabilities(pipeline: Pipeline, texts: list[str]) -> np.ndarray:
    """Calibrated probabilities, or (for models too small to calibrate) a softmax of the SVM's margins."""
    head = pipeline.named_steps["classifier"]
    if hasattr(head, "predict_proba"):
        return pipeline.predict_proba(texts)
    margins = np.atleast_2d(pipeline.decision_function(texts))
    if margins.shape[0] != len(texts):
        margins = margins.T
    if margins.shape[1] == 1:
        margins = np.hstack([-margins, margins])
    exps = np.exp(margins - margins.max(axis=1, keepdims=True))
    return exps / exps.sum(axis=1, keepdims=True)


def predictions(classes: list[str], matrix: np.ndarray) -> list[Prediction]:
    order = np.argsort(-matrix, axis=1)[:, :ALTERNATIVES + 1]
    result = []
    for row, ranked in zip(matrix.tolist(), order.tolist(), strict=True):
        ranked_pairs = [(classes[i], round(row[i], 4)) for i in ranked]
        result.append(Prediction(ranked_pairs[0][0], ranked_pairs[0][1], tuple(ranked_pairs[1:])))
    return result
