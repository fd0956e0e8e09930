"""Keyword triage (English and Chinese), the model path, and the priority rules."""

from dataclasses import dataclass

import pytest

from services.routing.triage import domain
from services.routing.triage.taxonomy import BadTaxonomy, load_taxonomy, parse_taxonomy
from shared.contracts.complaint import Priority

TAXONOMY = load_taxonomy()


@pytest.mark.parametrize(("text", "category", "subcategory"), [
    ("I was charged twice for my subscription and want a refund", "billing", None),
    ("My parcel never arrived, the courier lost it", "delivery", "lost_parcel"),
    ("The agent was rude and hung up on me", "service_attitude", None),
    ("The blender is defective and stopped working after a day", "product_quality", "defect"),
    ("快递包裹丢失了，物流信息一直没有更新", "delivery", "lost_parcel"),
    ("客服态度很差，还骂人", "service_attitude", "rude_staff"),
    ("账单重复扣费，请退款", "billing", None),
    ("我的个人信息被泄露了", "privacy", "data_leak"),
    ("电暖器突然起火爆炸了", "safety", "fire_hazard"),
])
def test_keywords_find_the_category_in_english_and_chinese(text, category, subcategory):
    guess = domain.classify_by_keywords(TAXONOMY, text)
    assert guess.category == category
    assert subcategory is None or guess.subcategory == subcategory
    assert guess.source == "keywords" and guess.confidence >= 0.5


def test_english_keywords_match_whole_words_only():
    # "late" must not be found in "chocolate", nor "sue" in "issue".
    assert domain.found("the chocolate issue", ["late", "sue"]) == []
    assert domain.found("Charged TWICE", ["charge"]) == ["charge"]


def test_nothing_recognisable_is_other_with_no_confidence():
    guess = domain.classify_by_keywords(TAXONOMY, "Hello, I have a question about something")
    assert (guess.category, guess.confidence) == ("other", 0.0)
    assert domain.needs_triage(guess, threshold=0.5)


def test_rival_categories_lower_the_confidence():
    single = domain.classify_by_keywords(TAXONOMY, "my refund")
    mixed = domain.classify_by_keywords(TAXONOMY, "my refund for the parcel")
    assert mixed.confidence < single.confidence
    assert domain.needs_triage(mixed, threshold=0.5)


@dataclass
class Prediction:
    label: str
    confidence: float
    alternatives: list


class FixedModel:
    version = "test"

    def __init__(self, label: str, confidence: float) -> None:
        self.prediction = Prediction(label, confidence, [])

    def predict(self, texts: list[str]) -> list[Prediction]:
        return [self.prediction for _ in texts]


def test_a_model_decides_when_there_is_one():
    guess = domain.categorise(TAXONOMY, "anything", model=FixedModel("billing/refund", 0.91))
    assert (guess.category, guess.subcategory, guess.confidence, guess.source) == ("billing", "refund", 0.91,
                                                                                   "model")


def test_a_label_the_taxonomy_lacks_goes_to_triage():
    guess = domain.categorise(TAXONOMY, "anything", model=FixedModel("weather", 0.99))
    assert guess.category == "other" and domain.needs_triage(guess, threshold=0.5)


def assess(category="delivery", text="late parcel", kind="complaint", tier=None, repeat=False, sentiment=None):
    return domain.assess(TAXONOMY, category=category, text=text, kind=kind, tier=tier,
                         high_value_tiers=["gold", "vip"], repeat=repeat, sentiment=sentiment)


def test_a_plain_complaint_is_normal():
    assert (assess().priority, assess().severity, assess().safety_flag) == (Priority.NORMAL, 2, False)


def test_the_category_level_sets_the_start():
    assert assess(category="billing").priority == Priority.HIGH


@pytest.mark.parametrize("text", ["my charger exploded and I was injured", "充电器爆炸了，孩子受伤住院"])
def test_safety_words_make_any_category_critical_and_flagged(text):
    result = assess(category="product_quality", text=text)
    assert (result.priority, result.severity, result.safety_flag) == (Priority.CRITICAL, 5, True)
    assert "safety" in result.tags


@pytest.mark.parametrize("text", ["I will contact my lawyer", "我要向12315投诉", "我会找媒体曝光"])
def test_regulatory_words_make_it_urgent(text):
    result = assess(text=text)
    assert result.priority == Priority.URGENT and "regulatory" in result.tags


def test_tier_repeat_and_anger_each_raise_one_level_up_to_urgent():
    assert assess(tier="Gold").priority == Priority.HIGH
    assert assess(tier="gold", repeat=True).priority == Priority.URGENT
    assert assess(tier="gold", repeat=True, sentiment=-0.9).priority == Priority.URGENT
    assert assess(sentiment=-0.9).tags == ["angry"]
    assert assess(sentiment=0.2).priority == Priority.NORMAL


def test_suggestions_and_praise_are_low():
    assert (assess(kind="praise").priority, assess(kind="praise").severity) == (Priority.LOW, 1)


def test_a_person_overrides_the_priority():
    result = domain.overridden(assess(), Priority.URGENT)
    assert (result.priority, result.severity) == (Priority.URGENT, 4)


def test_a_taxonomy_needs_the_other_category():
    with pytest.raises(BadTaxonomy):
        parse_taxonomy({"categories": [{"id": "billing", "name": {"en": "Billing"}}]})


def test_every_default_category_has_names_in_english_and_chinese():
    for category in TAXONOMY.categories:
        assert set(category.names) == {"en", "zh"}
        assert all(set(sub.names) == {"en", "zh"} for sub in category.subcategories)
