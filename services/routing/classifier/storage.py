"""A model directory: model.joblib (the fitted pipeline), manifest.json and metrics.json."""

import json
import platform
from importlib.metadata import version
from pathlib import Path
from typing import Any

import joblib
from sklearn.pipeline import Pipeline

PIPELINE, MANIFEST, METRICS = "model.joblib", "manifest.json", "metrics.json"
LIBRARIES = ("scikit-learn", "numpy", "scipy", "jieba", "joblib")


class ModelNotFound(Exception):
    """The directory holds no usable model."""


def library_versions() -> dict[str, str]:
    return {"python": platform.python_version(), **{name: version(name) for name in LIBRARIES}}


def save(directory: Path, *, pipeline: Pipeline, manifest: dict[str, Any], metrics: dict[str, Any]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    joblib.dump(pipeline, directory / PIPELINE, compress=3)
    _write(directory / MANIFEST, manifest)
    _write(directory / METRICS, metrics)


def _write(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def load(directory: Path) -> tuple[Pipeline, dict[str, Any], dict[str, Any]]:
    for name in (PIPELINE, MANIFEST):
        if not (directory / name).is_file():
            raise ModelNotFound(f"{directory} is not a model directory: {name} is missing")
    manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    metrics_path = directory / METRICS
    metrics = json.loads(metrics_path.read_text(encoding="utf-8")) if metrics_path.is_file() else {}
    return joblib.load(directory / PIPELINE), manifest, metrics
