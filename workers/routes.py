"""Which jobs consume which event topic. The relay enqueues each job once per event (job id = name + event id)."""

from __future__ import annotations

from fincloud.constants import (
    TOPIC_ACCOUNT_CHANGED,
    TOPIC_BUDGET_THRESHOLD_EXCEEDED,
    TOPIC_CHANNEL_VERIFICATION_REQUESTED,
    TOPIC_EMAIL_REQUESTED,
    TOPIC_EXPORT_REQUESTED,
    TOPIC_HOUSEHOLD_DELETED,
    TOPIC_IMPORT_COMMIT_REQUESTED,
    TOPIC_IMPORT_COMPLETED,
    TOPIC_MEMBER_CHANGED,
    TOPIC_PORTFOLIO_ALERT,
    TOPIC_PRICE_ALERT,
    TOPIC_RECURRING_DUE,
    TOPIC_TRANSACTION_CREATED,
    TOPIC_TRANSACTION_DELETED,
    TOPIC_TRANSACTION_UPDATED,
)

EVENT_JOBS: dict[str, tuple[str, ...]] = {
    TOPIC_TRANSACTION_CREATED: ("notify_on_event", "budget_on_transaction_event"),
    TOPIC_TRANSACTION_UPDATED: ("budget_on_transaction_event",),
    TOPIC_TRANSACTION_DELETED: ("budget_on_transaction_event",),
    TOPIC_ACCOUNT_CHANGED: ("portfolio_on_account_changed",),
    TOPIC_HOUSEHOLD_DELETED: ("purge_household",),
    TOPIC_MEMBER_CHANGED: ("notification_on_member_changed",),
    TOPIC_EXPORT_REQUESTED: ("files_export",),
    TOPIC_IMPORT_COMMIT_REQUESTED: ("import_commit",),
    TOPIC_EMAIL_REQUESTED: ("email_on_identity_request",),
    # Notifications (services/dispatch.py NOTIFIABLE_TOPICS; transaction_created above).
    TOPIC_BUDGET_THRESHOLD_EXCEEDED: ("notify_on_event",),
    TOPIC_IMPORT_COMPLETED: ("notify_on_event",),
    TOPIC_RECURRING_DUE: ("notify_on_event",),
    TOPIC_PRICE_ALERT: ("notify_on_event",),
    TOPIC_PORTFOLIO_ALERT: ("notify_on_event",),
    TOPIC_CHANNEL_VERIFICATION_REQUESTED: ("notify_channel_verification",),
}

NOT_REDRIVEN: frozenset[str] = frozenset({"email_on_identity_request"})
"""Jobs that are not enqueued again after Redis lost its data (``workers/outbox.py``): they keep no record of what
they did, so running them again would send the same account email twice. Every other job is idempotent by event
id (receipts, unique keys, newest-wins replicas)."""
