"""`python -m bench --only classifier`: texts per second of the routing service's text classifier on one thread.

English: trained on the public CFPB complaints of 2023 (ids >= 7,000,000), measured on those of 2015-2020.
Chinese: trained on generated complaints (tests/data/chinese_complaints.py), measured on generated complaints
half of whose wordings the model never saw. Each figure is the median of `repeat` runs over the whole test set.
"""

from pathlib import Path
from typing import Any

from bench.report import machine, markdown_table, median, now_iso, per_second, stderr, write_json, write_markdown
from services.routing.classifier import TextClassifier
from services.routing.classifier.data import read_csv
from services.routing.classifier.evaluation import figures, timed_predictions
from services.routing.classifier.selection import period_splits, train_baseline
from tests.data.chinese_complaints import rows

ENGLISH_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "complaints_en_train.csv"
BOUNDARY = 7_000_000
GOAL = 5_000
Sample = tuple[list[str], list[str], list[str], list[str]]


def english() -> Sample | None:
    if not ENGLISH_DATA.is_file():
        return None
    data = read_csv(ENGLISH_DATA, text_column="text", label_column="product", id_column="id")
    split = next(s for s in period_splits(data, boundary=BOUNDARY) if s.name.startswith("ids>="))
    pick = lambda indices, values: [values[i] for i in indices]  # noqa: E731
    return (pick(split.train, data.texts), pick(split.train, data.labels),
            pick(split.test, data.texts), pick(split.test, data.labels))


def chinese(train_n: int = 1_600, test_n: int = 2_000) -> Sample:
    train, test = rows(train_n, part="train"), rows(test_n, part="test")
    return ([r["text"] for r in train], [r["category"] for r in train],
            [r["text"] for r in test], [r["category"] for r in test])


def measure(sample: Sample, *, repeat: int) -> dict[str, Any]:
    train_texts, train_labels, test_texts, test_labels = sample
    result = {"train_n": len(train_texts), "test_n": len(test_texts)}
    for name, model in (("ours", TextClassifier.train(train_texts, train_labels)),
                        ("baseline", train_baseline(train_texts, train_labels))):
        runs = [timed_predictions(model.predict, test_texts) for _ in range(repeat)]
        speed = median([s for _, s in runs])
        result[name] = {k: v for k, v in figures(test_labels, runs[0][0], texts_per_second=speed).items()
                        if k != "per_class"}
    return result


def results(*, repeat: int) -> dict[str, Any]:
    languages: dict[str, Any] = {}
    for language, make in (("english", english), ("chinese", chinese)):
        stderr.log(f"classifier: training and measuring on {language}")
        sample = make()
        languages[language] = measure(sample, repeat=repeat) if sample else None
    measured = [entry for entry in languages.values() if entry]
    met = bool(measured) and all(entry["ours"]["texts_per_second"] >= GOAL for entry in measured)
    return {"at": now_iso(), "machine": machine(), "threads": 1, "repeat": repeat, "goal": f">= {GOAL:,} texts/s",
            "met": met, "languages": languages}


def markdown(data: dict[str, Any]) -> list[str]:
    header = ["language", "model", "train", "test", "texts/s (1 thread)", "macro-F1", "accuracy"]
    table = [[language, name, f"{entry['train_n']:,}", f"{entry['test_n']:,}",
              per_second(entry[name]["texts_per_second"]), entry[name]["macro_f1"], entry[name]["accuracy"]]
             for language, entry in data["languages"].items() if entry for name in ("ours", "baseline")]
    return [__doc__.split("\n\n", 1)[1].strip(), markdown_table(header, table),
            f"Goal {data['goal']} for ours in both languages: {'met' if data['met'] else 'NOT met'}. "
            f"Machine: {data['machine']}, measured {data['at']}."]


def run(out: Path, *, repeat: int) -> str:
    data = results(repeat=repeat)
    json_path = write_json(out / "classifier.json", data)
    md_path = write_markdown(out / "classifier.md", title="Text classifier throughput", blocks=markdown(data))
    lines = [f"{language}: ours {per_second(entry['ours']['texts_per_second'])} texts/s, baseline "
             f"{per_second(entry['baseline']['texts_per_second'])} texts/s"
             for language, entry in data["languages"].items() if entry]
    return "\n".join([*lines, f"goal {data['goal']}: {'met' if data['met'] else 'NOT met'}",
                      f"wrote {json_path} and {md_path}"])
