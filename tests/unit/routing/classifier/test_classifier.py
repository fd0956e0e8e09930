"""Train, predict, save and load; calibrated confidences; the evaluation figures."""

import json

import pytest

from services.routing.classifier import Prediction, TextClassifier, evaluate
from services.routing.classifier.storage import MANIFEST, METRICS, PIPELINE, ModelNotFound
from tests.data.chinese_complaints import rows

ENGLISH = {
    "card": ["my credit card was charged twice for one purchase", "the card company raised my interest rate",
             "a fraudulent charge appeared on my credit card statement", "my card was declined although I paid",
             "the credit card annual fee was charged without notice", "they refuse to refund a card charge"],
    "mortgage": ["the mortgage servicer lost my escrow payment", "my mortgage modification was denied again",
                 "the bank started foreclosure on my home mortgage", "escrow shortage raised my mortgage payment",
                 "the lender misapplied my mortgage payment", "refinancing my home loan took a year"],
    "debt": ["a debt collector calls me every day about a debt I do not owe", "collection agency threatened to sue",
             "the collector will not validate the debt", "a debt collector called my employer about the debt",
             "collection calls continue after I asked them to stop", "they are collecting a debt already paid"],
}


@pytest.fixture(scope="module")
def english() -> tuple[list[str], list[str]]:
    texts = [text for label in ENGLISH for text in ENGLISH[label]]
    return texts, [label for label in ENGLISH for _ in ENGLISH[label]]


@pytest.fixture(scope="module")
def model(english) -> TextClassifier:
    return TextClassifier.train(*english)


def test_predictions_carry_a_label_a_confidence_and_alternatives(model):
    prediction = model.predict(["a debt collector keeps calling me about a debt"])[0]
    assert isinstance(prediction, Prediction)
    assert prediction.label == "debt"
    assert [label for label, _ in prediction.alternatives] == sorted(
        {"card", "mortgage"}, key=lambda label: -dict(prediction.alternatives)[label])


def test_confidences_are_probabilities_that_sum_to_one(model):
    for prediction in model.predict(["my mortgage escrow", "credit card charge", "something else entirely"]):
        confidences = [prediction.confidence, *(c for _, c in prediction.alternatives)]
        assert all(0.0 <= c <= 1.0 for c in confidences)
        assert sum(confidences) == pytest.approx(1.0, abs=0.002)
        assert prediction.confidence == max(confidences)


def test_an_unclear_text_gets_less_confidence_than_a_clear_one(model):
    clear, unclear = model.predict(["the debt collector will not validate the debt", "hello there"])
    assert clear.confidence > unclear.confidence


def test_save_and_load_round_trip(model, tmp_path, english):
    model.metrics = {"macro_f1": 0.5}
    model.save(tmp_path / "model")
    assert {p.name for p in (tmp_path / "model").iterdir()} == {PIPELINE, MANIFEST, METRICS}
    loaded = TextClassifier.load(tmp_path / "model")
    assert loaded.version == model.version
    assert loaded.metrics == {"macro_f1": 0.5}
    assert loaded.predict(english[0]) == model.predict(english[0])
    manifest = json.loads((tmp_path / "model" / MANIFEST).read_text())
    assert manifest["labels"] == ["card", "debt", "mortgage"]
    assert manifest["training_size"] == 18
    assert manifest["language_mix"] == {"zh": 0.0, "en": 1.0}
    assert {"created_at", "libraries", "version"} <= manifest.keys()
    assert "scikit-learn" in manifest["libraries"]


def test_loading_a_folder_without_a_model_says_so(tmp_path):
    with pytest.raises(ModelNotFound, match=r"model\.joblib"):
        TextClassifier.load(tmp_path)


def test_chinese_and_mixed_texts_are_classified():
    data = rows(240, part="train")
    model = TextClassifier.train([r["text"] for r in data], [r["category"] for r in data])
    assert model.manifest["language_mix"]["zh"] == 1.0
    leaked, parcel = model.predict(["我的个人信息被泄露了，每天都有推销电话",
                                    "My parcel 快递显示已签收但我根本没收到包裹"])
    assert leaked.label == "隐私数据"
    assert parcel.label == "物流配送"


def test_evaluate_reports_the_figures(model, english):
    figures = evaluate(model, *english)
    assert figures["n"] == 18
    assert figures["accuracy"] == pytest.approx(1.0)
    assert figures["macro_f1"] == pytest.approx(1.0)
    assert figures["texts_per_second"] > 0
    assert set(figures["per_class"]) == {"card", "debt", "mortgage"}
    assert figures["per_class"]["card"]["support"] == 6


def test_evaluate_counts_mistakes(model):
    figures = evaluate(model, ["my mortgage escrow payment was lost"], ["card"])
    assert figures["accuracy"] == 0.0
    assert figures["per_class"]["card"]["recall"] == 0.0


def test_training_needs_two_labels():
    with pytest.raises(ValueError, match="two different labels"):
        TextClassifier.train(["a", "b"], ["x", "x"])
