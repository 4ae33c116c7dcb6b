"""The worker's side of imports: the commit request travels through the outbox to the ``import_commit`` job, and a
deleted household's imports go with it, raw files included."""

from __future__ import annotations

from arq import ArqRedis
from sqlalchemy import func, select

from fincloud.constants import ARQ_QUEUE, TOPIC_HOUSEHOLD_DELETED
from fincloud.events import write_event
from fincloud.service import Runtime
from subgraphs.budget.imports.models import ImportBatch, ImportRow
from subgraphs.identity.models import outbox as identity_outbox
from tests.factories import make_account, make_viewer
from tests.subgraphs.budget.imports.support import Importer, csv_bytes
from workers.imports import import_commit
from workers.outbox import make_relay
from workers.purge import purge_household

STATEMENT = csv_bytes(
    [["Date", "Payee", "Amount"], ["2024-05-01", "Bakery", "-2.10"], ["2024-05-02", "Cinema", "-9.00"]]
)


async def importer_of(runtime: Runtime) -> Importer:
    viewer = make_viewer()
    async with runtime.sessionmaker() as session:
        account = await make_account(session, household_id=viewer.household_ids[0], currency="USD")
    return Importer(runtime=runtime, viewer=viewer, account_id=account.id)


async def test_the_commit_request_reaches_the_import_commit_job_once(runtime: Runtime, pool: ArqRedis) -> None:
    importer = await importer_of(runtime)
    uploaded = await importer.upload(STATEMENT)
    await importer.commit(uploaded["import"]["id"], run_job=False)
    relay = make_relay({"redis": pool, "engine": runtime.engine})
    await relay.relay_schema("budget")
    [job] = [j for j in await pool.queued_jobs(queue_name=ARQ_QUEUE) if j.function == "import_commit"]
    ctx = {"sessionmaker": runtime.sessionmaker, "store": runtime.store, "redis": pool}
    assert await import_commit(ctx, *job.args) == "committed"
    assert await import_commit(ctx, *job.args) == "committed"  # delivered twice: committed once
    assert len(await importer.ledger()) == 2


async def test_a_deleted_household_loses_its_imports_and_their_files(runtime: Runtime, pool: ArqRedis) -> None:
    doomed, kept = await importer_of(runtime), await importer_of(runtime)
    for importer in (doomed, kept):
        await importer.imported(STATEMENT)
    household = doomed.viewer.household_ids[0]
    assert len(await runtime.store.keys(f"imports/{household}/")) == 1
    async with runtime.sessionmaker() as session, session.begin():
        await write_event(
            session, identity_outbox, topic=TOPIC_HOUSEHOLD_DELETED, household_id=household,
            payload={"household_id": household},
        )  # fmt: skip
    await pool.flushdb()
    await make_relay({"redis": pool, "engine": runtime.engine}).relay_schema("identity")
    [job] = await pool.queued_jobs(queue_name=ARQ_QUEUE)
    await purge_household({"sessionmaker": runtime.sessionmaker, "store": runtime.store}, job.args[0])
    assert await runtime.store.keys(f"imports/{household}/") == []
    assert len(await runtime.store.keys(f"imports/{kept.viewer.household_ids[0]}/")) == 1
    async with runtime.sessionmaker() as session:
        for model in (ImportBatch, ImportRow):
            households = set(await session.scalars(select(model.household_id)))
            assert households == {kept.viewer.household_ids[0]}, model
        assert await session.scalar(select(func.count()).select_from(ImportRow)) == 2
