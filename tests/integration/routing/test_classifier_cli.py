"""`redress classifier train | evaluate | predict | select` through the installed `redress` command."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.data.chinese_complaints import write_csv
from tests.unit.routing.classifier.test_classifier import ENGLISH

REDRESS = Path(sys.executable).parent / "redress"


def redress(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(REDRESS), *map(str, args)], capture_output=True, text=True, timeout=300,
                          env={"PATH": str(REDRESS.parent), "COLUMNS": "200", "OMP_NUM_THREADS": "1"})


def last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


@pytest.fixture
def english_csv(tmp_path) -> Path:
    path = tmp_path / "english.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "narrative", "product"])
        for label, texts in ENGLISH.items():
            for number, text in enumerate(texts):
                writer.writerow([len(texts) * number, f"{text}\nAccount XXXX, {number + 1} times.", label])
    return path


def test_train_evaluate_predict_on_english(english_csv, tmp_path):
    model = tmp_path / "model"
    trained = redress("classifier", "train", "--data", english_csv, "--text-column", "narrative",
                      "--label-column", "product", "--out", model)
    assert trained.returncode == 0, trained.stderr
    assert "3 labels, 18 texts" in trained.stdout
    assert "macro_f1" in json.loads((model / "metrics.json").read_text())
    evaluated = redress("classifier", "evaluate", "--model", model, "--data", english_csv,
                        "--text-column", "narrative", "--label-column", "product")
    assert evaluated.returncode == 0, evaluated.stderr
    figures = last_json(evaluated.stdout)
    assert figures["n"] == 18 and figures["accuracy"] == 1.0 and figures["macro_f1"] == 1.0
    assert figures["texts_per_second"] > 0 and set(figures["per_class"]) == set(ENGLISH)
    table = "\n".join(evaluated.stdout.splitlines()[:-1])
    assert "precision" in table and all(label in table for label in ENGLISH)
    predicted = redress("classifier", "predict", "--model", model, "--text", "the debt collector calls daily")
    assert predicted.returncode == 0, predicted.stderr
    assert predicted.stdout.split()[0] == "debt"
    assert "mortgage" in predicted.stdout and "card" in predicted.stdout


def test_train_evaluate_predict_on_chinese(tmp_path):
    train, test, model = tmp_path / "zh_train.csv", tmp_path / "zh_test.csv", tmp_path / "zh_model"
    write_csv(train, 400, part="train")
    write_csv(test, 160, part="test")
    trained = redress("classifier", "train", "--data", train, "--text-column", "text", "--label-column", "category",
                      "--out", model)
    assert trained.returncode == 0, trained.stderr
    assert json.loads((model / "manifest.json").read_text())["language_mix"]["zh"] == 1.0
    evaluated = redress("classifier", "evaluate", "--model", model, "--data", test, "--text-column", "text",
                        "--label-column", "category")
    assert evaluated.returncode == 0, evaluated.stderr
    figures = last_json(evaluated.stdout)
    assert figures["n"] == 160
    assert figures["macro_f1"] > 0.5
    assert "物流配送" in figures["per_class"]
    parcel = "快递显示已签收但我根本没收到包裹"
    predicted = redress("classifier", "predict", "--model", model, "--text", parcel, "--json")
    assert predicted.returncode == 0, predicted.stderr
    answer = last_json(predicted.stdout)
    assert answer["label"] == "物流配送"
    assert 0 < answer["confidence"] <= 1 and len(answer["alternatives"]) == 3


def test_select_compares_with_the_baseline(tmp_path):
    data = write_csv(tmp_path / "zh.csv", 400, part="test")
    selected = redress("classifier", "select", "--data", data, "--text-column", "text", "--label-column", "category")
    assert selected.returncode == 0, selected.stderr
    result = last_json(selected.stdout)["results"][0]
    assert result["split"] == "group"
    assert result["train_n"] + result["test_n"] == 400
    assert {"baseline", "ours"} <= result.keys()


def test_missing_files_columns_and_models_exit_with_2(english_csv, tmp_path):
    missing_file = redress("classifier", "train", "--data", tmp_path / "nope.csv", "--out", tmp_path / "m")
    assert missing_file.returncode == 2 and "no such file" in missing_file.stderr
    missing_column = redress("classifier", "train", "--data", english_csv, "--text-column", "body",
                             "--label-column", "product", "--out", tmp_path / "m")
    assert missing_column.returncode == 2 and "no column 'body'" in missing_column.stderr
    missing_model = redress("classifier", "predict", "--model", tmp_path, "--text", "hello")
    assert missing_model.returncode == 2 and "not a model directory" in missing_model.stderr
