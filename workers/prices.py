"""Prices: every hour, the latest price of each listed instrument anyone holds, has traded, benchmarks against or
watches; the history of those never priced; the ECB's exchange rates for the portfolios' currencies; then alerts.

``prices_cron`` runs at the top of every hour and at worker start-up, only when ``FINCLOUD_PRICE_AUTO_FETCH`` allows
it (not in a test stack). ``prices_update`` is the job itself, to enqueue by hand.
One run:

1. lists the instruments to price (``instruments_to_price``) and asks each one's chain of sources (its own
   ``Instrument.sources``, else ``DEFAULT_CHAINS`` of its asset class) with failover (``chain.fetch_latest``);
   a quote a source gave within ``FINCLOUD_PRICE_CACHE_SECONDS`` is taken from Redis
   (``PRICE_CACHE_PREFIX``\\ ``latest:<id>``) instead, so a second run, or a second worker, does not ask again;
2. back-fills the daily history of each instrument never priced, from its first activity (10 years for one that
   only a benchmark or an alert names), ``HISTORY_CONCURRENCY`` instruments at a time; one whose history no source
   had is tried again by the next runs for ``BACKFILL_RETRY_SECONDS``;
3. fetches the ECB's reference rates for the currencies portfolios use, when the stored ones are behind the ECB's
   last publication (the daily file, the 90-day file or the whole history, as far back as needed);
4. stores prices (each rounded once, half to even, to the column's 10 decimal places; a fetched price never replaces
   a ``manual`` or ``upload`` one), rates, each source's record (``source_status``) and one
   ``TOPIC_PRICES_UPDATED`` event with the new latest price of every instrument whose prices changed, and judges
   their price alerts, all in one transaction;
5. judges the alerts of portfolios holding a changed instrument on their time-weighted growth over the last year
   (``growth_index``), one transaction per portfolio.

No database connection is held while sources are asked. A source that fails costs only its own instruments their
turn (the next source in their chains is asked); the run reports every problem and raises only when the database
does.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import logging
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any, cast

import httpx
import redis.asyncio as aioredis
from dateutil.relativedelta import relativedelta
from redis.exceptions import RedisError
from sqlalchemy import func, select, union
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fincloud.config import Settings, get_settings
from fincloud.constants import PRICE_CACHE_PREFIX
from fincloud.db import utcnow
from subgraphs.budget.fx.base import FxSourceError
from subgraphs.budget.fx.calendar import expected_rate_date
from subgraphs.budget.fx.source_ecb import parse_ecb_xml
from subgraphs.portfolio.holdings import Series
from subgraphs.portfolio.models import Activity, Alert, FxRate, Instrument, Portfolio, SourceStatus
from subgraphs.portfolio.prices.base import InstrumentRef, PriceSource, Quote
from subgraphs.portfolio.prices.chain import ChainResult, SourceProblem, fetch_history, fetch_latest
from subgraphs.portfolio.prices.registry import chain_for, load_sources
from subgraphs.portfolio.services.alerts import PORTFOLIO_KINDS, check_portfolio_alerts, check_price_alerts
from subgraphs.portfolio.services.analytics import load_inputs
from subgraphs.portfolio.services.prices import StoredQuote, instruments_to_price, store_fx, store_prices
from subgraphs.portfolio.subscriptions import announce_prices

__all__ = [
    "BACKFILL_RETRY_SECONDS",
    "HISTORY_CONCURRENCY",
    "HTTP_TIMEOUT_SECONDS",
    "PriceReport",
    "cache_seconds",
    "growth_index",
    "prices_cron",
    "prices_update",
    "update_prices",
]

logger = logging.getLogger(__name__)

HTTP_TIMEOUT_SECONDS = 20.0
"""How long one request to a source may take to connect, or between two reads of its answer."""
MAX_CONNECTIONS = 16
"""Requests in flight at once, all sources together (each source also bounds its own)."""
HISTORY_CONCURRENCY = 4
"""Instruments whose history is fetched at once."""
BENCHMARK_HISTORY_YEARS = 10
"""How far back the history of an instrument without activities (a benchmark, a watched one) is fetched."""
BACKFILL_RETRY_SECONDS = 7 * 86_400
"""How long the runs keep trying to back-fill an instrument whose history no source had."""
CACHE_MARGIN_SECONDS = 120
"""A cached quote lives this much less than ``PRICE_CACHE_SECONDS`` (at most a tenth of it), so the next hourly run,
which may start a moment earlier after the hour than the last one did, asks the sources again."""
ECB_HISTORY_90D_DAYS = 85
"""Rates missing since at most this many days ago are read from the ECB's 90-day file, older ones from the whole
history (about 6 MB)."""
MAX_REPORTED_PROBLEMS = 200

_PLACES = Decimal("1E-10")
_MAX_PRICE = Decimal("1E18")
_LATEST = f"{PRICE_CACHE_PREFIX}latest:"
_BACKFILL = f"{PRICE_CACHE_PREFIX}backfill:"
_ECB = "ecb"


@dataclass
class PriceReport:
    """What one run did."""

    instruments: int = 0
    """Instruments to price."""
    cached: int = 0
    """Latest quotes taken from the cache (no source asked)."""
    fetched: int = 0
    """Latest quotes fetched from a source (``stale`` of them older than ``PRICE_MAX_AGE_HOURS``)."""
    stale: int = 0
    unpriced: int = 0
    """Instruments no source priced this run."""
    backfilled: int = 0
    """Instruments whose history was back-filled (``history_prices`` prices in all)."""
    history_prices: int = 0
    backfill_failed: int = 0
    changed: int = 0
    """Instruments whose stored prices changed (the ``TOPIC_PRICES_UPDATED`` event lists their latest prices)."""
    fx_rates: int = 0
    """Exchange rates stored or corrected."""
    price_alerts: int = 0
    portfolio_alerts: int = 0
    """Alerts that fired."""
    problems: list[dict[str, str | None]] = field(default_factory=list)
    """What went wrong, source by source (the first ``MAX_REPORTED_PROBLEMS``; ``problem_count`` counts them all)."""
    problem_count: int = 0

    def problem(self, source: str, kind: str, detail: str, instrument: str | None = None) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_REPORTED_PROBLEMS:
            self.problems.append({"source": source, "instrument": instrument, "kind": kind, "detail": detail})

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class _Outcomes:
    """Each source's record in this run: whether it answered at all, and its errors."""

    answered: set[str] = field(default_factory=set)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def failed(self, source: str, detail: str) -> None:
        self.errors.setdefault(source, []).append(detail)


