"""Asking price sources in order, with failover: the first fresh quote wins, and every source that let an
instrument down is reported with what went wrong.

Pure and asynchronous: no database, no clock (``now`` is given), no timeouts of its own (the client's apply to
each request, and a timeout is just another failure).

``fetch_latest`` works in rounds. In each round every instrument still without a fresh quote moves to the next
source in its chain, and each source is called once for all the instruments that reached it, so a portfolio of
200 equities costs one call per source per round, not 200. Instruments with different chains (a crypto coin and a
share) share a round but not its calls. A round's calls run concurrently.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import httpx

from subgraphs.portfolio.prices.base import InstrumentRef, PriceSource, PriceSourceError, Quote

__all__ = ["ChainResult", "Chains", "HistoryResult", "ProblemKind", "SourceProblem", "fetch_history", "fetch_latest"]

logger = logging.getLogger(__name__)

ProblemKind = Literal["failed", "stale", "missing"]

Chains = Sequence[PriceSource] | Mapping[str, Sequence[PriceSource]]
"""Which sources to ask, in order: one sequence for every instrument (each asks those that support it), or each
instrument's own chain by its key (``registry.chain_for``); an instrument without an entry has no source."""

CONCURRENT_HISTORIES = 4
"""How many instruments' histories ``fetch_history`` fetches at once."""


@dataclass(frozen=True, slots=True)
class SourceProblem:
    """What went wrong with one source.

    - ``failed``: the call raised (network, HTTP status, timeout, rate limit, unreadable answer, a plugin's bug);
      ``instrument_key`` is ``None`` when the whole call failed (every instrument in it moved on).
    - ``stale``: it priced the instrument, but as of longer ago than allowed; the next source was asked.
    - ``missing``: it answered, without a price for the instrument (a symbol it does not know).
    """

    source: str
    instrument_key: str | None
    kind: ProblemKind
    detail: str


@dataclass(frozen=True, slots=True)
class ChainResult:
    """The outcome of ``fetch_latest``."""

    quotes: Mapping[str, Quote]
    """By instrument key: the first fresh quote in chain order, else the freshest stale one (see ``stale``). Each
    quote's ``source`` says where it came from."""
    problems: tuple[SourceProblem, ...]
    """In the order they happened: by round, then by source."""
    stale: frozenset[str]
    """Keys whose quote is only a stale fallback: no source had a fresh one."""
    unpriced: tuple[str, ...]
    """Keys no source priced at all, in the order given (including instruments no source supports)."""


@dataclass(frozen=True, slots=True)
class HistoryResult:
    """The outcome of ``fetch_history``."""

    quotes: Mapping[str, tuple[Quote, ...]]
    """By instrument key: the daily closes from the first source that had any, oldest first, one per date."""
    problems: tuple[SourceProblem, ...]
    unpriced: tuple[str, ...]
    """Keys no source had a history for, in the order given."""


def _chains(sources_in_order: Chains, instruments: Sequence[InstrumentRef]) -> dict[str, list[PriceSource]]:
    chains: dict[str, list[PriceSource]] = {}
    for instrument in instruments:
        if isinstance(sources_in_order, Mapping):
            candidates: Sequence[PriceSource] = sources_in_order.get(instrument.key, ())
        else:
            candidates = sources_in_order
        chains.setdefault(instrument.key, [source for source in candidates if source.supports(instrument)])
    return chains


def _unique(instruments: Sequence[InstrumentRef]) -> list[InstrumentRef]:
    """The instruments without repeated keys (the first of each kept)."""
    unique: dict[str, InstrumentRef] = {}
    for instrument in instruments:
        unique.setdefault(instrument.key, instrument)
    return list(unique.values())


def _describe(source: PriceSource, exc: Exception) -> str:
    if isinstance(exc, PriceSourceError):
        return str(exc)
    if not isinstance(exc, httpx.HTTPError):
        logger.error("price source %r raised an unexpected error", source.name, exc_info=exc)
    return f"{type(exc).__name__}: {exc or 'no detail'}"


async def _latest(
    client: httpx.AsyncClient, source: PriceSource, instruments: list[InstrumentRef]
) -> list[Quote] | Exception:
    try:
        return await source.latest(client, instruments)
    except Exception as exc:  # a plugin's bug must not cost the other sources their turn
        return exc


