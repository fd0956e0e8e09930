"""Classifier versions without a database: the activation decision, the stable held-out split, the artefact."""

import pytest

from services.routing.classifier import TextClassifier
from services.routing.classifier.grouping import fingerprint, near_duplicate_groups
from services.routing.classifier.versions import artefact, training
from services.routing.classifier.versions.domain import LabelledTexts, TooLittleData, decide, held_out


def test_with_no_active_version_the_new_one_becomes_active():
    decision = decide(0.41, None)
    assert decision.activate and "no active version" in decision.reason


@pytest.mark.parametrize(("new", "active"), [(0.80, 0.79), (0.80, 0.80)])
def test_a_version_not_worse_than_the_active_one_becomes_active(new, active):
    decision = decide(new, active, active_id=3)
    assert decision.activate and "version 3" in decision.reason


def test_a_worse_version_is_rejected_with_both_scores_named():
    decision = decide(0.6123, 0.8, active_id=7)
    assert not decision.activate
    assert "0.6123" in decision.reason and "0.8000" in decision.reason and "version 7 stays active" in decision.reason


def texts(count: int) -> list[str]:
    things, faults = ["kettle", "lamp", "bill", "van", "clerk", "lid"], ["broke", "leaked", "rattled", "doubled"]
    return [f"the {things[i % 6]} {faults[i // 6 % 4]} on day {i} near gate {chr(65 + i % 26)}{i // 26}"
            f" {things[(i * 7) % 6]}" for i in range(count)]


def test_the_held_out_split_keeps_near_duplicates_together_and_is_stable():
    base = texts(60)
    copies = [f"{text}!" for text in base[:20]]          # the same words: one group each with its original
    data = base + copies
    groups = near_duplicate_groups(data)
    sides = held_out(groups, [fingerprint(text) for text in data])
    assert all(sides[i] == sides[60 + i] for i in range(20))
    assert 0 < sum(sides) < len(data)
    # The same texts fall on the same side when more texts come along.
    more = data + texts(120)[60:]
    more_sides = held_out(near_duplicate_groups(more), [fingerprint(text) for text in more])
    assert more_sides[:len(base)] == sides[:len(base)]


def test_a_single_label_cannot_be_retrained():
    data = LabelledTexts(texts(40), ["billing"] * 40)
    with pytest.raises(TooLittleData, match="two different labels"):
        training.split(data)


def test_retraining_measures_the_new_and_the_active_model_on_the_same_texts():
    data = LabelledTexts(texts(120), [("billing" if "bill" in t.split()[1] else "other") for t in texts(120)])
    first = training.retrain(data, active=None)
    again = training.retrain(data, active=first.classifier)
    assert first.compared_with is None
    assert again.compared_with is not None
    assert again.compared_with["n"] == again.metrics["n"] == first.metrics["n"] > 0
    assert again.metrics["train_n"] + again.metrics["n"] == len(data.texts)


def test_the_artefact_round_trips_and_a_damaged_one_is_refused():
    model = TextClassifier.train(texts(30), ["a", "b", "c"] * 10)
    blob = artefact.dump(model)
    loaded = artefact.load(blob, expected_checksum=artefact.checksum(blob))
    assert loaded.version == model.version
    assert [p.label for p in loaded.predict(texts(30))] == [p.label for p in model.predict(texts(30))]
    with pytest.raises(artefact.DamagedArtefact):
        artefact.load(blob[:-1] + bytes([blob[-1] ^ 1]), expected_checksum=artefact.checksum(blob))
