"""The async SQLAlchemy engine, per-request sessions and the declarative base of each subgraph's schema."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import MetaData
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

__all__ = [
    "NAMING_CONVENTION",
    "async_url",
    "create_engine",
    "make_sessionmaker",
    "new_id",
    "schema_metadata",
    "utcnow",
]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def async_url(url: str) -> URL:
    """``postgresql://`` (what operators write) → the asyncpg driver URL SQLAlchemy needs."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    if parsed.drivername != "postgresql+asyncpg":
        raise ValueError(f"FinCloud needs PostgreSQL, got {parsed.drivername!r}")
    return parsed


def create_engine(url: str, *, pool_size: int = 10, application_name: str = "fincloud") -> AsyncEngine:
    return create_async_engine(
        async_url(url),
        pool_size=pool_size,
        max_overflow=pool_size,
        # No pre-ping: it doubles the round trips of every request. A connection broken by a database restart
        # fails one request, is discarded, and the pool reconnects.
        pool_recycle=1800,
        connect_args={"server_settings": {"application_name": application_name, "timezone": "UTC"}},
    )


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


def schema_metadata(schema: str) -> MetaData:
    """The ``MetaData`` of one subgraph: every table lives in PostgreSQL schema ``schema``."""
    return MetaData(schema=schema, naming_convention=NAMING_CONVENTION)
