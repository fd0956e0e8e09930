"""Use cases of classifier versions: retrain from the stored labels (plus optional base data), activate a version
by hand, and load the active version into this replica.

Retraining reads the labels, then trains and measures outside any transaction (in a worker thread), then stores the
version in a short transaction that activates it only if it is not worse than the version active at that moment:
when another version became active meanwhile, the measurement is stale and the new one is stored as rejected."""

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from services.routing.classifier.versions import artefact, domain
from services.routing.classifier.versions.models import ClassifierVersion
from services.routing.uow import RoutingUow
from shared.errors import Conflict, InvalidInput

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BaseData:
    """Labelled texts that come with a retraining (a CSV file on the CLI, a list over HTTP)."""

    texts: list[str]
    labels: list[str]
    name: str


async def retrain(uow: RoutingUow, *, base: BaseData | None = None, min_labels: int = 1, actor: str | None = None,
                  progress: Progress = lambda _: None) -> ClassifierVersion:
    limit = uow.context.settings.classifier_max_training_texts
    async with uow:
        labels = await _latest_labels(uow, limit=limit + 1)
        active = await uow.versions.active(with_artefact=True)
    data = _training_data(labels, base, min_labels=min_labels, limit=limit)
    active_model = _model_of(uow, active) if active else None
    from services.routing.classifier.versions import training  # scikit-learn loads on first use

    try:
        result = await asyncio.to_thread(training.retrain, data, active=active_model, progress=progress)
    except domain.TooLittleData as exc:
        raise InvalidInput(str(exc)) from exc
    active_f1 = result.compared_with["macro_f1"] if result.compared_with else None
    decision = domain.decide(result.metrics["macro_f1"], active_f1, active_id=active.id if active else None)
    trained_from = {"labels": len(labels), "base_data": base.name if base else None,
                    "base_texts": len(base.texts) if base else 0, "texts": len(data.texts),
                    "classes": sorted(set(data.labels))}
    progress("storing the new version")
    blob = await asyncio.to_thread(artefact.dump, result.classifier)
    row = ClassifierVersion(model_version=result.classifier.version, created_at=datetime.now(UTC), actor=actor,
                            trained_from=trained_from, metrics=result.metrics, compared_with=result.compared_with,
                            checksum=artefact.checksum(blob), size_bytes=len(blob), artefact=blob)
    version = await _store(uow, row, decision, expected_active=active.id if active else None)
    if version.state == domain.ACTIVE:
        uow.context.models.use(version.id, result.classifier)
    return version


async def _latest_labels(uow: RoutingUow, *, limit: int) -> list[tuple[str, str]]:
    """(text, label) of every labelled complaint; a complaint labelled twice counts with its latest label."""
    latest: dict[Any, tuple[str, str]] = {}
    for row in await uow.cases.labels(limit=limit):
        latest[row.complaint_id or row.id] = (row.text, row.label)
    return list(latest.values())


def _training_data(labels: Sequence[tuple[str, str]], base: BaseData | None, *, min_labels: int,
                   limit: int) -> domain.LabelledTexts:
    if len(labels) < min_labels:
        raise InvalidInput(f"{len(labels)} labelled complaints stored; retraining needs at least {min_labels} "
                           "(min_labels)", labels=len(labels), min_labels=min_labels)
    texts = [text for text, _ in labels] + (base.texts if base else [])
    names = [label for _, label in labels] + (base.labels if base else [])
    if not texts:
        raise InvalidInput("nothing to train on: no stored labels and no base data")
    if len(texts) > limit:
        raise InvalidInput(f"more than {limit:,} labelled texts: raise classifier_max_training_texts or send less "
                           "base data", limit=limit)
    return domain.LabelledTexts(texts, names)


def _model_of(uow: RoutingUow, version: ClassifierVersion) -> Any:
    holder = uow.context.models
    if holder.version_id == version.id and holder.model is not None:
        return holder.model
    return artefact.load(version.artefact, expected_checksum=version.checksum)


async def _store(uow: RoutingUow, row: ClassifierVersion, decision: domain.Decision, *,
                 expected_active: int | None) -> ClassifierVersion:
    async with uow:
        if decision.activate:
            decision = await _take_over(uow, decision, expected_active=expected_active)
        row.state, row.decision = (domain.ACTIVE if decision.activate else domain.REJECTED), decision.reason
        row.activated_at = row.created_at if decision.activate else None
        uow.versions.add(row)
        try:
            await uow.commit()
        except IntegrityError:
            # Another retraining activated its version first (the unique index on the active state says so).
            await uow.rollback()
            return await _store(uow, _copy(row), domain.Decision(False, "another version became active while "
                                                                        "this one trained"), expected_active=None)
    return row


async def _take_over(uow: RoutingUow, decision: domain.Decision, *, expected_active: int | None,
                     ) -> domain.Decision:
    """Retire the version that was active when training began; if it no longer is, the comparison is stale."""
    current = await uow.versions.active_id()
    if current != expected_active or (current is not None and not await uow.versions.retire(current)):
        return domain.Decision(False, f"version {current} became active while this one trained")
    return decision


def _copy(row: ClassifierVersion) -> ClassifierVersion:
    names = ("model_version", "created_at", "actor", "trained_from", "metrics", "compared_with", "checksum",
             "size_bytes", "artefact")
    return ClassifierVersion(**{name: getattr(row, name) for name in names})


async def activate(uow: RoutingUow, version_id: int, *, actor: str) -> ClassifierVersion:
    """Make a stored version the active one by hand (a roll-back or roll-forward), whatever its figures."""
    async with uow:
        version = await uow.versions.get(version_id, with_artefact=True, lock=True)
        if version.state != domain.ACTIVE:
            model = await asyncio.to_thread(artefact.load, version.artefact, expected_checksum=version.checksum)
            current = await uow.versions.active_id()
            if current is not None and not await uow.versions.retire(current):
                raise Conflict(f"version {current} stopped being active meanwhile: try again")
            before = {"state": version.state}
            version.state, version.activated_at = domain.ACTIVE, datetime.now(UTC)
            version.decision = f"{version.decision}; activated by hand by {actor}"
            uow.record_change(actor=actor, action="activate", entity="classifier_version", entity_id=version.id,
                              before=before, after={"state": version.state, "retired": current},
                              at=version.activated_at)
            await uow.commit()
            uow.context.models.use(version.id, model)
    return version


async def follow_active(uow: RoutingUow) -> bool:
    """Load the active version into this replica if it is not the one in use; True when the model changed. With
    no active version the model of the settings' folder (or the keyword rules) keeps classifying."""
    holder = uow.context.models
    async with uow:
        active_id = await uow.versions.active_id()
        if active_id is None or active_id == holder.version_id:
            return False
        version = await uow.versions.get(active_id, with_artefact=True)
    model = await asyncio.to_thread(artefact.load, version.artefact, expected_checksum=version.checksum)
    holder.use(version.id, model)
    return True
