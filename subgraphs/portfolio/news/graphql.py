"""News in the GraphQL schema: the ``NewsItem`` type, ``news_connection`` (a page of the stories linked to some
instruments) and the two fields built on it, ``instrument_news`` and ``portfolio_news``, to attach as
``Instrument.news`` and ``Portfolio.news``.

Order: newest first by ``coalesce(published_at, fetched_at)``, then by id (descending), with keyset pagination on
that pair. A story its feed gave no date is placed at the time it was first fetched rather than after every dated
one: it was in the feed then, so that is when it was news, and "undated last" would bury it under years of dated
stories. The pair is never null, so the cursor needs no special case. (``fincloud.graphql.paginate`` pages by
columns of the selected entity; this key is an expression, so the page is built here from the same helpers.) The
stories are narrowed by ``news_links`` (its instrument index) before they are sorted.

A story's ``instrument_ids`` are the instruments asked about that it is linked to, never the others: which listed
instruments have news shows which ones someone on this server holds, and a household sees only its own.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlalchemy import func, select, tuple_

from fincloud.graphql import (
    Connection,
    PageInfo,
    UserInputError,
    decode_cursor,
    encode_cursor,
    page_size,
    to_connection,
)
from subgraphs.portfolio.context import Context
from subgraphs.portfolio.models import Activity, NewsLink
from subgraphs.portfolio.models import NewsItem as NewsItemRow

if TYPE_CHECKING:
    from subgraphs.portfolio.types import Instrument, Portfolio

__all__ = ["NewsItem", "instrument_news", "news_connection", "portfolio_news"]

FIRST = Annotated[int | None, strawberry.argument(description="Page size, 1 to 100 (default 50).")]
AFTER = Annotated[str | None, strawberry.argument(description="Cursor of the last item seen.")]


@strawberry.type(description="A news story about listed instruments, read from the configured news feeds.")
class NewsItem:
    id: strawberry.ID = strawberry.field(description="News item id.")
    title: str = strawberry.field(description="The headline, as plain text.")
    url: str | None = strawberry.field(description="Link to the full story; null when the feed gave none.")
    summary: str = strawberry.field(
        description="A short summary as plain text (at most about 1,000 characters); empty when the feed gave none."
    )
    source: str = strawberry.field(description="Who published it: the publisher, or the feed's title.")
    published_at: dt.datetime | None = strawberry.field(
        description="When it was published (UTC); null when the feed gave no date (it is then ordered by when"
        " FinCloud first read it)."
    )
    instrument_ids: strawberry.Private[list[uuid.UUID]]
    """The instruments asked about that the story is linked to."""

    @classmethod
    def from_row(cls, row: NewsItemRow, instrument_ids: list[uuid.UUID]) -> NewsItem:
        return cls(
            id=strawberry.ID(str(row.id)),
            title=row.title,
            url=row.url or None,
            summary=row.summary,
            source=row.source,
            published_at=row.published_at,
            instrument_ids=instrument_ids,
        )


_SORT_AT = func.coalesce(NewsItemRow.published_at, NewsItemRow.fetched_at)


async def news_connection(
    info: strawberry.Info[Context, None],
    *,
    instrument_ids: list[uuid.UUID],
    first: int | None,
    after: str | None,
) -> Connection[NewsItem]:
    """A page of the stories linked to any of ``instrument_ids``, newest first (see the module for the order).
    The caller passes only instruments the viewer may see. Two queries per page: the stories, then their links."""
    limit = page_size(first)
    if not instrument_ids:
        return Connection(edges=[], page_info=PageInfo(has_next_page=False, end_cursor=None))
    linked = select(NewsLink.news_id).where(NewsLink.instrument_id.in_(instrument_ids))
    query = select(NewsItemRow, _SORT_AT.label("sort_at")).where(NewsItemRow.id.in_(linked))
    if after is not None:
        sort_at, news_id = _position(after)
        query = query.where(tuple_(_SORT_AT, NewsItemRow.id) < tuple_(sort_at, news_id))
    query = query.order_by(_SORT_AT.desc(), NewsItemRow.id.desc()).limit(limit + 1)
    session = info.context.session
    rows = (await session.execute(query)).all()
    links: dict[uuid.UUID, list[uuid.UUID]] = {}
    if rows:
        pairs = await session.execute(
            select(NewsLink.news_id, NewsLink.instrument_id)
            .where(
                NewsLink.news_id.in_([row.id for row, _ in rows[:limit]]),
                NewsLink.instrument_id.in_(instrument_ids),
            )
            .order_by(NewsLink.news_id, NewsLink.instrument_id)
        )
        for news_id, instrument_id in pairs:
            links.setdefault(news_id, []).append(instrument_id)
    connection: Connection[NewsItem] = to_connection(
        rows,
        limit=limit,
        node=lambda pair: NewsItem.from_row(pair[0], links.get(pair[0].id, [])),
        cursor=lambda pair: encode_cursor(pair[1].isoformat(), pair[0].id),
    )
    return connection


def _position(after: str) -> tuple[dt.datetime, uuid.UUID]:
    sort_at, news_id = decode_cursor(after, arity=2)
    try:
        position = dt.datetime.fromisoformat(sort_at), uuid.UUID(news_id)
    except ValueError:
        raise UserInputError("invalid cursor", field="after") from None
    if position[0].tzinfo is None:
        raise UserInputError("invalid cursor", field="after")
    return position


async def instrument_news(
    root: Instrument, info: strawberry.Info[Context, None], first: FIRST = None, after: AFTER = None
) -> Connection[NewsItem]:
    """``Instrument.news``: stories about the instrument, newest first. Always empty for a household's own
    instrument, which is never sent to a feed."""
    ids = [] if root.user_defined else [uuid.UUID(str(root.id))]
    return await news_connection(info, instrument_ids=ids, first=first, after=after)


async def portfolio_news(
    root: Portfolio, info: strawberry.Info[Context, None], first: FIRST = None, after: AFTER = None
) -> Connection[NewsItem]:
    """``Portfolio.news``: stories about the instruments the portfolio holds or has traded, and its benchmark,
    newest first; each story once, however many of them it is about."""
    traded = await info.context.session.scalars(
        select(Activity.instrument_id)
        .distinct()
        .where(Activity.portfolio_id == uuid.UUID(str(root.id)), Activity.instrument_id.is_not(None))
    )
    ids = {instrument_id for instrument_id in traded if instrument_id is not None}
    if root.benchmark_id is not None:
        ids.add(root.benchmark_id)
    return await news_connection(info, instrument_ids=sorted(ids), first=first, after=after)
