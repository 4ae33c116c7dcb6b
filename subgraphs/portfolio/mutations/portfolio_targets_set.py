from __future__ import annotations

from decimal import Decimal

import strawberry

from fincloud.graphql import NotFoundError, UserError, ValidationError
from subgraphs.portfolio.context import Context
from subgraphs.portfolio.figures import AllocationDimension
from subgraphs.portfolio.mutations._common import writable_portfolio
from subgraphs.portfolio.services.targets import TargetInputError, set_targets


@strawberry.input(description="One target weight.")
class TargetInput:
    key: str = strawberry.field(
        description="The slice: an asset class (`equity`), a currency (`EUR`), a region, a sector, or an"
        " instrument id for the INSTRUMENT dimension."
    )
    weight: Decimal = strawberry.field(description='Fraction of the portfolio, "0.6" for 60 %.')


@strawberry.input(description="A portfolio's targets along one dimension; replaces the previous ones.")
class PortfolioTargetsSetInput:
    portfolio_id: strawberry.ID = strawberry.field(description="The portfolio.")
    dimension: AllocationDimension = strawberry.field(
        description="Asset class, currency, region, sector or instrument."
    )
    targets: list[TargetInput] = strawberry.field(
        description="Weights adding up to at most 1; an empty list clears the targets of this dimension."
    )


@strawberry.type(description="A target weight.")
class Target:
    key: str = strawberry.field(description="The slice.")
    weight: Decimal = strawberry.field(description="Fraction of the portfolio.")


@strawberry.type(description="The outcome of `portfolioTargetsSet`.")
class PortfolioTargetsSetPayload:
    targets: list[Target] | None = strawberry.field(default=None, description="The targets now in force.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def portfolio_targets_set(
    info: strawberry.Info[Context, None], input: PortfolioTargetsSetInput
) -> PortfolioTargetsSetPayload:
    session = info.context.session
    try:
        async with session.begin():
            portfolio = await writable_portfolio(info, input.portfolio_id)
            if portfolio is None:
                return PortfolioTargetsSetPayload(
                    errors=[NotFoundError(field="portfolioId", message="no such portfolio")]
                )
            saved = await set_targets(
                session=session,
                portfolio=portfolio,
                dimension=input.dimension.value,
                weights=_weights(input.targets),
            )
    except TargetInputError as exc:
        return PortfolioTargetsSetPayload(errors=[ValidationError(field=exc.field, message=str(exc))])
    return PortfolioTargetsSetPayload(targets=[Target(key=k, weight=w) for k, w in sorted(saved.items())])


def _weights(targets: list[TargetInput]) -> dict[str, Decimal]:
    weights: dict[str, Decimal] = {}
    for target in targets:
        key = target.key.strip()
        if key in weights:
            raise TargetInputError(f"{key} is listed twice", field="targets")
        weights[key] = target.weight
    return weights