@dataclass(frozen=True)
class _Target:
    row: Instrument
    ref: InstrumentRef
    chain: tuple[PriceSource, ...]
    first: dt.date | None
    newest: dt.date | None


def _settings(ctx: dict[str, Any]) -> Settings:
    """The worker's settings; ``ctx["settings"]`` (a test, a one-off run) takes precedence."""
    settings = ctx.get("settings")
    return settings if isinstance(settings, Settings) else get_settings()


def cache_seconds(configured: int) -> int:
    """How long a fetched quote stays in Redis: ``configured`` less ``CACHE_MARGIN_SECONDS`` (at most a tenth of
    it); 0 turns the cache off."""
    if configured <= 0:
        return 0
    return max(1, configured - min(CACHE_MARGIN_SECONDS, configured // 10))


def growth_index(series: Series) -> dict[dt.date, float]:
    """The value, on each day of ``series``, of 1 invested at its start (``series.start`` is 1.0): the daily
    time-weighted returns of ``performance.time_weighted_return``, linked. Each day's return is
    ``(value + money out) / (previous value + money in)``, money in counting from the day's start and money out at
    its end; a day with nothing held and nothing put in leaves the index where it was."""
    money_in: dict[dt.date, Decimal] = {}
    money_out: dict[dt.date, Decimal] = {}
    for flow in series.flows:
        if series.start < flow.date <= series.end:
            book = money_in if flow.amount > 0 else money_out
            book[flow.date] = book.get(flow.date, Decimal(0)) + abs(flow.amount)
    growth = 1.0
    index = {series.start: growth}
    previous = series.start_value
    day = series.start + dt.timedelta(days=1)
    while day <= series.end:
        value = series.values.get(day, previous)
        base = previous + money_in.get(day, Decimal(0))
        if base > 0:
            growth *= float((value + money_out.get(day, Decimal(0))) / base)
        index[day] = growth
        previous = value
        day += dt.timedelta(days=1)
    return index


# --- the instruments and the cache ------------------------------------------------------------------------------


def _targets(
    rows: Sequence[tuple[Instrument, dt.date | None, dt.date | None]],
    sources: Mapping[str, PriceSource],
    report: PriceReport,
) -> list[_Target]:
    targets: list[_Target] = []
    for row, first, newest in rows:
        try:
            ref = InstrumentRef(
                key=str(row.id),
                symbol=row.symbol,
                exchange=row.exchange or None,
                isin=row.isin,
                currency=row.currency,
                asset_class=row.asset_class,
                codes={str(k): str(v) for k, v in (row.codes or {}).items()},
            )
        except ValueError as exc:
            report.problem("-", "invalid", str(exc), row.symbol)
            continue
        chain = chain_for(ref, row.sources, sources)
        targets.append(_Target(row, ref, chain, first, newest))
    return targets


def _quote_json(quote: Quote) -> str:
    return json.dumps(
        {
            "date": quote.date.isoformat(),
            "price": str(quote.price),
            "currency": quote.currency,
            "source": quote.source,
            "as_of": quote.as_of.isoformat(),
        }
    )


def _quote_from_json(key: str, raw: bytes | str) -> Quote | None:
    try:
        data = json.loads(raw)
        return Quote(
            key,
            dt.date.fromisoformat(data["date"]),
            Decimal(data["price"]),
            data["currency"],
            data["source"],
            dt.datetime.fromisoformat(data["as_of"]),
        )
    except (KeyError, TypeError, ValueError, InvalidOperation):
        return None  # not ours, or from an older release: asked again


async def _read_cache(
    redis: aioredis.Redis | None, keys: Sequence[str], *, use_cache: bool
) -> tuple[dict[str, Quote], dict[str, dt.date]]:
    """Cached latest quotes, and instruments whose back-fill is pending (since when), by instrument key."""
    if redis is None or not keys:
        return {}, {}
    try:
        names = [f"{_BACKFILL}{key}" for key in keys]
        if use_cache:
            names += [f"{_LATEST}{key}" for key in keys]
        values = await redis.mget(names)
    except RedisError:
        logger.warning("price cache unavailable; every source is asked", exc_info=True)
        return {}, {}
    pending: dict[str, dt.date] = {}
    for key, raw in zip(keys, values[: len(keys)], strict=True):
        if raw is not None:
            try:
                pending[key] = dt.date.fromisoformat(raw.decode() if isinstance(raw, bytes) else raw)
            except ValueError:
                continue
    cached: dict[str, Quote] = {}
    for key, raw in zip(keys, values[len(keys) :], strict=False):
        if raw is not None and (quote := _quote_from_json(key, raw)) is not None:
            cached[key] = quote
    return cached, pending


async def _write_cache(
    redis: aioredis.Redis | None,
    fetched: Mapping[str, Quote],
    *,
    ttl: int,
    backfilled: Iterable[str],
    backfill_failed: Mapping[str, dt.date],
) -> None:
    if redis is None:
        return
    try:
        async with redis.pipeline(transaction=False) as pipe:
            if ttl > 0:
                for key, quote in fetched.items():
                    pipe.set(f"{_LATEST}{key}", _quote_json(quote), ex=ttl)
            for key in backfilled:
                pipe.delete(f"{_BACKFILL}{key}")
            for key, since in backfill_failed.items():
                # nx: retried for BACKFILL_RETRY_SECONDS after the first failure, not for ever.
                pipe.set(f"{_BACKFILL}{key}", since.isoformat(), ex=BACKFILL_RETRY_SECONDS, nx=True)
            await pipe.execute()
    except RedisError:
        logger.warning("price cache unavailable; quotes not cached", exc_info=True)


# --- fetching ---------------------------------------------------------------------------------------------------


def _record(
    report: PriceReport, outcomes: _Outcomes, problems: Iterable[SourceProblem], symbols: Mapping[str, str]
) -> None:
    for problem in problems:
        instrument = symbols.get(problem.instrument_key or "", problem.instrument_key)
        report.problem(problem.source, problem.kind, problem.detail, instrument)
        if problem.kind == "failed":
            outcomes.failed(problem.source, problem.detail)
        else:  # stale or missing: the source answered
            outcomes.answered.add(problem.source)


async def _latest(
    client: httpx.AsyncClient,
    targets: Sequence[_Target],
    *,
    now: dt.datetime,
    max_age: dt.timedelta,
) -> ChainResult:
    if not targets:
        return ChainResult(quotes={}, problems=(), stale=frozenset(), unpriced=())
    chains = {target.ref.key: target.chain for target in targets}
    return await fetch_latest(client, chains, [target.ref for target in targets], now=now, max_age=max_age)


async def _histories(
    client: httpx.AsyncClient, targets: Sequence[_Target], since: Mapping[str, dt.date]
) -> list[tuple[_Target, tuple[Quote, ...], tuple[SourceProblem, ...]]]:
    """Each target's history from its own ``since``, ``HISTORY_CONCURRENCY`` at a time."""
    limit = asyncio.Semaphore(HISTORY_CONCURRENCY)

    async def one(target: _Target) -> tuple[_Target, tuple[Quote, ...], tuple[SourceProblem, ...]]:
        async with limit:
            result = await fetch_history(
                client, {target.ref.key: target.chain}, [target.ref], since=since[target.ref.key]
            )
        return target, result.quotes.get(target.ref.key, ()), result.problems

    return list(await asyncio.gather(*(one(target) for target in targets)))


@dataclass(frozen=True)
class _FxNeeds:
    behind: dict[str, dt.date | None]
    """Currencies (other than EUR) whose stored rates are older than the ECB's last publication: the newest stored."""
    earliest: dt.date | None
    """The first activity of any portfolio: how far back rates are wanted."""


async def _fx_needs(session: AsyncSession, now: dt.datetime) -> _FxNeeds:
    used = union(
        select(Portfolio.base_currency.label("currency")),
        select(Activity.currency),
        select(Instrument.currency).where(
            Instrument.id.in_(
                union(
                    select(Activity.instrument_id).where(Activity.instrument_id.is_not(None)),
                    select(Portfolio.benchmark_id).where(Portfolio.benchmark_id.is_not(None)),
                )
            )
        ),
    ).subquery()
    currencies = {c for (c,) in await session.execute(select(used.c.currency)) if c and c != "EUR"}
    newest: dict[str, dt.date] = {}
    if currencies:
        rows = await session.execute(
            select(FxRate.quote, func.max(FxRate.date))
            .where(FxRate.base == "EUR", FxRate.quote.in_(currencies))
            .group_by(FxRate.quote)
        )
        newest = {quote: day for quote, day in rows}
    expected = expected_rate_date(now)
    behind = {c: newest.get(c) for c in sorted(currencies) if (newest.get(c) or dt.date.min) < expected}
    earliest = await session.scalar(select(func.min(Activity.date))) if behind else None
    return _FxNeeds(behind=behind, earliest=earliest)


async def _fetch_fx(
    client: httpx.AsyncClient, settings: Settings, needs: _FxNeeds, now: dt.datetime
) -> list[tuple[str, str, dt.date, Decimal, str]]:
    """The ECB's rates of the currencies behind, from the day after the newest stored (from the first activity for a
    currency never fetched), in one request. ``FxSourceError`` or ``httpx.HTTPError`` when it fails."""
    if not needs.behind:
        return []
    expected = expected_rate_date(now)
    since = min(
        (newest + dt.timedelta(days=1)) if newest is not None else min(needs.earliest or expected, expected)
        for newest in needs.behind.values()
    )
    if since >= expected:
        document = "eurofxref-daily.xml"
    elif since >= now.date() - dt.timedelta(days=ECB_HISTORY_90D_DAYS):
        document = "eurofxref-hist-90d.xml"
    else:
        document = "eurofxref-hist.xml"
    response = await client.get(f"{settings.FX_ECB_URL.rstrip('/')}/{document}", follow_redirects=True)
    response.raise_for_status()
    rates = parse_ecb_xml(response.content, source=_ECB)
    return [
        (rate.base, rate.quote, rate.date, rate.rate, _ECB)
        for rate in rates
        if rate.quote in needs.behind and rate.date >= since
    ]


# --- storing ----------------------------------------------------------------------------------------------------


def _stored(quote: Quote, target: _Target, report: PriceReport) -> StoredQuote | None:
    """The quote as the ``prices`` table keeps it: rounded once, half to even, to 10 decimal places. ``None`` (and a
    problem) for a price the column cannot hold, or in another currency than the instrument's."""
    symbol = target.row.symbol
    if quote.currency != target.row.currency:
        detail = f"priced in {quote.currency}, but the instrument is in {target.row.currency}: not stored"
        report.problem(quote.source, "currency", detail, symbol)
        return None
    if quote.price >= _MAX_PRICE:
        report.problem(quote.source, "invalid", f"{quote.price} is too large to store", symbol)
        return None
    price = quote.price.quantize(_PLACES, rounding=ROUND_HALF_EVEN)
    if price <= 0:
        report.problem(quote.source, "invalid", f"{quote.price} rounds to zero at 10 decimal places", symbol)
        return None
    return StoredQuote(target.row.id, quote.date, price, quote.currency, quote.source, quote.as_of)


async def _record_status(session: AsyncSession, outcomes: _Outcomes, now: dt.datetime) -> None:
    """Each source asked: a success when it answered at all (its consecutive failures back to 0, though an error
    of this run is kept as its last), else a failure counted."""
    for source in sorted(outcomes.answered | set(outcomes.errors)):
        errors = outcomes.errors.get(source, [])
        last_error = errors[0][:500] if errors else ""
        statement = insert(SourceStatus)
        if source in outcomes.answered:
            values: dict[str, Any] = {"last_success_at": now, "failures": 0}
            if errors:
                values |= {"last_failure_at": now, "last_error": last_error}
            await session.execute(
                statement.values(source=source, **values).on_conflict_do_update(
                    index_elements=[SourceStatus.source], set_=values
                )
            )
        else:
            values = {"last_failure_at": now, "last_error": last_error}
            await session.execute(
                statement.values(source=source, failures=1, **values).on_conflict_do_update(
                    index_elements=[SourceStatus.source], set_={**values, "failures": SourceStatus.failures + 1}
                )
            )


async def _portfolio_alerts(
    sessionmaker: async_sessionmaker[AsyncSession], changed: Sequence[uuid.UUID], today: dt.date, report: PriceReport
) -> None:
    """Judge the alerts of each portfolio that has portfolio alerts and holds (or held) a changed instrument."""
    if not changed:
        return
    async with sessionmaker() as session:
        ids = list(
            await session.scalars(
                select(Portfolio.id)
                .where(
                    Portfolio.id.in_(select(Alert.portfolio_id).where(Alert.kind.in_(PORTFOLIO_KINDS))),
                    Portfolio.id.in_(select(Activity.portfolio_id).where(Activity.instrument_id.in_(changed))),
                )
                .order_by(Portfolio.id)
            )
        )
    for portfolio_id in ids:
        try:
            async with sessionmaker() as session, session.begin():
                portfolio = await session.get(Portfolio, portfolio_id)
                if portfolio is None:
                    continue
                inputs = await load_inputs(session=session, portfolio=portfolio, today=today)
                if inputs.first_date is None or inputs.first_date > today:
                    continue
                start = max(today - relativedelta(years=1), inputs.first_date - dt.timedelta(days=1))
                growth = growth_index(inputs.series(start, today))
                report.portfolio_alerts += await check_portfolio_alerts(
                    session=session, portfolio=portfolio, growth=growth
                )
        except Exception as exc:  # one portfolio's trouble must not cost the others their alerts
            logger.exception("portfolio alerts could not be judged", extra={"portfolio_id": str(portfolio_id)})
            report.problem("-", "alerts", f"portfolio {portfolio_id}: {type(exc).__name__}")


async def update_prices(
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    redis: aioredis.Redis | None,
    client: httpx.AsyncClient,
    sources: Mapping[str, PriceSource],
    settings: Settings,
    now: dt.datetime,
) -> PriceReport:
    """One run (see the module docstring) at ``now`` (timezone-aware), asking ``sources`` through ``client``;
    ``redis`` (``None``: no cache) keeps the quotes fetched and the back-fills pending."""
    report = PriceReport()
    today = now.date()
    async with sessionmaker() as session:
        targets = _targets(await instruments_to_price(session=session), sources, report)
        fx_needs = await _fx_needs(session, now)
    report.instruments = len(targets)
    by_key = {target.ref.key: target for target in targets}
    symbols = {key: target.row.symbol for key, target in by_key.items()}
    outcomes = _Outcomes()

    # 1. The latest quotes: cached, else asked.
    ttl = cache_seconds(settings.PRICE_CACHE_SECONDS)
    cached, pending = await _read_cache(redis, list(by_key), use_cache=ttl > 0)
    result = await _latest(
        client,
        [target for key, target in by_key.items() if key not in cached],
        now=now,
        max_age=dt.timedelta(hours=settings.PRICE_MAX_AGE_HOURS),
    )
    _record(report, outcomes, result.problems, symbols)
    outcomes.answered.update(quote.source for quote in result.quotes.values())
    report.cached, report.fetched = len(cached), len(result.quotes)
    report.stale, report.unpriced = len(result.stale), len(result.unpriced)

    # 2. The history of instruments never priced (or whose back-fill is pending).
    ten_years = today - relativedelta(years=BENCHMARK_HISTORY_YEARS)
    since = {key: target.first or ten_years for key, target in by_key.items() if target.newest is None and target.chain}
    since |= {key: day for key, day in pending.items() if key in by_key and by_key[key].chain}
    histories = await _histories(client, [by_key[key] for key in since], since)
    backfilled: list[str] = []
    backfill_failed: dict[str, dt.date] = {}
    for target, quotes, problems in histories:
        _record(report, outcomes, problems, symbols)
        if quotes:
            outcomes.answered.add(quotes[0].source)
            backfilled.append(target.ref.key)
        else:
            backfill_failed[target.ref.key] = since[target.ref.key]

    # 3. Exchange rates.
    rates: list[tuple[str, str, dt.date, Decimal, str]] = []
    try:
        rates = await _fetch_fx(client, settings, fx_needs, now)
        if fx_needs.behind:
            outcomes.answered.add(_ECB)
    except (FxSourceError, httpx.HTTPError) as exc:
        detail = f"exchange rates: {type(exc).__name__}: {exc}"
        outcomes.failed(_ECB, detail)
        report.problem(_ECB, "failed", detail)

    # 4. Store, announce, judge the price alerts: one transaction.
    rows: dict[tuple[uuid.UUID, dt.date], StoredQuote] = {}
    for target, quotes, _ in histories:
        for quote in quotes:
            if (stored := _stored(quote, target, report)) is not None:
                rows[(stored.instrument_id, stored.date)] = stored
                report.history_prices += 1
    for key, quote in (cached | dict(result.quotes)).items():
        if (stored := _stored(quote, by_key[key], report)) is not None:
            rows[(stored.instrument_id, stored.date)] = stored  # the latest wins over the history's close
    report.backfilled, report.backfill_failed = len(backfilled), len(backfill_failed)
    async with sessionmaker() as session, session.begin():
        changed = sorted(await store_prices(session=session, quotes=rows.values()))
        report.fx_rates = await store_fx(session=session, rates=rates) if rates else 0
        await _record_status(session, outcomes, now)
        if changed:
            await announce_prices(session=session, instrument_ids=changed)
            report.price_alerts = await check_price_alerts(session=session, instrument_ids=changed)
    report.changed = len(changed)
    # Only once stored: a cached quote is one the database has.
    await _write_cache(redis, result.quotes, ttl=ttl, backfilled=backfilled, backfill_failed=backfill_failed)

    # 5. Portfolio alerts.
    await _portfolio_alerts(sessionmaker, changed, today, report)
    return report


def _clocked(sources: Mapping[str, PriceSource], clock: Callable[[], dt.datetime]) -> None:
    """Give the sources that keep a clock (the built-in ones) the run's."""
    for source in sources.values():
        if hasattr(source, "clock"):
            cast(Any, source).clock = clock


async def prices_update(ctx: dict[str, Any]) -> dict[str, Any]:
    """One run of the price update; returns its report (``PriceReport``), also logged. ``ctx["clock"]`` (a test's
    or a benchmark's fixed time) replaces the system clock for the run and the built-in sources."""
    settings = _settings(ctx)
    sources = load_sources(settings)
    clock: Callable[[], dt.datetime] | None = ctx.get("clock")
    if clock is not None:
        _clocked(sources, clock)
    timeout = httpx.Timeout(HTTP_TIMEOUT_SECONDS, pool=None)
    limits = httpx.Limits(max_connections=MAX_CONNECTIONS, max_keepalive_connections=MAX_CONNECTIONS)
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:
        report = await update_prices(
            sessionmaker=ctx["sessionmaker"],
            redis=ctx.get("redis"),
            client=client,
            sources=sources,
            settings=settings,
            now=(clock or utcnow)(),
        )
    summary = report.as_dict()
    logger.info("prices updated", extra={k: v for k, v in summary.items() if k != "problems"})
    return summary


async def prices_cron(ctx: dict[str, Any]) -> dict[str, Any] | None:
    """The scheduled run: a no-op unless automatic fetching is on (``FINCLOUD_PRICE_AUTO_FETCH``, off in a test
    stack)."""
    if not _settings(ctx).price_auto_fetch:
        return None
    return await prices_update(ctx)
