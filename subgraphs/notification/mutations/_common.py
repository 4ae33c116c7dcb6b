"""What the notification mutations share: who may change a user's notification settings, and the household they
name.

Channels, preferences, settings and the inbox belong to one user. Any member of a household may set up their own
(a viewer-role member receives the household's notifications too), but only signed in as themselves: an API key is
a script acting on household data, and a leaked one must not be able to send a user's notifications somewhere new.
Marking the inbox read is the exception, open to a read-write key (a script may clear what it handled)."""

from __future__ import annotations

import uuid

import strawberry

from fincloud.auth import Viewer
from fincloud.graphql import AuthenticationError, NotFoundError, UserError, parse_id
from subgraphs.notification.context import Context

__all__ = ["household_of", "inbox_key_refusal", "key_refusal", "viewer_of"]


def viewer_of(info: strawberry.Info[Context, None]) -> Viewer:
    return info.context.viewer


def key_refusal(viewer: Viewer) -> list[UserError]:
    """Refuse API keys: notification settings are changed by the user signed in."""
    if viewer.api_key_id is None and viewer.user_id is not None:
        return []
    return [AuthenticationError(message="sign in with your password: API keys cannot change where notifications go")]


def inbox_key_refusal(viewer: Viewer) -> list[UserError]:
    """Refuse read-only API keys (a viewer's role in their household) from marking the inbox."""
    if viewer.api_key_id is None or (viewer.household_ids and all(viewer.can_write(h) for h in viewer.household_ids)):
        return []
    return [AuthenticationError(message="a read-only API key cannot change anything")]


def household_of(
    viewer: Viewer, household_id: strawberry.ID | None, *, field: str = "householdId"
) -> uuid.UUID | NotFoundError:
    """The household named (or the viewer's first) when the viewer is a member; a ``NotFoundError`` otherwise."""
    if household_id is None:
        if viewer.household_ids:
            return viewer.household_ids[0]
        return NotFoundError(field=field, message="no such household")
    parsed = parse_id(household_id)
    if parsed is None or not viewer.can_read(parsed):
        return NotFoundError(field=field, message="no such household")
    return parsed
