"""The ``fincloud`` command."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from fincloud.constants import SUBGRAPHS

if TYPE_CHECKING:
    from fincloud.config import Settings

__all__ = ["main"]


def _settings(default_env: str | None = None) -> Settings:
    if default_env is not None:
        os.environ.setdefault("FINCLOUD_ENV", default_env)
    from pydantic import ValidationError

    from fincloud.config import get_settings

    try:
        return get_settings()
    except ValidationError as exc:
        errors = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
        print(f"fincloud: configuration error: {errors}", file=sys.stderr)
        raise SystemExit(2) from None


def cmd_dev(_: argparse.Namespace) -> int:
    from fincloud.devserver import run_dev
    from fincloud.logs import configure_logging

    os.environ.setdefault("FINCLOUD_LOG_LEVEL", "WARNING")  # a readable console; errors still show
    settings = _settings("dev")
    configure_logging(service="dev", level="WARNING", json_format=False)
    return run_dev(settings)


def cmd_compose(args: argparse.Namespace) -> int:
    from fincloud.compose import ComposeError, compose

    try:
        changed = compose(check=args.check)
    except ComposeError as exc:
        print(f"fincloud: {exc}", file=sys.stderr)
        return 1
    if args.check:
        print("fincloud: schema is up to date")
    else:
        print(f"fincloud: wrote {len(changed)} changed file(s)" if changed else "fincloud: schema unchanged")
    return 0


@contextlib.contextmanager
def _database_url(settings: Settings) -> Iterator[str]:
    """The configured database, or the embedded one in ``DATA_DIR`` (started for the command and stopped after)."""
    if settings.DATABASE_URL:
        yield settings.DATABASE_URL
        return
    from fincloud.embedded import EmbeddedPostgres

    embedded = EmbeddedPostgres(settings.DATA_DIR)
    try:
        yield embedded.start()
    finally:
        embedded.stop()


def cmd_migrate(_: argparse.Namespace) -> int:
    import asyncio

    from fincloud.migrate import upgrade_all
    from fincloud.storage import S3ObjectStore, store_from_settings

    settings = _settings()
    store = store_from_settings(settings)
    if isinstance(store, S3ObjectStore):
        asyncio.run(store.ensure_bucket())
    with _database_url(settings) as database_url:
        upgrade_all(database_url)
    print("fincloud: database is up to date")
    return 0


async def _announce_members(database_url: str) -> int:
    from fincloud.db import create_engine, make_sessionmaker
    from subgraphs.identity.services.member_events import announce_members

    engine = create_engine(database_url, pool_size=1, application_name="fincloud-announce-members")
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            return await announce_members(session=session)
    finally:
        await engine.dispose()


def cmd_announce_members(_: argparse.Namespace) -> int:
    import asyncio

    settings = _settings()
    with _database_url(settings) as database_url:
        count = asyncio.run(_announce_members(database_url))
    print(f"fincloud: announced {count} household member(s); the worker passes them on to notification")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from arq.worker import check_health

    from fincloud.logs import configure_logging
    from workers.main import WorkerSettings
    from workers.runner import run

    settings = _settings()
    if args.check:
        return check_health(WorkerSettings.with_redis())  # type: ignore[arg-type]
    configure_logging(
        service="worker",
        level=settings.LOG_LEVEL,
        json_format=(settings.LOG_FORMAT or ("console" if settings.ENV == "dev" else "json")) == "json",
    )
    run(WorkerSettings.with_redis())
    return 0


SUBGRAPH_KEEP_ALIVE_SECONDS = 75


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from fincloud.logs import configure_logging

    settings = _settings()
    configure_logging(
        service=args.subgraph,
        level=settings.LOG_LEVEL,
        json_format=(settings.LOG_FORMAT or ("console" if settings.ENV == "dev" else "json")) == "json",
    )
    uvicorn.run(
        f"subgraphs.{args.subgraph}.app:create_app",
        factory=True,
        host=args.host or settings.HOST,
        port=args.port or settings.port_of(args.subgraph),
        access_log=False,
        log_config=None,
        workers=args.workers,
        # Longer than the router's idle keep-alive (a few seconds): the router, not the subgraph, closes an idle
        # connection, so a request never meets a socket the subgraph is closing ("socket hang up").
        timeout_keep_alive=SUBGRAPH_KEEP_ALIVE_SECONDS,
        # Subscriptions reach a subgraph from the router over loopback or a cluster network: compressing every event
        # (and the router inflating it) costs CPU on both sides for nothing.
        ws_per_message_deflate=False,
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fincloud", description="FinCloud: personal finance, self-hosted.")
    commands = parser.add_subparsers(dest="command", required=True)

    dev = commands.add_parser("dev", help="run the whole stack locally (embedded PostgreSQL and Redis by default)")
    dev.set_defaults(handler=cmd_dev)

    compose = commands.add_parser("compose", help="export subgraph SDL and compose schema/supergraph.graphql")
    compose.add_argument("--check", action="store_true", help="fail if the committed schema files are stale")
    compose.set_defaults(handler=cmd_compose)

    migrate = commands.add_parser("migrate", help="upgrade every subgraph's database schema")
    migrate.set_defaults(handler=cmd_migrate)

    announce = commands.add_parser(
        "announce-members",
        help="have identity announce every household member again, to rebuild notification's list of whom to notify"
        " (idempotent: safe to run at any time, as often as needed)",
        description="Write an identity.member_changed event for every current household member; the worker relays"
        " them to notification's replica of the members. Idempotent: each event describes the member as they are"
        " now and older news is ignored, so running it again, or while FinCloud is in use, leaves the same replica."
        " `fincloud migrate` does this once on its own for households created before members were announced; run"
        " this to rebuild the replica later (for example after restoring notification's tables from a backup).",
    )
    announce.set_defaults(handler=cmd_announce_members)

    worker = commands.add_parser("worker", help="run the background worker (outbox relay, jobs, cron)")
    worker.add_argument("--check", action="store_true", help="exit 0 if a worker is alive (health check)")
    worker.set_defaults(handler=cmd_worker)

    serve = commands.add_parser("serve", help="serve one subgraph (production: one process per subgraph)")
    serve.add_argument("subgraph", choices=SUBGRAPHS)
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(handler=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    raise SystemExit(main())
