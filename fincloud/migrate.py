"""Alembic, one history per subgraph: each subgraph's ``migrations/`` upgrades its own PostgreSQL schema and
keeps its version table there. ``fincloud migrate`` upgrades them all."""

from __future__ import annotations

import asyncio
import importlib
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from fincloud.constants import SUBGRAPHS
from fincloud.db import async_url

__all__ = ["alembic_config", "run_env", "upgrade_all"]

_ROOT = Path(__file__).resolve().parent.parent


def alembic_config(subgraph: str, database_url: str) -> Config:
    """An Alembic ``Config`` for one subgraph, built in code (no ``alembic.ini`` to keep in sync)."""
    config = Config()
    config.set_main_option("script_location", str(_ROOT / "subgraphs" / subgraph / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.attributes["subgraph"] = subgraph
    return config


def upgrade_all(database_url: str, *, revision: str = "heads") -> None:
    """Upgrade every subgraph's schema to ``revision`` (every branch head by default, so work merged from parallel
    branches applies without a merge revision). Safe to run again: it is a no-op when up to date."""
    for subgraph in SUBGRAPHS:
        command.upgrade(alembic_config(subgraph, database_url), revision)


def run_env(subgraph: str) -> None:
    """The body of each subgraph's ``migrations/env.py``."""
    metadata: MetaData = importlib.import_module(f"subgraphs.{subgraph}.models").Base.metadata
    url = context.config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("sqlalchemy.url is not set")

    def include_name(name: str | None, type_: str, parent_names: object) -> bool:
        return name == subgraph if type_ == "schema" else True

    def run(connection: Connection) -> None:
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{subgraph}"'))
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table_schema=subgraph,
            include_schemas=True,
            include_name=include_name,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def main() -> None:
        engine = create_async_engine(async_url(url), poolclass=NullPool)
        try:
            async with engine.begin() as connection:
                # One migrator at a time: replicas starting together must not race.
                await connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('fincloud-migrate'))"))
                await connection.run_sync(run)
        finally:
            await engine.dispose()

    if context.is_offline_mode():
        raise RuntimeError("FinCloud migrations run online only")
    asyncio.run(main())
