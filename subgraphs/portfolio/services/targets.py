"""Target allocations. Keyword-only async functions; no GraphQL here. Callers own the transaction."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.portfolio.models import Portfolio, Target

__all__ = ["DIMENSIONS", "TargetInputError", "set_targets", "targets_of"]

DIMENSIONS = ("asset_class", "currency", "region", "sector", "instrument")
"""What an allocation is broken down by; an ``instrument`` key is the instrument's id."""


class TargetInputError(ValueError):
    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


async def set_targets(
    *, session: AsyncSession, portfolio: Portfolio, dimension: str, weights: Mapping[str, Decimal]
) -> dict[str, Decimal]:
    """Replace the portfolio's targets along ``dimension`` with ``weights`` (fractions: 0.6 is 60 %), which must
    add up to at most 1 (what is left is not targeted). An empty mapping clears them."""
    if dimension not in DIMENSIONS:
        raise TargetInputError(f"the dimension is one of {', '.join(DIMENSIONS)}", field="dimension")
    cleaned: dict[str, Decimal] = {}
    for key, weight in weights.items():
        name = key.strip()
        if not 0 < len(name) <= 60:
            raise TargetInputError("each target needs a key of 1 to 60 characters", field="targets")
        if name in cleaned:
            raise TargetInputError(f"{name} is listed twice", field="targets")
        if not weight.is_finite() or not Decimal(0) <= weight <= 1:
            raise TargetInputError(f"the weight of {name} is a fraction from 0 to 1", field="targets")
        exponent = weight.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -8:
            raise TargetInputError(f"the weight of {name} has more than 8 decimal places", field="targets")
        cleaned[name] = weight
    if sum(cleaned.values(), Decimal(0)) > 1:
        raise TargetInputError("the weights add up to more than 1 (100 %)", field="targets")
    await session.execute(delete(Target).where(Target.portfolio_id == portfolio.id, Target.dimension == dimension))
    session.add_all(
        Target(portfolio_id=portfolio.id, household_id=portfolio.household_id, dimension=dimension, key=k, weight=w)
        for k, w in cleaned.items()
    )
    await session.flush()
    return cleaned


async def targets_of(*, session: AsyncSession, portfolio_id: object, dimension: str) -> dict[str, Decimal]:
    rows = await session.execute(
        select(Target.key, Target.weight).where(Target.portfolio_id == portfolio_id, Target.dimension == dimension)
    )
    return {key: weight for key, weight in rows.all()}
