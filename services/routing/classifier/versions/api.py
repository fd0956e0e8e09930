"""Routes of classifier versions: retrain, list, show, activate by hand (supervisors read, admins change).

A retraining runs inside the request: the labels are read, the model is trained and measured in a worker thread
(the event loop keeps serving), and the answer carries the decision. That keeps the API as simple as the CLI and
needs no job table; the size is bounded (`classifier_max_training_texts`, at most 20,000 base texts and 32 MiB per
request), so a request takes seconds to a few minutes. Larger retrainings belong to `redress classifier retrain`."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from services.routing.classifier.versions import service
from services.routing.classifier.versions.domain import ACTIVE
from services.routing.classifier.versions.schemas import (
    ActivationIn,
    InUseOut,
    RetrainingIn,
    RetrainingOut,
    VersionOut,
)
from services.routing.deps import ConfigReader, ConfigWriter, UowDep, routing_uow

router = APIRouter(prefix="/v1/classifier", tags=["classifier"])
RETRAINING_PATH = "/v1/classifier/retrainings"
MAX_RETRAINING_BYTES = 32 * 1024 * 1024   # room for the base data a request may bring
NO_VERSION = {404: {"description": "No such version"}}
VersionId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The version number.")]


@router.post("/retrainings", status_code=201, summary="Train a new version from the stored labels; it becomes "
             "active unless it scores worse on held-out texts than the active one")
async def retrain(body: RetrainingIn, uow: UowDep, response: Response, who: ConfigWriter) -> RetrainingOut:
    base = None
    if body.base_data:
        base = service.BaseData([item.text for item in body.base_data], [item.label for item in body.base_data],
                                name="request body")
    version = await service.retrain(uow, base=base, min_labels=body.min_labels, actor=who.acting(body.actor))
    response.headers["Location"] = f"/v1/classifier/versions/{version.id}"
    return RetrainingOut(activated=version.state == ACTIVE, decision=version.decision,
                         macro_f1=version.metrics["macro_f1"],
                         active_macro_f1=version.compared_with["macro_f1"] if version.compared_with else None,
                         version=VersionOut.model_validate(version))


@router.get("/versions", summary="Classifier versions, newest first")
async def list_versions(uow: UowDep, _: ConfigReader,
                        limit: Annotated[int, Query(ge=1, le=500)] = 50) -> list[VersionOut]:
    async with uow:
        return [VersionOut.model_validate(v) for v in await uow.versions.newest(limit=limit)]


@router.get("/versions/{version_id}", responses=NO_VERSION, summary="One classifier version")
async def get_version(version_id: VersionId, uow: UowDep, _: ConfigReader) -> VersionOut:
    async with uow:
        return VersionOut.model_validate(await uow.versions.get(version_id))


@router.post("/versions/{version_id}/activation", responses=NO_VERSION,
             summary="Make a version the active one by hand (roll back or forward)")
async def activate(version_id: VersionId, uow: UowDep, who: ConfigWriter,
                   body: ActivationIn | None = None) -> VersionOut:
    actor = who.acting(body.actor if body else None)
    return VersionOut.model_validate(await service.activate(uow, version_id, actor=actor))


@router.get("/in-use", summary="What classifies in this replica: the active version, a model folder or keywords")
async def in_use(request: Request, _: ConfigReader) -> InUseOut:
    holder = routing_uow(request).context.models
    if holder.model is None:
        return InUseOut(source="keywords", version_id=None, model_version=None)
    source = "version" if holder.version_id is not None else "folder"
    return InUseOut(source=source, version_id=holder.version_id, model_version=holder.model.version)
