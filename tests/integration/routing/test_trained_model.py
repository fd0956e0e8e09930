"""Routing with a real trained classifier: a model whose labels are taxonomy categories ("category" or
"category/subcategory") classifies what the broker brings, and complaint.classified says so."""

import contextlib
import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.routing.classifier import TextClassifier
from shared.contracts.complaint import ComplaintClassifiedV1
from tests.integration.routing.builders import a_received_complaint
from tests.integration.routing.conftest import Routing, events_of, group_at_end, routing_settings, running_routing

# Words the shipped taxonomy's keywords do not know, so only the model can place these texts.
VOCABULARY = {
    "product_quality/defect": (["kettle", "toaster", "blender", "lamp"], ["wobbles", "rattles", "squeaks"],
                               ["hinge", "lid", "switch"]),
    "billing/overcharge": (["invoice", "statement", "bill"], ["doubled", "inflated", "padded"],
                           ["surcharge", "premium", "tariff"]),
    "delivery/late_delivery": (["courier", "van", "driver"], ["dawdled", "postponed", "rescheduled"],
                               ["dispatch", "route", "depot"]),
    "service_attitude": (["clerk", "receptionist", "cashier"], ["sneered", "shouted", "mocked"],
                         ["manner", "tone", "greeting"]),
}
TEMPLATES = ("the {0} {1} near the {2}", "my {0} {1} again, the {2} too", "{0} {1}; the {2} is a problem",
             "after a week the {0} {1} and the {2} did not help")


def training_data(per_label: int = 15) -> tuple[list[str], list[str]]:
    chooser = random.Random(7)
    texts, labels = [], []
    for label, (things, verbs, parts) in VOCABULARY.items():
        for _ in range(per_label):
            template = chooser.choice(TEMPLATES)
            texts.append(template.format(chooser.choice(things), chooser.choice(verbs), chooser.choice(parts)))
            labels.append(label)
    return texts, labels


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    texts, labels = training_data()
    folder = tmp_path / "model"
    TextClassifier.train(texts, labels).save(folder)
    return folder


@contextlib.asynccontextmanager
async def routing_with(model: Path, database_url: str, bootstrap: str) -> AsyncIterator[Routing]:
    settings = routing_settings(database_url, bootstrap, group=await group_at_end(bootstrap),
                                classifier_model_dir=model)
    async with running_routing(settings) as service:
        yield service


async def classified_by(routing: Routing, subject: str, description: str) -> tuple[ComplaintClassifiedV1, dict]:
    received = a_received_complaint(subject=subject, description=description)
    await routing.receive(received)
    case = await routing.case_when(received.complaint_id, lambda c: c["category"], what="classified")
    [classified] = [e for e in await events_of(routing.bootstrap, received.complaint_id, count=1)
                    if isinstance(e, ComplaintClassifiedV1)]
    return classified, case


@pytest.mark.parametrize(("subject", "description", "category", "subcategory"), [
    ("Kettle", "the kettle lid wobbles and the hinge squeaks", "product_quality", "defect"),
    ("My invoice", "my invoice was inflated again with a surcharge", "billing", "overcharge"),
    ("Clerk", "the receptionist sneered and the tone was awful", "service_attitude", None),
])
async def test_the_trained_model_classifies_what_the_broker_brings(model_dir, database_url, broker, subject,
                                                                   description, category, subcategory):
    async with routing_with(model_dir, database_url, broker.bootstrap) as routing:
        classified, case = await classified_by(routing, subject, description)
    assert classified.source == "model"
    assert (classified.category, classified.subcategory) == (category, subcategory)
    assert 0.0 < classified.confidence <= 1.0
    # Clear texts of the training vocabulary: the model is sure enough that no one needs to triage them.
    assert classified.confidence >= routing.settings.triage_confidence_threshold and not classified.needs_triage
    assert (case["classification_source"], case["confidence"]) == ("model", classified.confidence)
    assert (case["category"], case["subcategory"]) == (category, subcategory)


async def test_a_label_the_taxonomy_lacks_sends_the_case_to_triage(tmp_path, database_url, broker):
    texts, labels = training_data()
    labels = ["warranty/extension" if label == "delivery/late_delivery" else label for label in labels]
    folder = tmp_path / "odd-model"
    TextClassifier.train(texts, labels).save(folder)
    async with routing_with(folder, database_url, broker.bootstrap) as routing:
        classified, case = await classified_by(routing, "Courier", "the courier dawdled at the depot")
    assert (classified.source, classified.category, classified.confidence) == ("model", "other", 0.0)
    assert classified.needs_triage and case["needs_triage"] and case["team_id"] == "demo-triage"
