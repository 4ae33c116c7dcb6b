"""Portfolio's tables, in PostgreSQL schema ``portfolio``. Every row carries ``household_id``."""

from __future__ import annotations

import datetime as dt
import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Numeric,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from fincloud.db import new_id, schema_metadata, utcnow
from fincloud.events import outbox_table


class Base(DeclarativeBase):
    metadata = schema_metadata("portfolio")
    type_annotation_map = {datetime: DateTime(timezone=True)}


outbox = outbox_table(Base.metadata)


class Portfolio(Base):
    """A set of holdings, optionally tied to the budget account that holds its cash (by id, via federation)."""

    __tablename__ = "portfolios"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    household_id: Mapped[uuid.UUID] = mapped_column()
    name: Mapped[str] = mapped_column(String(200))
    base_currency: Mapped[str] = mapped_column(String(3))
    account_id: Mapped[uuid.UUID | None] = mapped_column()
    cost_method: Mapped[str] = mapped_column(String(10), server_default="fifo", default="fifo")
    """How the cost of units sold is taken: ``fifo`` (first bought, first sold) or ``average``."""
    benchmark_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("instruments.id", ondelete="SET NULL"))
    """The instrument performance is compared against."""
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)

    __table_args__ = (
        CheckConstraint("cost_method IN ('fifo','average')", name="cost_method"),
        Index("ix_portfolios_household_created", "household_id", "created_at", "id"),
        Index("uq_portfolios_household_account", "household_id", "account_id", unique=True),
    )


class BudgetAccount(Base):
    """What portfolio knows of a budget account: a replica kept from budget's ``budget.account_changed`` events
    (portfolio never reads budget's tables). Eventually consistent: a new account appears here a moment after
    budget commits it. ``changed_at`` is the ``occurred_at`` of the event applied last; an older one is ignored."""

    __tablename__ = "budget_accounts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    household_id: Mapped[uuid.UUID] = mapped_column(index=True)
    type: Mapped[str] = mapped_column(String(30))
    currency: Mapped[str] = mapped_column(String(3))
    archived: Mapped[bool] = mapped_column()
    deleted: Mapped[bool] = mapped_column()
    changed_at: Mapped[datetime] = mapped_column()


QUANTITY = Numeric(28, 10, asdecimal=True)
"""Units of an instrument: ten decimals (fractional shares, crypto)."""
PRICE = Numeric(28, 10, asdecimal=True)
"""A price per unit, or a cash amount of an activity, exact as entered or published."""
RATE = Numeric(28, 12, asdecimal=True)
"""An exchange rate: units of the quote currency for one unit of the base."""


class Instrument(Base):
    """Something a portfolio can hold. A **listed** instrument (``household_id`` null) is public market data shared
    by every household, one row per symbol and exchange, priced once for everyone; a **user-defined** one (a house,
    a private fund, an unlisted share) belongs to one household, is seen only by it and is priced by hand."""

    __tablename__ = "instruments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    household_id: Mapped[uuid.UUID | None] = mapped_column()
    symbol: Mapped[str] = mapped_column(String(40))
    exchange: Mapped[str] = mapped_column(String(20), server_default="", default="")
    """MIC or common exchange code (``XNAS``, ``XETR``); empty when unknown or not listed."""
    isin: Mapped[str | None] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    asset_class: Mapped[str] = mapped_column(String(20))
    region: Mapped[str] = mapped_column(String(60), server_default="", default="")
    sector: Mapped[str] = mapped_column(String(60), server_default="", default="")
    codes: Mapped[dict[str, str]] = mapped_column(JSONB, server_default="{}", default=dict)
    """The instrument's symbol at each price source that spells it differently: ``{"yahoo": "VWCE.DE"}``."""
    sources: Mapped[list[str] | None] = mapped_column(ARRAY(String(40)))
    """Price sources to ask, in order; ``None`` for the default chain of its asset class."""
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now(), default=utcnow)

    __table_args__ = (
        Index(
            "uq_instruments_listed", "symbol", "exchange", unique=True, postgresql_where=text("household_id IS NULL")
        ),
        Index(
            "uq_instruments_own",
            "household_id",
            "symbol",
            unique=True,
            postgresql_where=text("household_id IS NOT NULL"),
        ),
        Index("ix_instruments_isin", "isin"),
        CheckConstraint(
            "asset_class IN ('equity','bond','fund','crypto','cash','commodity','real_estate')", name="asset_class"
        ),
    )


