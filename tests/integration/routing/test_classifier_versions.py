"""Classifier versions through HTTP, the broker and the real database: keyword rules until a version exists,
retraining from stored labels and base data, rejection of a worse model, activation by hand, `redress classifier
retrain`, and replicas picking up the active version."""

import asyncio
import csv
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
from typer.testing import CliRunner

from services.catalog import SERVICES
from services.cli import app
from services.routing.classifier.grouping import fingerprint, near_duplicate_groups
from services.routing.classifier.versions.domain import held_out
from shared.migrations import upgrade
from tests.integration.routing.builders import a_received_complaint
from tests.integration.routing.conftest import Routing, group_at_end, routing_settings, running_routing
from tests.support import wait_until

REDRESS = Path(sys.executable).parent / "redress"
PROBLEM = "application/problem+json"
# Words the shipped taxonomy's keywords do not know: only a trained model places these texts.
VOCABULARY = {
    "product_quality/defect": (["toaster", "blender", "kettle", "lamp", "heater", "fan"],
                               ["wobbles", "rattles", "squeaks", "flickers", "hums", "creaks"],
                               ["hinge", "lid", "switch", "knob", "dial", "base"]),
    "billing/overcharge": (["statement", "ledger", "tally", "receipt", "summary", "quote"],
                           ["padded", "inflated", "doubled", "bloated", "swollen", "stacked"],
                           ["levy", "tariff", "premium", "markup", "toll", "duty"]),
    "delivery/late_delivery": (["porter", "convoy", "lorry", "rider", "carrier", "driver"],
                               ["dawdled", "stalled", "idled", "loitered", "lingered", "straggled"],
                               ["depot", "yard", "terminal", "hub", "bay", "ramp"]),
}
TEMPLATES = ("the {a} {0} {1} near the {2}", "my {0} {1} again and the {2} is {a}", "{0} {1}; the {a} {2} too",
             "after {n} weeks the {0} still {1} and the {2} looks {a}", "why does the {a} {0} keep {1} at the {2}",
             "{n} times now the {0} {1} by the {2}")
ADJECTIVES = ("old", "new", "red", "huge", "tiny", "odd", "grey", "plain")
NUMBERS = ("two", "three", "four", "five", "six")


def labelled_texts(per_label: int = 67, seed: int = 11) -> list[tuple[str, str]]:
    chooser = random.Random(seed)
    rows = []
    for label, (things, verbs, parts) in VOCABULARY.items():
        for _ in range(per_label):
            template = chooser.choice(TEMPLATES)
            rows.append((template.format(chooser.choice(things), chooser.choice(verbs), chooser.choice(parts),
                                         a=chooser.choice(ADJECTIVES), n=chooser.choice(NUMBERS)), label))
    return rows


