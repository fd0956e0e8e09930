"""On the public CFPB complaints: trained on 2023, measured on 2015-2020, ours beats a plain TF-IDF + LinearSVC."""

from pathlib import Path

import pytest

from services.routing.classifier import TextClassifier
from services.routing.classifier.data import read_csv
from services.routing.classifier.evaluation import figures, timed_predictions
from services.routing.classifier.selection import period_splits, train_baseline

DATA = Path(__file__).resolve().parents[5] / "shared" / "data" / "complaints_en_train.csv"
BOUNDARY = 7_000_000

pytestmark = pytest.mark.skipif(not DATA.is_file(), reason=f"the public complaint data is not at {DATA}")


def test_trained_on_2023_ours_beats_the_baseline_on_2015_to_2020():
    data = read_csv(DATA, text_column="text", label_column="product", id_column="id")
    split = next(s for s in period_splits(data, boundary=BOUNDARY) if s.name.startswith("ids>="))
    train = [data.texts[i] for i in split.train], [data.labels[i] for i in split.train]
    test_texts, test_labels = [data.texts[i] for i in split.test], [data.labels[i] for i in split.test]
    scores = {}
    for name, model in (("ours", TextClassifier.train(*train)), ("baseline", train_baseline(*train))):
        predicted, speed = timed_predictions(model.predict, test_texts)
        scores[name] = figures(test_labels, predicted, texts_per_second=speed)["macro_f1"]
    assert scores["ours"] > scores["baseline"], scores
