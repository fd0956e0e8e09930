"""The table of classifier versions. The artefact (the fitted model, joblib-compressed) lives in the row, so every
replica loads the same active version from the one database it already reaches."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from services.routing.base import Base
from shared.db_types import UtcDateTime


class ClassifierVersion(Base):
    __tablename__ = "classifier_version"
    # At most one active version, whatever replicas or retrainings race.
    __table_args__ = (Index("uq_classifier_version_active", "state", unique=True,
                            sqlite_where=text("state = 'active'"), postgresql_where=text("state = 'active'")),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    model_version: Mapped[str] = mapped_column(String(60))
    state: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    activated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    actor: Mapped[str | None] = mapped_column(String(100))
    trained_from: Mapped[dict[str, Any]] = mapped_column(JSON)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON)
    compared_with: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    decision: Mapped[str] = mapped_column(Text)
    checksum: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    artefact: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