class Activity(Base):
    """One investment transaction; see ``subgraphs.portfolio.activities`` for the meaning of each column by kind.
    ``seq`` orders activities entered on the same day the way they were entered."""

    __tablename__ = "activities"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True))
    household_id: Mapped[uuid.UUID] = mapped_column()
    portfolio_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("portfolios.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    date: Mapped[dt.date] = mapped_column()
    instrument_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("instruments.id", ondelete="RESTRICT"))
    currency: Mapped[str] = mapped_column(String(3))
    quantity: Mapped[Decimal] = mapped_column(QUANTITY, server_default="0", default=Decimal(0))
    price: Mapped[Decimal] = mapped_column(PRICE, server_default="0", default=Decimal(0))
    amount: Mapped[Decimal] = mapped_column(PRICE, server_default="0", default=Decimal(0))
    fee: Mapped[Decimal] = mapped_column(PRICE, server_default="0", default=Decimal(0))
    tax: Mapped[Decimal] = mapped_column(PRICE, server_default="0", default=Decimal(0))
    fx_rate: Mapped[Decimal | None] = mapped_column(RATE)
    split_from: Mapped[Decimal] = mapped_column(QUANTITY, server_default="0", default=Decimal(0))
    split_to: Mapped[Decimal] = mapped_column(QUANTITY, server_default="0", default=Decimal(0))
    memo: Mapped[str] = mapped_column(String(500), server_default="", default="")
    fingerprint: Mapped[str | None] = mapped_column(String(200))
    """What recognises an imported row when the same statement is imported again."""
    import_id: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now(), default=utcnow)

    __table_args__ = (
        Index("ix_activities_portfolio_date", "portfolio_id", "date", "seq"),
        Index("ix_activities_instrument", "instrument_id"),
        Index("ix_activities_household_date", "household_id", "date"),
        Index("uq_activities_fingerprint", "portfolio_id", "fingerprint", unique=True),
        CheckConstraint(
            "quantity >= 0 AND price >= 0 AND amount >= 0 AND fee >= 0 AND tax >= 0 AND split_from >= 0 "
            "AND split_to >= 0 AND (fx_rate IS NULL OR fx_rate > 0)",
            name="non_negative",
        ),
    )


class Price(Base):
    """An instrument's closing (or latest) price on a day, with where it came from and when the source set it.
    One row per instrument and day: a manual price or an uploaded history is never overwritten by a fetched one."""

    __tablename__ = "prices"

    instrument_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("instruments.id", ondelete="CASCADE"), primary_key=True)
    date: Mapped[dt.date] = mapped_column(primary_key=True)
    price: Mapped[Decimal] = mapped_column(PRICE)
    currency: Mapped[str] = mapped_column(String(3))
    source: Mapped[str] = mapped_column(String(40))
    """The plugin's name (``yahoo``), ``manual`` or ``upload``."""
    as_of: Mapped[dt.datetime] = mapped_column()
    """When the source says the price was set (UTC)."""
    fetched_at: Mapped[dt.datetime] = mapped_column(server_default=func.now(), default=utcnow)

    __table_args__ = (CheckConstraint("price > 0", name="price_positive"),)


class FxRate(Base):
    """Portfolio's own exchange rates (from the ``ecb`` price source): one ``base`` bought ``rate`` ``quote``."""

    __tablename__ = "fx_rates"

    base: Mapped[str] = mapped_column(String(3), primary_key=True)
    quote: Mapped[str] = mapped_column(String(3), primary_key=True)
    date: Mapped[dt.date] = mapped_column(primary_key=True)
    rate: Mapped[Decimal] = mapped_column(RATE)
    source: Mapped[str] = mapped_column(String(40))

    __table_args__ = (CheckConstraint("rate > 0", name="rate_positive"),)


class SourceStatus(Base):
    """How each price source fared on its last runs: what an operator or a user reads when a price is late."""

    __tablename__ = "source_status"

    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_success_at: Mapped[dt.datetime | None] = mapped_column()
    last_failure_at: Mapped[dt.datetime | None] = mapped_column()
    last_error: Mapped[str] = mapped_column(String(500), server_default="", default="")
    failures: Mapped[int] = mapped_column(server_default="0", default=0)
    """Consecutive failed runs."""


