"""`redress classifier train | evaluate | predict | select | retrain`: the routing service's text classifier from
the shell.

Tables and results go to stdout (evaluate and select end with one JSON line); progress goes to stderr."""

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer

from services.cli.options import fail
from services.routing.classifier.data import DataError, Dataset, read_csv
from services.routing.classifier.report import per_class_table, prediction_table, selection_table, status, stdout
from services.routing.classifier.versions.cli import retrain

if TYPE_CHECKING:
    from services.routing.classifier import TextClassifier

classifier_app = typer.Typer(help="The routing service's text classifier: train, evaluate, predict, select, retrain.",
                             no_args_is_help=True)

DATA = typer.Option(..., "--data", help="A UTF-8 CSV file with a header row.")
TEXT_COLUMN = typer.Option("text", "--text-column", help="The column holding the complaint text.")
LABEL_COLUMN = typer.Option("product", "--label-column", help="The column holding the label.")
MODEL = typer.Option(..., "--model", help="A model directory written by `redress classifier train`.")


def _usage_error(message: str) -> NoReturn:
    fail(message, code=2)


def _read(path: Path, *, text_column: str, label_column: str, id_column: str | None = None) -> Dataset:
    try:
        data = read_csv(path, text_column=text_column, label_column=label_column, id_column=id_column)
    except DataError as exc:
        _usage_error(str(exc))
    if not data.texts:
        _usage_error(f"{path}: no row has both a text and a label")
    return data


def _load(directory: Path) -> "TextClassifier":
    from services.routing.classifier import TextClassifier
    from services.routing.classifier.storage import ModelNotFound

    try:
        with status(f"loading the model from {directory}"):
            return TextClassifier.load(directory)
    except ModelNotFound as exc:
        _usage_error(str(exc))


@classifier_app.command("train", help="Train a classifier on a labelled CSV and write it to a model directory, with "
                        "its held-out figures (a near-duplicate-aware fifth of the data) in metrics.json.")
def train(
    data: Path = DATA,
    text_column: str = TEXT_COLUMN,
    label_column: str = LABEL_COLUMN,
    out: Path = typer.Option(..., "--out", help="The model directory to write (created when missing)."),
    holdout: bool = typer.Option(True, help="Measure on a held-out split first (--no-holdout skips it)."),
) -> None:
    dataset = _read(data, text_column=text_column, label_column=label_column)
    if len(set(dataset.labels)) < 2:
        _usage_error(f"{data}: column {label_column!r} needs at least two different labels")
    from services.routing.classifier import TextClassifier

    metrics = _holdout_metrics(dataset) if holdout else {}
    with status(f"training on {len(dataset.texts):,} texts"):
        model = TextClassifier.train(dataset.texts, dataset.labels)
    model.metrics = metrics
    model.save(out)
    stdout.print(f"model {model.version}: {len(model.labels)} labels, {len(dataset.texts):,} texts -> {out}")
    if metrics:
        stdout.print(f"held-out ({metrics['split']}, n={metrics['n']}): macro-F1 {metrics['macro_f1']:.3f}, "
                     f"accuracy {metrics['accuracy']:.3f}, {metrics['texts_per_second']:,.0f} texts/s")


def _holdout_metrics(dataset: Dataset) -> dict[str, Any]:
    from services.routing.classifier import TextClassifier, evaluate, selection

    try:
        with status("grouping near-duplicates for a held-out split"):
            split = selection.group_split(dataset)
    except ValueError as exc:
        stdout.print(f"no held-out figures: {exc}")
        return {}
    texts, labels = [dataset.texts[i] for i in split.train], [dataset.labels[i] for i in split.train]
    with status(f"training on {len(texts):,} texts for the held-out figures"):
        held_out = TextClassifier.train(texts, labels)
    test = [dataset.texts[i] for i in split.test], [dataset.labels[i] for i in split.test]
    with status(f"measuring on {len(test[0]):,} held-out texts"):
        return {"split": "group holdout (1/5 of near-duplicate groups)", **evaluate(held_out, *test)}


@classifier_app.command("evaluate", help="Measure a model on a labelled CSV: per-class table, then one JSON line "
                        "(accuracy, macro_f1, n, texts_per_second, per_class).")
def evaluate_command(
    model: Path = MODEL,
    data: Path = DATA,
    text_column: str = TEXT_COLUMN,
    label_column: str = LABEL_COLUMN,
) -> None:
    from services.routing.classifier import evaluate

    classifier = _load(model)
    dataset = _read(data, text_column=text_column, label_column=label_column)
    with status(f"classifying {len(dataset.texts):,} texts"):
        result = evaluate(classifier, dataset.texts, dataset.labels)
    stdout.print(per_class_table(result))
    print(json.dumps({"model": classifier.version, **result}, ensure_ascii=False))


@classifier_app.command("predict", help="Classify one text: label, confidence and the next likeliest labels.")
def predict(
    model: Path = MODEL,
    text: str = typer.Option(..., "--text", help="The complaint text."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of a table."),
) -> None:
    if not text.strip():
        _usage_error("--text is empty")
    prediction = _load(model).predict([text])[0]
    if as_json:
        print(json.dumps({"label": prediction.label, "confidence": prediction.confidence,
                          "alternatives": [list(pair) for pair in prediction.alternatives]}, ensure_ascii=False))
        return
    stdout.print(prediction_table(prediction))


@classifier_app.command("select", help="Model selection: ours against a plain TF-IDF + linear SVM, both trained on "
                        "the same held-out split(s). Table, then one JSON line.")
def select(
    data: Path = DATA,
    text_column: str = TEXT_COLUMN,
    label_column: str = LABEL_COLUMN,
    split: str = typer.Option("group", "--split", help="group, period or all."),
    id_column: str = typer.Option(None, "--id-column", help="Numeric id column (for --split period)."),
    period_boundary: int = typer.Option(None, "--period-boundary", help="Ids below it form the first period."),
) -> None:
    if split not in ("group", "period", "all"):
        _usage_error(f"--split must be group, period or all, not {split!r}")
    if split != "group" and (id_column is None or period_boundary is None):
        _usage_error("--split period needs --id-column and --period-boundary")
    from services.routing.classifier import selection

    dataset = _read(data, text_column=text_column, label_column=label_column, id_column=id_column)
    results = []
    try:
        for chosen in selection.splits(dataset, kind=split, boundary=period_boundary):
            with status(f"split {chosen.name}: training ours and the baseline on {len(chosen.train):,} texts"):
                results.append(selection.compare(dataset, chosen))
    except ValueError as exc:
        _usage_error(str(exc))
    stdout.print(selection_table(results))
    print(json.dumps({"data": str(data), "results": results}, ensure_ascii=False))


classifier_app.command("retrain", help="Train a new version from the labels agents gave (stored in the routing "
                       "database) plus optional base data; it becomes active only if its held-out macro-F1 is not "
                       "below the active version's. Ends with one JSON line.")(retrain)
