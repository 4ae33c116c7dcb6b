from __future__ import annotations

import strawberry

from fincloud.graphql import AuthenticationError, UserError
from subgraphs.identity.context import Context
from subgraphs.identity.mutations._tokens import client_ip, refresh_cookie, set_cookies
from subgraphs.identity.services.audit import AuditKind, record
from subgraphs.identity.services.sessions import family_of, revoke_all, revoke_family


@strawberry.input(description="Which session to end.")
class LogoutInput:
    refresh_token: str | None = strawberry.field(
        default=None, description="The session's refresh token; omit it to use the `fincloud_refresh` cookie."
    )
    everywhere: bool = strawberry.field(default=False, description="End every session of this user, on every device.")


@strawberry.type(description="The outcome of `logout`.")
class LogoutPayload:
    ok: bool = strawberry.field(description="Whether a session was ended.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def logout(info: strawberry.Info[Context, None], input: LogoutInput | None = None) -> LogoutPayload:
    """End this session (its refresh tokens stop working) or, with `everywhere`, all of the user's sessions.
    Access tokens already issued expire on their own within minutes."""
    context = info.context
    data = input or LogoutInput()
    token = data.refresh_token or refresh_cookie(context)
    set_cookies(context, access=None, refresh=None, access_ttl=0, refresh_ttl=0)
    session = context.session
    async with session.begin():
        link = await family_of(session=session, token=token) if token else None
        user_id = link.user_id if link is not None else context.viewer.user_id
        if user_id is None:
            return LogoutPayload(ok=False, errors=[AuthenticationError(message="no session to end")])
        if link is None and context.viewer.api_key_id is not None:
            message = "sign in with your password: an API key cannot end its owner's sessions"
            return LogoutPayload(ok=False, errors=[AuthenticationError(message=message)])
        if data.everywhere:
            await revoke_all(session=session, user_id=user_id)
            await record(session, AuditKind.LOGGED_OUT_EVERYWHERE, user_id=user_id, ip=client_ip(context))
        elif link is not None:
            await revoke_family(session=session, family_id=link.family_id)
            await record(session, AuditKind.LOGGED_OUT, user_id=user_id, ip=client_ip(context))
        else:
            return LogoutPayload(ok=False, errors=[AuthenticationError(message="no session to end")])
    return LogoutPayload(ok=True)
