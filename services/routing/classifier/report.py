"""How the classifier's CLI shows things: rich tables on stdout, a status spinner on stderr."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from services.routing.classifier.model import Prediction

stdout = Console(highlight=False)
stderr = Console(stderr=True, highlight=False, log_path=False)


@contextmanager
def status(message: str) -> Iterator[None]:
    with stderr.status(message):
        yield
    stderr.log(f"done: {message}")


def per_class_table(result: dict[str, Any]) -> Table:
    table = Table(title=f"{result['n']:,} texts: accuracy {result['accuracy']:.3f}, macro-F1 {result['macro_f1']:.3f}, "
                  f"{result['texts_per_second']:,.0f} texts/s")
    for column in ("label", "precision", "recall", "f1", "support"):
        table.add_column(column, justify="left" if column == "label" else "right")
    for label, row in result["per_class"].items():
        table.add_row(label, f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}",
                      f"{row['support']:,}")
    return table


def prediction_table(prediction: "Prediction") -> Table:
    table = Table(title=f"{prediction.label} ({prediction.confidence:.1%})")
    table.add_column("label")
    table.add_column("confidence", justify="right")
    for label, confidence in ((prediction.label, prediction.confidence), *prediction.alternatives):
        table.add_row(label, f"{confidence:.1%}")
    return table


def selection_table(results: list[dict[str, Any]]) -> Table:
    table = Table(title="held-out comparison: ours vs plain TF-IDF + LinearSVC")
    for column in ("split", "train", "test", "model", "macro-F1", "accuracy", "texts/s"):
        table.add_column(column, justify="left" if column in ("split", "model") else "right")
    for result in results:
        for name in ("baseline", "ours"):
            row = result[name]
            table.add_row(result["split"], f"{result['train_n']:,}", f"{result['test_n']:,}", name,
                          f"{row['macro_f1']:.3f}", f"{row['accuracy']:.3f}", f"{row['texts_per_second']:,.0f}")
    return table
