from __future__ import annotations

import strawberry

from fincloud.graphql import NotFoundError, UserError, ValidationError, parse_id
from subgraphs.budget.categorisation.types import CategorySuggestion
from subgraphs.budget.context import Context
from subgraphs.budget.mutations._rules import writable_households
from subgraphs.budget.services.rules import SuggestionError, TransactionNotFoundError, accept_suggestion
from subgraphs.budget.types import Transaction


@strawberry.input(description="Accept the category suggested for a transaction.")
class CategorySuggestionAcceptInput:
    transaction_id: strawberry.ID = strawberry.field(description="The transaction.")
    category_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The suggested category the user saw; if the suggestion has changed since, nothing is done.",
    )


@strawberry.type(description="The outcome of `categorySuggestionAccept`.")
class CategorySuggestionAcceptPayload:
    transaction: Transaction | None = strawberry.field(default=None, description="The transaction, categorised.")
    suggestion: CategorySuggestion | None = strawberry.field(default=None, description="What was accepted.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def category_suggestion_accept(
    info: strawberry.Info[Context, None], input: CategorySuggestionAcceptInput
) -> CategorySuggestionAcceptPayload:
    """Gives the transaction the suggested category, with a rule's payee rename and tags."""
    transaction_id = parse_id(input.transaction_id)
    missing = CategorySuggestionAcceptPayload(
        errors=[NotFoundError(field="transactionId", message="no such transaction")]
    )
    if transaction_id is None:
        return missing
    expected = parse_id(input.category_id)
    if input.category_id is not None and expected is None:
        return CategorySuggestionAcceptPayload(
            errors=[ValidationError(field="categoryId", message="the suggestion has changed; look at it again")]
        )
    session = info.context.session
    try:
        async with session.begin():
            _, suggestion = await accept_suggestion(
                session=session,
                household_ids=writable_households(info),
                transaction_id=transaction_id,
                expected_category_id=expected,
            )
    except TransactionNotFoundError:
        return missing
    except SuggestionError as exc:
        return CategorySuggestionAcceptPayload(errors=[ValidationError(field=exc.field, message=str(exc))])
    info.context.loaders.transaction_by_id.clear(transaction_id)
    row = await info.context.loaders.transaction_by_id.load(transaction_id)
    return CategorySuggestionAcceptPayload(
        transaction=Transaction.from_row(row) if row else None, suggestion=CategorySuggestion.of(suggestion)
    )
