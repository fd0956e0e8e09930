"""Queries of classifier versions."""

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import undefer

from services.routing.classifier.versions.domain import ACTIVE, RETIRED
from services.routing.classifier.versions.models import ClassifierVersion
from shared.errors import NotFound


class VersionRepository:
    def __init__(self, session: AsyncSession, *, lock_rows: bool = False) -> None:
        self.session = session
        self.lock_rows = lock_rows

    def add(self, version: ClassifierVersion) -> None:
        self.session.add(version)

    async def get(self, version_id: int, *, with_artefact: bool = False, lock: bool = False) -> ClassifierVersion:
        query = select(ClassifierVersion).where(ClassifierVersion.id == version_id)
        if with_artefact:
            query = query.options(undefer(ClassifierVersion.artefact))
        if lock and self.lock_rows:
            query = query.with_for_update()
        version = await self.session.scalar(query)
        if version is None:
            raise NotFound(f"no classifier version {version_id}", version_id=version_id)
        return version

    async def active(self, *, with_artefact: bool = False) -> ClassifierVersion | None:
        query = select(ClassifierVersion).where(ClassifierVersion.state == ACTIVE)
        if with_artefact:
            query = query.options(undefer(ClassifierVersion.artefact))
        return await self.session.scalar(query)

    async def active_id(self) -> int | None:
        return await self.session.scalar(select(ClassifierVersion.id).where(ClassifierVersion.state == ACTIVE))

    async def retire(self, version_id: int) -> bool:
        """Take the active mark off `version_id` at once (so another version can take it); False when it was not
        active any more (a concurrent activation won)."""
        result = await self.session.execute(
            update(ClassifierVersion).where(ClassifierVersion.id == version_id, ClassifierVersion.state == ACTIVE)
            .values(state=RETIRED).execution_options(synchronize_session=False))
        return bool(result.rowcount == 1)

    async def newest(self, *, limit: int) -> list[ClassifierVersion]:
        query = select(ClassifierVersion).order_by(ClassifierVersion.id.desc()).limit(limit)
        return list((await self.session.scalars(query)).all())