def wrong_on_the_training_side(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Every label the new model learns from is wrong (rotated); the held-out side keeps the true labels."""
    texts = [text for text, _ in rows]
    sides = held_out(near_duplicate_groups(texts), [fingerprint(text) for text in texts])
    names = list(VOCABULARY)
    rotate = {name: names[(i + 1) % len(names)] for i, name in enumerate(names)}
    return [(text, label if side else rotate[label]) for (text, label), side in zip(rows, sides, strict=True)]


def renamed(rows: list[tuple[str, str]], old: str, new: str) -> list[tuple[str, str]]:
    return [(text, new if label == old else label) for text, label in rows]


def body(rows: list[tuple[str, str]], **fields: Any) -> dict[str, Any]:
    return {"base_data": [{"text": text, "label": label} for text, label in rows], "min_labels": 0, **fields}


async def retrain(routing: Routing, rows: list[tuple[str, str]], **fields: Any) -> dict[str, Any]:
    response = await routing.client.post("/v1/classifier/retrainings", json=body(rows, **fields))
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"/v1/classifier/versions/{response.json()['version']['id']}"
    return response.json()


async def classified(routing: Routing, description: str) -> dict[str, Any]:
    received = a_received_complaint(subject="Complaint", description=description)
    await routing.receive(received)
    return await routing.case_when(received.complaint_id, lambda c: c["category"], what="classified")


async def versions(client: httpx.AsyncClient) -> dict[int, str]:
    response = await client.get("/v1/classifier/versions")
    assert response.status_code == 200, response.text
    return {v["id"]: v["state"] for v in response.json()}


async def test_keyword_rules_classify_until_a_retrained_version_is_active(routing):
    assert await versions(routing.client) == {}
    assert (await routing.client.get("/v1/classifier/in-use")).json()["source"] == "keywords"
    first = await classified(routing, "the ledger was padded with a levy")
    assert first["classification_source"] == "keywords"

    relabelled = await routing.client.post(f"/v1/cases/{first['id']}/classification", headers={"X-Actor": "a-1"},
                                           json={"category": "billing", "subcategory": "overcharge"})
    assert relabelled.status_code == 200, relabelled.text
    result = await retrain(routing, labelled_texts(), min_labels=1, actor="lead")

    assert result["activated"] and result["active_macro_f1"] is None
    version = result["version"]
    assert version["state"] == "active" and version["actor"] == "lead"
    assert version["trained_from"]["labels"] == 1 and version["trained_from"]["base_texts"] == 201
    assert version["metrics"]["macro_f1"] == result["macro_f1"] > 0.8
    assert version["metrics"]["n"] + version["metrics"]["train_n"] == 202
    assert set(version["metrics"]["per_class"]) <= set(VOCABULARY)
    assert await versions(routing.client) == {version["id"]: "active"}
    shown = await routing.client.get(f"/v1/classifier/versions/{version['id']}")
    assert shown.status_code == 200 and shown.json() == version

    case = await classified(routing, "the tiny kettle squeaks near the hinge")
    assert (case["classification_source"], case["category"], case["subcategory"]) == (
        "model", "product_quality", "defect")


async def test_a_worse_model_is_rejected_and_the_active_one_keeps_classifying(routing):
    rows = labelled_texts()
    good = await retrain(routing, rows)
    worse = await retrain(routing, wrong_on_the_training_side(rows))

    assert not worse["activated"]
    assert worse["version"]["state"] == "rejected"
    assert worse["macro_f1"] < worse["active_macro_f1"] == worse["version"]["compared_with"]["macro_f1"]
    assert f"version {good['version']['id']} stays active" in worse["decision"]
    assert await versions(routing.client) == {good["version"]["id"]: "active", worse["version"]["id"]: "rejected"}
    in_use = (await routing.client.get("/v1/classifier/in-use")).json()
    assert (in_use["source"], in_use["version_id"]) == ("version", good["version"]["id"])
    case = await classified(routing, "the porter stalled at the depot again")
    assert (case["classification_source"], case["category"]) == ("model", "delivery")


async def test_a_version_is_activated_by_hand_to_roll_back(routing):
    rows = labelled_texts()
    first = (await retrain(routing, rows))["version"]["id"]
    second = await retrain(routing, renamed(rows, "billing/overcharge", "billing/refund"))
    assert second["activated"]
    assert (await classified(routing, "my statement was inflated by a markup"))["subcategory"] == "refund"

    rolled = await routing.client.post(f"/v1/classifier/versions/{first}/activation", json={"actor": "lead"})
    assert rolled.status_code == 200, rolled.text
    assert rolled.json()["state"] == "active" and "activated by hand by lead" in rolled.json()["decision"]
    assert await versions(routing.client) == {first: "active", second["version"]["id"]: "retired"}
    case = await classified(routing, "my statement was inflated by a markup")
    assert (case["category"], case["subcategory"]) == ("billing", "overcharge")


async def test_bad_input_gets_problem_details_and_changes_nothing(routing):
    client = routing.client
    one_label = [(text, "billing/overcharge") for text, _ in labelled_texts(per_label=20)]
    for payload, status in [({"min_labels": 5}, 422), (body(one_label), 422), ({"base_data": [{"text": ""}]}, 422),
                            ({"min_labels": 0}, 422), ({"bogus": 1}, 422),
                            (body([("x", "billing")] * 20_001), 422)]:
        response = await client.post("/v1/classifier/retrainings", json=payload)
        assert (response.status_code, response.headers["content-type"]) == (status, PROBLEM), response.text
    assert "retraining needs at least 5" in (await client.post("/v1/classifier/retrainings",
                                                               json={"min_labels": 5})).json()["detail"]
    for method, path, payload, status in [
        ("GET", "/v1/classifier/versions/999", None, 404), ("GET", "/v1/classifier/versions/one", None, 422),
        ("POST", "/v1/classifier/versions/999/activation", {"actor": "lead"}, 404),
        ("POST", "/v1/classifier/versions/999/activation", {"actor": "x" * 101}, 422),
        ("GET", "/v1/classifier/versions?limit=0", None, 422),
    ]:
        response = await client.request(method, path, json=payload)
        assert (response.status_code, response.headers["content-type"]) == (status, PROBLEM), response.text
    assert await versions(client) == {}


def write_csv(path: Path, rows: list[tuple[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["narrative", "category"])
        writer.writerows(rows)
    return path


def redress_retrain(database_url: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(REDRESS), "classifier", "retrain", "--database-url", database_url, *map(str, args)],
                          capture_output=True, text=True, timeout=300,
                          env={"PATH": str(REDRESS.parent), "COLUMNS": "200", "OMP_NUM_THREADS": "1"})


async def test_the_cli_retrains_and_running_replicas_pick_up_the_active_version(database_url, broker, tmp_path):
    rows = labelled_texts()
    await upgrade(SERVICES["routing"].migrations_dir, database_url)
    settings = routing_settings(database_url, broker.bootstrap, group=await group_at_end(broker.bootstrap),
                                classifier_poll_s=0.1)
    async with running_routing(settings, migrate=False) as replica:
        columns = ("--text-column", "narrative", "--label-column", "category")
        done = await asyncio.to_thread(redress_retrain, database_url, "--base-data",
                                       write_csv(tmp_path / "good.csv", rows), *columns, "--min-labels", "0")
        assert done.returncode == 0, done.stderr
        summary = json.loads(done.stdout.strip().splitlines()[-1])
        assert (summary["version"], summary["state"], summary["activated"]) == (1, "active", True)
        assert "training on" in done.stderr

        async def in_use() -> dict[str, Any] | None:
            shown = (await replica.client.get("/v1/classifier/in-use")).json()
            return shown if shown["version_id"] == 1 else None

        assert (await wait_until(in_use, what="the replica uses version 1"))["source"] == "version"
        case = await classified(replica, "why does the odd heater keep flickers at the dial")
        assert (case["classification_source"], case["category"]) == ("model", "product_quality")

        worse = await asyncio.to_thread(redress_retrain, database_url, "--base-data",
                                        write_csv(tmp_path / "bad.csv", wrong_on_the_training_side(rows)), *columns,
                                        "--min-labels", "0")
        assert worse.returncode == 0, worse.stderr
        summary = json.loads(worse.stdout.strip().splitlines()[-1])
        assert (summary["version"], summary["state"], summary["activated"]) == (2, "rejected", False)
        assert summary["macro_f1"] < summary["active_macro_f1"]
        assert await versions(replica.client) == {1: "active", 2: "rejected"}


async def test_the_cli_refuses_what_it_cannot_train_on_and_stores_nothing(routing, tmp_path):
    url = routing.settings.database_url or ""
    for args, message in [(["--min-labels", "3"], "needs at least 3"),
                          (["--base-data", str(tmp_path / "nope.csv")], "no such file"),
                          (["--base-data", str(write_csv(tmp_path / "one.csv", [("a lamp hums", "billing")] * 30)),
                            "--text-column", "narrative", "--label-column", "category", "--min-labels", "0"],
                           "two different labels")]:
        result = await asyncio.to_thread(CliRunner().invoke, app,
                                         ["classifier", "retrain", "--database-url", url, *args])
        assert result.exit_code == 2 and message in result.stderr, result.output
    assert await versions(routing.client) == {}
