"""The ``fincloud`` command."""

from __future__ import annotations

import argparse
import os
import sys
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


def cmd_migrate(_: argparse.Namespace) -> int:
    import asyncio

    from fincloud.embedded import EmbeddedPostgres
    from fincloud.migrate import upgrade_all
    from fincloud.storage import S3ObjectStore, store_from_settings

    settings = _settings()
    store = store_from_settings(settings)
    if isinstance(store, S3ObjectStore):
        asyncio.run(store.ensure_bucket())
    if settings.DATABASE_URL:
        upgrade_all(settings.DATABASE_URL)
    else:
        embedded = EmbeddedPostgres(settings.DATA_DIR)
        try:
            upgrade_all(embedded.start())
        finally:
            embedded.stop()
    print("fincloud: database is up to date")
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