class Target(Base):
    """A portfolio's target weight for one key of one dimension (asset class ``equity``, currency ``EUR``, ...)."""

    __tablename__ = "targets"

    portfolio_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("portfolios.id", ondelete="CASCADE"), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    household_id: Mapped[uuid.UUID] = mapped_column()
    weight: Mapped[Decimal] = mapped_column(Numeric(9, 8))

    __table_args__ = (CheckConstraint("weight >= 0 AND weight <= 1", name="weight_fraction"),)


class NewsItem(Base):
    """A news story about listed instruments, fetched from the configured feeds (public, shared by everyone)."""

    __tablename__ = "news_items"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    dedupe_key: Mapped[str] = mapped_column(String(500), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    url: Mapped[str] = mapped_column(String(2000))
    summary: Mapped[str] = mapped_column(Text, server_default="", default="")
    source: Mapped[str] = mapped_column(String(200), server_default="", default="")
    published_at: Mapped[dt.datetime | None] = mapped_column()
    fetched_at: Mapped[dt.datetime] = mapped_column(server_default=func.now(), default=utcnow)

    __table_args__ = (Index("ix_news_items_published", "published_at"),)


class NewsLink(Base):
    __tablename__ = "news_links"

    news_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("news_items.id", ondelete="CASCADE"), primary_key=True)
    instrument_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("instruments.id", ondelete="CASCADE"), primary_key=True)

    __table_args__ = (Index("ix_news_links_instrument", "instrument_id", "news_id"),)


class FeedState(Base):
    """Conditional-GET validators of each feed URL, so an unchanged feed costs a 304."""

    __tablename__ = "feed_state"

    url: Mapped[str] = mapped_column(String(2000), primary_key=True)
    etag: Mapped[str | None] = mapped_column(String(500))
    modified: Mapped[str | None] = mapped_column(String(100))
    fetched_at: Mapped[dt.datetime | None] = mapped_column()
    last_error: Mapped[str] = mapped_column(String(500), server_default="", default="")


class Alert(Base):
    """A price alert (``price_above``, ``price_below``, ``day_move`` on an instrument) or a portfolio alert
    (``drawdown``, ``day_change`` on a portfolio). ``armed`` is false between a crossing and the return to the
    other side, so each crossing writes one event."""

    __tablename__ = "alerts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    household_id: Mapped[uuid.UUID] = mapped_column()
    kind: Mapped[str] = mapped_column(String(20))
    instrument_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("instruments.id", ondelete="CASCADE"))
    portfolio_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("portfolios.id", ondelete="CASCADE"))
    threshold: Mapped[Decimal] = mapped_column(PRICE)
    """A price (``price_above``/``price_below``, in ``currency``) or a percentage (the others: 5 is 5 %)."""
    currency: Mapped[str | None] = mapped_column(String(3))
    note: Mapped[str] = mapped_column(String(200), server_default="", default="")
    armed: Mapped[bool] = mapped_column(server_default=text("true"), default=True)
    last_triggered_at: Mapped[dt.datetime | None] = mapped_column()
    last_value: Mapped[Decimal | None] = mapped_column(PRICE)
    created_by: Mapped[uuid.UUID] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now(), default=utcnow)

    __table_args__ = (
        Index("ix_alerts_household", "household_id", "created_at"),
        Index("ix_alerts_instrument", "instrument_id"),
        CheckConstraint(
            "(kind IN ('price_above','price_below','day_move') AND instrument_id IS NOT NULL AND portfolio_id IS NULL)"
            " OR (kind IN ('drawdown','day_change') AND portfolio_id IS NOT NULL AND instrument_id IS NULL)",
            name="subject",
        ),
        CheckConstraint("threshold > 0", name="threshold_positive"),
    )


class NewsKey(Base):
    """Every key a stored story is known by (``news.items.NewsItem.identity_keys``, its ``dedupe_key`` among them),
    so a story met again under another key (a guid in one feed, only its link in another) is recognised as stored."""

    __tablename__ = "news_keys"

    key: Mapped[str] = mapped_column(String(500), primary_key=True)
    news_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("news_items.id", ondelete="CASCADE"))

    __table_args__ = (Index("ix_news_keys_news_id", "news_id"),)


class PriceVersion(Base):
    """A number that changes whenever an instrument's stored prices change (kept by statement triggers on
    ``prices``, drawn from a sequence so a rolled-back change never hands its number to a later one): what lets each
    process keep price histories in memory and reload only the instruments whose prices moved."""

    __tablename__ = "price_versions"

    instrument_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("instruments.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
