"""HTTP shapes of classifier versions and retrainings."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

MAX_BASE_TEXTS = 20_000


class LabelledTextIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(..., min_length=1, max_length=20_000)
    label: str = Field(..., min_length=1, max_length=130, description="`category` or `category/subcategory`.")


class RetrainingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_labels: int = Field(1, ge=0, description="Refuse unless at least this many labelled complaints are stored.")
    base_data: list[LabelledTextIn] = Field(
        [], max_length=MAX_BASE_TEXTS, description="Labelled texts trained on together with the stored labels.")
    actor: str | None = Field(None, max_length=100)


class ActivationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    actor: str | None = Field(None, max_length=100)


class VersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    model_version: str
    state: str = Field(description="candidate, active, retired or rejected.")
    created_at: datetime
    activated_at: datetime | None
    actor: str | None
    trained_from: dict[str, Any] = Field(description="Stored labels, base data and classes it was trained on.")
    metrics: dict[str, Any] = Field(description="Held-out figures: macro_f1, accuracy, n, per_class, ...")
    compared_with: dict[str, Any] | None = Field(
        description="The then active version's figures on the same held-out texts (null when none was active).")
    decision: str
    checksum: str
    size_bytes: int


class RetrainingOut(BaseModel):
    activated: bool
    decision: str
    macro_f1: float
    active_macro_f1: float | None
    version: VersionOut


class InUseOut(BaseModel):
    """What classifies in this replica."""

    source: str = Field(description="version (the database's active version), folder (classifier_model_dir) or "
                        "keywords (the taxonomy's keyword rules).")
    version_id: int | None
    model_version: str | None
