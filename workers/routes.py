"""Which jobs consume which event topic. The relay enqueues each job once per event (job id = name + event id)."""

from __future__ import annotations

from fincloud.constants import (
    TOPIC_ACCOUNT_CHANGED,
    TOPIC_EXPORT_REQUESTED,
    TOPIC_HOUSEHOLD_DELETED,
    TOPIC_IMPORT_COMMIT_REQUESTED,
    TOPIC_TRANSACTION_CREATED,
    TOPIC_TRANSACTION_DELETED,
    TOPIC_TRANSACTION_UPDATED,
)

EVENT_JOBS: dict[str, tuple[str, ...]] = {
    TOPIC_TRANSACTION_CREATED: ("inbox_on_transaction_created", "budget_on_transaction_event"),
    TOPIC_TRANSACTION_UPDATED: ("budget_on_transaction_event",),
    TOPIC_TRANSACTION_DELETED: ("budget_on_transaction_event",),
    TOPIC_ACCOUNT_CHANGED: ("portfolio_on_account_changed",),
    TOPIC_HOUSEHOLD_DELETED: ("purge_household",),
    TOPIC_EXPORT_REQUESTED: ("files_export",),
    TOPIC_IMPORT_COMMIT_REQUESTED: ("import_commit",),
}
