"""Alembic, run per service: each service has its own `migrations/` folder and its own database."""

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command, context
from alembic.config import Config
from sqlalchemy import Connection, MetaData
from sqlalchemy.ext.asyncio import create_async_engine

from shared.db_types import UtcDateTime
from shared.messaging.tables import messaging_metadata


def alembic_config(migrations_dir: Path, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def upgrade(migrations_dir: Path, url: str, revision: str = "head") -> None:
    """Bring a service's database up to `revision`; runs inside an already running event loop."""
    await _run_command(command.upgrade, migrations_dir, url, revision)


async def downgrade(migrations_dir: Path, url: str, revision: str) -> None:
    await _run_command(command.downgrade, migrations_dir, url, revision)


async def new_revision(migrations_dir: Path, url: str, message: str) -> None:
    """Write the next migration, generated from the difference between the models and a database at head."""
    await upgrade(migrations_dir, url)
    number = len(list((migrations_dir / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))) + 1

    def autogenerate(config: Config, _revision: str) -> None:
        command.revision(config, message=message, autogenerate=True, rev_id=f"{number:04d}")

    await _run_command(autogenerate, migrations_dir, url, "head")


async def _run_command(alembic_command: Callable[[Config, str], None], migrations_dir: Path, url: str,
                       revision: str) -> None:
    from shared.db import Database  # the engine gets the same SQLite settings the service uses

    database = Database(url)
    try:
        async with database.engine.begin() as connection:
            await connection.run_sync(_on_connection, alembic_command, alembic_config(migrations_dir, url), revision)
    finally:
        await database.dispose()


def _on_connection(connection: Connection, alembic_command: Callable[[Config, str], None], config: Config,
                   revision: str) -> None:
    config.attributes["connection"] = connection
    alembic_command(config, revision)


def target_metadata(service_metadata: MetaData) -> list[MetaData]:
    return [service_metadata, messaging_metadata]


def run_env(service_metadata: MetaData) -> None:
    """The body of every service's migrations/env.py."""
    config = context.config
    metadata = target_metadata(service_metadata)
    options: dict[str, Any] = {"target_metadata": metadata, "render_as_batch": True, "compare_type": True,
                               "render_item": _render_item}
    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True, **options)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection, options)
        return
    asyncio.run(_run_with_own_engine(config.get_main_option("sqlalchemy.url"), options))


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Generated migrations spell the project's own column types the way the models do."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        autogen_context.imports.add("from shared.db_types import UtcDateTime")
        return "UtcDateTime()"
    return False


def _run_on(connection: Connection, options: dict[str, Any]) -> None:
    context.configure(connection=connection, **options)
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_own_engine(url: str | None, options: dict[str, Any]) -> None:
    engine = create_async_engine(url or "")
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_run_on, options)
    finally:
        await engine.dispose()
