from __future__ import annotations

import strawberry

from fincloud.graphql import AuthenticationError, UserError, ValidationError
from subgraphs.identity.context import Context
from subgraphs.identity.models import User
from subgraphs.identity.mutations._common import ActionPayload, api_key_refusal
from subgraphs.identity.mutations._tokens import set_cookies
from subgraphs.identity.services.accounts import LastOwnerOfSharedHouseholdError, delete_user, verify_password

CONFIRMATION = "DELETE MY ACCOUNT"


@strawberry.input(description="Deleting an account cannot be undone; it asks for the password and a phrase.")
class AccountDeleteInput:
    password: str = strawberry.field(description="The account's password.")
    confirmation: str = strawberry.field(description=f'Type exactly "{CONFIRMATION}".')


async def account_delete(info: strawberry.Info[Context, None], input: AccountDeleteInput) -> ActionPayload:
    """Delete the signed-in user and every household they are alone in, with all its data. A household shared
    with others is left (its only owner must first make someone else an owner)."""
    if refused := api_key_refusal(info.context.viewer):
        return ActionPayload(errors=refused)
    errors: list[UserError] = []
    if input.confirmation != CONFIRMATION:
        errors.append(ValidationError(field="confirmation", message=f'type exactly "{CONFIRMATION}"'))
    session = info.context.session
    async with session.begin():
        user = await session.get(User, info.context.viewer.user_id, with_for_update=True)
        if user is None:
            return ActionPayload(errors=[AuthenticationError(message="sign in first")])
        if not await verify_password(user, input.password):
            errors.append(ValidationError(field="password", message="wrong password"))
        if errors:
            return ActionPayload(errors=errors)
        try:
            await delete_user(session=session, user=user)
        except LastOwnerOfSharedHouseholdError as exc:
            await session.rollback()
            return ActionPayload(
                errors=[
                    ValidationError(
                        field="householdId",
                        message=f"you are the only owner of household {exc.household_id}, which has other members: "
                        "make one of them an owner first",
                    )
                ]
            )
    set_cookies(info.context, access=None, refresh=None, access_ttl=0, refresh_ttl=0)
    return ActionPayload(ok=True)
