"""The routing service's trainable text classifier (English and Chinese).

    model = TextClassifier.train(texts, labels)
    model.predict(["My card was charged twice"])[0]   # Prediction(label, confidence, alternatives)
    model.save(directory); TextClassifier.load(directory)
    evaluate(model, texts, labels)                     # accuracy, macro_f1, n, texts_per_second, per_class

The names load on first use, so `redress` starts without importing scikit-learn.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from services.routing.classifier.classifier import TextClassifier
    from services.routing.classifier.evaluation import evaluate
    from services.routing.classifier.model import Prediction

__all__ = ["Prediction", "TextClassifier", "evaluate"]

_HOMES = {"TextClassifier": "classifier", "evaluate": "evaluation", "Prediction": "model"}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
