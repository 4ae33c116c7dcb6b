"""Budget's live subscriptions."""

from __future__ import annotations

import strawberry

from fincloud.graphql import IsAuthenticated
from subgraphs.budget.imports.subscriptions import import_progress


@strawberry.type
class Subscription:
    import_progress = strawberry.subscription(
        resolver=import_progress,
        description="The progress of an import's commit: its stored state first, then each step until it is "
        "committed or failed. Ends then, or when the access token expires.",
        permission_classes=[IsAuthenticated],
    )
