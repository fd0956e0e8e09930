"""`TextClassifier`: what the routing service and the CLI use."""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sklearn.pipeline import Pipeline

from services.routing.classifier import model, storage
from services.routing.classifier.model import Prediction, Settings
from services.routing.classifier.text import has_chinese


def language_mix(texts: Sequence[str]) -> dict[str, float]:
    """Share of texts with Chinese characters and of texts without."""
    chinese = sum(1 for text in texts if has_chinese(text))
    total = max(len(texts), 1)
    return {"zh": round(chinese / total, 4), "en": round((len(texts) - chinese) / total, 4)}


class TextClassifier:
    """A fitted pipeline with its manifest (version, labels, training facts) and held-out metrics."""

    def __init__(self, pipeline: Pipeline, manifest: dict[str, Any], metrics: dict[str, Any] | None = None) -> None:
        self.pipeline = pipeline
        self.manifest = manifest
        self.metrics: dict[str, Any] = metrics or {}
        self.labels: list[str] = [str(label) for label in pipeline.classes_]

    @property
    def version(self) -> str:
        return self.manifest["version"]

    @classmethod
    def train(cls, texts: list[str], labels: list[str], *, settings: Settings | None = None) -> "TextClassifier":
        settings = settings or Settings()
        pipeline = model.fit(list(texts), [str(label) for label in labels], settings)
        manifest = {
            "version": f"{datetime.now(UTC):%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8]}",
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "labels": [str(label) for label in pipeline.classes_],
            "training_size": len(texts),
            "language_mix": language_mix(texts),
            "settings": settings.as_dict(),
            "calibrated": hasattr(pipeline.named_steps["classifier"], "predict_proba"),
            "libraries": storage.library_versions(),
        }
        return cls(pipeline, manifest)

    def predict(self, texts: list[str]) -> list[Prediction]:
        if not texts:
            return []
        return model.predictions(self.labels, model.probabilities(self.pipeline, list(texts)))

    def save(self, directory: Path) -> None:
        storage.save(Path(directory), pipeline=self.pipeline, manifest=self.manifest, metrics=self.metrics)

    @classmethod
    def load(cls, directory: Path) -> "TextClassifier":
        pipeline, manifest, metrics = storage.load(Path(directory))
        return cls(pipeline, manifest, metrics)
