"""Exchange rates: fetch the published reference rates, with failover between sources.

``fx_rates_cron`` runs at every half past the hour and at worker start-up; it fetches only when the expected day's
rates are missing (so the first run after the ECB publishes, around 16:00 CET, fetches, and later runs are one
indexed query), and only when ``FINCLOUD_FX_AUTO_FETCH`` allows it (not in a test stack). ``fx_rates_fetch`` is
the job itself, to enqueue by hand (``force=True`` fetches even when up to date).
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from fincloud.config import Settings, get_settings
from fincloud.db import utcnow
from subgraphs.budget.fx.refresh import refresh_rates
from subgraphs.budget.fx.registry import load_sources

__all__ = ["fx_rates_cron", "fx_rates_fetch"]

logger = logging.getLogger(__name__)


def _settings(ctx: dict[str, Any]) -> Settings:
    """The worker's settings; ``ctx["settings"]`` (a test, a one-off run) takes precedence."""
    settings = ctx.get("settings")
    return settings if isinstance(settings, Settings) else get_settings()


async def fx_rates_fetch(ctx: dict[str, Any], force: bool = False) -> dict[str, Any]:
    """Fetch from the configured sources in order until one delivers fresh rates; store them idempotently.
    Returns what happened to each source (also logged)."""
    settings = _settings(ctx)
    sources = load_sources(settings)
    async with httpx.AsyncClient(
        timeout=settings.FX_HTTP_TIMEOUT_SECONDS, headers={"user-agent": "FinCloud exchange rates"}
    ) as client:
        report = await refresh_rates(
            sessionmaker=ctx["sessionmaker"], sources=sources, client=client, now=utcnow(), force=force
        )
    return report.as_dict()


async def fx_rates_cron(ctx: dict[str, Any]) -> dict[str, Any] | None:
    """The scheduled fetch: a no-op unless automatic fetching is on; a cheap check when rates are up to date."""
    if not _settings(ctx).fx_auto_fetch:
        return None
    return await fx_rates_fetch(ctx)
