"""Names shared by every process: ports, Redis channels, queue names, key prefixes."""

from __future__ import annotations

SUBGRAPHS: tuple[str, ...] = ("identity", "budget", "portfolio", "notification")
"""The subgraphs in start-up order; each owns the PostgreSQL schema of the same name."""

DEFAULT_PORTS: dict[str, int] = {
    "router": 4000,
    "identity": 4001,
    "budget": 4002,
    "portfolio": 4003,
    "notification": 4004,
    "web": 3000,
}

SERVICE_TOKEN_HEADER = "x-fincloud-service-token"
"""Header (and WebSocket connection parameter ``serviceToken``) that proves a request came from the router."""

JWT_ISSUER = "fincloud"
JWT_AUDIENCE = "fincloud"
JWKS_PATH = "/.well-known/jwks.json"

EVENT_CHANNEL_PREFIX = "fincloud:events:"
"""Redis broadcast channel of an event topic: ``fincloud:events:<topic>``."""

OUTBOX_NOTIFY_CHANNEL = "fincloud_outbox"
"""PostgreSQL NOTIFY channel raised when an outbox row commits; wakes the relay at once."""

ARQ_QUEUE = "fincloud:queue"
"""The arq queue every worker listens on."""

OUTBOX_SWEEP_AFTER_SECONDS = 5
"""The safety sweep publishes outbox rows left unpublished this long (relay down, NOTIFY lost)."""


def event_channel(topic: str) -> str:
    """The Redis channel an event topic is broadcast on."""
    return f"{EVENT_CHANNEL_PREFIX}{topic}"


# Event topics: ``<subgraph>.<what happened>``.
TOPIC_USER_REGISTERED = "identity.user_registered"
TOPIC_TRANSACTION_CREATED = "budget.transaction_created"
TOPIC_TRANSACTION_UPDATED = "budget.transaction_updated"
TOPIC_TRANSACTION_DELETED = "budget.transaction_deleted"
TOPIC_BUDGET_THRESHOLD_EXCEEDED = "budget.budget_threshold_exceeded"
"""A category's spending crossed a threshold (80 %, 100 % ...) of its budget; once per category, month and level."""
TOPIC_BUDGET_CHANGED = "budget.budget_changed"
"""A month's budget figures changed (an amount assigned, a transaction categorised); drives the live budget view."""
TOPIC_RECURRING_DUE = "budget.recurring_due"
"""A recurring transaction in remind mode is due today (or an auto-posted one could not be recorded: ``failed``)."""
TOPIC_IMPORT_COMPLETED = "budget.import_completed"
TOPIC_EXPORT_REQUESTED = "budget.export_requested"
"""A large export was asked for; the worker writes its file (payload: ``export_id``)."""
TOPIC_ACCOUNT_CHANGED = "budget.account_changed"
"""An account was created or changed (or deleted: ``deleted: true``); the payload is what other subgraphs may keep
of it (id, household, type, currency, archived, deleted), never its name or balance."""
TOPIC_PRICE_ALERT = "portfolio.price_alert_triggered"
"""A price alert crossed its level (above, below, or a day's move beyond X %); once per crossing."""
TOPIC_PORTFOLIO_ALERT = "portfolio.portfolio_alert_triggered"
"""A portfolio fell more than X % from its high, or moved more than Y % in a day; once per crossing."""
TOPIC_PRICES_UPDATED = "portfolio.prices_updated"
"""New prices were stored (payload: instrument ids and their latest price); drives the live price subscription."""
PRICE_CACHE_PREFIX = "fincloud:prices:"
"""Redis keys of the price worker: ``fincloud:prices:latest:<instrument id>`` holds a quote fetched from a source,
reused for ``FINCLOUD_PRICE_CACHE_SECONDS`` instead of asking again; ``fincloud:prices:backfill:<instrument id>`` an
instrument whose history could not be fetched yet (retried by the next runs)."""
TOPIC_EMAIL_REQUESTED = "identity.email_requested"
TOPIC_HOUSEHOLD_DELETED = "identity.household_deleted"
TOPIC_MEMBER_CHANGED = "identity.member_changed"
"""A household member joined, changed role, left or was removed (``removed: true``), or their email address, its
verification or their name changed; one event per (household, user). The payload is what other subgraphs may keep
(household_id, user_id, role, email, email_verified, name, removed), never a password hash or a token."""

# Statement imports (budget).
TOPIC_IMPORT_COMMIT_REQUESTED = "budget.import_commit_requested"
"""A user asked to commit an import's dry run; the worker's ``import_commit`` job does it."""
TOPIC_IMPORT_UNDONE = "budget.import_undone"
"""An import batch was undone: the transactions it created were deleted."""
IMPORT_PROGRESS_CHANNEL_PREFIX = "fincloud:imports:progress:"
"""Redis channel of one import's commit progress: ``fincloud:imports:progress:<import id>``."""


def import_progress_channel(import_id: object) -> str:
    """The Redis channel an import's commit progress is published on."""
    return f"{IMPORT_PROGRESS_CHANNEL_PREFIX}{import_id}"


# Notifications (notification subgraph and its worker jobs).
TOPIC_NOTIFICATION_CREATED = "notification.notification_created"
"""A notification was recorded for one user (payload: ``notification_id``, ``user_id``, ``event_type``, ``title``,
``body``, ``url``, ``created_at``); feeds ``Subscription.notificationReceived`` of that user only."""
TOPIC_CHANNEL_VERIFICATION_REQUESTED = "notification.channel_verification_requested"
"""An email channel was added for an address identity has not verified (payload: ``channel_id``): the worker makes
a code, keeps its hash on the channel and mails the code there. The code itself never enters the outbox."""
NOTIFY_TELEGRAM_OFFSET_KEY = "fincloud:notify:telegram:offset"
"""Redis key holding the next ``getUpdates`` offset of the Telegram linking cron."""
NOTIFY_VERIFY_ATTEMPTS_PREFIX = "fincloud:notify:verify:"
"""Redis counter of wrong verification codes entered for one channel (``<prefix><channel id>``), expiring hourly."""
