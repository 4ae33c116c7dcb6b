"""Portfolio's GraphQL types, and its contribution to budget's ``Account`` entity."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import Enum
from typing import Annotated

import strawberry
from sqlalchemy import select

from fincloud.graphql import Connection, MoneyType, UserInputError, paginate, parse_id
from subgraphs.portfolio import figures
from subgraphs.portfolio.activities import Kind
from subgraphs.portfolio.context import Context
from subgraphs.portfolio.models import Activity as ActivityRow
from subgraphs.portfolio.models import Alert as AlertRow
from subgraphs.portfolio.models import Instrument as InstrumentRow
from subgraphs.portfolio.models import Portfolio as PortfolioRow
from subgraphs.portfolio.models import Price as PriceRow
from subgraphs.portfolio.models import SourceStatus as SourceStatusRow
from subgraphs.portfolio.news.graphql import NewsItem, instrument_news, portfolio_news


@strawberry.federation.type(keys=["id"], description="A budget account, as seen by the portfolio subgraph.")
class Account:
    id: strawberry.ID = strawberry.field(description="Account id.")

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Account:
        return cls(id=id)

    @strawberry.field(description="The portfolio whose cash this account holds, if any.")
    async def portfolio(self, info: strawberry.Info[Context, None]) -> Portfolio | None:
        account_id = parse_id(self.id)
        row = await info.context.loaders.portfolio_by_account_id.load(account_id) if account_id else None
        return Portfolio.from_row(row) if row else None


@strawberry.federation.type(keys=["id"], description="A collection of investments tracked together.")
class Portfolio:
    id: strawberry.ID = strawberry.field(description="Portfolio id.")
    household_id: strawberry.ID = strawberry.field(description="The household that owns the portfolio.")
    name: str = strawberry.field(description='Display name, such as "Retirement".')
    base_currency: str = strawberry.field(description="ISO 4217 currency performance is reported in.")
    created_at: dt.datetime = strawberry.field(description="When the portfolio was added (UTC).")
    cost_method: CostMethod = strawberry.field(
        description="How the cost of units sold is taken: first in, first out, or the average cost of all units."
    )
    account_id: strawberry.Private[uuid.UUID | None]
    benchmark_id: strawberry.Private[uuid.UUID | None]
    row: strawberry.Private[PortfolioRow]

    @classmethod
    def from_row(cls, row: PortfolioRow) -> Portfolio:
        return cls(
            id=strawberry.ID(str(row.id)),
            household_id=strawberry.ID(str(row.household_id)),
            name=row.name,
            base_currency=row.base_currency,
            created_at=row.created_at,
            cost_method=CostMethod(row.cost_method),
            account_id=row.account_id,
            benchmark_id=row.benchmark_id,
            row=row,
        )

    @classmethod
    async def resolve_reference(cls, info: strawberry.Info[Context, None], id: strawberry.ID) -> Portfolio | None:
        portfolio_id = parse_id(id)
        row = await info.context.loaders.portfolio_by_id.load(portfolio_id) if portfolio_id else None
        return cls.from_row(row) if row else None

    @strawberry.field(description="The budget account holding this portfolio's cash, if one is linked.")
    def account(self) -> Account | None:
        return Account(id=strawberry.ID(str(self.account_id))) if self.account_id else None

    @strawberry.field(description="The instrument performance is compared against, if one is chosen.")
    async def benchmark(self, info: strawberry.Info[Context, None]) -> Instrument | None:
        if self.benchmark_id is None:
            return None
        row = await info.context.loaders.instrument_by_id.load(self.benchmark_id)
        return Instrument.from_row(row) if row else None

    @strawberry.field(description="What the portfolio is worth on a date (today by default).")
    async def valuation(
        self,
        info: strawberry.Info[Context, None],
        as_of: Annotated[dt.date | None, strawberry.argument(description="Valuation date; today if omitted.")] = None,
    ) -> figures.Valuation:
        return await figures.valuation(info, self.row, as_of)

    @strawberry.field(description="What the portfolio holds on a date, largest first.")
    async def holdings(
        self,
        info: strawberry.Info[Context, None],
        as_of: Annotated[dt.date | None, strawberry.argument(description="Valuation date; today if omitted.")] = None,
        include_closed: Annotated[
            bool, strawberry.argument(description="Also list instruments sold entirely (their realised gains).")
        ] = False,
    ) -> list[figures.Holding]:
        return await figures.holdings(info, self.row, as_of, include_closed)

    @strawberry.field(
        description="The performance table: every return figure for each period, side by side (all standard"
        " periods when `periods` is omitted, plus a custom one with `from` and `to`). Pass `instrumentId` for one"
        " holding's figures: its purchases are money in, its sales and dividends money out."
    )
    async def performance(
        self,
        info: strawberry.Info[Context, None],
        periods: Annotated[
            list[figures.PerformancePeriod] | None, strawberry.argument(description="Standard periods to include.")
        ] = None,
        from_: Annotated[
            dt.date | None, strawberry.argument(name="from", description="First day of a custom period.")
        ] = None,
        to: Annotated[dt.date | None, strawberry.argument(description="Last day of a custom period.")] = None,
        instrument_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="One holding instead of the whole portfolio.")
        ] = None,
    ) -> list[figures.PerformanceRow]:
        instrument = None
        if instrument_id is not None:
            parsed = parse_id(instrument_id)
            if parsed is None:
                raise UserInputError("no such instrument in this portfolio", field="instrumentId")
            instrument = str(parsed)
        return await figures.performance(info, self.row, periods, from_, to, instrument)

    @strawberry.field(description="The portfolio broken down by asset class, currency, region, sector or instrument.")
    async def allocation(
        self,
        info: strawberry.Info[Context, None],
        dimension: Annotated[figures.AllocationDimension, strawberry.argument(description="How to break it down.")],
        as_of: Annotated[dt.date | None, strawberry.argument(description="Valuation date; today if omitted.")] = None,
    ) -> list[figures.AllocationSlice]:
        return await figures.allocation(info, self.row, dimension, as_of)

    @strawberry.field(description="Trades that bring the portfolio to its instrument targets, or as close as allowed.")
    async def rebalancing(
        self,
        info: strawberry.Info[Context, None],
        options: Annotated[
            figures.RebalancingInput | None, strawberry.argument(description="Cash, selling, band, minimum trade.")
        ] = None,
    ) -> figures.RebalancePlan:
        return await figures.rebalancing(info, self.row, options or figures.RebalancingInput())

    @strawberry.field(description="Dividends received, trailing-year income, yield on cost and a projection.")
    async def dividends(self, info: strawberry.Info[Context, None]) -> figures.Dividends:
        return await figures.dividends(info, self.row)

    news: Connection[NewsItem] = strawberry.field(
        resolver=portfolio_news,
        description="News about the instruments the portfolio holds or has traded, and its benchmark, newest first.",
    )

    @strawberry.field(description="Investment transactions, newest first.")
    async def activities(
        self,
        info: strawberry.Info[Context, None],
        first: Annotated[int | None, strawberry.argument(description="Page size, 1 to 100 (default 50).")] = None,
        after: Annotated[str | None, strawberry.argument(description="Cursor of the last item seen.")] = None,
    ) -> Connection[Activity]:
        return await paginate(
            info.context.session,
            select(ActivityRow).where(ActivityRow.portfolio_id == uuid.UUID(self.id)),
            keys=[ActivityRow.date, ActivityRow.seq],
            node=Activity.from_row,
            first=first,
            after=after,
            descending=True,
        )


@strawberry.enum(description="What an instrument is.")
class AssetClass(Enum):
    EQUITY = "equity"
    BOND = "bond"
    FUND = "fund"
    CRYPTO = "crypto"
    CASH = "cash"
    COMMODITY = "commodity"
    REAL_ESTATE = "real_estate"


@strawberry.enum(description="How the cost of units sold is taken.")
class CostMethod(Enum):
    FIFO = "fifo"
    AVERAGE = "average"


ActivityKindEnum = strawberry.enum(Kind, name="ActivityKind", description="What an investment transaction does.")


@strawberry.type(description="An instrument's price on a day, with where it came from.")
class Price:
    date: dt.date = strawberry.field(description="The trading day the price is for.")
    price: MoneyType = strawberry.field(description="Price of one unit, exact as published or entered.")
    source: str = strawberry.field(description="Where it came from: a price source (`yahoo`), `manual` or `upload`.")
    as_of: dt.datetime = strawberry.field(description="When the source says the price was set (UTC).")

    @classmethod
    def from_row(cls, row: PriceRow) -> Price:
        return cls(
            date=row.date,
            price=MoneyType(amount=row.price, currency=row.currency),
            source=row.source,
            as_of=row.as_of,
        )


@strawberry.federation.type(keys=["id"], description="Something a portfolio can hold: a share, a fund, a coin...")
class Instrument:
    id: strawberry.ID = strawberry.field(description="Instrument id.")
    symbol: str = strawberry.field(description="Ticker symbol, upper case (`AAPL`, `VWCE`, `BTC`).")
    exchange: str = strawberry.field(description="Exchange code (MIC such as `XNAS`); empty when not listed.")
    isin: str | None = strawberry.field(description="International Securities Identification Number, if known.")
    name: str = strawberry.field(description="Display name.")
    currency: str = strawberry.field(description="ISO 4217 currency it trades and is priced in.")
    asset_class: AssetClass = strawberry.field(description="Equity, bond, fund/ETF, crypto, cash, commodity...")
    region: str = strawberry.field(description="Region it invests in or is listed in (free text, e.g. `Europe`).")
    sector: str = strawberry.field(description="Sector (free text, e.g. `Technology`).")
    user_defined: bool = strawberry.field(
        description="True for an instrument of the household's own (priced by hand); false for a listed one."
    )
    price_sources: list[str] | None = strawberry.field(
        description="Price sources asked, in order; null for the default chain of the asset class."
    )
    source_codes: list[SourceCode] = strawberry.field(description="The symbol at each source that spells it its way.")

    @classmethod
    def from_row(cls, row: InstrumentRow) -> Instrument:
        return cls(
            id=strawberry.ID(str(row.id)),
            symbol=row.symbol,
            exchange=row.exchange,
            isin=row.isin,
            name=row.name,
            currency=row.currency,
            asset_class=AssetClass(row.asset_class),
            region=row.region,
            sector=row.sector,
            user_defined=row.household_id is not None,
            price_sources=list(row.sources) if row.sources is not None else None,
            source_codes=[SourceCode(source=k, symbol=v) for k, v in sorted(row.codes.items())],
        )

    @classmethod
    async def resolve_reference(cls, info: strawberry.Info[Context, None], id: strawberry.ID) -> Instrument | None:
        instrument_id = parse_id(id)
        row = await info.context.loaders.instrument_by_id.load(instrument_id) if instrument_id else None
        return cls.from_row(row) if row else None

    @strawberry.field(description="Daily prices from `from` to `to` (inclusive), oldest first; at most 4,000 days.")
    async def prices(
        self,
        info: strawberry.Info[Context, None],
        from_: Annotated[dt.date, strawberry.argument(name="from", description="First day.")],
        to: Annotated[dt.date, strawberry.argument(description="Last day.")],
    ) -> list[Price]:
        if to < from_ or (to - from_).days > 4000:
            raise UserInputError("`from` must be on or before `to`, at most 4,000 days apart", field="from")
        rows = await info.context.session.scalars(
            select(PriceRow)
            .where(PriceRow.instrument_id == uuid.UUID(self.id), PriceRow.date >= from_, PriceRow.date <= to)
            .order_by(PriceRow.date)
        )
        return [Price.from_row(row) for row in rows]

    news: Connection[NewsItem] = strawberry.field(
        resolver=instrument_news, description="News about this instrument, newest first (listed instruments only)."
    )

    @strawberry.field(description="The newest price known, or null if none yet.")
    async def latest_price(self, info: strawberry.Info[Context, None]) -> Price | None:
        row = await info.context.loaders.latest_price_by_instrument_id.load(uuid.UUID(self.id))
        return Price.from_row(row) if row else None


@strawberry.type(description="An instrument's symbol at one price source.")
class SourceCode:
    source: str = strawberry.field(description="Price source name, such as `yahoo`.")
    symbol: str = strawberry.field(description="The symbol that source uses, such as `VWCE.DE`.")


@strawberry.type(description="An investment transaction: a purchase, a sale, a dividend, a split...")
class Activity:
    id: strawberry.ID = strawberry.field(description="Activity id.")
    portfolio_id: strawberry.ID = strawberry.field(description="The portfolio it belongs to.")
    kind: ActivityKindEnum = strawberry.field(description="What it does.")  # type: ignore[valid-type]
    date: dt.date = strawberry.field(description="Trade date.")
    quantity: Decimal = strawberry.field(description="Units bought, sold, moved or reinvested (up to 10 decimals).")
    price: Decimal = strawberry.field(description="Price per unit, in `currency`.")
    amount: Decimal = strawberry.field(description="Cash amount (dividends, interest, fees, deposits), in `currency`.")
    fee: Decimal = strawberry.field(description="Fees charged on the trade, in `currency`.")
    tax: Decimal = strawberry.field(description="Taxes charged or withheld, in `currency`.")
    currency: str = strawberry.field(description="ISO 4217 currency of the price and amounts.")
    fx_rate: Decimal | None = strawberry.field(
        description="Units of the portfolio's base currency for one unit of `currency` on the day; null if the same"
        " currency or looked up from the stored rates."
    )
    split_from: Decimal = strawberry.field(description="A split's old units (1 in a 4-for-1 split).")
    split_to: Decimal = strawberry.field(description="A split's new units (4 in a 4-for-1 split).")
    memo: str = strawberry.field(description="Free text.")
    imported: bool = strawberry.field(description="Whether it came from an imported statement.")
    instrument_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, row: ActivityRow) -> Activity:
        return cls(
            id=strawberry.ID(str(row.id)),
            portfolio_id=strawberry.ID(str(row.portfolio_id)),
            kind=Kind(row.kind),
            date=row.date,
            quantity=row.quantity.normalize(),
            price=row.price.normalize(),
            amount=row.amount.normalize(),
            fee=row.fee.normalize(),
            tax=row.tax.normalize(),
            currency=row.currency,
            fx_rate=row.fx_rate.normalize() if row.fx_rate is not None else None,
            split_from=row.split_from.normalize(),
            split_to=row.split_to.normalize(),
            memo=row.memo,
            imported=row.import_id is not None,
            instrument_id=row.instrument_id,
        )

    @strawberry.field(description="The instrument traded, if any.")
    async def instrument(self, info: strawberry.Info[Context, None]) -> Instrument | None:
        if self.instrument_id is None:
            return None
        row = await info.context.loaders.instrument_by_id.load(self.instrument_id)
        return Instrument.from_row(row) if row else None


@strawberry.enum(description="What an alert watches.")
class AlertKind(Enum):
    PRICE_ABOVE = "price_above"
    PRICE_BELOW = "price_below"
    DAY_MOVE = "day_move"
    DRAWDOWN = "drawdown"
    DAY_CHANGE = "day_change"


@strawberry.type(description="A price or portfolio alert.")
class Alert:
    id: strawberry.ID = strawberry.field(description="Alert id.")
    household_id: strawberry.ID = strawberry.field(description="The household it belongs to.")
    kind: AlertKind = strawberry.field(description="What it watches.")
    threshold: Decimal = strawberry.field(description="A price, or a percentage (5 is 5 %).")
    currency: str | None = strawberry.field(description="The threshold's currency, for price levels.")
    note: str = strawberry.field(description="The reminder shown with the notification.")
    armed: bool = strawberry.field(
        description="False between a crossing and the return to the other side; it fires again once re-armed."
    )
    last_triggered_at: dt.datetime | None = strawberry.field(description="When it last fired (UTC).")
    last_value: Decimal | None = strawberry.field(description="The value it was last judged on.")
    created_at: dt.datetime = strawberry.field(description="When it was set up (UTC).")
    instrument_id: strawberry.Private[uuid.UUID | None]
    portfolio_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, row: AlertRow) -> Alert:
        return cls(
            id=strawberry.ID(str(row.id)),
            household_id=strawberry.ID(str(row.household_id)),
            kind=AlertKind(row.kind),
            threshold=row.threshold,
            currency=row.currency,
            note=row.note,
            armed=row.armed,
            last_triggered_at=row.last_triggered_at,
            last_value=row.last_value,
            created_at=row.created_at,
            instrument_id=row.instrument_id,
            portfolio_id=row.portfolio_id,
        )

    @strawberry.field(description="The instrument watched by a price alert.")
    async def instrument(self, info: strawberry.Info[Context, None]) -> Instrument | None:
        if self.instrument_id is None:
            return None
        row = await info.context.loaders.instrument_by_id.load(self.instrument_id)
        return Instrument.from_row(row) if row else None

    @strawberry.field(description="The portfolio watched by a portfolio alert.")
    async def portfolio(self, info: strawberry.Info[Context, None]) -> Portfolio | None:
        if self.portfolio_id is None:
            return None
        row = await info.context.loaders.portfolio_by_id.load(self.portfolio_id)
        return Portfolio.from_row(row) if row else None


@strawberry.type(description="A price source's recent record.")
class SourceStatus:
    source: str = strawberry.field(description="The source's name, such as `yahoo`.")
    last_success_at: dt.datetime | None = strawberry.field(description="When it last delivered prices (UTC).")
    last_failure_at: dt.datetime | None = strawberry.field(description="When it last failed (UTC).")
    last_error: str = strawberry.field(description="What went wrong last time; empty if nothing.")
    failures: int = strawberry.field(description="Consecutive failed runs.")

    @classmethod
    def from_row(cls, row: SourceStatusRow) -> SourceStatus:
        return cls(
            source=row.source,
            last_success_at=row.last_success_at,
            last_failure_at=row.last_failure_at,
            last_error=row.last_error,
            failures=row.failures,
        )