async def fetch_latest(
    client: httpx.AsyncClient,
    sources_in_order: Chains,
    instruments: Sequence[InstrumentRef],
    *,
    now: dt.datetime,
    max_age: dt.timedelta,
) -> ChainResult:
    """The latest price of each instrument, asking its sources in order until one has a fresh quote.

    A quote is fresh when its ``as_of`` is at most ``max_age`` before ``now`` (timezone-aware). A source that raises
    is skipped for the instruments of that call; one that returns no quote for an instrument, or a stale one, is
    skipped for that instrument; each is reported in ``problems``. When no source has a fresh quote, the freshest
    stale one is kept (an earlier source winning a tie) and its key listed in ``stale``."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    ordered = _unique(instruments)
    chains = _chains(sources_in_order, ordered)
    tried = dict.fromkeys(chains, 0)
    fresh: dict[str, Quote] = {}
    fallback: dict[str, Quote] = {}
    problems: list[SourceProblem] = []
    while True:
        calls: dict[str, tuple[PriceSource, list[InstrumentRef]]] = {}
        for instrument in ordered:
            chain, position = chains[instrument.key], tried[instrument.key]
            if instrument.key in fresh or position >= len(chain):
                continue
            tried[instrument.key] += 1
            source = chain[position]
            calls.setdefault(source.name, (source, []))[1].append(instrument)
        if not calls:
            break
        answers = await asyncio.gather(*(_latest(client, source, batch) for source, batch in calls.values()))
        for (source, batch), answer in zip(calls.values(), answers, strict=True):
            if isinstance(answer, Exception):
                problems.append(SourceProblem(source.name, None, "failed", _describe(source, answer)))
                continue
            newest: dict[str, Quote] = {}
            for quote in answer:
                if quote.instrument_key not in newest or quote.as_of > newest[quote.instrument_key].as_of:
                    newest[quote.instrument_key] = quote
            for instrument in batch:
                found = newest.get(instrument.key)
                if found is None:
                    problems.append(SourceProblem(source.name, instrument.key, "missing", "no price in the answer"))
                elif now - found.as_of > max_age:
                    detail = f"as of {found.as_of.isoformat()}, more than {max_age} before {now.isoformat()}"
                    problems.append(SourceProblem(source.name, instrument.key, "stale", detail))
                    kept = fallback.get(instrument.key)
                    if kept is None or found.as_of > kept.as_of:
                        fallback[instrument.key] = found
                else:
                    fresh[instrument.key] = found
    quotes = {key: fresh.get(key) or fallback[key] for key in chains if key in fresh or key in fallback}
    return ChainResult(
        quotes=quotes,
        problems=tuple(problems),
        stale=frozenset(key for key in quotes if key not in fresh),
        unpriced=tuple(key for key in chains if key not in quotes),
    )


async def fetch_history(
    client: httpx.AsyncClient,
    sources_in_order: Chains,
    instruments: Sequence[InstrumentRef],
    *,
    since: dt.date,
) -> HistoryResult:
    """The daily closes of each instrument from ``since`` (inclusive), from the first source in its chain that has
    any: one that raises (``failed``) or returns none (``missing``) is reported and the next one asked. Up to
    ``CONCURRENT_HISTORIES`` instruments are fetched at once; each instrument's sources one after the other."""
    ordered = _unique(instruments)
    chains = _chains(sources_in_order, ordered)
    limit = asyncio.Semaphore(CONCURRENT_HISTORIES)

    async def one(instrument: InstrumentRef) -> tuple[tuple[Quote, ...], list[SourceProblem]]:
        problems: list[SourceProblem] = []
        async with limit:
            for source in chains[instrument.key]:
                try:
                    answer = await source.history(client, instrument, since=since)
                except Exception as exc:
                    problems.append(SourceProblem(source.name, instrument.key, "failed", _describe(source, exc)))
                    continue
                by_day = {q.date: q for q in answer if q.instrument_key == instrument.key and q.date >= since}
                if by_day:
                    return tuple(by_day[day] for day in sorted(by_day)), problems
                problems.append(SourceProblem(source.name, instrument.key, "missing", f"no prices since {since}"))
        return (), problems

    answers = await asyncio.gather(*(one(instrument) for instrument in ordered))
    return HistoryResult(
        quotes={instrument.key: quotes for instrument, (quotes, _) in zip(ordered, answers, strict=True) if quotes},
        problems=tuple(problem for _, problems in answers for problem in problems),
        unpriced=tuple(instrument.key for instrument, (quotes, _) in zip(ordered, answers, strict=True) if not quotes),
    )
